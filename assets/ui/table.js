// A data table whose sortable columns are header buttons, and a pager for paged lists.

import { formatNumber, h } from "./dom.js";

// columns: [{title, cell(row) → node or text, className?, sort?: {ascending, descending}, lead?: node before
// the title in the header}]; `order` is the current sort key and `onSort(key)` is called with the key a
// header asks for; `rowClass(row)` may name a class for a row.
export function dataTable({ caption, columns, rows, order = null, onSort = null, empty = "Nothing to show", rowClass = null }) {
  const head = h("tr", {}, columns.map((column) => headerCell(column, order, onSort)));
  const body = rows.length
    ? rows.map((row) => h("tr", { class: rowClass?.(row) }, columns.map((column) => h("td", { class: column.className }, column.cell(row)))))
    : [h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty))];
  return h("table", { class: "data-table" },
    caption ? h("caption", { class: "visually-hidden" }, caption) : null,
    h("thead", {}, head),
    h("tbody", {}, body));
}

function headerCell(column, order, onSort) {
  const { sort } = column;
  if (!sort || !onSort) return h("th", { scope: "col", class: column.className }, column.lead, column.title);
  const direction = order === sort.ascending ? "ascending" : order === sort.descending ? "descending" : null;
  const next = direction === "ascending" ? sort.descending : sort.ascending;
  const arrow = direction === "ascending" ? " ▲" : direction === "descending" ? " ▼" : "";
  return h("th", { scope: "col", class: column.className, "aria-sort": direction ?? "none" },
    column.lead,
    h("button", { type: "button", class: "sort", onclick: () => onSort(next), title: `Sort by ${column.title}`,
      dataset: { focusKey: `sort-${column.title}` } },
      column.title, h("span", { "aria-hidden": "true" }, arrow)));
}

// "Previous · Page 2 of 9 · Next"; `pages` may be null when the end is not known yet (then `hasNext` says).
export function pager({ page, pages, hasNext = page < pages, onPage }) {
  const label = pages === null ? `Page ${formatNumber(page)}` : `Page ${formatNumber(page)} of ${formatNumber(Math.max(pages, 1))}`;
  const button = (key, text, target, enabled, ariaLabel = null) => h("button", {
    type: "button", disabled: !enabled, onclick: () => onPage(target), "aria-label": ariaLabel, dataset: { focusKey: `pager-${key}` },
  }, text);
  return h("nav", { class: "pager", "aria-label": "Pages" },
    button("first", "«", 1, page > 1, "First page"),
    button("previous", "‹ Previous", page - 1, page > 1),
    h("span", { class: "pager-label", "aria-live": "polite" }, label),
    button("next", "Next ›", page + 1, hasNext),
    pages === null ? null : button("last", "»", pages, page < pages, "Last page"));
}
