// <Pairwise toName="a,b">: pick the left or the right object; {type: "pairwise",
// value: {selected: "left"|"right"}} with to_name set to the Pairwise's own name, as Label Studio does.
// Clicking the chosen side again clears it.

import { attr } from "../editor/config.js";
import { validateRequired } from "../editor/required.js";
import { newRegionId } from "../editor/store.js";
import { bindVisibility } from "../editor/visibility.js";

export default {
  name: "Pairwise",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const [left, right] = (node.attrs.toname || "").split(",").map((part) => part.trim());
    const box = document.createElement("div");
    box.className = "lsd-pairwise";
    box.dataset.control = name;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", name);
    const item = () => ctx.store.itemsOf(name)[0] || null;
    const choose = (side) => {
      ctx.store.change(() => {
        const current = item();
        if (current && current.value && current.value.selected === side) ctx.store.remove(current);
        else if (current) current.value = { ...(current.value || {}), selected: side };
        else ctx.store.add({ id: newRegionId(), from_name: name, to_name: name, type: "pairwise", value: { selected: side } });
      });
    };
    const buttons = {};
    for (const [side, objectName, text] of [["left", left, "← Left"], ["right", right, "Right →"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = attr(node, side === "left" ? "leftClass" : "rightClass", "");
      button.textContent = objectName ? `${text} (${objectName})` : text;
      button.addEventListener("click", () => choose(side));
      buttons[side] = button;
      box.append(button);
    }
    const refresh = () => {
      const current = item();
      const selected = current && current.value ? current.value.selected : null;
      for (const side of ["left", "right"]) buttons[side].setAttribute("aria-pressed", String(selected === side));
    };
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx, (item) => Boolean(item && item.value && item.value.selected));
  },
};
