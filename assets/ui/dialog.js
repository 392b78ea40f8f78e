// Modal dialogs on the native <dialog>: a confirmation that resolves to true or false, and a panel.

import { h } from "./dom.js";

// `closed` resolves to the `value` of the action chosen, or "" when the dialog is dismissed
// (Escape, or one of `closeKeys`). A modal owns the keyboard: keys pressed in it never reach the
// page's or the editor's hotkeys, which listen on the document.
export function showDialog({ title, body, actions = [{ label: "Close", value: "" }], className = "", closeKeys = [] }) {
  const titleId = `dialog-${Math.random().toString(36).slice(2)}`;
  const dialog = h("dialog", { class: `dialog ${className}`, "aria-labelledby": titleId },
    h("form", { method: "dialog" },
      h("h2", { id: titleId }, title),
      h("div", { class: "dialog-body" }, body),
      h("div", { class: "dialog-actions" }, actions.map((action) =>
        h("button", { value: action.value, class: action.kind ?? "", autofocus: action.autofocus ?? false },
          action.label)))));
  dialog.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape" || closeKeys.includes(event.key)) {
      event.preventDefault();
      dialog.close("");
    }
  });
  document.body.append(dialog);
  const closed = new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue);
    });
  });
  dialog.showModal();
  return { dialog, closed, close: () => dialog.close("") };
}

export async function confirmDialog({ title, message, confirmLabel = "OK", danger = false }) {
  const { closed } = showDialog({
    title,
    body: h("p", {}, message),
    actions: [
      { label: "Cancel", value: "", autofocus: true },
      { label: confirmLabel, value: "confirm", kind: danger ? "danger" : "primary" },
    ],
  });
  return (await closed) === "confirm";
}
