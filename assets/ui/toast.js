// Short-lived status messages in a corner, announced to screen readers.

import { h } from "./dom.js";

const SHOWN_MS = 4000;

function region() {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts", class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(box);
  }
  return box;
}

export function toast(text, kind = "ok") {
  const item = h("div", { class: `toast ${kind}` }, text);
  region().append(item);
  setTimeout(() => item.remove(), kind === "error" ? SHOWN_MS * 2 : SHOWN_MS);
}
