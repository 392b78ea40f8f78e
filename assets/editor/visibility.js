// When a tag shows: `visibleWhen` (on View and controls) and `perRegion`, kept up to date as the
// annotation changes.

import { attr, flag } from "./config.js";
import { regionLabels, selectedRegion } from "./targets.js";

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
