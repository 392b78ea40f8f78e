// The label config as a tree of nodes: {tag, attrs (lower-case names), children, text, line}.

export class ConfigError extends Error {}

// Parse the XML text; tag names keep their spelling, attribute names are lower-cased
// (Label Studio reads both case-insensitively).
export function parseConfig(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const failure = doc.querySelector("parsererror");
  if (failure) throw new ConfigError(`The label config is not valid XML: ${failure.textContent.trim().split("\n")[0]}`);
  return toNode(doc.documentElement);
}

function toNode(element) {
  const attrs = {};
  for (const attribute of element.attributes) attrs[attribute.name.toLowerCase()] = attribute.value;
  const children = [];
  let text = "";
  for (const child of element.childNodes) {
    if (child.nodeType === Node.ELEMENT_NODE) children.push(toNode(child));
    else if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.CDATA_SECTION_NODE) text += child.nodeValue;
  }
  return { tag: element.tagName, attrs, children, text: text.trim(), element };
}

// Every node of the tree, depth first.
export function* walk(node) {
  yield node;
  for (const child of node.children) yield* walk(child);
}

// An attribute as a boolean: "true"/"false" as Label Studio reads them.
export function flag(node, name, fallback = false) {
  const value = node.attrs[name.toLowerCase()];
  if (value === undefined) return fallback;
  return value === "true" || value === "1" || value === "yes";
}

export function attr(node, name, fallback = undefined) {
  const value = node.attrs[name.toLowerCase()];
  return value === undefined ? fallback : value;
}
