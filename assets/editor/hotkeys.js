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
  if (event.shiftKey && event.key.length !== 1) parts.push("shift");
  let key = event.key.toLowerCase();
  if (key === " ") key = "space";
  if (event.shiftKey && event.key.length === 1 && !/[a-z]/i.test(event.key)) {
    // "?" is shift+/ on most layouts: keep the character the user typed.
  } else if (event.shiftKey && event.key.length === 1) {
    parts.push("shift");
  }
  parts.push(key);
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
