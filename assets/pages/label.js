// The Label page: one task in the editor, submitted, updated or skipped; the task's completions and
// predictions in a side panel; unsaved work kept as a server-side draft; the page's hotkeys.

import { api, neighbourTaskId, request } from "../api.js";
import { annotatorOf, annotatorsOf } from "../ui/annotator.js";
import { confirmDialog, showDialog } from "../ui/dialog.js";
import { formatDate, h, plural } from "../ui/dom.js";
import { hotkeyName, isTyping } from "../ui/hotkeys.js";
import { mediaWarning } from "../ui/media-warning.js";
import { errorNotice, infoNotice, runAction } from "../ui/notice.js";
import { toast } from "../ui/toast.js";

const EDITOR_MODULE = "/assets/editor/editor.js";
const DRAFT_DELAY_MS = 1000;

const PAGE_HOTKEYS = [
  { keys: "ctrl+enter", description: "Submit, or update the completion being edited (works while typing)" },
  { keys: "ctrl+space", description: "Skip this task" },
  { keys: "?", description: "Show or hide this list" },
];

export async function mount(root, shell) {
  const page = new LabelPage(root, shell);
  window.addEventListener("keydown", page.onKey);
  window.addEventListener("pagehide", page.saveDraftNow);
  await page.openFromUrl(shell.params.taskId);
  return () => {
    window.removeEventListener("keydown", page.onKey);
    window.removeEventListener("pagehide", page.saveDraftNow);
    page.close();
  };
}

// What the editor started from: a new completion ("blank", maybe from a restored draft),
// a prediction used as pre-annotation, or an existing completion being edited.
function startingPoint(task, draft) {
  const completion = latestCompletion(task.completions);
  if (draft && (!completion || draft.updated_at >= completion.updated_at)) {
    const edited = task.completions.find((item) => item.id === draft.completion) ?? null;
    return { kind: edited ? "completion" : "blank", item: edited, result: draft.result, restoredAt: draft.updated_at };
  }
  if (completion) return { kind: "completion", item: completion, result: completion.result };
  const [prediction] = task.predictions;
  if (prediction) return { kind: "prediction", item: prediction, result: prediction.result ?? [] };
  return { kind: "blank", item: null, result: [] };
}

// The newest completion that is not a skip, else the newest skip.
function latestCompletion(completions) {
  const newestFirst = [...completions].sort((a, b) => b.id - a.id);
  return newestFirst.find((item) => !item.was_cancelled) ?? newestFirst[0] ?? null;
}

function modeText(start) {
  if (start.kind === "completion") return `Editing ${start.item.was_cancelled ? "skipped " : ""}completion #${start.item.id}`;
  if (start.kind === "prediction") return `New completion from prediction #${start.item.id}`;
  return "New completion";
}

class LabelPage {
  constructor(root, shell) {
    this.root = root;
    this.shell = shell;
    this.project = null;
    this.task = null;
    this.start = null;
    this.editor = null;
    this.shownAt = 0;
    this.version = 0; // bumped whenever what the page shows changes, so late answers are dropped
    this.busy = false;
    this.dirty = false;
    this.draftTimer = null;
    this.draftWrite = Promise.resolve();
    this.help = null;
    this.parts = {};
  }

  async openFromUrl(rawId) {
    this.project = await api.get("/api/project");
    if (!this.project.config.label_config) {
      this.showMessage(infoNotice("No labeling config yet", "Choose what to label before opening tasks.",
        h("a", { href: "/setup" }, "Set up labeling →")));
      return;
    }
    if (rawId === undefined) await this.openNext({ replace: true });
    else await this.openTask(rawId);
  }

  async openNext({ replace = false } = {}) {
    let task;
    try {
      task = await api.get("/api/project/next");
    } catch (error) {
      if (error.status !== 404) throw error;
      this.shell.setUrl("/label", { replace });
      await this.showAllDone();
      return;
    }
    this.shell.setUrl(`/label/${task.id}`, { replace });
    await this.show(task);
  }

  async openTask(taskId) {
    let task;
    try {
      task = await api.get(`/api/tasks/${encodeURIComponent(taskId)}`);
    } catch (error) {
      this.showMessage(error.status === 404
        ? infoNotice(`Task ${taskId} not found`, "It may have been deleted.",
          h("a", { href: "/label" }, "Label the next task"), h("a", { href: "/tasks" }, "See all tasks"))
        : errorNotice(error, `Could not open task ${taskId}`));
      return;
    }
    await this.show(task);
  }

  async showAllDone() {
    const project = await api.get("/api/project");
    this.showMessage(project.task_count === 0
      ? infoNotice("No tasks yet", "Import some tasks to label.", h("a", { href: "/import" }, "Import tasks →"))
      : infoNotice("All tasks are labeled", `Every one of the ${plural(project.task_count, "task")} has a completion.`,
        h("a", { href: "/tasks" }, "See the tasks"), h("a", { href: "/export" }, "Export the results"),
        h("a", { href: "/stats" }, "See the stats"), h("a", { href: "/import" }, "Import more tasks")));
  }

  showMessage(notice) {
    this.version += 1;
    this.destroyEditor();
    this.task = null;
    this.root.replaceChildren(h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, "Label")), notice);
  }

  async show(task) {
    const ticket = ++this.version;
    const draft = await api.get(`/api/tasks/${task.id}/draft`);
    if (ticket !== this.version) return;
    this.task = task;
    this.shownAt = performance.now();
    this.render();
    this.root.querySelector("h1").focus({ preventScroll: true });
    await this.startFrom(startingPoint(task, draft));
  }

  // -- layout ---------------------------------------------------------------------------

  render() {
    const { task } = this;
    const parts = {
      mode: h("span", { class: "mode" }),
      draftState: h("span", { class: "draft-state", "aria-live": "polite" }),
      restored: h("div"),
      problems: h("div"),
      editorHost: h("div", { class: "editor-host" }),
      skip: h("button", { type: "button", onclick: () => this.skip() }, "Skip", h("kbd", {}, "Ctrl+Space")),
      submit: h("button", { type: "button", class: "primary", onclick: () => this.submit() }, "Submit", h("kbd", {}, "Ctrl+Enter")),
      side: h("aside", { class: "label-side", "aria-label": "Completions and predictions" }),
    };
    this.parts = parts;
    const warning = mediaWarning(task.id, parts.editorHost);
    this.root.replaceChildren(h("div", { class: "label-page" },
      h("section", { class: "label-main", "aria-labelledby": "task-heading" },
        h("div", { class: "label-head" },
          h("h1", { id: "task-heading", tabindex: "-1" }, `Task ${task.id}`), parts.mode, parts.draftState,
          h("span", { class: "spacer" }),
          h("button", { type: "button", onclick: () => this.goToNeighbour(-1) }, "‹ Previous"),
          h("button", { type: "button", onclick: () => this.goToNeighbour(1) }, "Next ›"),
          h("button", { type: "button", onclick: () => this.toggleHelp(), "aria-label": "Keyboard shortcuts" }, "?")),
        parts.restored, parts.problems, warning.element, parts.editorHost,
        h("div", { class: "label-actions" }, parts.skip, parts.submit)),
      parts.side));
  }

  renderSide() {
    const { task, start } = this;
    const current = (kind, item) => String(start.kind === kind && start.item?.id === item.id);
    this.parts.side.replaceChildren(
      h("section", { class: "panel", "aria-labelledby": "completions-heading" },
        h("h2", { id: "completions-heading" }, "Completions"),
        task.completions.length
          ? h("ul", {}, task.completions.map((completion) => h("li", {},
            h("button", { type: "button", "aria-current": current("completion", completion), onclick: () => this.switchTo({ kind: "completion", item: completion, result: completion.result }) },
              h("span", {}, `#${completion.id}`),
              h("span", { class: "mode" }, `${completion.was_cancelled ? "Skipped · " : ""}${annotatorOf(completion)} · ${formatDate(completion.updated_at)}`),
              completion.ground_truth ? h("span", { class: "badge ok" }, "Ground truth") : null))))
          : h("p", { class: "none" }, "None yet"),
        annotatorsOf(task.completions).length > 1
          ? h("p", {}, h("a", { class: "button", href: `/label/${task.id}/compare` }, "Compare side by side")) : null,
        h("button", { type: "button", "aria-current": String(start.kind === "blank"), onclick: () => this.switchTo({ kind: "blank", item: null, result: [] }) }, "Start a new completion")),
      h("section", { class: "panel", "aria-labelledby": "predictions-heading" },
        h("h2", { id: "predictions-heading" }, "Predictions"),
        task.predictions.length
          ? h("ul", {}, task.predictions.map((prediction) => h("li", {},
            h("button", { type: "button", "aria-current": current("prediction", prediction), onclick: () => this.switchTo({ kind: "prediction", item: prediction, result: prediction.result ?? [] }) },
              h("span", {}, `#${prediction.id} ${prediction.model_version ?? ""}`.trim()),
              h("span", { class: "mode" }, typeof prediction.score === "number" ? `score ${prediction.score}` : "")))))
          : h("p", { class: "none" }, "None")));
  }

  // -- the editor ---------------------------------------------------------------------------

  async startFrom(start) {
    const ticket = ++this.version;
    this.start = start;
    this.dirty = false;
    this.parts.mode.textContent = modeText(start);
    this.parts.draftState.textContent = "";
    this.parts.problems.replaceChildren();
    this.parts.submit.firstChild.textContent = start.kind === "completion" ? "Update" : "Submit";
    this.parts.skip.disabled = start.kind === "completion";
    this.parts.restored.replaceChildren(start.restoredAt ? this.restoredNotice(start.restoredAt) : "");
    this.renderSide();
    this.destroyEditor();
    this.parts.submit.disabled = true;
    this.parts.editorHost.replaceChildren(h("p", { class: "loading" }, "Loading the editor…"));
    try {
      const { createEditor } = await import(EDITOR_MODULE);
      if (ticket !== this.version) return;
      this.parts.editorHost.replaceChildren();
      this.editor = createEditor(this.parts.editorHost, {
        config: this.project.config.label_config,
        task: this.task,
        result: structuredClone(start.result),
        onChange: () => this.changed(),
      });
      await this.editor.ready;
      if (ticket === this.version) this.parts.submit.disabled = false;
    } catch (error) {
      if (ticket !== this.version) return;
      this.destroyEditor();
      this.parts.editorHost.replaceChildren(errorNotice(error, "The labeling editor could not be shown"));
    }
  }

  destroyEditor() {
    this.editor?.destroy();
    this.editor = null;
  }

  restoredNotice(savedAt) {
    return h("div", { class: "notice info restored", role: "status" },
      h("p", {}, `Restored your unsaved work (saved ${formatDate(savedAt)}).`),
      h("button", { type: "button", onclick: () => this.discardDraft() }, "Discard"));
  }

  async switchTo(start) {
    if (this.busy) return;
    if (this.dirty && !(await confirmDialog({
      title: "Discard your changes?", message: "What you changed in the editor has not been submitted.", confirmLabel: "Discard",
    }))) return;
    await this.dropDraft();
    await this.startFrom(start);
  }

  async discardDraft() {
    await this.dropDraft();
    await this.startFrom(startingPoint(this.task, null));
  }

  // -- drafts ---------------------------------------------------------------------------------

  changed() {
    this.dirty = true;
    this.parts.problems.replaceChildren();
    this.parts.draftState.textContent = "Unsaved changes";
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.saveDraft(), DRAFT_DELAY_MS);
  }

  draftBody() {
    return { result: this.editor.getResult(), completion: this.start.kind === "completion" ? this.start.item.id : null };
  }

  saveDraft({ keepalive = false } = {}) {
    clearTimeout(this.draftTimer);
    this.draftTimer = null;
    if (!this.editor || !this.task) return this.draftWrite;
    const state = this.parts.draftState;
    this.draftWrite = request("PUT", `/api/tasks/${this.task.id}/draft`, { json: this.draftBody(), keepalive })
      .then(() => { state.textContent = "Draft saved"; })
      .catch((error) => { state.textContent = `Draft not saved: ${error.message}`; });
    return this.draftWrite;
  }

  // Save what is pending now: before leaving the task, the page, or the app.
  saveDraftNow = () => (this.draftTimer ? this.saveDraft({ keepalive: true }) : this.draftWrite);

  // Forget pending edits: no draft write may land after this.
  async cancelDraft() {
    clearTimeout(this.draftTimer);
    this.draftTimer = null;
    await this.draftWrite;
  }

  async dropDraft() {
    await this.cancelDraft();
    await api.delete(`/api/tasks/${this.task.id}/draft`).catch(() => {});
  }

  // -- actions -------------------------------------------------------------------------------

  leadTime() {
    return Math.round(performance.now() - this.shownAt) / 1000;
  }

  async submit() {
    if (this.busy || !this.editor || this.parts.submit.disabled) return;
    const problems = this.editor.validate();
    if (problems.length) {
      this.parts.problems.replaceChildren(errorNotice({ messages: problems }, "Not ready to submit"));
      return;
    }
    await this.act(async () => {
      await this.cancelDraft();
      const body = { result: this.editor.getResult(), lead_time: this.leadTime() };
      const { task, start } = this;
      if (start.kind === "completion") {
        // Updating a skipped completion turns it into a labeled one.
        const changes = start.item.was_cancelled ? { ...body, was_cancelled: false } : body;
        await api.patch(`/api/tasks/${task.id}/completions/${start.item.id}`, changes);
        await api.delete(`/api/tasks/${task.id}/draft`);
        toast(`Completion #${start.item.id} updated`);
        await this.show(await api.get(`/api/tasks/${task.id}`));
      } else {
        await api.post(`/api/tasks/${task.id}/completions`, body);
        toast(`Task ${task.id} submitted`);
        await this.openNext();
      }
    }, "Could not submit");
  }

  async skip() {
    if (this.busy || !this.task || this.start?.kind === "completion") return;
    await this.act(async () => {
      await this.cancelDraft();
      const { task } = this;
      await api.post(`/api/tasks/${task.id}/completions?was_cancelled=1`, { result: [], lead_time: this.leadTime() });
      toast(`Task ${task.id} skipped`);
      await this.openNext();
    }, "Could not skip");
  }

  async goToNeighbour(step) {
    if (this.busy) return;
    await this.act(async () => {
      const neighbour = await neighbourTaskId(this.task.id, step);
      if (neighbour === null) {
        toast(step > 0 ? "This is the last task" : "This is the first task");
        return;
      }
      await this.saveDraftNow();
      this.shell.setUrl(`/label/${neighbour}`);
      await this.openTask(neighbour);
    }, "Could not open the neighbouring task");
  }

  // Runs one action at a time; its failure is shown above the editor.
  act(action, failure) {
    return runAction(this, action, failure);
  }


  // -- hotkeys -------------------------------------------------------------------------------

  onKey = (event) => {
    if (event.defaultPrevented || event.repeat) return;
    if (document.querySelector("dialog[open]")) return;
    const name = hotkeyName(event);
    if (name === "ctrl+enter") {
      event.preventDefault();
      this.submit();
      return;
    }
    if (isTyping(event)) return;
    if (name === "ctrl+space") {
      event.preventDefault();
      this.skip();
    } else if (name === "?") {
      event.preventDefault();
      this.toggleHelp();
    }
  };

  toggleHelp() {
    if (this.help) {
      this.help.close();
      return;
    }
    const keys = [...PAGE_HOTKEYS, ...(this.editor?.hotkeys() ?? [])];
    this.help = showDialog({
      title: "Keyboard shortcuts",
      className: "hotkeys-dialog",
      closeKeys: ["?"],
      body: h("dl", { class: "hotkey-list" }, keys.map(({ keys: combo, description }) =>
        [h("dt", {}, h("kbd", {}, combo)), h("dd", {}, description)])),
    });
    this.help.closed.then(() => { this.help = null; });
  }

  close() {
    this.version += 1;
    this.saveDraftNow();
    this.help?.close();
    this.destroyEditor();
  }
}
