// The annotator's display name, which every completion records: asked for once on first start (a
// small form in the top bar that never blocks the page), changed later from the projects page.

import { api } from "../api.js";
import { h } from "./dom.js";
import { errorNotice } from "./notice.js";
import { toast } from "./toast.js";

const NAME_LIMIT = 100;
// "Later" hides the question until the app is started again.
const DISMISSED_KEY = "lsdesk.annotator-question-dismissed";
// Fired on window with the new settings whenever the name is saved, so every form shows it.
const CHANGED_EVENT = "lsdesk:annotator";

// Who made a completion: `completed_by` is the name lsdesk records, or in imported Label Studio
// files a user object (email, username) or a user id.
export function annotatorOf(completion) {
  const who = completion.completed_by;
  if (who === undefined || who === null || who === "") return "unknown";
  if (typeof who === "object") return String(who.email ?? who.username ?? who.id ?? "unknown");
  return String(who);
}

// Who made a completion's latest edit: `updated_by` (as Label Studio 1.x records it), or for a
// completion saved before lsdesk recorded it, its author.
export function editorOf(completion) {
  const who = completion.updated_by;
  return who === undefined || who === null || who === "" ? annotatorOf(completion) : annotatorOf({ completed_by: who });
}

// The annotators of a task's completions, in the order they first appear.
export function annotatorsOf(completions) {
  return [...new Set(completions.map(annotatorOf))];
}

async function saveName(name) {
  const settings = await api.patch("/api/settings", { annotator: name });
  window.dispatchEvent(new CustomEvent(CHANGED_EVENT, { detail: settings }));
  toast(`Your completions are recorded as “${settings.annotator}”`);
}

function nameInput(id, value = "") {
  return h("input", { type: "text", id, value, required: true, maxlength: String(NAME_LIMIT), autocomplete: "name", placeholder: "Your name" });
}

// Shows the question in `place` (in the top bar) when the workspace's name is not confirmed yet.
export async function askForNameOnce(place) {
  if (sessionStorage.getItem(DISMISSED_KEY)) return;
  let settings;
  try {
    settings = await api.get("/api/settings");
  } catch {
    return; // the app works without it: completions then carry the default name
  }
  if (settings.annotator_confirmed) return;
  const input = nameInput("annotator-question-name", settings.annotator);
  async function save(event) {
    event.preventDefault();
    try {
      await saveName(input.value.trim());
    } catch (error) {
      toast(error.message, "error");
    }
  }
  const form = h("form", { class: "annotator-question", "aria-label": "Your name", onsubmit: save,
    title: "Each completion records who made it, so merged copies of a project show who labeled what" },
    h("label", { htmlFor: input.id }, "Your name"), input,
    h("button", { class: "primary" }, "Use this name"),
    h("button", { type: "button", "aria-label": "Ask me later", onclick: dismiss }, "Later"));
  function close() {
    window.removeEventListener(CHANGED_EVENT, close);
    form.remove();
  }
  function dismiss() {
    sessionStorage.setItem(DISMISSED_KEY, "1");
    close();
  }
  window.addEventListener(CHANGED_EVENT, close);
  place.append(form);
}

// The projects page's panel: the current name and a form to change it. Returns [panel, stop listening].
export function annotatorPanel() {
  const input = nameInput("annotator-name");
  const problem = h("div");
  const show = (settings) => { input.value = settings.annotator; };
  const onChanged = (event) => show(event.detail);
  async function change(event) {
    event.preventDefault();
    problem.replaceChildren();
    try {
      await saveName(input.value.trim());
    } catch (error) {
      problem.replaceChildren(errorNotice(error, "Could not change the name"));
    }
  }
  api.get("/api/settings").then(show, (error) => problem.replaceChildren(errorNotice(error, "Could not read the name")));
  window.addEventListener(CHANGED_EVENT, onChanged);
  const panel = h("form", { class: "panel", onsubmit: change },
    h("h2", {}, "Annotator"),
    h("div", { class: "inline-form" },
      h("div", { class: "field" }, h("label", { htmlFor: input.id }, "Display name"), input),
      h("button", {}, "Change name")),
    h("p", { class: "hint" }, "Recorded in each completion you make (completed_by), so merged copies show who labeled what."),
    problem);
  return [panel, () => window.removeEventListener(CHANGED_EVENT, onChanged)];
}
