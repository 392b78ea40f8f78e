// The Projects page's Label Studio server panel: "Share with a Label Studio server…" (push), "Pull updates",
// "Take a server project offline…" (clone), each a job with progress and Cancel, and the link's state.

import { api } from "../api.js";
import { formatDate, formatNumber, h } from "../ui/dom.js";
import { errorNotice } from "../ui/notice.js";
import { jobFollower, runningJobs } from "../ui/job.js";

const KINDS = ["server-push", "server-pull", "server-clone"];

function field(id, label, props = {}) {
  const input = h("input", { id, type: "text", ...props });
  return [input, h("div", { class: "field" }, h("label", { htmlFor: id }, label), input)];
}

function pushWords({ result }) {
  return `Sent ${formatNumber(result.tasks)} tasks, ${formatNumber(result.media)} media files, ` +
    `${formatNumber(result.completions_added)} new and ${formatNumber(result.completions_updated)} edited completions, ` +
    `${formatNumber(result.predictions)} predictions.`;
}

function pullWords({ result }) {
  const count = (name) => formatNumber(result[name] ?? 0);
  let line = `Pulled ${count("changed_tasks")} changed and ${count("new_tasks")} new tasks: ${count("new_completions")} new completions, ` +
    `${count("edited")} edited, ${count("cancelled")} cancelled, ${count("edited_on_both")} edited on both sides (the newer kept, the other as a version).`;
  if (result.deleted_on_server) line += ` ${count("deleted_on_server")} deleted on the server are kept here.`;
  return line;
}

// `onCloned(project)` is told of the clone, which the server has made the active project.
export function serverPanel({ alive, onCloned }) {
  const state = h("div", { class: "server-link", "aria-live": "polite" });
  const [url, urlField] = field("server-url", "Server address", { placeholder: "http://localhost:8080" });
  const [token, tokenField] = field("server-token", "API token", { type: "password", autocomplete: "off" });
  const [projectId, projectField] = field("server-project-id", "Server project number (to take offline)", { inputmode: "numeric" });
  const follower = jobFollower("Label Studio server", { alive, describe });
  const buttons = {
    push: h("button", { type: "button", class: "primary", onclick: () => start("push") }, "Share with a Label Studio server…"),
    pull: h("button", { type: "button", onclick: () => start("pull") }, "Pull updates"),
    clone: h("button", { type: "button", onclick: () => start("clone") }, "Take a server project offline…"),
  };
  const outcome = h("div");

  function describe(job) {
    if (job.kind === "server-push") return pushWords(job);
    if (job.kind === "server-pull") return pullWords(job);
    return `Took the project offline as ${job.result.path}: ${formatNumber(job.result.new_tasks ?? 0)} tasks, ` +
      `${formatNumber(job.result.new_completions ?? 0)} completions. It is now the active project.`;
  }

  async function showLink() {
    try {
      const link = await api.get("/api/project/server");
      buttons.pull.disabled = !link.linked;
      if (!link.linked) {
        state.replaceChildren(h("p", { class: "hint" }, "This project is not linked to a Label Studio server."));
        return;
      }
      if (!url.value) url.value = link.url;
      const reach = link.reachable === null ? "no token kept for it: give one" : link.reachable ? "answers" : `does not answer (${link.problem})`;
      state.replaceChildren(h("dl", {},
        h("dt", {}, "Linked to"), h("dd", {}, h("a", { href: `${link.url}/projects/${link.project_id}`, target: "_blank", rel: "noopener" },
          `${link.url}/projects/${link.project_id}`)),
        h("dt", {}, "Tasks on the server"), h("dd", {}, formatNumber(link.tasks)),
        h("dt", {}, "Last push"), h("dd", {}, link.pushed_at ? formatDate(link.pushed_at) : "never"),
        h("dt", {}, "Last pull"), h("dd", {}, link.pulled_at ? formatDate(link.pulled_at) : "never"),
        h("dt", {}, "Server"), h("dd", { class: link.reachable ? "" : "hint" }, reach)));
    } catch (error) {
      state.replaceChildren(errorNotice(error, "Could not read the server link"));
    }
  }

  async function start(kind) {
    outcome.replaceChildren();
    const body = { token: token.value.trim() || undefined };
    if (kind === "push") body.url = url.value.trim() || undefined;
    if (kind === "clone") Object.assign(body, { url: url.value.trim(), project_id: Number(projectId.value) });
    const path = { push: "/api/project/server/push", pull: "/api/project/server/pull", clone: "/api/projects/clone" }[kind];
    Object.values(buttons).forEach((button) => { button.disabled = true; });
    follower.starting("Starting…");
    try {
      const { job } = await api.post(path, body);
      const ended = await follow(job);
      if (ended?.state === "done" && kind === "clone") await onCloned(ended.result);
    } catch (error) {
      outcome.replaceChildren(errorNotice(error, "The server step did not start"));
    } finally {
      Object.values(buttons).forEach((button) => { button.disabled = false; });
      await showLink();
    }
  }

  async function follow(job) {
    return follower.follow(job);
  }

  // A job started before the page was left is shown again.
  runningJobs(KINDS).then((jobs) => { if (jobs[0]) follow(jobs[0]).then(showLink); });
  showLink();

  return h("section", { class: "panel server-panel", "aria-labelledby": "server-heading" },
    h("h2", { id: "server-heading" }, "Label Studio server"),
    h("p", { class: "hint" }, "Share this project with a team on a Label Studio server, pull their work back, or take a server ",
      "project offline. The token stays in the workspace, never in the project file."),
    state,
    h("div", { class: "inline-form" }, urlField, tokenField, projectField),
    h("div", { class: "buttons" }, buttons.push, buttons.pull, buttons.clone),
    follower.element, outcome);
}
