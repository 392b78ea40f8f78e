// <Rating>: 1..maxRating stars (or hearts, fire, smiles); {type: "rating", value: {rating: n}}.
// Clicking the current rating clears it; the hotkey steps the rating up and past the top clears it.

import { currentItem, writeAnswer } from "../editor/answers.js";
import { attr, flag } from "../editor/config.js";
import { validateRequired } from "../editor/required.js";
import { selectedRegion } from "../editor/targets.js";
import { bindVisibility, isShown } from "../editor/visibility.js";

const ICONS = { star: "★", heart: "♥", fire: "🔥", smile: "☺" };

export default {
  name: "Rating",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const max = Math.max(1, Number(attr(node, "maxRating")) || 5);
    const icon = ICONS[attr(node, "icon", "star")] || ICONS.star;
    const box = document.createElement("div");
    box.className = `lsd-rating lsd-rating-${attr(node, "size", "medium")}`;
    box.dataset.control = name;
    box.setAttribute("role", "radiogroup");
    box.setAttribute("aria-label", name);

    const current = () => {
      const item = currentItem(node, ctx);
      return item && item.value && typeof item.value.rating === "number" ? item.value.rating : 0;
    };
    const rate = (value) => {
      if (flag(node, "perRegion") && !selectedRegion(node, ctx)) return;
      writeAnswer(node, ctx, "rating", value > 0 ? { rating: value } : null);
    };

    const stars = [];
    for (let value = 1; value <= max; value++) {
      const star = document.createElement("button");
      star.type = "button";
      star.className = "lsd-star";
      star.textContent = icon;
      star.setAttribute("role", "radio");
      star.setAttribute("aria-label", `${value} of ${max}`);
      star.addEventListener("click", () => rate(current() === value ? 0 : value));
      stars.push(star);
      box.append(star);
    }
    ctx.hotkeys.addWithHint(node, box, `Rating up (${name})`, () => {
      if (isShown(box)) rate(current() >= max ? 0 : current() + 1);
    });
    const refresh = () => {
      const value = current();
      stars.forEach((star, index) => {
        star.setAttribute("aria-checked", String(index + 1 === value));
        star.classList.toggle("on", index < value);
      });
    };
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx, (item) => Boolean(item && item.value && item.value.rating > 0));
  },
};
