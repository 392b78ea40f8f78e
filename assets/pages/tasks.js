// The Tasks page: a paged table of the project's tasks, filtered (labeled, unlabeled, skipped, disagreement)
// and sorted through the server's orders so any page costs one or two requests at any project size.

import { api, countSkippedTasks, tasksPage } from "../api.js";
import { confirmDialog } from "../ui/dialog.js";
import { formatNumber, h, pageHeading, plural } from "../ui/dom.js";
import { errorNotice, infoNotice } from "../ui/notice.js";
import { dataTable, pager } from "../ui/table.js";
import { toast } from "../ui/toast.js";
import { disagreementColumns, disagreementPage } from "./tasks-disagreement.js";

const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_SIZE = 20;

// Each filter reads the one order in which its tasks come first (see README: unlabeled tasks are
// always last, by id; skipped tasks lead -has_cancelled_completions). `orders` are those it can sort by.
const FILTERS = {
  all: { label: "All", hint: "Every task", orders: ["id", "-id", "completed_at", "-completed_at", "has_cancelled_completions", "-has_cancelled_completions"] },
  labeled: { label: "Labeled", hint: "Tasks with a completion, skipped ones included", orders: ["-completed_at", "completed_at", "-has_cancelled_completions", "has_cancelled_completions"] },
  unlabeled: { label: "Unlabeled", hint: "Tasks without any completion", orders: ["id"] },
  skipped: { label: "Skipped", hint: "Tasks with a skipped completion", orders: ["-has_cancelled_completions"] },
  disagreement: { label: "Disagreement", hint: "Tasks whose annotators disagree, least agreement first", orders: ["agreement"] },
};

const IMAGE_PATH = /\.(png|jpe?g|gif|webp|bmp|svg|avif|ico|tiff?)([?#].*)?$/i;
const PREVIEW_WORDS = 16;

export async function mount(root, shell) {
  const state = readState(shell.query);
  const content = h("div", { "aria-live": "polite" });
  const sizeSelect = h("select", { id: "page-size", onchange: () => update({ size: Number(sizeSelect.value), page: 1 }) },
    PAGE_SIZES.map((size) => h("option", { value: String(size), selected: size === state.size }, String(size))));
  const filterButtons = Object.entries(FILTERS).map(([key, filter]) =>
    h("button", { type: "button", "aria-pressed": String(key === state.filter), dataset: { filter: key }, title: filter.hint,
      onclick: () => update({ filter: key, order: FILTERS[key].orders[0], page: 1 }) }, filter.label));
  const countLine = h("span", { class: "count-line" });
  const deleteAllButton = h("button", { type: "button", class: "danger", onclick: deleteAll }, "Delete all tasks");
  let skipped = null; // {count, capped}, counted once until tasks change
  let loads = 0;

  root.replaceChildren(
    pageHeading("Tasks", h("span", { class: "spacer" }),
      h("a", { class: "button", href: "/import" }, "Import"),
      deleteAllButton),
    h("div", { class: "toolbar" },
      h("div", { class: "segmented", role: "group", "aria-label": "Show" }, filterButtons),
      countLine,
      h("span", { class: "spacer" }),
      h("label", { htmlFor: "page-size" }, "Per page"), sizeSelect),
    content);

  async function update(changes = {}) {
    Object.assign(state, changes);
    if (!FILTERS[state.filter].orders.includes(state.order)) state.order = FILTERS[state.filter].orders[0];
    shell.setUrl(urlOf(state), { replace: true });
    for (const button of filterButtons) button.setAttribute("aria-pressed", String(button.dataset.filter === state.filter));
    const ticket = ++loads;
    content.setAttribute("aria-busy", "true");
    try {
      const project = await api.get("/api/project");
      if (state.filter === "skipped" && !skipped) skipped = await countSkippedTasks();
      const shown = await pageOf(state, project, skipped);
      if (ticket !== loads || !shell.isCurrent()) return;
      if (shown.pages !== null && state.page > Math.max(shown.pages, 1)) {
        update({ page: Math.max(shown.pages, 1) });
        return;
      }
      render(project, shown);
    } catch (error) {
      if (ticket === loads) content.replaceChildren(errorNotice(error, "Could not load the tasks"));
    } finally {
      if (ticket === loads) content.removeAttribute("aria-busy");
    }
  }

  function render(project, shown) {
    const focused = document.activeElement?.dataset?.focusKey;
    countLine.textContent = countText(project, shown);
    deleteAllButton.disabled = project.task_count === 0;
    if (project.task_count === 0) {
      content.replaceChildren(infoNotice("No tasks yet", "Import tasks to start labeling.", h("a", { href: "/import" }, "Import tasks →")));
      return;
    }
    content.replaceChildren(
      h("div", { class: "table-frame" }, dataTable({
        caption: `${FILTERS[state.filter].label} tasks`,
        columns: state.filter === "disagreement" ? disagreementColumns() : columnsFor(state.filter, deleteTask),
        rows: shown.rows,
        order: state.order,
        onSort: (order) => update({ order, page: 1 }),
        empty: `No ${FILTERS[state.filter].label.toLowerCase()} tasks`,
      })),
      pager({ page: state.page, pages: shown.pages, hasNext: shown.hasNext, onPage: (page) => update({ page }) }));
    if (focused) content.querySelector(`[data-focus-key="${focused}"]:not(:disabled)`)?.focus();
  }

  async function deleteTask(task) {
    if (!(await confirmDialog({ title: `Delete task ${task.id}?`, message: "The task, its completions and predictions will be deleted.", confirmLabel: "Delete", danger: true }))) return;
    try {
      await api.delete(`/api/tasks/${task.id}`);
      toast(`Task ${task.id} deleted`);
      tasksChanged();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function deleteAll() {
    const project = await api.get("/api/project");
    if (!(await confirmDialog({
      title: `Delete all ${plural(project.task_count, "task")}?`,
      message: "Every task of this project, with its completions, predictions and drafts, will be deleted. This cannot be undone.",
      confirmLabel: "Delete all tasks", danger: true,
    }))) return;
    try {
      await api.delete("/api/tasks");
      toast("All tasks deleted");
      tasksChanged();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function tasksChanged() {
    skipped = null;
    shell.projectChanged();
    update();
  }

  await update();
  return () => { loads += 1; };
}

function readState(query) {
  const filter = FILTERS[query.get("filter")] ? query.get("filter") : "all";
  const size = PAGE_SIZES.includes(Number(query.get("size"))) ? Number(query.get("size")) : DEFAULT_SIZE;
  const page = Math.max(1, Number.parseInt(query.get("page"), 10) || 1);
  return { filter, order: query.get("order") ?? FILTERS[filter].orders[0], page, size };
}

function urlOf(state) {
  const query = new URLSearchParams();
  if (state.filter !== "all") query.set("filter", state.filter);
  if (state.order !== FILTERS[state.filter].orders[0]) query.set("order", state.order);
  if (state.page !== 1) query.set("page", String(state.page));
  if (state.size !== DEFAULT_SIZE) query.set("size", String(state.size));
  const text = query.toString();
  return text ? `/tasks?${text}` : "/tasks";
}

// One page of the filter's tasks: {rows, pages (null when unknown), hasNext}.
async function pageOf(state, project, skipped) {
  const { filter, order, page, size } = state;
  const labeled = project.completion_count;
  if (filter === "disagreement") return disagreementPage(state);
  if (filter === "all") {
    return counted(await tasksPage(page, size, order), project.task_count, state);
  }
  if (filter === "labeled") {
    const rows = (await tasksPage(page, size, order)).filter((task) => task.completed_at !== null);
    return counted(rows, labeled, state);
  }
  if (filter === "unlabeled") {
    const rows = await tasksFrom(labeled + (page - 1) * size, size, "completed_at");
    return counted(rows.filter((task) => task.completed_at === null), project.task_count - labeled, state);
  }
  const rows = (await tasksPage(page, size, "-has_cancelled_completions")).filter((task) => task.has_cancelled_completions > 0);
  if (skipped.capped) return { rows, pages: null, hasNext: rows.length === size, total: null };
  return counted(rows, skipped.count, state);
}

function counted(rows, total, { page, size }) {
  const pages = Math.ceil(total / size);
  return { rows, pages, hasNext: page < pages, total };
}

// `count` tasks starting at position `offset` of an order: the one or two pages that cover them.
async function tasksFrom(offset, count, order) {
  const first = Math.floor(offset / count) + 1;
  const shift = offset % count;
  const pages = shift ? [first, first + 1] : [first];
  const rows = (await Promise.all(pages.map((page) => tasksPage(page, count, order)))).flat();
  return rows.slice(shift, shift + count);
}

function countText(project, shown) {
  if (shown.total === null) return "10,000+ skipped tasks";
  if (!shown.rows.length) return `${plural(shown.total, "task")}`;
  return `${plural(shown.total, "task")} · ${formatNumber(project.task_count)} in the project`;
}

function columnsFor(filter, deleteTask) {
  const sortable = (ascending, descending) => (FILTERS[filter].orders.includes(ascending) && FILTERS[filter].orders.includes(descending)
    ? { ascending, descending } : null);
  return [
    { title: "ID", className: "num", sort: sortable("id", "-id"),
      cell: (task) => h("a", { href: `/label/${task.id}`, "aria-label": `Open task ${task.id}` }, String(task.id)) },
    { title: "Data", cell: dataPreview },
    { title: "Completions", className: "num", cell: (task) => formatNumber(task.completions.length) },
    { title: "Skipped", className: "nowrap", sort: sortable("has_cancelled_completions", "-has_cancelled_completions"),
      cell: (task) => (task.has_cancelled_completions > 0 ? h("span", { class: "badge skipped" }, `Skipped ×${task.has_cancelled_completions}`) : "") },
    { title: "Completed at", className: "nowrap", sort: sortable("completed_at", "-completed_at"), cell: (task) => task.completed_at ?? "—" },
    { title: "", cell: (task) => h("div", { class: "row-actions" },
      h("a", { class: "button", href: `/label/${task.id}` }, "Label"),
      h("button", { type: "button", onclick: () => deleteTask(task), "aria-label": `Delete task ${task.id}` }, "Delete")) },
  ];
}

function looksLikeImage(value) {
  if (typeof value !== "string") return false;
  if (value.startsWith("data:image/")) return true;
  return /^(https?:\/\/|\/)/.test(value) && IMAGE_PATH.test(value);
}

// A thumbnail for the first image URL and the first words of the first other value; always as text.
function dataPreview(task) {
  const values = Object.values(task.data ?? {});
  const image = values.find(looksLikeImage);
  const other = values.find((value) => !looksLikeImage(value));
  const text = other === undefined ? "" : typeof other === "string" ? other : JSON.stringify(other);
  const words = text.trim().split(/\s+/);
  const shortText = words.length > PREVIEW_WORDS ? `${words.slice(0, PREVIEW_WORDS).join(" ")}…` : words.join(" ");
  return h("div", { class: "preview-cell" },
    image ? h("img", { src: image, alt: "", loading: "lazy", decoding: "async" }) : null,
    shortText ? h("span", { class: "text", title: text.slice(0, 500) }, shortText) : null);
}
