// The Tasks page: a task browser over GET /api/tasks — saved views as tabs, quick filters and a filter
// builder, full-text search, columns picked per project, sorting by any column, pages of any size with a
// jump to page N, and bulk actions on a selection. Its whole state is in the page's URL, so a reload keeps it.

import { api } from "../api.js";
import { confirmDialog } from "../ui/dialog.js";
import { formatNumber, h, pageHeading, plural } from "../ui/dom.js";
import { errorNotice, infoNotice } from "../ui/notice.js";
import { dataTable, pager } from "../ui/table.js";
import { toast } from "../ui/toast.js";
import { Selection, bulkBar } from "./tasks-bulk.js";
import { allColumns, defaultColumns, fieldsFor, pickColumns, tableColumns } from "./tasks-columns.js";
import { disagreementColumns, disagreementPage } from "./tasks-disagreement.js";
import { EMPTY_FILTER, PRESETS, configControls, filterBuilder, filterFields, sameFilter } from "./tasks-filters.js";
import { viewTabs } from "./tasks-views.js";

const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_SIZE = 20;
const DEFAULT_ORDER = "id";
const KEY_SAMPLE = 100; // tasks read once for the data keys the columns and filters offer
const REVIEW = "disagreement"; // ?filter=disagreement: the review queue's own table

export async function mount(root, shell) {
  loadStylesheet();
  let project = await api.get("/api/project");
  const [dataKeys, queryable] = await Promise.all([sampleDataKeys(project), serverFilters()]);
  let savedColumns = Array.isArray(project.task_columns) && project.task_columns.length ? project.task_columns : defaultColumns(dataKeys);
  const state = readState(shell.query, savedColumns);
  const selection = new Selection();
  let shown = { rows: [], count: null, exact: true, pages: null, hasNext: false };
  let loads = 0;

  const content = h("div", { "aria-live": "polite" });
  const countLine = h("span", { class: "count-line" });
  const sizeSelect = h("select", { id: "page-size", onchange: () => update({ size: Number(sizeSelect.value), page: 1 }) },
    PAGE_SIZES.map((size) => h("option", { value: String(size) }, String(size))));
  const jumpInput = h("input", { type: "number", min: "1", id: "page-number", "aria-label": "Page number", class: "page-number" });
  const searchInput = h("input", { type: "search", id: "task-search", "aria-label": "Search tasks", placeholder: "Search task data",
    disabled: !queryable });
  const builder = filterBuilder(filterFields(dataKeys, configControls(project.config?.label_config)), {
    onApply: (filter) => changeQuery({ filter }) });
  const filtersToggle = h("button", { type: "button", "aria-expanded": "false", "aria-controls": "task-filters", disabled: !queryable,
    onclick: () => showBuilder(builder.element.hidden) });
  builder.element.id = "task-filters";
  const presetButtons = [...PRESETS.map((preset) => ({ key: preset.key, label: preset.label, hint: preset.hint })),
    { key: REVIEW, label: "Disagreement", hint: "Tasks whose annotators disagree, least agreement first (the review queue)" }]
    .map((preset) => h("button", { type: "button", title: preset.hint, dataset: { preset: preset.key },
      disabled: !queryable && preset.key !== "all" && preset.key !== REVIEW, onclick: () => choosePreset(preset.key) }, preset.label));
  const tabs = viewTabs({
    current: () => ({ viewId: state.view, query: viewQuery(state) }),
    changed: (view) => JSON.stringify(viewQuery({ ...state, ...queryState(view.query, savedColumns, state.size) })) !== JSON.stringify(viewQuery(state)),
    open: openView,
    label: labelView,
  });
  const bulk = bulkBar({
    context: () => ({ selection, matching: shown.count ?? shown.rows.length, exact: shown.exact, query: apiQuery(state),
      pageRows: shown.rows, title: tabs.find(state.view)?.title ?? "Filtered tasks" }),
    done: (changed) => {
      render(); // the cleared selection shows at once, not when the reload answers
      if (changed) tasksChanged();
    },
    navigate: shell.navigate,
  });
  const deleteAllButton = h("button", { type: "button", class: "danger", onclick: deleteAll }, "Delete all tasks");

  root.replaceChildren(
    pageHeading("Tasks", h("span", { class: "spacer" }), h("a", { class: "button", href: "/import" }, "Import"), deleteAllButton),
    ...(queryable ? [] : [h("div", { class: "notice warning", role: "status" },
      "This server has no task query API (GET /api/tasks/count): filters, search and bulk actions are off.")]),
    tabs.element,
    h("div", { class: "toolbar" },
      h("div", { class: "segmented", role: "group", "aria-label": "Quick filters" }, presetButtons),
      h("form", { class: "search", role: "search", onsubmit: (event) => { event.preventDefault(); changeQuery({ search: searchInput.value.trim() }); } },
        searchInput, h("button", { type: "submit", disabled: !queryable }, "Search")),
      filtersToggle,
      h("span", { class: "spacer" }),
      h("button", { type: "button", onclick: chooseColumns }, "Columns…")),
    builder.element,
    h("div", { class: "toolbar status-line" },
      countLine,
      h("span", { class: "spacer" }),
      h("form", { class: "jump", onsubmit: (event) => { event.preventDefault(); jumpTo(Number(jumpInput.value)); } },
        h("label", { htmlFor: "page-number" }, "Go to page"), jumpInput, h("button", { type: "submit" }, "Go")),
      h("label", { htmlFor: "page-size" }, "Per page"), sizeSelect),
    bulk.element,
    content);
  builder.set(state.filter);
  showBuilder(state.filter.items.length > 0);

  function showBuilder(visible) {
    builder.element.hidden = !visible || state.review;
    filtersToggle.setAttribute("aria-expanded", String(!builder.element.hidden));
  }

  function drawControls() {
    sizeSelect.value = String(state.size);
    searchInput.value = state.search;
    const count = state.filter.items.length;
    filtersToggle.textContent = count ? `Filters (${count})` : "Filters";
    filtersToggle.disabled = !queryable || state.review; // the review queue has its own order and no filters
    for (const button of presetButtons) {
      const preset = PRESETS.find((entry) => entry.key === button.dataset.preset);
      const pressed = state.review ? button.dataset.preset === REVIEW : Boolean(preset && !state.search && sameFilter(preset.filter, state.filter));
      button.setAttribute("aria-pressed", String(pressed));
    }
    tabs.draw();
  }

  // A new filter or search: back to page 1 with nothing selected.
  function changeQuery(changes) {
    selection.clear();
    update({ review: false, page: 1, ...changes });
  }

  function choosePreset(key) {
    if (key === REVIEW) {
      selection.clear();
      update({ review: true, page: 1 });
      showBuilder(false);
      return;
    }
    const { filter } = PRESETS.find((preset) => preset.key === key);
    builder.set(filter);
    changeQuery({ filter, search: "" });
  }

  function openView(view) {
    const query = view ? view.query : { filter: EMPTY_FILTER, search: "", order: DEFAULT_ORDER, columns: savedColumns, page_size: state.size };
    const restored = queryState(query, savedColumns, state.size);
    builder.set(restored.filter);
    selection.clear();
    update({ ...restored, view: view?.id ?? null, review: false, page: 1 });
    showBuilder(restored.filter.items.length > 0);
  }

  function labelView(view) {
    const query = apiQuery(queryState(view.query, savedColumns, state.size));
    shell.navigate(`/label?${new URLSearchParams({ query: queryString(query).toString(), title: view.title })}`);
  }

  async function chooseColumns() {
    const picked = await pickColumns(allColumns(dataKeys), state.columns);
    if (!picked) return;
    try {
      project = await api.patch("/api/project", { task_columns: picked });
      savedColumns = picked;
    } catch (error) {
      toast(`The columns are shown but not remembered: ${error.message}`, "error");
    }
    update({ columns: picked });
  }

  function jumpTo(page) {
    if (!Number.isInteger(page) || page < 1) return;
    update({ page: shown.pages === null ? page : Math.min(page, Math.max(shown.pages, 1)) });
  }

  async function update(changes = {}) {
    Object.assign(state, changes);
    shell.setUrl(urlOf(state, savedColumns), { replace: true });
    drawControls();
    const ticket = ++loads;
    content.setAttribute("aria-busy", "true");
    try {
      project = await api.get("/api/project");
      const next = state.review ? await disagreementPage(state) : await queryPage(state, project, queryable);
      if (ticket !== loads || !shell.isCurrent()) return;
      if (next.pages !== null && state.page > Math.max(next.pages, 1)) {
        update({ page: Math.max(next.pages, 1) });
        return;
      }
      shown = { exact: true, ...next, count: next.count ?? next.total ?? null };
      render();
    } catch (error) {
      if (ticket === loads) content.replaceChildren(errorNotice(error, "Could not load the tasks"));
    } finally {
      if (ticket === loads) content.removeAttribute("aria-busy");
    }
  }

  function render() {
    const focused = document.activeElement?.dataset?.focusKey;
    countLine.textContent = countText(shown, project, state);
    deleteAllButton.disabled = project.task_count === 0;
    jumpInput.max = shown.pages === null ? "" : String(Math.max(shown.pages, 1));
    jumpInput.placeholder = String(state.page);
    bulk.draw();
    if (project.task_count === 0) {
      content.replaceChildren(infoNotice("No tasks yet", "Import tasks to start labeling.", h("a", { href: "/import" }, "Import tasks →")));
      return;
    }
    content.replaceChildren(
      h("div", { class: "table-frame" }, dataTable({
        caption: state.review ? "Tasks whose annotators disagree" : "Tasks",
        columns: state.review ? disagreementColumns() : tableColumns(state.columns, { selectCell, selectAllBox: selectAllBox(), deleteTask }),
        rows: shown.rows,
        order: state.order,
        onSort: state.review ? null : (order) => update({ order, page: 1 }),
        empty: state.review ? "No tasks whose annotators disagree" : "No tasks match",
        rowClass: (task) => (!state.review && selection.has(task.id) ? "selected" : null),
      })),
      pager({ page: state.page, pages: shown.pages, hasNext: shown.hasNext, onPage: (page) => update({ page }) }));
    if (focused) content.querySelector(`[data-focus-key="${focused}"]:not(:disabled)`)?.focus();
  }

  function selectCell(task) {
    return h("input", { type: "checkbox", class: "row-select", checked: selection.has(task.id), disabled: !queryable,
      "aria-label": `Select task ${task.id}`, dataset: { focusKey: `select-${task.id}` },
      onchange: (event) => { selection.toggle(task.id, event.target.checked); render(); } });
  }

  function selectAllBox() {
    const all = shown.rows.length > 0 && shown.rows.every((task) => selection.has(task.id));
    const box = h("input", { type: "checkbox", class: "row-select", checked: all, disabled: !queryable || !shown.rows.length,
      "aria-label": "Select all tasks on this page", dataset: { focusKey: "select-page" },
      onchange: () => { for (const task of shown.rows) selection.toggle(task.id, !all); render(); } });
    box.indeterminate = !all && shown.rows.some((task) => selection.has(task.id));
    return box;
  }

  async function deleteTask(task) {
    if (!(await confirmDialog({ title: `Delete task ${task.id}?`, message: "The task, its completions and predictions will be deleted.", confirmLabel: "Delete", danger: true }))) return;
    try {
      await api.delete(`/api/tasks/${task.id}`);
      toast(`Task ${task.id} deleted`);
      selection.toggle(task.id, false);
      tasksChanged();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function deleteAll() {
    const { task_count: taskCount } = await api.get("/api/project");
    if (!(await confirmDialog({
      title: `Delete all ${plural(taskCount, "task")}?`,
      message: "Every task of this project, with its completions, predictions and drafts, will be deleted. This cannot be undone.",
      confirmLabel: "Delete all tasks", danger: true,
    }))) return;
    try {
      await api.delete("/api/tasks");
      toast("All tasks deleted");
      selection.clear();
      tasksChanged();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function tasksChanged() {
    shell.projectChanged();
    update();
  }

  // A view deleted since its URL was made leaves the page on its query, as unsaved changes.
  tabs.load().then(() => {
    if (state.view === null || tabs.find(state.view) || !shell.isCurrent()) return;
    state.view = null;
    shell.setUrl(urlOf(state, savedColumns), { replace: true });
    tabs.draw();
  });
  await update();
  return () => { loads += 1; };
}

function loadStylesheet() {
  const href = new URL("tasks.css", import.meta.url).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((link) => link.href === href)) return;
  document.head.append(h("link", { rel: "stylesheet", href }));
}

// The data keys of the config and of the first tasks, in the order they are first seen.
async function sampleDataKeys(project) {
  const keys = new Set(Object.keys(project.data_types ?? {}));
  if (project.task_count > 0) {
    const tasks = await api.get(`/api/tasks?page=1&page_size=${KEY_SAMPLE}&fields=id,data`);
    for (const task of tasks) for (const key of Object.keys(task.data ?? {})) keys.add(key);
  }
  return [...keys];
}

// Whether the server filters, searches and counts (contract A); an older one would ignore a filter.
async function serverFilters() {
  try {
    await api.get("/api/tasks/count");
    return true;
  } catch (error) {
    if (error.status === 404 || error.status === 405) return false;
    throw error;
  }
}

// {filter, search, order} of GET /api/tasks for the page's state.
function apiQuery(state) {
  return { filter: state.filter, search: state.search, order: state.order };
}

function queryString({ filter, search, order }) {
  const params = new URLSearchParams();
  if (filter.items.length) params.set("filter", JSON.stringify(filter));
  if (search) params.set("search", search);
  if (order) params.set("order", order);
  return params;
}

// One page of the query and the count of its matches: {rows, count, exact, pages (null when unknown), hasNext}.
async function queryPage(state, project, queryable) {
  const params = queryString(apiQuery(state));
  const counting = new URLSearchParams(params);
  counting.delete("order");
  params.set("page", String(state.page));
  params.set("page_size", String(state.size));
  params.set("fields", fieldsFor(state.columns));
  const [rows, counted] = await Promise.all([
    api.get(`/api/tasks?${params}`),
    queryable ? api.get(`/api/tasks/count?${counting}`) : { count: project.task_count, exact: true },
  ]);
  const pages = counted.exact ? Math.ceil(counted.count / state.size) : null;
  return { rows, count: counted.count, exact: counted.exact, pages, hasNext: pages === null ? rows.length === state.size : state.page < pages };
}

function countText(shown, project, state) {
  if (shown.count === null) return "";
  const matching = shown.exact ? plural(shown.count, "task") : `${formatNumber(shown.count)}+ tasks`;
  const narrowed = state.review || state.search || state.filter.items.length;
  return narrowed ? `${matching} · ${formatNumber(project.task_count)} in the project` : matching;
}

// -- the state and the URL ----------------------------------------------------------------------

// What a saved view keeps.
function viewQuery(state) {
  return { filter: state.filter, search: state.search, order: state.order, columns: state.columns, page_size: state.size };
}

function queryState(query, savedColumns, size) {
  return {
    filter: validFilter(query.filter) ?? EMPTY_FILTER,
    search: typeof query.search === "string" ? query.search : "",
    order: typeof query.order === "string" && query.order ? query.order : DEFAULT_ORDER,
    columns: Array.isArray(query.columns) && query.columns.length ? query.columns : savedColumns,
    size: PAGE_SIZES.includes(query.page_size) ? query.page_size : size,
  };
}

function validFilter(filter) {
  if (!filter || typeof filter !== "object" || !Array.isArray(filter.items)) return null;
  return { conjunction: filter.conjunction === "or" ? "or" : "and", items: filter.items };
}

function readState(query, savedColumns) {
  const rawFilter = query.get("filter");
  const preset = PRESETS.find((entry) => entry.key === rawFilter);
  const size = Number(query.get("size"));
  const state = queryState({
    filter: preset ? preset.filter : parseJson(rawFilter),
    search: query.get("search"),
    order: query.get("order"),
    columns: parseJson(query.get("columns")),
    page_size: size,
  }, savedColumns, DEFAULT_SIZE);
  const view = Number.parseInt(query.get("view"), 10);
  return { ...state, review: rawFilter === REVIEW, view: Number.isInteger(view) ? view : null,
    page: Math.max(1, Number.parseInt(query.get("page"), 10) || 1) };
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function urlOf(state, savedColumns) {
  const query = new URLSearchParams();
  if (state.view !== null) query.set("view", String(state.view));
  if (state.review) query.set("filter", REVIEW);
  else if (state.filter.items.length) query.set("filter", JSON.stringify(state.filter));
  if (state.search) query.set("search", state.search);
  if (state.order !== DEFAULT_ORDER) query.set("order", state.order);
  if (JSON.stringify(state.columns) !== JSON.stringify(savedColumns)) query.set("columns", JSON.stringify(state.columns));
  if (state.page !== 1) query.set("page", String(state.page));
  if (state.size !== DEFAULT_SIZE) query.set("size", String(state.size));
  const text = query.toString();
  return text ? `/tasks?${text}` : "/tasks";
}
