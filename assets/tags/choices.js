// <Choices>: radios for one-of choices (choice="single"|"single-radio"; a "single" one clicked again
// is unchosen, a "single-radio" one stays), checkboxes ("multiple") or a select (layout="select");
// one item {type: "choices", value: {choices: [..]}} per control, or per selected region with perRegion.
// Aliases win; hotkeys toggle; clearing every choice removes the item.

import { currentItem, writeAnswer } from "../editor/answers.js";
import { flag, walk } from "../editor/config.js";
import { choiceValue, optionNode } from "../editor/options.js";
import { validateRequired } from "../editor/required.js";
import { newRegionId } from "../editor/store.js";
import { objectNames, selectedRegion } from "../editor/targets.js";
import { bindVisibility, isShown } from "../editor/visibility.js";

let groups = 0;

// The Choice nodes under a node (they may sit in View/Header groups), plus dynamic ones from task data.
export function choiceNodes(node, ctx) {
  const found = [...walk(node)].filter((child) => child !== node && child.tag.toLowerCase() === "choice");
  if (node.attrs.value && node.attrs.value.startsWith("$")) {
    const options = ctx.resolve(node.attrs.value);
    if (Array.isArray(options)) found.push(...options.map(optionNode));
  }
  return found;
}

// Whether the annotation was loaded empty (checked before any default answer is added).
const fresh = new WeakMap();
export function isFreshAnnotation(ctx) {
  if (!fresh.has(ctx.store)) fresh.set(ctx.store, ctx.store.items.length === 0);
  return fresh.get(ctx.store);
}

// Choices marked selected="true" answer a new annotation from the start (not an undoable edit).
function addDefaults(node, ctx, choices) {
  const fresh = isFreshAnnotation(ctx);
  const chosen = choices.filter((choice) => choice.attrs.selected === "true").map(choiceValue);
  if (!fresh || !chosen.length || flag(node, "perRegion") || ctx.store.itemsOf(node.attrs.name).length) return;
  const single = (node.attrs.choice || "single") !== "multiple";
  ctx.store.add({ id: newRegionId(), from_name: node.attrs.name, to_name: objectNames(node, ctx)[0], type: "choices",
    value: { choices: single ? chosen.slice(0, 1) : chosen } });
}

export default {
  name: "Choices",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const mode = node.attrs.choice || "single";
    const multiple = mode === "multiple";
    const layout = node.attrs.layout || (flag(node, "showInline") ? "inline" : "vertical");
    const choices = choiceNodes(node, ctx);
    const order = choices.map(choiceValue);
    addDefaults(node, ctx, choices);
    const box = document.createElement("div");
    box.className = `lsd-choices lsd-choices-${layout}`;
    box.dataset.control = name;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", name);

    const selected = () => {
      const item = currentItem(node, ctx);
      const list = item && item.value ? item.value.choices : null;
      return Array.isArray(list) ? list : typeof list === "string" ? [list] : [];
    };
    const set = (next) => {
      const known = order.filter((value) => next.includes(value));
      const unknown = next.filter((value) => !order.includes(value));
      const list = [...known, ...unknown];
      writeAnswer(node, ctx, "choices", list.length ? { choices: list } : null);
    };
    const toggle = (value) => {
      if (flag(node, "perRegion") && !selectedRegion(node, ctx)) return;
      const current = selected();
      if (current.includes(value)) {
        if (mode === "single-radio") return;
        set(current.filter((v) => v !== value));
      } else {
        set(multiple ? [...current, value] : [value]);
      }
    };

    let refresh;
    if (layout === "select") {
      const select = document.createElement("select");
      select.multiple = multiple;
      select.setAttribute("aria-label", name);
      if (!multiple) select.append(new Option("—", ""));
      for (const choice of choices) select.append(new Option(choice.attrs.value, choiceValue(choice)));
      select.addEventListener("change", () => set([...select.selectedOptions].map((option) => option.value).filter(Boolean)));
      box.append(select);
      refresh = () => {
        const current = selected();
        for (const option of select.options) option.selected = option.value ? current.includes(option.value) : !current.length;
      };
    } else {
      const inputs = new Map();
      const group = `lsd-choices-${(groups += 1)}`;
      for (const choice of choices) {
        const value = choiceValue(choice);
        const label = document.createElement("label");
        label.className = "lsd-choice";
        if (choice.attrs.style) label.style.cssText = choice.attrs.style;
        if (choice.attrs.hint) label.title = choice.attrs.hint;
        const input = document.createElement("input");
        input.type = multiple ? "checkbox" : "radio";
        input.name = group;
        input.value = value;
        // The browser flips the input first; the store decides, and refresh() shows what it holds.
        input.addEventListener("click", () => {
          toggle(value);
          refresh();
        });
        const text = document.createElement("span");
        text.textContent = choice.attrs.value;
        label.append(input, text);
        ctx.hotkeys.addWithHint(choice, label, `Choice "${choice.attrs.value}" (${name})`, () => {
          if (isShown(box)) toggle(value);
        });
        inputs.set(value, input);
        box.append(label);
      }
      refresh = () => {
        const current = selected();
        for (const [value, input] of inputs) input.checked = current.includes(value);
      };
    }
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx, (item) => Boolean(item && item.value && item.value.choices && item.value.choices.length));
  },
};
