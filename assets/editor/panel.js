// The regions list beside the task: every region with its labels (same-label regions numbered
// #1, #2...); select, hide, delete. Hidden while the config draws no regions and none are loaded.

import { walk } from "./config.js";

// Controls that make regions: the *Labels controls and the shape tools.
const REGION_CONTROL = /labels$|^(rectangle|polygon|ellipse|keypoint|brush)$/i;

function labelsOf(items) {
  const labels = [];
  for (const item of items) {
    const value = item.value || {};
    const list = value[item.type];
    if (Array.isArray(list)) for (const label of list) if (typeof label === "string") labels.push(label);
  }
  return labels;
}

// The side of the editor holding the regions list.
export function renderRegionSide(ctx) {
  const side = document.createElement("aside");
  side.className = "lsd-side";
  side.append(renderRegionList(ctx, side));
  return side;
}

function renderRegionList(ctx, side) {
  const { store } = ctx;
  const drawsRegions = [...walk(ctx.root)].some((node) => REGION_CONTROL.test(node.tag));
  const panel = document.createElement("section");
  panel.className = "lsd-regions";
  const heading = document.createElement("h3");
  heading.textContent = "Regions";
  const list = document.createElement("ol");
  list.setAttribute("aria-label", "Regions");
  panel.append(heading, list);
  const draw = () => {
    const ids = store.regionIds().filter((id) => store.region(id).some((item) => item.value && isRegion(item)));
    side.hidden = !drawsRegions && !ids.length;
    heading.textContent = `Regions (${ids.length})`;
    const names = ids.map((id) => regionName(ctx, id));
    const uses = new Map();
    for (const name of names) uses.set(name, (uses.get(name) || 0) + 1);
    const seen = new Map();
    list.replaceChildren(...ids.map((id, index) => {
      const name = names[index];
      seen.set(name, (seen.get(name) || 0) + 1);
      return regionRow(ctx, id, uses.get(name) > 1 ? `${name} #${seen.get(name)}` : name);
    }));
  };
  store.subscribe(draw);
  draw();
  return panel;
}

// A result item that marks a place in the data (has geometry or a span), not a whole-task answer.
function isRegion(item) {
  const value = item.value;
  return ["x", "points", "start", "startOffset", "rle"].some((key) => key in value);
}

// A region's labels, with its text or its time span when it has one.
function regionName(ctx, id) {
  const items = ctx.store.region(id);
  const text = items.find((item) => item.value && typeof item.value.text === "string" && item.type !== "textarea");
  const time = items.find((item) => ctx.objects?.get(item.to_name)?.tag === "Audio" && typeof item.value?.start === "number");
  return [labelsOf(items).join(", ") || "(no label)", text ? `“${text.value.text.slice(0, 40)}”` : "",
    time ? `${time.value.start.toFixed(2)}–${time.value.end.toFixed(2)} s` : ""]
    .filter(Boolean).join(" ");
}

function regionRow(ctx, id, label) {
  const { store } = ctx;
  const row = document.createElement("li");
  row.className = "lsd-region" + (store.selected === id ? " selected" : "") + (store.hidden.has(id) ? " hidden" : "");
  row.dataset.regionId = id;
  const name = document.createElement("button");
  name.type = "button";
  name.className = "lsd-region-name";
  name.textContent = label;
  name.addEventListener("click", () => store.select(store.selected === id ? null : id));
  const eye = document.createElement("button");
  eye.type = "button";
  eye.className = "lsd-region-hide";
  eye.textContent = store.hidden.has(id) ? "show" : "hide";
  eye.setAttribute("aria-label", `${store.hidden.has(id) ? "Show" : "Hide"} region`);
  eye.addEventListener("click", () => store.toggleHidden(id));
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "lsd-region-delete";
  remove.textContent = "×";
  remove.setAttribute("aria-label", "Delete region");
  remove.addEventListener("click", () => store.change(() => store.removeRegion(id)));
  row.append(name, eye, remove);
  return row;
}
