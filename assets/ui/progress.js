// A labelled progress bar: a fraction from 0 to 1, or null while the amount is unknown.

import { h } from "./dom.js";

export function progressBar(label) {
  const bar = h("progress", { max: 1, "aria-label": label });
  const text = h("span", { class: "progress-text" });
  const element = h("div", { class: "progress" }, bar, text);
  return {
    element,
    set(fraction, caption = "") {
      if (fraction === null) bar.removeAttribute("value");
      else bar.value = fraction;
      text.textContent = caption;
    },
  };
}
