// The objects a control writes to and the regions on them: what classification controls and
// visibility rules share to find their object, the selected region and a region's labels.

import { walk } from "./config.js";
import { tagModule } from "./registry.js";

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
  return ["x", "points", "start", "startOffset", "rle"].some((key) => key in value);
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
