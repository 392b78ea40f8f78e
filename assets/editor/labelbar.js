// The label buttons of Labels and every *Labels control: arm labels for the next region,
// or change the selected region's labels. Hotkeys as in Label Studio.

import { colorFor } from "./colors.js";
import { walk } from "./config.js";
import { itemForRegion } from "./store.js";

// The Label children of a labels control (they may sit inside Header/View groups).
export function labelNodes(node) {
  return [...walk(node)].filter((child) => child !== node && child.tag.toLowerCase() === "label");
}

// The value a label writes into results: its alias when it has one.
export function labelValue(labelNode) {
  return labelNode.attrs.alias || labelNode.attrs.value;
}

// The colour of a label of a control, for drawing regions.
export function labelColor(ctx, controlName, value) {
  const control = ctx.node(controlName);
  const label = control && labelNodes(control).find((child) => labelValue(child) === value);
  return colorFor(value, label && label.attrs.background);
}

export function renderLabelBar(node, ctx) {
  const control = node.attrs.name;
  const type = node.tag.toLowerCase();
  const multiple = node.attrs.choice === "multiple";
  const objects = (node.attrs.toname || "").split(",").map((name) => name.trim());
  const bar = document.createElement("div");
  bar.className = "lsd-labels";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", control);
  const buttons = new Map();
  ctx.armed.set(control, []);

  const selectedItem = () => {
    const id = ctx.store.selected;
    if (!id) return null;
    const items = ctx.store.region(id);
    return items.length && objects.includes(items[0].to_name) ? items : null;
  };

  const toggle = (value) => {
    const region = selectedItem();
    if (region) {
      applyToRegion(ctx, region, control, type, value, multiple);
      return;
    }
    const armed = ctx.armed.get(control);
    const next = armed.includes(value) ? armed.filter((v) => v !== value) : multiple ? [...armed, value] : [value];
    ctx.armed.set(control, next);
    refresh();
  };

  const refresh = () => {
    const region = selectedItem();
    const own = region && region.find((item) => item.from_name === control);
    const active = own ? (own.value && own.value[type]) || [] : ctx.armed.get(control);
    for (const [value, button] of buttons) button.setAttribute("aria-pressed", String(active.includes(value)));
  };

  for (const label of labelNodes(node)) {
    const value = labelValue(label);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "lsd-label";
    button.style.setProperty("--label-color", colorFor(value, label.attrs.background));
    const key = label.attrs.hotkey || ctx.hotkeys.nextFree();
    button.textContent = value;
    if (key) {
      const hint = document.createElement("kbd");
      hint.textContent = key;
      button.append(" ", hint);
      ctx.hotkeys.add(key, `Label "${value}" (${control})`, () => toggle(value));
    }
    button.addEventListener("click", () => toggle(value));
    buttons.set(value, button);
    bar.append(button);
  }
  ctx.store.subscribe(refresh);
  refresh();
  return bar;
}

// Give the selected region this label (single choice) or toggle it (multiple), never leaving it with none.
function applyToRegion(ctx, region, control, type, value, multiple) {
  const own = region.find((item) => item.from_name === control);
  const current = own ? (own.value && own.value[type]) || [] : [];
  let next;
  if (current.includes(value)) next = multiple ? current.filter((v) => v !== value) : current;
  else next = multiple ? [...current, value] : [value];
  if (!next.length || next === current) return;
  ctx.store.change(() => {
    if (own) {
      if (own.value) own.value[type] = next;
      else own.value = { [type]: next };
    } else {
      ctx.store.add(itemForRegion(region[0], control, type, { [type]: next }));
    }
  });
}
