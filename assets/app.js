// The app shell: the nav bar with the active project's title, and a History-API router that
// mounts one page module at a time into <main>.
//
// A page module exports `mount(root, shell)`, which fills `root` and may return a function that
// unmounts it (removes listeners, saves what is pending). `shell` gives the page its URL
// parameters and the few things pages ask of the app (see shellFor).

import { api } from "./api.js";
import { askForNameOnce } from "./ui/annotator.js";
import { h } from "./ui/dom.js";
import { errorNotice, infoNotice } from "./ui/notice.js";

const ROUTES = [
  { pattern: /^\/projects$/, name: "Projects", module: "./pages/projects.js" },
  { pattern: /^\/setup$/, name: "Setup", module: "./pages/setup.js" },
  { pattern: /^\/import$/, name: "Import", module: "./pages/import.js" },
  { pattern: /^\/tasks$/, name: "Tasks", module: "./pages/tasks.js" },
  { pattern: /^\/label\/review$/, name: "Review", module: "./pages/adjudicate.js" },
  { pattern: /^\/label\/(?<taskId>[^/]+)\/compare$/, name: "Compare", module: "./pages/adjudicate.js" },
  { pattern: /^\/label(?:\/(?<taskId>[^/]+))?$/, name: "Label", module: "./pages/label.js" },
  { pattern: /^\/export$/, name: "Export", module: "./pages/export.js" },
  { pattern: /^\/stats$/, name: "Stats", module: "./pages/stats.js" },
  { pattern: /^\/models$/, name: "Models", module: "./pages/models.js" },
  { pattern: /^\/settings$/, name: "Settings", module: "./pages/settings.js" },
];

const main = document.getElementById("main");
const projectLink = document.getElementById("project-title");
let project = null;
let pageName = "";
let unmountPage = null;
let visit = 0; // bumped on every navigation, so a page that finishes loading late knows it is gone
let openingProject = null; // the project asked for as the app opened, for the first page it shows

function findRoute(pathname) {
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (match) return { route, params: match.groups ?? {} };
  }
  return null;
}

function isAppPath(pathname) {
  return pathname === "/" || findRoute(pathname) !== null;
}

function navigate(path, { replace = false } = {}) {
  history[replace ? "replaceState" : "pushState"](null, "", path);
  show();
}

async function show() {
  const ticket = ++visit;
  unmountPage?.();
  unmountPage = null;
  if (location.pathname === "/") {
    openStartPage(ticket);
    return;
  }
  const found = findRoute(location.pathname);
  const root = h("div", { class: "page" }, h("p", { class: "loading" }, "Loading…"));
  main.replaceChildren(root);
  markCurrentLink();
  if (!found) {
    setPageName("Not found");
    root.replaceChildren(infoNotice("No such page", `There is no page at ${location.pathname}.`,
      h("a", { href: "/projects" }, "Go to your projects")));
    return;
  }
  setPageName(found.route.name);
  root.classList.add(`page-${found.route.name.toLowerCase()}`);
  try {
    const page = await import(found.route.module);
    if (ticket !== visit) return;
    const unmount = await page.mount(root, shellFor(found.params, ticket));
    if (ticket !== visit) {
      unmount?.();
      return;
    }
    unmountPage = unmount ?? null;
    focusHeading(root);
  } catch (error) {
    if (ticket !== visit) return;
    root.replaceChildren(errorNotice(error, `The ${found.route.name} page could not be shown`),
      h("p", {}, h("button", { type: "button", onclick: show }, "Try again")));
  }
}

// What a page may ask of the app.
function shellFor(params, ticket) {
  return {
    params,
    query: new URLSearchParams(location.search),
    navigate,
    // Change the address without remounting the page (the page shows the new state itself).
    setUrl(path, { replace = false } = {}) {
      if (ticket !== visit || path === location.pathname + location.search) return;
      history[replace ? "replaceState" : "pushState"](null, "", path);
    },
    isCurrent: () => ticket === visit,
    // The first page shown may take the project the app asked for as it opened rather than ask again.
    openingProject: ticket === 1 ? openingProject : null,
    projectChanged: refreshProject,
  };
}

// "/" opens where the project's next step is: setup, import, or the tasks.
async function openStartPage(ticket) {
  main.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  try {
    const current = await refreshProject();
    if (ticket !== visit) return;
    const next = !current.config.label_config ? "/setup" : current.task_count === 0 ? "/import" : "/tasks";
    navigate(next, { replace: true });
  } catch (error) {
    if (ticket === visit) main.replaceChildren(errorNotice(error, "Could not open the project"));
  }
}

function focusHeading(root) {
  const heading = root.querySelector("h1");
  (heading ?? main).focus({ preventScroll: true });
}

function markCurrentLink() {
  for (const link of document.querySelectorAll(".mainnav a")) {
    const here = location.pathname === link.pathname || location.pathname.startsWith(`${link.pathname}/`);
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function setPageName(name) {
  pageName = name;
  showTitle();
}

function showTitle() {
  const title = project?.title ?? "";
  projectLink.textContent = title || "No project";
  projectLink.title = project ? `${project.path} (switch project)` : "Switch project";
  document.title = [pageName, title, "lsdesk"].filter(Boolean).join(" · ");
}

async function refreshProject() {
  project = await api.get("/api/project");
  showTitle();
  return project;
}

function followAppLinks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest?.("a[href]");
  if (!link || link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || !isAppPath(url.pathname)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

document.addEventListener("click", followAppLinks);
window.addEventListener("popstate", show);
openingProject = refreshProject();
openingProject.catch((error) => {
  projectLink.textContent = "Server unreachable";
  projectLink.title = error.message;
});
show();
askForNameOnce(document.querySelector(".topbar"));
