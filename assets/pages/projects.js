// The Projects page: every known project file, creating one, opening one by path, switching, and recent files.

import { api } from "../api.js";
import { formatDate, formatNumber, h, pageHeading } from "../ui/dom.js";
import { errorNotice } from "../ui/notice.js";
import { dataTable } from "../ui/table.js";
import { toast } from "../ui/toast.js";

const RECENT_KEY = "lsdesk.recent-files";
const RECENT_KEPT = 8;

export async function mount(root, shell) {
  const list = h("div", { class: "table-frame" });
  const recent = h("div");
  const createForm = creationForm(onProjectChanged);
  const openForm = openingForm(onProjectChanged);
  root.replaceChildren(
    pageHeading("Projects"),
    h("p", { class: "lead" }, "Each project is one .lsdesk file holding its config, tasks, completions and uploads."),
    h("div", { class: "projects-forms" }, createForm, openForm),
    recent,
    h("h2", {}, "Project files"),
    list);

  async function onProjectChanged(project, message) {
    rememberRecent(project);
    toast(message);
    await shell.projectChanged();
    await refresh();
  }

  async function switchTo(project) {
    try {
      const params = new URLSearchParams({ uuid: project.uuid, path: project.path });
      const opened = await api.post(`/api/project-switch?${params}`);
      await onProjectChanged(opened, `Switched to “${opened.title}”`);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function refresh() {
    try {
      const projects = await api.get("/api/projects");
      projects.sort((a, b) => (b.last_change ?? 0) - (a.last_change ?? 0));
      list.replaceChildren(projectsTable(projects, switchTo));
      recent.replaceChildren(recentFiles(projects, switchTo, onProjectChanged));
    } catch (error) {
      list.replaceChildren(errorNotice(error, "Could not list the projects"));
    }
  }

  await refresh();
}

function projectsTable(projects, switchTo) {
  return dataTable({
    caption: "Project files, most recently changed first",
    rows: projects,
    empty: "No project files yet",
    columns: [
      { title: "Title", cell: (project) => project.error ? h("span", { class: "badge skipped" }, "Cannot open") : project.title },
      { title: "Tasks", className: "num", cell: (project) => project.error ? "" : formatNumber(project.task_count) },
      { title: "Labeled", className: "num", cell: (project) => project.error ? "" : formatNumber(project.completion_count) },
      { title: "Last change", cell: (project) => project.last_change ? formatDate(project.last_change) : "" },
      { title: "File", cell: (project) => h("div", {}, h("div", { class: "path" }, project.path),
        project.error ? h("div", { class: "hint" }, project.error) : null) },
      { title: "", cell: (project) => projectAction(project, switchTo) },
    ],
  });
}

function projectAction(project, switchTo) {
  if (project.error) return "";
  if (project.active) return h("span", { class: "badge ok" }, "Active");
  return h("button", { type: "button", onclick: () => switchTo(project), "aria-label": `Switch to ${project.title}` }, "Switch");
}

function creationForm(onCreated) {
  const title = h("input", { type: "text", id: "new-project-title", required: true, placeholder: "Bird photos, spring batch" });
  const problem = h("div");
  async function create(event) {
    event.preventDefault();
    problem.replaceChildren();
    try {
      const project = await api.post("/api/project", { desc: title.value.trim() });
      title.value = "";
      await onCreated(project, `Created “${project.title}”`);
    } catch (error) {
      problem.replaceChildren(errorNotice(error, "Could not create the project"));
    }
  }
  return h("form", { class: "panel", onsubmit: create },
    h("h2", {}, "New project"),
    h("div", { class: "inline-form" },
      h("div", { class: "field" }, h("label", { htmlFor: "new-project-title" }, "Title"), title),
      h("button", { class: "primary" }, "Create project")),
    h("p", { class: "hint" }, "Creates a new file in the workspace and makes it the active project."),
    problem);
}

function openingForm(onOpened) {
  const path = h("input", { type: "text", id: "open-project-path", required: true, placeholder: "/home/me/birds.lsdesk" });
  const problem = h("div");
  async function open(event) {
    event.preventDefault();
    problem.replaceChildren();
    try {
      const project = await api.post("/api/projects/open", { path: path.value.trim() });
      path.value = "";
      await onOpened(project, `Opened “${project.title}”`);
    } catch (error) {
      problem.replaceChildren(errorNotice(error, "Could not open that file"));
    }
  }
  return h("form", { class: "panel", onsubmit: open },
    h("h2", {}, "Open a project file"),
    h("div", { class: "inline-form" },
      h("div", { class: "field" }, h("label", { htmlFor: "open-project-path" }, "Path of a .lsdesk file"), path),
      h("button", {}, "Open")),
    h("p", { class: "hint" }, "A file from a colleague, a backup or another folder; it joins this list."),
    problem);
}

// Recent files are the ones this browser opened or switched to, newest first.
function readRecent() {
  try {
    const saved = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(saved) ? saved.filter((entry) => typeof entry?.path === "string") : [];
  } catch {
    return [];
  }
}

function rememberRecent(project) {
  const entries = [{ path: project.path, title: project.title, uuid: project.uuid },
    ...readRecent().filter((entry) => entry.path !== project.path)];
  localStorage.setItem(RECENT_KEY, JSON.stringify(entries.slice(0, RECENT_KEPT)));
}

function recentFiles(projects, switchTo, onOpened) {
  const known = new Map(projects.map((project) => [project.path, project]));
  const entries = readRecent();
  if (!entries.length) return "";
  async function reopen(entry) {
    const project = known.get(entry.path);
    if (project && !project.error) return switchTo(project);
    try {
      await onOpened(await api.post("/api/projects/open", { path: entry.path }), `Opened “${entry.title}”`);
    } catch (error) {
      toast(error.message, "error");
    }
  }
  return h("section", { class: "panel", "aria-labelledby": "recent-heading" },
    h("h2", { id: "recent-heading" }, "Recent files"),
    h("ul", { class: "recent" }, entries.map((entry) => h("li", {},
      known.get(entry.path)?.active
        ? [h("span", {}, entry.title || "Untitled"), h("span", { class: "badge ok" }, "Active")]
        : h("button", { type: "button", class: "link", onclick: () => reopen(entry) }, entry.title || "Untitled"),
      h("span", { class: "path" }, entry.path)))));
}
