// <Ranker toName="list">: the items of a <List> ([{id, title, body}]) ranked by dragging or with
// the arrow buttons, in one column or into <Bucket> columns. The value is a dict of column name →
// item ids: {ranker: {<ranker name>: [..]}} or {ranker: {<bucket>: [..], "_": [unsorted]}}; a bare
// array (old data) is read as the single column's order.

import { flag } from "../editor/config.js";
import { validateRequired } from "../editor/required.js";
import { newRegionId } from "../editor/store.js";
import { bindVisibility } from "../editor/visibility.js";

const UNSORTED = "_";

export default {
  name: "Ranker",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const listName = (node.attrs.toname || "").trim();
    const listNode = ctx.node(listName);
    const data = listNode ? ctx.resolve(listNode.attrs.value) : [];
    const entries = (Array.isArray(data) ? data : []).map((entry, index) => (typeof entry === "object" && entry !== null
      ? { id: entry.id ?? index, title: entry.title ?? "", body: entry.body ?? "" } : { id: index, title: String(entry), body: "" }));
    const byId = new Map(entries.map((entry) => [String(entry.id), entry]));
    const buckets = node.children.filter((child) => child.tag.toLowerCase() === "bucket");
    const fallback = buckets.find((bucket) => flag(bucket, "default"));
    const columns = buckets.length
      ? [...(fallback ? [] : [{ name: UNSORTED, title: "Unsorted" }]),
        ...buckets.map((bucket) => ({ name: bucket.attrs.name, title: bucket.attrs.title || bucket.attrs.name }))]
      : [{ name, title: (listNode && listNode.attrs.title) || "Ranking" }];

    const item = () => ctx.store.itemsOf(name)[0] || null;
    // Column name → ids now, every List item placed exactly once.
    const layout = () => {
      const stored = item() && item().value ? item().value.ranker : null;
      const dict = Array.isArray(stored) ? { [columns[0].name]: stored } : stored && typeof stored === "object" ? stored : {};
      const placed = new Set();
      const result = new Map(columns.map((column) => [column.name, []]));
      for (const column of columns) {
        for (const id of Array.isArray(dict[column.name]) ? dict[column.name] : []) {
          if (byId.has(String(id)) && !placed.has(String(id))) {
            placed.add(String(id));
            result.get(column.name).push(byId.get(String(id)).id);
          }
        }
      }
      const home = fallback ? fallback.attrs.name : columns[0].name;
      for (const entry of entries) if (!placed.has(String(entry.id))) result.get(home).push(entry.id);
      return result;
    };
    const save = (next) => {
      const ranker = {};
      for (const [column, ids] of next) if (column !== UNSORTED || ids.length) ranker[column] = ids;
      ctx.store.change(() => {
        const current = item();
        if (current) current.value = { ...(current.value || {}), ranker };
        else ctx.store.add({ id: newRegionId(), from_name: name, to_name: listName, type: "ranker", value: { ranker } });
      });
    };
    const move = (id, column, index) => {
      const next = layout();
      for (const ids of next.values()) {
        const at = ids.findIndex((other) => String(other) === String(id));
        if (at >= 0) {
          ids.splice(at, 1);
          if (next.get(column) === ids && at < index) index -= 1;
        }
      }
      const target = next.get(column);
      target.splice(Math.max(0, Math.min(index, target.length)), 0, byId.get(String(id)).id);
      save(next);
    };

    const box = document.createElement("div");
    box.className = "lsd-ranker htx-ranker";
    box.dataset.control = name;
    const draw = () => {
      const now = layout();
      box.replaceChildren(...columns.map((column) => {
        const section = document.createElement("section");
        section.className = "lsd-ranker-column htx-ranker-column";
        const heading = document.createElement("h4");
        heading.textContent = column.title;
        const list = document.createElement("ol");
        list.setAttribute("aria-label", column.title);
        const ids = now.get(column.name);
        ids.forEach((id, index) => list.append(card(byId.get(String(id)), column, index, ids.length)));
        list.addEventListener("dragover", (event) => event.preventDefault());
        list.addEventListener("drop", (event) => {
          event.preventDefault();
          const id = event.dataTransfer.getData("text/plain");
          if (!byId.has(id)) return;
          const cards = [...list.children];
          const before = cards.findIndex((other) => event.clientY < other.getBoundingClientRect().top + other.offsetHeight / 2);
          move(id, column.name, before < 0 ? cards.length : before);
        });
        section.append(heading, list);
        return section;
      }));
    };
    const card = (entry, column, index, count) => {
      const row = document.createElement("li");
      row.className = "lsd-ranker-item htx-ranker-item";
      row.draggable = true;
      row.dataset.id = String(entry.id);
      row.addEventListener("dragstart", (event) => {
        event.dataTransfer.setData("text/plain", String(entry.id));
        row.classList.add("dragging");
      });
      row.addEventListener("dragend", () => row.classList.remove("dragging"));
      const text = document.createElement("div");
      const title = document.createElement("div");
      title.className = "lsd-ranker-title";
      title.textContent = String(entry.title);
      const body = document.createElement("div");
      body.className = "lsd-ranker-body";
      body.textContent = String(entry.body);
      text.append(title, body);
      const up = button("↑", `Move ${entry.title} up`, index > 0, () => move(entry.id, column.name, index - 1));
      const down = button("↓", `Move ${entry.title} down`, index < count - 1, () => move(entry.id, column.name, index + 2));
      row.append(text, up, down);
      if (columns.length > 1) {
        const select = document.createElement("select");
        select.setAttribute("aria-label", `Column of ${entry.title}`);
        for (const other of columns) select.append(new Option(other.title, other.name, false, other.name === column.name));
        select.addEventListener("change", () => move(entry.id, select.value, Infinity));
        row.append(select);
      }
      return row;
    };
    let drawn = null;
    const refresh = () => {
      const print = JSON.stringify([...layout()]);
      if (print !== drawn) {
        drawn = print;
        draw();
      }
    };
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx);
  },
};

function button(text, label, enabled, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  element.setAttribute("aria-label", label);
  element.disabled = !enabled;
  element.addEventListener("click", onClick);
  return element;
}
