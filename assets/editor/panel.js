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

// Rows built before the task is first painted; the list scrolls (60vh), so the rows out of sight
// are built just after that paint, and hundreds of regions do not hold up the picture.
const FIRST_ROWS = 40;

// The side of the editor holding the regions list: {element, complete}, `complete` resolving once
// every region has its row.
export function renderRegionSide(ctx) {
  const side = document.createElement("aside");
  side.className = "lsd-side";
  const { panel, complete } = renderRegionList(ctx, side);
  side.append(panel);
  return { element: side, complete };
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
  // Rows by region id with what they show; a row is made again only when what it shows changed, and
  // moved only when its place did, so a change to one region of hundreds touches one row.
  const rows = new Map();
  let rowLimit = FIRST_ROWS;
  let completed;
  const complete = new Promise((resolve) => { completed = resolve; });
  const draw = () => {
    const itemsById = regionItems(store.items);
    const ids = [...itemsById.keys()].filter((id) => itemsById.get(id).some((item) => item.value && isRegion(item)));
    side.hidden = !drawsRegions && !ids.length;
    heading.textContent = `Regions (${ids.length})`;
    const names = ids.map((id) => regionName(ctx, itemsById.get(id)));
    const uses = new Map();
    for (const name of names) uses.set(name, (uses.get(name) || 0) + 1);
    const seen = new Map();
    const kept = new Map();
    let place = list.firstChild;
    const built = Math.min(ids.length, rowLimit);
    ids.slice(0, built).forEach((id, index) => {
      const name = names[index];
      seen.set(name, (seen.get(name) || 0) + 1);
      const label = uses.get(name) > 1 ? `${name} #${seen.get(name)}` : name;
      const look = `${label}\n${store.selected === id}\n${store.hidden.has(id)}`;
      let row = rows.get(id);
      if (!row || row.look !== look) {
        const element = regionRow(ctx, id, label);
        if (row) {
          if (place === row.element) place = element;
          row.element.replaceWith(element);
        }
        row = { element, look };
      }
      kept.set(id, row);
      if (row.element !== place) list.insertBefore(row.element, place);
      else place = place.nextSibling;
    });
    for (const [id, row] of rows) if (!kept.has(id)) row.element.remove();
    rows.clear();
    for (const [id, row] of kept) rows.set(id, row);
    if (built === ids.length) {
      rowLimit = Infinity;
      completed();
    }
  };
  store.subscribe(draw);
  draw();
  if (rowLimit !== Infinity) {
    const buildTheRest = () => {
      if (rowLimit === Infinity) return;
      rowLimit = Infinity;
      if (side.parentNode) draw(); // not when the editor was destroyed meanwhile
      completed();
    };
    // After the frame that paints the task: its animation frame callback, then a task after it; a
    // hidden page has no frames, so a timer too.
    requestAnimationFrame(() => setTimeout(buildTheRest));
    setTimeout(buildTheRest, 250);
  }
  return { panel, complete };
}

// The items of each region by id, regions in the order they first appear (store.regionIds() and
// store.region(id) in one pass).
function regionItems(items) {
  const byId = new Map();
  for (const item of items) {
    if (item.type === "relation" || !item.id) continue;
    if (!byId.has(item.id)) byId.set(item.id, []);
    byId.get(item.id).push(item);
  }
  return byId;
}

// A result item that marks a place in the data (has geometry or a span), not a whole-task answer.
function isRegion(item) {
  const value = item.value;
  return ["x", "points", "start", "startOffset", "rle"].some((key) => key in value);
}

// A region's labels, with its text or its time span when it has one.
function regionName(ctx, items) {
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
