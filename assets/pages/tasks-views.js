// The Tasks page's saved views: tabs above the table, each a named query (filter, search, order, columns,
// page size) kept in the project file through /api/views, saved, renamed, deleted and reopened here.

import { api } from "../api.js";
import { confirmDialog, showDialog } from "../ui/dialog.js";
import { h } from "../ui/dom.js";
import { toast } from "../ui/toast.js";

// `current()` gives {viewId, query} of the page; `changed(view)` whether the page differs from the view;
// `open(view|null)` shows a view (null: all tasks); `label(view)` opens the Label page on it.
export function viewTabs({ current, changed, open, label }) {
  let views = [];
  let unavailable = null;
  const element = h("nav", { class: "view-tabs", "aria-label": "Saved views" });

  async function load() {
    try {
      views = await api.get("/api/views");
      unavailable = null;
    } catch (error) {
      views = [];
      unavailable = error.status === 404 || error.status === 405 ? "Saved views need a newer lsdesk server." : error.message;
    }
    draw();
    return views;
  }

  function find(id) {
    return views.find((view) => view.id === id) ?? null;
  }

  function draw() {
    const open_ = find(current().viewId);
    const modified = open_ && changed(open_);
    const tab = (text, view) => h("button", { type: "button", class: "tab", "aria-pressed": String((view?.id ?? null) === (open_?.id ?? null)),
      onclick: () => open(view) }, text);
    element.replaceChildren(
      h("div", { class: "tabs" }, tab("All tasks", null), views.map((view) => tab(view.title, view))),
      h("div", { class: "tab-actions" },
        unavailable ? h("span", { class: "hint" }, unavailable) : [
          modified ? h("button", { type: "button", class: "primary", onclick: () => saveChanges(open_) }, "Save changes") : null,
          h("button", { type: "button", onclick: saveAsNew }, "Save as view…"),
          open_ ? h("button", { type: "button", onclick: () => label(open_) }, "Label") : null,
          open_ ? h("button", { type: "button", onclick: () => rename(open_) }, "Rename…") : null,
          open_ ? h("button", { type: "button", class: "danger", onclick: () => remove(open_) }, "Delete view") : null,
        ]));
  }

  async function saveAsNew() {
    const title = await askTitle("Save as view", "");
    if (!title) return;
    try {
      const view = await api.post("/api/views", { title, query: current().query });
      views.push(view);
      toast(`View “${title}” saved`);
      open(view);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function saveChanges(view) {
    try {
      Object.assign(view, await api.patch(`/api/views/${view.id}`, { query: current().query }));
      toast(`View “${view.title}” saved`);
      draw();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function rename(view) {
    const title = await askTitle("Rename view", view.title);
    if (!title || title === view.title) return;
    try {
      Object.assign(view, await api.patch(`/api/views/${view.id}`, { title }));
      draw();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function remove(view) {
    if (!(await confirmDialog({ title: `Delete the view “${view.title}”?`, message: "Only the saved view is deleted; its tasks stay.",
      confirmLabel: "Delete view", danger: true }))) return;
    try {
      await api.delete(`/api/views/${view.id}`);
      views = views.filter((other) => other !== view);
      open(null);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  return { element, load, draw, find };
}

async function askTitle(title, value) {
  const input = h("input", { type: "text", id: "view-title", value, maxlength: "200" });
  const { dialog, closed } = showDialog({
    title,
    body: h("p", {}, h("label", { htmlFor: "view-title" }, "Name "), input),
    actions: [{ label: "Cancel", value: "" }, { label: "Save", value: "save", kind: "primary" }],
  });
  // Enter saves (the form's implicit submission would press its first button, Cancel).
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    dialog.close("save");
  });
  input.focus();
  input.select();
  return (await closed) === "save" ? input.value.trim() : null;
}
