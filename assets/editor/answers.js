// The answer of a classification control (Choices, Rating, Number, DateTime, TextArea, Taxonomy):
// the item it edits now, and writing it for the whole object or the selected region.

import { flag } from "./config.js";
import { itemForRegion, newRegionId } from "./store.js";
import { objectNames, placeItem, selectedRegion } from "./targets.js";

// The item a classification control edits now: the selected region's (per-region) or the object's.
export function currentItem(node, ctx) {
  const name = node.attrs.name;
  if (flag(node, "perRegion")) {
    const region = selectedRegion(node, ctx);
    return region ? ctx.store.itemOf(name, region[0].id) : null;
  }
  return ctx.store.itemsOf(name).find((item) => !item.id || !ctx.store.region(item.id).some(isPlaceItem)) || ctx.store.itemsOf(name)[0] || null;
}

const isPlaceItem = (item) => item.value && ["x", "points", "start", "startOffset"].some((key) => key in item.value);

// Write a control's answer: payload null removes its item; otherwise the item is updated in
// place (keeping any other keys it was loaded with) or made, per region or for the whole object.
export function writeAnswer(node, ctx, type, payload) {
  const name = node.attrs.name;
  const perRegion = flag(node, "perRegion");
  const region = perRegion ? selectedRegion(node, ctx) : null;
  if (perRegion && !region) return;
  ctx.store.change(() => {
    const item = currentItem(node, ctx);
    if (payload === null) {
      if (item) ctx.store.remove(item);
    } else if (item) {
      if (typeof item.value !== "object" || item.value === null) item.value = {};
      Object.assign(item.value, payload);
    } else if (region) {
      ctx.store.add(itemForRegion(placeItem(region), name, type, payload));
    } else {
      ctx.store.add({ id: newRegionId(), from_name: name, to_name: objectNames(node, ctx)[0], type, value: { ...payload } });
    }
  });
}
