// <Number>: a number input (or a slider); {type: "number", value: {number: n}}; empty removes it.
// The hotkey steps the number up by `step`.

import { currentItem, writeAnswer } from "../editor/answers.js";
import { attr, flag } from "../editor/config.js";
import { validateRequired } from "../editor/required.js";
import { selectedRegion } from "../editor/targets.js";
import { bindVisibility, isShown } from "../editor/visibility.js";

export default {
  name: "Number",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const box = document.createElement("div");
    box.className = "lsd-number";
    box.dataset.control = name;
    const input = document.createElement("input");
    input.type = flag(node, "slider") ? "range" : "number";
    input.setAttribute("aria-label", name);
    for (const key of ["min", "max", "step"]) if (attr(node, key) !== undefined) input[key] = attr(node, key);
    if (attr(node, "defaultValue") !== undefined) input.placeholder = attr(node, "defaultValue");
    const shown = document.createElement("output");
    box.append(input);
    if (input.type === "range") box.append(shown);

    const current = () => {
      const item = currentItem(node, ctx);
      return item && item.value && typeof item.value.number === "number" ? item.value.number : null;
    };
    const set = (value) => {
      if (flag(node, "perRegion") && !selectedRegion(node, ctx)) return;
      writeAnswer(node, ctx, "number", value === null ? null : { number: value });
    };
    input.addEventListener("change", () => {
      const value = input.value === "" ? null : Number(input.value);
      set(value === null || Number.isNaN(value) ? null : value);
    });
    ctx.hotkeys.addWithHint(node, box, `Number up (${name})`, () => {
      if (!isShown(box)) return;
      const step = Number(attr(node, "step")) || 1;
      const max = attr(node, "max") !== undefined ? Number(attr(node, "max")) : Infinity;
      const base = current() ?? (attr(node, "min") !== undefined ? Number(attr(node, "min")) - step : 0);
      set(Math.min(max, base + step));
    });
    const refresh = () => {
      const value = current();
      if (document.activeElement !== input) input.value = value === null ? "" : String(value);
      shown.textContent = value === null ? "" : String(value);
    };
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx, (item) => Boolean(item && item.value && typeof item.value.number === "number"));
  },
};
