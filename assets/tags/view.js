// <View>: a box that lays out its children; `style` and `className` as written in the config.
// Also what decides when a tag shows: `visibleWhen` (on View and controls) and `perRegion`,
// and the helpers controls share to find their object and the selected region.

import { attr, flag, walk } from "../editor/config.js";
import { tagModule } from "../editor/registry.js";

export default {
  name: "View",
  kind: "visual",
  render(node, ctx) {
    const box = document.createElement("div");
    box.className = ["lsd-view", node.attrs.classname].filter(Boolean).join(" ");
    if (node.attrs.style) box.style.cssText = node.attrs.style;
    if (node.attrs.display === "inline") box.style.display = "inline-block";
    ctx.renderChildren(node, box);
    bindVisibility(node, ctx, box);
    return box;
  },
};

const OBJECT_TAGS = ["image", "text", "hypertext", "audio", "audioplus", "video", "timeseries", "paragraphs", "table", "list"];

function isObjectTag(node) {
  const module = tagModule(node.tag);
  return module ? module.kind === "object" : OBJECT_TAGS.includes(node.tag.toLowerCase());
}

// The objects a control writes to: its toName list, or the first object tag of the config
// (a TextArea may stand without toName).
export function objectNames(node, ctx) {
  const names = (node.attrs.toname || "").split(",").map((name) => name.trim()).filter(Boolean);
  if (names.length) return names;
  for (const other of walk(ctx.root)) if (isObjectTag(other) && other.attrs.name) return [other.attrs.name];
  return [node.attrs.name];
}

// The selected region's items when it lies on one of the control's objects, else null.
export function selectedRegion(node, ctx) {
  const id = ctx.store.selected;
  if (!id) return null;
  const items = ctx.store.region(id);
  const objects = objectNames(node, ctx);
  return items.length && items.some((item) => objects.includes(item.to_name)) ? items : null;
}

// The item a new per-region item copies its place from: the region's shape or span,
// not another control's answer.
export function placeItem(items) {
  const answers = ["choices", "textarea", "rating", "number", "datetime", "taxonomy"];
  return items.find((item) => !answers.includes(item.type)) || items[0];
}

// Items that are regions on the control's objects: Map id → items.
export function regionsOn(node, ctx) {
  const objects = objectNames(node, ctx);
  const regions = new Map();
  for (const id of ctx.store.regionIds()) {
    const items = ctx.store.region(id);
    const place = placeItem(items);
    if (objects.includes(place.to_name) && place.value && isPlace(place.value)) regions.set(id, items);
  }
  return regions;
}

function isPlace(value) {
  return ["x", "points", "start", "startOffset"].some((key) => key in value);
}

// The labels a region carries, from all its labelling items.
export function regionLabels(items) {
  const labels = [];
  for (const item of items) {
    const list = item.value && item.value[item.type];
    if (Array.isArray(list) && item.type !== "choices") for (const label of list) if (typeof label === "string") labels.push(label);
  }
  return labels;
}

// Selected choice values of a Choices control (for its whole object, or the selected region when per-region).
function selectedChoices(ctx, controlName) {
  const control = ctx.node(controlName);
  const perRegion = control && flag(control, "perRegion");
  const items = ctx.store.itemsOf(controlName).filter((item) => !perRegion || item.id === ctx.store.selected);
  return items.flatMap((item) => (item.value && Array.isArray(item.value.choices) ? item.value.choices : []));
}

function anyChoices(ctx) {
  return ctx.store.items.filter((item) => item.type === "choices")
    .flatMap((item) => (item.value && Array.isArray(item.value.choices) ? item.value.choices : []));
}

const list = (text) => (text || "").split(",").map((part) => part.trim()).filter(Boolean);

// Whether a node's own `visibleWhen` holds now (true when it has none).
export function visibleWhenHolds(node, ctx) {
  const when = attr(node, "visibleWhen");
  if (!when) return true;
  const tagName = attr(node, "whenTagName");
  const labelValues = list(attr(node, "whenLabelValue"));
  const choiceValues = list(attr(node, "whenChoiceValue"));
  if (when === "region-selected" || when === "no-region-selected") {
    let selected = false;
    if (ctx.store.selected) {
      const items = ctx.store.region(ctx.store.selected);
      selected = items.length > 0
        && (!tagName || items.some((item) => item.from_name === tagName || item.to_name === tagName))
        && (!labelValues.length || regionLabels(items).some((label) => labelValues.includes(label)));
    }
    return when === "region-selected" ? selected : !ctx.store.selected;
  }
  if (when === "choice-selected" || when === "choice-unselected") {
    const chosen = tagName ? selectedChoices(ctx, tagName) : anyChoices(ctx);
    const holds = choiceValues.length ? chosen.some((value) => choiceValues.includes(value)) : chosen.length > 0;
    return when === "choice-selected" ? holds : !holds;
  }
  return true;
}

// Whether a per-region control has a region to work on now.
export function hasRegionFor(node, ctx) {
  return !flag(node, "perRegion") || selectedRegion(node, ctx) !== null;
}

// Keep `element` hidden while the node's visibleWhen fails or, for a per-region control,
// while no region of its objects is selected.
export function bindVisibility(node, ctx, element) {
  const update = () => {
    element.hidden = !(visibleWhenHolds(node, ctx) && hasRegionFor(node, ctx));
  };
  ctx.store.subscribe(update);
  update();
}

// Whether the element is drawn (not inside anything hidden): hotkeys of hidden controls do nothing.
export function isShown(element) {
  return element.isConnected && !element.closest("[hidden]");
}

// The ancestors of a node, nearest first.
function ancestors(root, target) {
  const path = [];
  const visit = (node) => {
    if (node === target) return true;
    for (const child of node.children) {
      if (visit(child)) {
        path.push(node);
        return true;
      }
    }
    return false;
  };
  visit(root);
  return path;
}

// The `required` check of classification controls: the whole object needs an answer, or
// with perRegion every region of its objects does (the first one missing is selected).
// A control hidden by a choice-based visibleWhen is not required.
export function validateRequired(node, ctx, answered = (item) => Boolean(item)) {
  const message = attr(node, "requiredMessage") || `"${node.attrs.name}" is required`;
  for (const scope of [node, ...ancestors(ctx.root, node)]) {
    const when = attr(scope, "visibleWhen") || "";
    if (when.startsWith("choice-") && !visibleWhenHolds(scope, ctx)) return null;
  }
  const name = node.attrs.name;
  if (!flag(node, "perRegion")) return ctx.store.itemsOf(name).some(answered) ? null : message;
  for (const id of regionsOn(node, ctx).keys()) {
    if (!answered(ctx.store.itemOf(name, id))) {
      ctx.store.select(id);
      return `${message} (every region needs it)`;
    }
  }
  return null;
}
