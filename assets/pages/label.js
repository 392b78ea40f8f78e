// The Label page: one task in the editor, submitted, updated or skipped; the queue it comes from and
// its progress; Previous/Next along this session's history; the task's completions and predictions in
// a side panel; unsaved work kept as a server-side draft; the page's hotkeys.

import { api } from "../api.js";
import { confirmDialog, showDialog } from "../ui/dialog.js";
import { formatDate, h, plural } from "../ui/dom.js";
import { hotkeyName, isTyping } from "../ui/hotkeys.js";
import { mediaWarning } from "../ui/media-warning.js";
import { errorNotice, infoNotice, runAction } from "../ui/notice.js";
import { toast } from "../ui/toast.js";
import { instructionsBlock, progressText, taskFileName } from "./label-progress.js";
import { DraftKeeper } from "./label-drafts.js";
import { leap } from "./label-leap.js";
import { afterPaint } from "./label-timing.js";
import { NextAhead, SessionHistory, queueFromUrl } from "./label-queue.js";
import { modeText, sidePanels, startingPoint } from "./label-side.js";

const EDITOR_MODULE = "../editor/editor.js"; // relative: the same version of the app as this page
let editorModule = null;
let editorLoading = null;

// The editor module, imported once; a failed import is tried again next time.
function loadEditor() {
  editorLoading ??= import(EDITOR_MODULE).catch((error) => {
    editorLoading = null;
    throw error;
  });
  return editorLoading;
}

const PAGE_HOTKEYS = [
  { keys: "ctrl+enter", description: "Submit, or update the completion being edited (works while typing)" },
  { keys: "ctrl+space", description: "Skip this task" },
  { keys: "ctrl+←", description: "Previous task of this session" },
  { keys: "ctrl+→", description: "Next task: forward in this session, then on in the queue" },
  { keys: "?", description: "Show or hide this list" },
];

export async function mount(root, shell) {
  const page = new LabelPage(root, shell);
  window.addEventListener("keydown", page.onKey);
  window.addEventListener("pagehide", page.drafts.saveNow);
  await page.openFromUrl(shell.params.taskId);
  return () => {
    window.removeEventListener("keydown", page.onKey);
    window.removeEventListener("pagehide", page.drafts.saveNow);
    page.close();
  };
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
    this.drafts = new DraftKeeper(this);
    this.help = null;
    this.parts = {};
    this.queue = null;
    this.history = null;
    this.ahead = null;
    this.unsaved = null; // {settled} while a save the page moved on from is unanswered (see label-leap.js)
    this.closed = false;
  }

  async openFromUrl(rawId) {
    // What the page will need is asked for at once, side by side: the project, the editor module and,
    // for the sampler's queue, its next task (unused if the project turns out to have no config).
    loadEditor().catch(() => {}); // startFrom reports a failure
    this.queue = queueFromUrl(this.shell.query);
    // The next task's pictures are loaded and decoded while this one is labeled.
    this.ahead = new NextAhead(this.queue,
      (task) => editorModule?.prefetchMedia(task, this.project.config.label_config));
    const upcoming = rawId === undefined && this.queue.key === "sampling" ? this.queue.next() : null;
    upcoming?.catch(() => {});
    // The app asked for the project as it opened: a page opened with it takes that answer.
    this.project = await (this.shell.openingProject ?? api.get("/api/project"));
    if (!this.project.config.label_config) {
      this.showMessage(infoNotice("No labeling config yet", "Choose what to label before opening tasks.",
        h("a", { href: "/setup" }, "Set up labeling →")));
      return;
    }
    this.history = new SessionHistory(this.project.uuid, this.queue);
    // A query's queue opened without a task starts at its first task, even if this tab walked it before.
    if (rawId === undefined && this.queue.key !== "sampling") this.history.restart();
    // The first task's pictures load and decode while its tag modules are imported.
    const config = this.project.config.label_config;
    upcoming?.then((task) => task && loadEditor().then((editor) => editor.prefetchMedia(task, config))).catch(() => {});
    if (rawId === undefined) await this.continueQueue({ replace: true, upcoming });
    else await this.openTask(rawId);
  }

  taskUrl(taskId) {
    return `/label/${taskId}${this.queue.urlSearch}`;
  }

  // The queue's next task, as the newest of the session's history; the end of the queue when none is left.
  // `upcoming` is that task when it was already asked for (see submit).
  async continueQueue({ replace = false, upcoming = null } = {}) {
    const answer = await (upcoming ?? this.queue.next());
    const { draft, ...task } = answer ?? {};
    if (!answer) {
      this.shell.setUrl(`/label${this.queue.urlSearch}`, { replace });
      await this.showQueueEnd();
      return;
    }
    if (task.id === this.task?.id) {
      // Sampling serves the shown task until it is labeled; a query queue has now handed it out.
      if (this.queue.key === "sampling") toast("This is the next task by sampling: submit or skip it to go on");
      else await this.continueQueue({ replace });
      return;
    }
    this.history.visit(task.id, { asNewest: true });
    this.shell.setUrl(this.taskUrl(task.id), { replace });
    await this.show(task, draft);
  }

  async openTask(taskId) {
    let task;
    // The task and its draft side by side; a draft that could not be read is asked again by show().
    const draft = api.get(`/api/tasks/${encodeURIComponent(taskId)}/draft`).catch(() => undefined);
    try {
      task = await api.get(`/api/tasks/${encodeURIComponent(taskId)}`);
    } catch (error) {
      this.showMessage(error.status === 404
        ? infoNotice(`Task ${taskId} not found`, "It may have been deleted.",
          h("a", { href: "/label" }, "Label the next task"), h("a", { href: "/tasks" }, "See all tasks"))
        : errorNotice(error, `Could not open task ${taskId}`));
      return;
    }
    this.history.visit(task.id);
    await this.show(task, await draft);
  }

  async showQueueEnd() {
    if (this.queue.key !== "sampling") {
      this.showMessage(infoNotice(`End of the queue “${this.queue.title}”`, "Every task of this queue has been shown.",
        h("a", { href: `/label${this.queue.urlSearch}` }, "Back to its first task"), h("a", { href: "/tasks" }, "See the tasks"),
        h("a", { href: "/label" }, "Label the next by sampling")));
      return;
    }
    const project = await api.get("/api/project");
    this.showMessage(project.task_count === 0
      ? infoNotice("No tasks yet", "Import some tasks to label.", h("a", { href: "/import" }, "Import tasks →"))
      : infoNotice("All tasks are labeled", `Every one of the ${plural(project.task_count, "task")} has a completion.`,
        h("a", { href: "/tasks" }, "See the tasks"), h("a", { href: "/export" }, "Export the results"),
        h("a", { href: "/stats" }, "See the stats"), h("a", { href: "/import" }, "Import more tasks")));
  }

  showMessage(notice) {
    this.version += 1;
    this.ahead.forget();
    this.destroyEditor();
    this.task = null;
    this.root.replaceChildren(h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, "Label")), notice);
  }

  // Show `task` with its draft (null: none; undefined: not asked yet), or from `start` when given. The
  // progress line and the task after this one are asked for once it is painted, so their requests
  // never hold it up.
  async show(task, draft = undefined, start = undefined) {
    if (this.closed) return; // an answer that came after the page was left
    const ticket = ++this.version;
    this.ahead.forget();
    if (start === undefined && draft === undefined) draft = await api.get(`/api/tasks/${task.id}/draft`);
    if (ticket !== this.version) return;
    this.task = task;
    this.shownAt = performance.now();
    this.render();
    await this.startFrom(start ?? startingPoint(task, draft));
    if (this.task !== task) return;
    // Focused once the editor is drawn, so that the page is laid out once for its frame.
    this.root.querySelector("h1").focus({ preventScroll: true });
    afterPaint(() => this.afterShown(task));
  }

  // After the task's first frame: its progress line (counting the save still running, once it has
  // landed) and the task after it.
  async afterShown(task) {
    await this.unsaved?.settled;
    if (this.closed || this.task !== task) return;
    this.showProgress();
    if (this.atQueueHead()) this.ahead.ask(task.id);
  }

  // Whether the session is at its newest task of the sampler's queue, where a submit goes on in the queue.
  atQueueHead() {
    return Boolean(this.queue.nextAfter) && this.history.cursor === this.history.ids.length - 1;
  }

  async showProgress() {
    const { progress } = this.parts;
    try {
      progress.textContent = await progressText(this.queue, this.task.id);
    } catch (error) {
      progress.textContent = `Progress unknown: ${error.message}`;
    }
  }

  // -- layout ---------------------------------------------------------------------------

  render() {
    const { task, project } = this;
    const showSkip = (project.show_skip ?? project.config.show_skip) !== false;
    const fileName = taskFileName(task, project.config.label_config);
    const parts = {
      mode: h("span", { class: "mode" }),
      draftState: h("span", { class: "draft-state", "aria-live": "polite" }),
      progress: h("span", { class: "label-progress", "aria-live": "polite" }),
      restored: h("div"),
      problems: h("div"),
      editorHost: h("div", { class: "editor-host" }),
      skip: showSkip ? h("button", { type: "button", onclick: () => this.skip() }, "Skip", h("kbd", {}, "Ctrl+Space")) : null,
      submit: h("button", { type: "button", class: "primary", onclick: () => this.submit() }, "Submit", h("kbd", {}, "Ctrl+Enter")),
      side: h("aside", { class: "label-side", id: "label-side", "aria-label": "Completions and predictions" }),
    };
    this.parts = parts;
    const page = h("div", { class: "label-page" });
    const sideToggle = h("button", { type: "button", class: "side-toggle", "aria-controls": "label-side", "aria-expanded": "false",
      onclick: () => sideToggle.setAttribute("aria-expanded", String(page.classList.toggle("side-open"))) },
    `Completions (${task.completions.length})`);
    const warning = mediaWarning(task.id, parts.editorHost);
    page.append(
      h("section", { class: "label-main", "aria-labelledby": "task-heading" },
        h("div", { class: "label-queue" },
          h("span", { class: "queue-title" }, this.queue.title), parts.progress),
        h("div", { class: "label-head" },
          h("h1", { id: "task-heading", tabindex: "-1" }, `Task ${task.id}`),
          fileName ? h("span", { class: "file-name", title: fileName }, fileName) : null,
          parts.mode, parts.draftState,
          h("span", { class: "spacer" }),
          h("button", { type: "button", onclick: () => this.goBack(), title: "Ctrl+←" }, "‹ Previous"),
          h("button", { type: "button", onclick: () => this.goForward(), title: "Ctrl+→" }, "Next ›"),
          sideToggle,
          h("button", { type: "button", onclick: () => this.toggleHelp(), "aria-label": "Keyboard shortcuts" }, "?")),
        instructionsBlock(project), parts.restored, parts.problems, warning.element, parts.editorHost,
        h("div", { class: "label-actions" }, parts.skip, parts.submit)),
      parts.side);
    this.root.replaceChildren(page);
  }

  renderSide() {
    this.parts.side.replaceChildren(...sidePanels(this.task, this.start, (start) => this.switchTo(start)));
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
    if (this.parts.skip) this.parts.skip.disabled = start.kind === "completion";
    this.parts.restored.replaceChildren(start.restoredAt ? this.restoredNotice(start.restoredAt) : "");
    this.renderSide();
    this.destroyEditor();
    this.parts.submit.disabled = true;
    this.parts.editorHost.replaceChildren(h("p", { class: "loading" }, "Loading the editor…"));
    try {
      // Imported once: awaiting import() again yields to other tasks, which can cost a frame.
      editorModule ??= await loadEditor();
      if (ticket !== this.version) return;
      const { createEditor } = editorModule;
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
    const { task } = this;
    if (this.dirty && !(await confirmDialog({
      title: "Discard your changes?", message: "What you changed in the editor has not been submitted.", confirmLabel: "Discard",
    }))) return;
    if (this.task !== task) return; // a failed save took the page back to its task meanwhile
    await this.drafts.drop(task.id);
    await this.startFrom(start);
  }

  async discardDraft() {
    await this.drafts.drop(this.task.id);
    await this.startFrom(startingPoint(this.task, null));
  }

  // -- drafts ---------------------------------------------------------------------------------

  changed() {
    this.dirty = true;
    this.parts.problems.replaceChildren();
    this.parts.draftState.textContent = "Unsaved changes";
    this.drafts.schedule();
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
    // Read at the key press: the action may wait for an earlier save while keys go on to the editor.
    const result = this.editor.getResult();
    const leadTime = this.leadTime();
    await this.act(async () => {
      if (!result.length && !(await confirmDialog({
        title: "Submit without labels?",
        message: "This completion has no labels. Once submitted, the task counts as labeled.",
        confirmLabel: "Submit without labels",
      }))) return;
      await this.drafts.cancel();
      const body = { result, lead_time: leadTime };
      const { task, start } = this;
      if (start.kind === "completion") {
        // Updating a skipped completion turns it into a labeled one.
        const changes = start.item.was_cancelled ? { ...body, was_cancelled: false } : body;
        await api.patch(`/api/tasks/${task.id}/completions/${start.item.id}`, changes);
        await api.delete(`/api/tasks/${task.id}/draft`);
        toast(`Completion #${start.item.id} updated`);
        await this.show(await api.get(`/api/tasks/${task.id}`));
      } else {
        await this.saveAndForward(`/api/tasks/${task.id}/completions`, body, `Task ${task.id} submitted`, "Could not submit");
      }
    }, "Could not submit");
  }

  async skip() {
    if (this.busy || !this.task || this.start?.kind === "completion") return;
    await this.act(async () => {
      await this.drafts.cancel();
      const { task } = this;
      await this.saveAndForward(`/api/tasks/${task.id}/completions?was_cancelled=1`,
        { result: [], lead_time: this.leadTime() }, `Task ${task.id} skipped`, "Could not skip");
    }, "Could not skip");
  }

  // Back along this session's history: the earlier task opens with its completion, to update.
  async goBack() {
    if (this.busy || !this.task) return;
    await this.act(async () => {
      const earlier = this.history.step(-1);
      if (earlier === null) {
        toast("This is the first task of this session");
        return;
      }
      await this.drafts.saveNow();
      this.shell.setUrl(this.taskUrl(earlier));
      await this.openTask(earlier);
    }, "Could not open the previous task");
  }

  async goForward() {
    if (this.busy || !this.task) return;
    await this.act(async () => {
      await this.drafts.saveNow();
      await this.forward();
    }, "Could not open the next task");
  }

  // Saves the shown task's new completion (POST `path` with `body`) and goes forward. At the head of the
  // sampler's queue the next task was asked for ahead of time (see show) and is shown at once (see
  // leap); if it has not come yet, it is asked for while the save runs: the sampler passes over the task
  // being saved, which is what it would do once the save has landed.
  async saveAndForward(path, body, savedMessage, failure) {
    const atHead = this.atQueueHead();
    const ahead = atHead ? this.ahead.take(this.task.id) : undefined;
    if (ahead) {
      await leap(this, api.post(path, body), ahead, { savedMessage, failure });
      return;
    }
    const upcoming = atHead ? this.queue.nextAfter(this.task.id) : null;
    upcoming?.catch(() => {}); // a failed save is what is reported; this answer is then unused
    await api.post(path, body);
    toast(savedMessage);
    await this.forward(upcoming);
  }

  // Forward along the history to where the session was, then on in the queue.
  async forward(upcoming = null) {
    const later = this.history.step(1);
    if (later === null) {
      await this.continueQueue({ upcoming });
      return;
    }
    this.shell.setUrl(this.taskUrl(later));
    await this.openTask(later);
  }

  // Runs one action at a time; its failure is shown above the editor. An action asked for before a leap's
  // save was answered waits for it, and is dropped if the page went to another task meanwhile.
  act(action, failure) {
    return runAction(this, async () => {
      const { task } = this;
      await this.unsaved?.settled;
      if (this.task === task) await action();
    }, failure);
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
      if (this.parts.skip) this.skip();
    } else if (name === "ctrl+arrowleft") {
      event.preventDefault();
      this.goBack();
    } else if (name === "ctrl+arrowright") {
      event.preventDefault();
      this.goForward();
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
    this.closed = true;
    this.version += 1;
    this.drafts.saveNow();
    this.help?.close();
    this.destroyEditor();
  }
}
