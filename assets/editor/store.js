// The annotation being edited: Label Studio result items, kept exactly as they will be saved.
//
// A region is the set of items sharing an `id` (a box and its labels, a span and its
// per-region text); relations are items without an id. Tags read and change items here,
// so what is loaded is what is saved, byte for byte, unless the user edits it — except that
// region items loaded without an id get one (withRegionIds), so every saved region is shown.

const REGION_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

export function newRegionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (byte) => REGION_ID_CHARS[byte % REGION_ID_CHARS.length]).join("");
}

const clone = (value) => JSON.parse(JSON.stringify(value));

// Keys of an item's value that hold its answer, not its place: besides the key named by its type,
// "text" (a span's text, or a TextArea's answer) and a per-item "score" some backends send.
const ANSWER_KEYS = ["text", "score"];

const lacksId = (item) => item !== null && typeof item === "object" && !Array.isArray(item)
  && (item.id === undefined || item.id === null || item.id === "") && item.type !== "relation";

// The items with an id for each region item that came without one (many ML backends send none):
// id-less items at one place (same to_name, equal value apart from the answer) share an id, one
// per control; an item with no place gets its own. The server applies the same rule on import
// (lsdesk/formats/regions.py): keep the two in step.
export function withRegionIds(items) {
  if (!items.some(lacksId)) return items;
  const openRegions = new Map(); // place key → {id, controls already in that region}
  return items.map((item) => {
    if (!lacksId(item)) return item;
    const place = placeOf(item);
    if (place === null) return withId(item, newRegionId());
    const key = canonicalJson([item.to_name ?? null, place]);
    const control = canonicalJson(item.from_name ?? null);
    let region = openRegions.get(key);
    if (!region || region.controls.has(control)) {
      region = { id: newRegionId(), controls: new Set() };
      openRegions.set(key, region);
    }
    region.controls.add(control);
    return withId(item, region.id);
  });
}

// A copy of the item with its id first, replacing an empty or null id it came with.
function withId(item, id) {
  const { id: _empty, ...rest } = item;
  return { id, ...rest };
}

// An item's value without its answer, or null when nothing is left (a whole-task answer).
function placeOf(item) {
  const value = item.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const keys = Object.keys(value).filter((key) => key !== item.type && !ANSWER_KEYS.includes(key));
  return keys.length ? Object.fromEntries(keys.map((key) => [key, value[key]])) : null;
}

// JSON with object keys sorted, so equal values give equal strings.
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const pairs = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${pairs.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export class AnnotationStore {
  constructor(items = []) {
    this.items = clone(withRegionIds(items));
    this.selected = null; // the selected region's id
    this.hidden = new Set(); // region ids hidden in the view (not saved)
    this.undoStack = [];
    this.redoStack = [];
    this.listeners = new Set();
    this.batchDepth = 0;
  }

  // Call fn after every change; returns a function that stops it.
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(userChange = true) {
    for (const fn of this.listeners) fn(userChange);
  }

  // Run fn as one undoable change.
  change(fn) {
    if (this.batchDepth === 0) {
      this.undoStack.push(JSON.stringify(this.items));
      this.redoStack = [];
    }
    this.batchDepth += 1;
    try {
      fn();
    } finally {
      this.batchDepth -= 1;
    }
    if (this.batchDepth === 0) this.notify();
  }

  undo() {
    if (!this.undoStack.length) return;
    this.redoStack.push(JSON.stringify(this.items));
    this.items = JSON.parse(this.undoStack.pop());
    this.dropStaleSelection();
    this.notify();
  }

  redo() {
    if (!this.redoStack.length) return;
    this.undoStack.push(JSON.stringify(this.items));
    this.items = JSON.parse(this.redoStack.pop());
    this.dropStaleSelection();
    this.notify();
  }

  dropStaleSelection() {
    if (this.selected && !this.items.some((item) => item.id === this.selected)) this.selected = null;
  }

  // -- reading ---------------------------------------------------------------------

  result() {
    return clone(this.items);
  }

  // What read() returns after the changes `changes` makes, which are then undone unseen.
  readAfter(changes, read) {
    const kept = this.items;
    this.items = clone(kept);
    this.batchDepth += 1; // change() inside neither records an undo step nor notifies
    try {
      changes();
      return read();
    } finally {
      this.batchDepth -= 1;
      this.items = kept;
    }
  }

  // Items of one region, in order.
  region(id) {
    return this.items.filter((item) => item.id === id && item.type !== "relation");
  }

  // Region ids in the order they first appear.
  regionIds() {
    const ids = [];
    for (const item of this.items) if (item.type !== "relation" && item.id && !ids.includes(item.id)) ids.push(item.id);
    return ids;
  }

  // The item a control wrote for a region (or for the whole object when regionId is null).
  itemOf(fromName, regionId = null) {
    return this.items.find((item) => item.from_name === fromName && (regionId === null || item.id === regionId)) || null;
  }

  itemsOf(fromName) {
    return this.items.filter((item) => item.from_name === fromName);
  }

  relations() {
    return this.items.filter((item) => item.type === "relation");
  }

  // -- changing (call inside change()) ------------------------------------------------

  add(...items) {
    this.items.push(...items);
  }

  // Replace the item a control has for a region, or add it; `null` removes it.
  put(fromName, regionId, item) {
    const index = this.items.findIndex((it) => it.from_name === fromName && it.id === regionId);
    if (item === null) {
      if (index >= 0) this.items.splice(index, 1);
    } else if (index >= 0) {
      this.items[index] = item;
    } else {
      this.items.push(item);
    }
  }

  // Apply fn(value) to the `value` of every item of a region (geometry moves together).
  updateRegion(id, fn) {
    for (const item of this.items) if (item.id === id && item.type !== "relation") fn(item);
  }

  removeRegion(id) {
    this.items = this.items.filter((item) => item.id !== id
      && !(item.type === "relation" && (item.from_id === id || item.to_id === id)));
    if (this.selected === id) this.selected = null;
    this.hidden.delete(id);
  }

  remove(item) {
    this.items = this.items.filter((it) => it !== item);
  }

  // -- selection and visibility (not undoable, not saved) -------------------------------------

  select(id) {
    this.selected = id;
    this.notify(false);
  }

  toggleHidden(id) {
    if (this.hidden.has(id)) this.hidden.delete(id);
    else this.hidden.add(id);
    this.notify(false);
  }
}

// The keys of an item's value that are the control's answer, not the region's place.
function payloadKeys(item) {
  return item.type === "textarea" ? [item.type, "text"] : [item.type];
}

// An item's value without its answer: the geometry or span another control's item copies.
export function regionPlace(item) {
  const place = { ...(item.value || {}) };
  for (const key of payloadKeys(item)) delete place[key];
  return place;
}

// A new item for `control` on the same region as `item`: same id, place and image facts.
export function itemForRegion(item, control, type, payload) {
  const extra = {};
  for (const key of ["original_width", "original_height", "image_rotation", "original_length"]) {
    if (key in item) extra[key] = item[key];
  }
  return { id: item.id, from_name: control, to_name: item.to_name, type, ...extra,
    value: { ...regionPlace(item), ...payload } };
}
