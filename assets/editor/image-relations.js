// Relations between regions: relation mode (alt+r), the relations list, and their labels.
//
// A relation is the result item {from_id, to_id, type: "relation", direction, labels}.
// Relation mode is shared by every tag of one editor: select a region, press alt+r, then select
// another one (on the image, in the text, or in the regions list) and the relation is made.

import { walk } from "./config.js";

const modes = new WeakMap();
const DIRECTIONS = ["right", "left", "bi"];
const ARROWS = { right: "→", left: "←", bi: "↔" };

// The relation mode of an editor (created on first use): {active, from, highlighted, start(id), stop(), onChange(fn)}.
export function relationMode(ctx) {
  let mode = modes.get(ctx);
  if (mode) return mode;
  const listeners = new Set();
  mode = {
    active: false,
    from: null,
    highlighted: null, // the relation item picked in a list, drawn emphasised
    start(id) {
      mode.active = true;
      mode.from = id;
      for (const fn of listeners) fn();
    },
    stop() {
      if (!mode.active) return;
      mode.active = false;
      mode.from = null;
      for (const fn of listeners) fn();
    },
    highlight(relation) {
      mode.highlighted = mode.highlighted === relation ? null : relation;
      for (const fn of listeners) fn();
    },
    onChange(fn) {
      listeners.add(fn);
    },
  };
  modes.set(ctx, mode);
  ctx.hotkeys.add("alt+r", "Relation: link the selected region to the next region you select", () => {
    if (mode.active) mode.stop();
    else if (ctx.store.selected) mode.start(ctx.store.selected);
  });
  ctx.store.subscribe(() => {
    if (!mode.active) return;
    const target = ctx.store.selected;
    if (target === mode.from) return;
    const from = mode.from;
    mode.stop();
    if (target && ctx.store.region(from).length) addRelation(ctx, from, target);
  });
  return mode;
}

// Add a relation between two regions unless one already links them the same way.
export function addRelation(ctx, fromId, toId) {
  if (fromId === toId) return;
  if (ctx.store.relations().some((item) => item.from_id === fromId && item.to_id === toId)) return;
  ctx.store.change(() => ctx.store.add({ from_id: fromId, to_id: toId, type: "relation", direction: "right", labels: [] }));
}

// The <Relation> values a <Relations> tag offers.
export function relationValues(node) {
  if (!node) return [];
  return [...walk(node)].filter((child) => child.tag.toLowerCase() === "relation" && child.attrs.value !== undefined)
    .map((child) => child.attrs.value);
}

// The Relations tag of a config, if any.
export function relationsNode(root) {
  return [...walk(root)].find((node) => node.tag.toLowerCase() === "relations") || null;
}

// A short name for a region: its labels, else its text, else its id.
function regionName(ctx, id) {
  const items = ctx.store.region(id);
  const labels = [];
  let text = "";
  for (const item of items) {
    const value = item.value || {};
    const list = value[item.type];
    if (Array.isArray(list)) for (const label of list) if (typeof label === "string" && !labels.includes(label)) labels.push(label);
    if (!text && typeof value.text === "string") text = value.text;
  }
  const parts = [labels.join(", "), text ? `“${text.slice(0, 24)}”` : ""].filter(Boolean);
  return parts.length ? parts.join(" ") : items.length ? `#${id}` : `(missing ${id})`;
}

// The list of relations with their direction, labels and a delete button.
// `node` is the <Relations> tag (its <Relation> children are the labels), or null.
export function renderRelationList(ctx, node) {
  const mode = relationMode(ctx);
  const values = relationValues(node);
  const multiple = node ? (node.attrs.choice || "single") === "multiple" : false;
  const section = document.createElement("section");
  section.className = "lsd-relations";
  const heading = document.createElement("h3");
  const hint = document.createElement("p");
  hint.className = "lsd-relations-hint";
  const list = document.createElement("ol");
  list.setAttribute("aria-label", "Relations");
  section.append(heading, hint, list);

  const draw = () => {
    const relations = ctx.store.relations();
    heading.textContent = `Relations (${relations.length})`;
    hint.textContent = mode.active
      ? "Select the region to link to (escape cancels)."
      : "Select a region, press alt+r, then select another region.";
    section.classList.toggle("lsd-relation-mode", mode.active);
    if (!node) section.hidden = !relations.length;
    list.replaceChildren(...relations.map((relation) => relationRow(ctx, mode, relation, values, multiple)));
  };
  ctx.store.subscribe(draw);
  mode.onChange(draw);
  draw();
  return section;
}

function relationRow(ctx, mode, relation, values, multiple) {
  const { store } = ctx;
  const row = document.createElement("li");
  row.className = "lsd-relation" + (mode.highlighted === relation ? " highlighted" : "");

  const name = document.createElement("button");
  name.type = "button";
  name.className = "lsd-relation-name";
  name.textContent = `${regionName(ctx, relation.from_id)} ${ARROWS[relation.direction] || "→"} ${regionName(ctx, relation.to_id)}`;
  name.title = "Show this relation";
  name.addEventListener("click", () => mode.highlight(relation));

  const direction = document.createElement("button");
  direction.type = "button";
  direction.className = "lsd-relation-direction";
  direction.textContent = ARROWS[relation.direction] || "→";
  direction.setAttribute("aria-label", `Direction: ${relation.direction || "right"} (click to change)`);
  direction.addEventListener("click", () => {
    const next = DIRECTIONS[(DIRECTIONS.indexOf(relation.direction) + 1) % DIRECTIONS.length];
    store.change(() => { relation.direction = next; });
  });

  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "lsd-relation-delete";
  remove.textContent = "×";
  remove.setAttribute("aria-label", "Delete relation");
  remove.addEventListener("click", () => {
    if (mode.highlighted === relation) mode.highlighted = null;
    store.change(() => store.remove(relation));
  });

  row.append(name, direction);
  if (values.length) {
    const group = document.createElement("span");
    group.className = "lsd-relation-labels";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Relation labels");
    const current = Array.isArray(relation.labels) ? relation.labels : [];
    for (const value of values) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lsd-relation-label";
      button.textContent = value;
      button.setAttribute("aria-pressed", String(current.includes(value)));
      button.addEventListener("click", () => {
        const next = current.includes(value) ? current.filter((v) => v !== value) : multiple ? [...current, value] : [value];
        store.change(() => { relation.labels = next; });
      });
      group.append(button);
    }
    row.append(group);
  } else if (Array.isArray(relation.labels) && relation.labels.length) {
    const labels = document.createElement("span");
    labels.className = "lsd-relation-labels";
    labels.textContent = relation.labels.join(", ");
    row.append(labels);
  }
  row.append(remove);
  return row;
}

// Relation labels as drawn beside an arrow.
export function relationCaption(relation) {
  return Array.isArray(relation.labels) ? relation.labels.filter((label) => typeof label === "string").join(", ") : "";
}
