// The Tasks page's selection (ticked rows, or every task matching the query minus some) and the bulk
// actions on it: POST /api/tasks/bulk behind a confirmation naming how many tasks, an export of the
// selection, and "Label these" (the Label page's queue of contract B).

import { api } from "../api.js";
import { confirmDialog, showDialog } from "../ui/dialog.js";
import { formatNumber, h, plural } from "../ui/dom.js";
import { toast } from "../ui/toast.js";

const ACTIONS = [
  { action: "delete_tasks", label: "Delete tasks", danger: true, done: "Deleted",
    confirm: (n) => [`Delete ${plural(n, "task")}?`, "The tasks, their completions, predictions and drafts will be deleted. This cannot be undone."] },
  { action: "delete_completions", label: "Delete completions", danger: true, done: "Deleted the completions of",
    confirm: (n) => [`Delete the completions of ${plural(n, "task")}?`, "Every completion of these tasks, skipped ones included, will be deleted. The tasks stay."] },
  { action: "delete_predictions", label: "Delete predictions", danger: true, done: "Deleted the predictions of",
    confirm: (n) => [`Delete the predictions of ${plural(n, "task")}?`, "Every prediction of these tasks will be deleted. The tasks stay."] },
  { action: "mark_ground_truth", label: "Mark ground truth", done: "Marked the ground truth of" },
  { action: "unmark_ground_truth", label: "Unmark ground truth", done: "Unmarked the ground truth of",
    confirm: (n) => [`Unmark the ground truth of ${plural(n, "task")}?`, "Exports then take each task's newest completion instead."] },
];

// Which tasks are selected: ticked ids, or all tasks matching the query except unticked ones.
export class Selection {
  constructor() {
    this.clear();
  }

  clear() {
    this.everything = false;
    this.ids = new Set(); // ticked ids, or (when everything) the unticked ones
  }

  has(id) {
    return this.everything !== this.ids.has(id);
  }

  toggle(id, on) {
    if (on === this.everything) this.ids.delete(id);
    else this.ids.add(id);
  }

  selectAllMatching() {
    this.everything = true;
    this.ids = new Set();
  }

  size(matching) {
    return this.everything ? Math.max(0, matching - this.ids.size) : this.ids.size;
  }

  // The `selection` of POST /api/tasks/bulk for the page's query {filter, search}.
  body(query) {
    if (!this.everything) return { ids: [...this.ids] };
    const body = { filter: query.filter, exclude: [...this.ids] };
    if (query.search) body.search = query.search;
    return body;
  }
}

// The bar above the table: how many are selected, "select all N matching", the actions menu.
// `context()` gives {selection, matching, exact, query, pageRows, title}; `done()` reloads the page.
export function bulkBar({ context, done, navigate }) {
  const bar = h("div", { class: "bulk-bar", role: "region", "aria-label": "Selection" });

  function draw() {
    const { selection, matching, exact, pageRows } = context();
    const count = selection.size(matching);
    if (!count) {
      bar.hidden = true;
      bar.replaceChildren();
      return;
    }
    bar.hidden = false;
    const wholePage = pageRows.length > 0 && pageRows.every((task) => selection.has(task.id));
    const matchingText = exact ? formatNumber(matching) : `${formatNumber(matching)}+`;
    bar.replaceChildren(...[
      h("strong", { class: "selected-count" }, selection.everything ? `All ${matchingText} matching tasks selected` : `${plural(count, "task")} selected`),
      !selection.everything && wholePage && matching > pageRows.length
        ? h("button", { type: "button", class: "link", onclick: () => { selection.selectAllMatching(); done(false); } },
          `Select all ${matchingText} matching tasks`)
        : null,
      h("button", { type: "button", class: "link", onclick: () => { selection.clear(); done(false); } }, "Clear selection"),
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "primary", onclick: () => labelThese(context(), navigate) }, "Label these"),
      h("button", { type: "button", onclick: () => exportSelection(context()) }, "Export…"),
      actionsMenu(count)].filter(Boolean));
  }

  function actionsMenu(count) {
    const menu = h("details", { class: "menu" },
      h("summary", {}, "Actions"),
      h("div", { class: "menu-items", role: "group", "aria-label": "Bulk actions" },
        ACTIONS.map((entry) => h("button", { type: "button", class: entry.danger ? "danger" : "",
          onclick: () => { menu.open = false; run(entry, count); } }, entry.label))));
    return menu;
  }

  async function run(entry, count) {
    const { selection, query } = context();
    if (entry.confirm) {
      const [title, message] = entry.confirm(count);
      if (!(await confirmDialog({ title, message, confirmLabel: entry.label, danger: entry.danger }))) return;
    }
    try {
      const answer = await api.post("/api/tasks/bulk", { action: entry.action, selection: selection.body(query) });
      toast(`${entry.done} ${plural(answer.tasks, "task")}`);
      selection.clear();
      done(true);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  return { element: bar, draw };
}

// The query string of GET /api/tasks that walks the selection in the page's order.
function selectionQuery({ selection, query }) {
  const params = new URLSearchParams();
  if (selection.everything) {
    if (query.filter.items.length) params.set("filter", JSON.stringify(query.filter));
    if (query.search) params.set("search", query.search);
  } else {
    params.set("filter", JSON.stringify({ conjunction: "and", items: [{ field: "id", op: "in", value: [...selection.ids] }] }));
  }
  if (query.order) params.set("order", query.order);
  return params;
}

function labelThese(context, navigate) {
  const { selection, matching, title } = context;
  const name = selection.everything ? title : `${plural(selection.size(matching), "selected task")}`;
  navigate(`/label?${new URLSearchParams({ query: selectionQuery(context).toString(), title: name })}`);
}

// A dialog to pick a format, whose link downloads the selection (GET /api/project/export with ids or the query).
async function exportSelection(context) {
  const { selection, query, matching } = context;
  let formats;
  try {
    formats = (await api.get("/api/project/export/formats")).filter((format) => format.supported);
  } catch (error) {
    toast(error.message, "error");
    return;
  }
  const params = new URLSearchParams();
  if (selection.everything) {
    if (query.filter.items.length) params.set("filter", JSON.stringify(query.filter));
    if (query.search) params.set("search", query.search);
    if (!params.toString()) params.set("all_tasks", "1");
  } else {
    params.set("ids", [...selection.ids].join(","));
  }
  const select = h("select", { id: "export-selection-format", onchange: () => updateLink() },
    formats.map((format) => h("option", { value: format.name }, format.title)));
  const link = h("a", { class: "button primary", download: "", id: "export-selection-link" });
  function updateLink() {
    link.href = `/api/project/export?${new URLSearchParams({ format: select.value, ...Object.fromEntries(params) })}`;
    link.textContent = `Download ${select.selectedOptions[0]?.textContent ?? ""}`;
  }
  updateLink();
  const excluded = selection.everything && selection.ids.size > 0;
  showDialog({
    title: `Export ${plural(selection.size(matching), "task")}`,
    body: h("div", { class: "export-selection" },
      h("p", {}, h("label", { htmlFor: "export-selection-format" }, "Format "), select),
      excluded ? h("p", { class: "hint" }, `The export holds every matching task: the ${plural(selection.ids.size, "unticked task")} cannot be left out of it.`) : null,
      h("p", {}, link)),
    actions: [{ label: "Close", value: "" }],
  });
}
