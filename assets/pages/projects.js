// The Projects page: every known project file, creating one, opening one by path, switching, recent
// files, merging another copy, the annotator's name, and in the desktop window the native open / new /
// save-a-copy dialogs.

import { api } from "../api.js";
import { callDesktop, desktopApi, revealAndSay } from "../desktop.js";
import { annotatorPanel } from "../ui/annotator.js";
import { formatDate, formatNumber, h, pageHeading } from "../ui/dom.js";
import { errorNotice } from "../ui/notice.js";
import { dataTable } from "../ui/table.js";
import { toast } from "../ui/toast.js";
import { mergePanel } from "./projects-merge.js";
import { serverPanel } from "./projects-server.js";

const RECENT_KEPT = 8;

export async function mount(root, shell) {
  const list = h("div", { class: "table-frame" });
  const recent = h("div");
  const desktopActions = h("div");
  const createForm = creationForm(onProjectCreated);
  const openForm = openingForm(onProjectChanged);
  const [namePanel, stopNamePanel] = annotatorPanel();
  root.replaceChildren(
    pageHeading("Projects"),
    h("p", { class: "lead" }, "Each project is one .lsdesk file holding its config, tasks, completions and uploads."),
    desktopActions,
    h("div", { class: "projects-forms" }, createForm, openForm),
    h("div", { class: "projects-forms" }, mergePanel((merged) => onProjectChanged(merged, "Merged; the merged project is open")), namePanel),
    serverPanel({ alive: () => shell.isCurrent(), onCloned: (cloned) => onProjectChanged(cloned, "Taken offline; the clone is the active project") }),
    recent,
    h("h2", {}, "Project files"),
    list);

  // Not awaited: in a browser the answer takes a moment, and the page need not wait for it.
  desktopApi().then((bridge) => {
    if (bridge && shell.isCurrent()) desktopActions.replaceChildren(desktopButtons(bridge));
  });

  async function onProjectChanged(project, message) {
    toast(message);
    await shell.projectChanged();
    await refresh();
  }

  // A new project has no config yet: its next step is Setup.
  async function onProjectCreated(project, message) {
    toast(message);
    await shell.projectChanged();
    shell.navigate("/setup");
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
      recent.replaceChildren(recentFiles(projects, switchTo));
    } catch (error) {
      list.replaceChildren(errorNotice(error, "Could not list the projects"));
    }
  }

  await refresh();
  return stopNamePanel;
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
      { title: "", cell: (project) => h("div", { class: "buttons" }, projectAction(project, switchTo), revealButton(project)) },
    ],
  });
}

function projectAction(project, switchTo) {
  if (project.error) return "";
  if (project.active) return h("span", { class: "badge ok" }, "Active");
  return h("button", { type: "button", onclick: () => switchTo(project), "aria-label": `Switch to ${project.title}` }, "Switch");
}

function revealButton(project) {
  // The name starts with the visible text, so voice control finds it, and ends with which file.
  return h("button", { type: "button", onclick: () => revealAndSay(project.path), "aria-label": `Reveal in file manager: ${project.title ?? project.path}` },
    "Reveal in file manager");
}

// The window's native dialogs; each answer is null when the user cancelled.
function desktopButtons(bridge) {
  async function run(name, handle) {
    try {
      const answer = await callDesktop(bridge, name);
      if (answer) handle(answer);
    } catch (error) {
      toast(error.message, "error");
    }
  }
  // A project opened or created in the window replaces the whole app's state, so start afresh.
  const reload = () => location.assign("/");
  const opened = (answer) => answer.elsewhere
    ? toast(`${answer.elsewhere} is open in another window, which was brought to the front`)
    : reload();
  return h("div", { class: "buttons desktop-actions" },
    h("button", { type: "button", class: "primary", onclick: () => run("open_project", opened) }, "Open project…"),
    h("button", { type: "button", onclick: () => run("new_project", reload) }, "New project…"),
    h("button", { type: "button", onclick: () => run("save_copy_as", (answer) => toast(`Saved a copy to ${answer.path}`)) },
      "Save a copy as…"));
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

// Recent files are the projects opened most recently, newest first, as the server remembers them:
// the window's origin (its port) changes on each start, so the browser's storage would forget them.
function recentFiles(projects, switchTo) {
  const entries = projects.filter((project) => project.last_opened)
    .sort((a, b) => b.last_opened - a.last_opened)
    .slice(0, RECENT_KEPT);
  if (!entries.length) return "";
  return h("section", { class: "panel", "aria-labelledby": "recent-heading" },
    h("h2", { id: "recent-heading" }, "Recent files"),
    h("ul", { class: "recent" }, entries.map((project) => h("li", {},
      recentEntry(project, switchTo),
      h("span", { class: "path" }, project.path)))));
}

function recentEntry(project, switchTo) {
  const title = project.title || "Untitled";
  if (project.active) return [h("span", {}, title), h("span", { class: "badge ok" }, "Active")];
  if (project.error) return [h("span", {}, title), h("span", { class: "badge skipped" }, "Cannot open")];
  return h("button", { type: "button", class: "link", onclick: () => switchTo(project) }, title);
}
