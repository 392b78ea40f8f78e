// Tag modules by name: each tag of the config language lives in /assets/tags/<name>.js and is loaded on demand.

const loaded = new Map();

// Tags that share a module with another tag.
const ALIASES = { audioplus: "audio" };

export function moduleNameFor(tagName) {
  const lower = tagName.toLowerCase();
  return ALIASES[lower] || lower;
}

// Load the modules of every tag in the config; resolves to a Map lower-case name → module or Error.
export async function loadTags(tagNames) {
  const wanted = [...new Set(tagNames.map(moduleNameFor))].filter((name) => !loaded.has(name));
  await Promise.all(wanted.map(async (name) => {
    try {
      const module = await import(`/assets/tags/${name}.js`);
      loaded.set(name, module.default);
    } catch (error) {
      loaded.set(name, null);
    }
  }));
}

// The module of a tag (after loadTags), or null when lsdesk does not support it.
export function tagModule(tagName) {
  return loaded.get(moduleNameFor(tagName)) || null;
}
