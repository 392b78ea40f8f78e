// Tag modules by name: each tag of the config language lives in /assets/tags/<name>.js and is loaded on demand.

const loaded = new Map();

// Tags that share a module with another tag.
const ALIASES = { audioplus: "audio" };

export function moduleNameFor(tagName) {
  const lower = tagName.toLowerCase();
  return ALIASES[lower] || lower;
}

// Load the modules of every tag in the config. A tag without a module is unsupported; a module
// that is there but fails to load (a syntax error, a failed import) keeps its error to show.
export async function loadTags(tagNames) {
  const wanted = [...new Set(tagNames.map(moduleNameFor))].filter((name) => !loaded.has(name));
  await Promise.all(wanted.map(async (name) => {
    // Relative to this module, so the tags come from the same (versioned) folder as the editor.
    const url = new URL(`../tags/${name}.js`, import.meta.url).href;
    try {
      const module = await import(url);
      loaded.set(name, module.default);
    } catch (error) {
      loaded.set(name, (await isMissing(url)) ? null : error);
    }
  }));
}

async function isMissing(url) {
  try {
    return (await fetch(url, { method: "HEAD" })).status === 404;
  } catch {
    return false;
  }
}

// The module of a tag (after loadTags), or null when lsdesk does not support it or it failed to load.
export function tagModule(tagName) {
  const module = loaded.get(moduleNameFor(tagName));
  return module instanceof Error ? null : module || null;
}

// The error a tag's module failed to load with, or null.
export function tagLoadError(tagName) {
  const module = loaded.get(moduleNameFor(tagName));
  return module instanceof Error ? module : null;
}
