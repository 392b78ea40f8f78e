// Keyboard shortcuts of the editor: registered by tags, never fired while the user types.

// Label Studio gives labels and choices without a `hotkey` the first free key of this list.
const AUTO_KEYS = "1234567890qwetasdfgzxcvbyiopjklnm";

// Inputs that take no typed text: a focused checkbox or radio must not swallow hotkeys.
const KEYLESS_INPUTS = ["checkbox", "radio", "button", "submit", "reset", "image"];

export function isTyping(event) {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target.tagName === "INPUT") return !KEYLESS_INPUTS.includes(target.type);
  return target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName);
}

// "ctrl+shift+z" for a keydown event (Mac's cmd counts as ctrl).
export function comboOf(event) {
  const parts = [];
  if (event.ctrlKey || event.metaKey) parts.push("ctrl");
  if (event.altKey) parts.push("alt");
  // Shift counts for named keys (space too) and letters; "?" is shift+/ on most layouts, so for
  // other characters the one the user typed is the key.
  const named = event.key.length !== 1 || event.key === " ";
  if (event.shiftKey && (named || /[a-z]/i.test(event.key))) parts.push("shift");
  parts.push(event.key === " " ? "space" : event.key.toLowerCase());
  return parts.join("+");
}

export class Hotkeys {
  // `listening: false` registers bindings (for the help list) without answering keys.
  constructor({ listening = true } = {}) {
    this.bindings = new Map(); // combo → {description, handler}
    this.used = new Set();
    this.onKeyDown = (event) => this.handle(event);
    if (listening) document.addEventListener("keydown", this.onKeyDown);
  }

  // Bind a combo; an explicit key wins over automatic ones.
  add(combo, description, handler) {
    const key = combo.toLowerCase();
    this.used.add(key);
    this.bindings.set(key, { description, handler });
  }

  // The next unused key of Label Studio's automatic list, or null.
  nextFree() {
    for (const key of AUTO_KEYS) if (!this.used.has(key)) return key;
    return null;
  }

  // Bind the node's own `hotkey`, else the next free key, and show it as a <kbd> hint at the end of
  // `element`; nothing when no key is left.
  addWithHint(node, element, description, handler) {
    const key = node.attrs.hotkey || this.nextFree();
    if (!key) return;
    const hint = document.createElement("kbd");
    hint.textContent = key;
    element.append(hint);
    this.add(key, description, handler);
  }

  reserve(combo) {
    this.used.add(combo.toLowerCase());
  }

  handle(event) {
    if (isTyping(event)) return;
    const binding = this.bindings.get(comboOf(event));
    if (!binding) return;
    event.preventDefault();
    binding.handler(event);
  }

  list() {
    return [...this.bindings].map(([keys, { description }]) => ({ keys, description }));
  }

  destroy() {
    document.removeEventListener("keydown", this.onKeyDown);
  }
}
