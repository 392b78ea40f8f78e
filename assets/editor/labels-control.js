// What every labels control draws (Labels, HyperTextLabels, ParagraphLabels and the image *Labels):
// its label bar, with labels from task data (`value="$field"`) and visibleWhen.

import { renderLabelBar } from "./labelbar.js";
import { bindVisibility } from "./visibility.js";

export function renderLabelsControl(node, ctx) {
  addDynamicLabels(node, ctx);
  const bar = renderLabelBar(node, ctx);
  bar.dataset.control = node.attrs.name;
  bindVisibility(node, ctx, bar);
  return bar;
}

// Labels listed in task data ([{value, alias?, background?, hotkey?}] or strings) become Label children.
function addDynamicLabels(node, ctx) {
  if (!node.attrs.value || !node.attrs.value.startsWith("$")) return;
  const options = ctx.resolve(node.attrs.value);
  if (!Array.isArray(options)) return;
  for (const option of options) {
    const attrs = typeof option === "object" && option !== null ? { ...option } : { value: String(option) };
    for (const key of Object.keys(attrs)) {
      const value = attrs[key];
      delete attrs[key];
      if (typeof value === "string") attrs[key.toLowerCase()] = value;
    }
    if (attrs.value !== undefined) node.children.push({ tag: "Label", attrs, children: [], text: "" });
  }
}
