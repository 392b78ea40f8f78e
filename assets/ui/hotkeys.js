// Reading key presses as hotkey names ("ctrl+enter", "?") and telling when the user is typing.

// Typing places keep their keys: a hotkey must not fire while text is being entered.
export function isTyping(event) {
  const target = event.composedPath?.()[0] ?? event.target;
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  if (target.tagName !== "INPUT") return false;
  return !["button", "checkbox", "radio", "range", "submit", "reset", "color", "file"].includes(target.type);
}

// "ctrl+enter", "ctrl+space", "alt+enter", "?": modifiers first, then the key, lower case.
// On a Mac, cmd counts as ctrl, as in Label Studio.
export function hotkeyName(event) {
  const key = event.key === " " ? "space" : event.key.toLowerCase();
  if (key === "?") return "?";
  const modifiers = [];
  if (event.ctrlKey || event.metaKey) modifiers.push("ctrl");
  if (event.altKey) modifiers.push("alt");
  if (event.shiftKey) modifiers.push("shift");
  return [...modifiers, key].join("+");
}
