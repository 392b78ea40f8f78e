// <Filter toName="labels-or-choices">: a quick search box that hides the labels or choices of
// that control whose text does not contain what is typed (from `minlength` characters on).

import { attr, flag } from "../editor/config.js";

export default {
  name: "Filter",
  kind: "visual",
  render(node, ctx) {
    const target = (node.attrs.toname || "").trim();
    const input = document.createElement("input");
    input.type = "search";
    input.className = "lsd-filter";
    input.placeholder = attr(node, "placeholder", "Quick Filter");
    input.setAttribute("aria-label", `Filter ${target}`);
    if (node.attrs.style) input.style.cssText = node.attrs.style;
    const minLength = Number(attr(node, "minlength", "3")) || 0;
    const caseSensitive = flag(node, "caseSensitive");

    const controlElement = () => {
      const root = input.closest(".lsd-editor") || document;
      return [...root.querySelectorAll("[data-control], [role=group][aria-label]")]
        .find((element) => (element.dataset.control || element.getAttribute("aria-label")) === target) || null;
    };
    const apply = () => {
      const control = controlElement();
      if (!control) return;
      const query = caseSensitive ? input.value : input.value.toLowerCase();
      for (const option of control.querySelectorAll(".lsd-label, .lsd-choice")) {
        const text = option.textContent;
        option.hidden = query.length >= Math.max(1, minLength) && !(caseSensitive ? text : text.toLowerCase()).includes(query);
      }
    };
    input.addEventListener("input", apply);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        input.value = "";
        apply();
        input.blur();
      }
    });
    if (node.attrs.hotkey) {
      ctx.hotkeys.add(node.attrs.hotkey, `Filter ${target}`, () => input.focus());
    }
    return input;
  },
};
