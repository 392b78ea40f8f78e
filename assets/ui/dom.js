// Building DOM from data: elements whose text is always set as text, never parsed as HTML.

// h("button", {class: "primary", type: "button", onclick: save}, "Save") → <button>.
// Props: `class`, `dataset`, `on<event>` handlers, known properties (value, checked, disabled,
// hidden, htmlFor …) set as properties, anything else as an attribute. Children: nodes, strings
// (as text), arrays of those; null, undefined and false are left out.
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) setProp(element, name, value);
  element.append(...nodes(children));
  return element;
}

function setProp(element, name, value) {
  if (value === undefined || value === null || value === false) return;
  if (name === "class") element.className = value;
  else if (name === "dataset") Object.assign(element.dataset, value);
  else if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
  else if (name in element && typeof value !== "string") element[name] = value;
  else if (name === "value" || name === "htmlFor") element[name] = value;
  else element.setAttribute(name, value === true ? "" : String(value));
}

function nodes(children) {
  return children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}

const numberFormat = new Intl.NumberFormat();

export function formatNumber(value) {
  return numberFormat.format(value);
}

// "1 task", "3 tasks".
export function plural(count, noun, nouns = `${noun}s`) {
  return `${formatNumber(count)} ${count === 1 ? noun : nouns}`;
}

export function formatDate(secondsOrText) {
  const date = typeof secondsOrText === "number" ? new Date(secondsOrText * 1000) : new Date(secondsOrText);
  return Number.isNaN(date.getTime()) ? String(secondsOrText) : date.toLocaleString();
}

// A page's main heading, focusable so the shell can move focus to it after navigating.
export function pageHeading(text, ...extra) {
  return h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, text), ...extra);
}
