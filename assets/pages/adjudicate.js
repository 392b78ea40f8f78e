// The Label page's adjudication view: a task's completions side by side, each drawn read-only, with
// "Use this one" (it becomes the ground truth) and "Edit final" (a new ground-truth completion edited
// from it; the others are kept); a completion both copies of a merge edited shows both edits, who made
// each and when, to choose one; and the review queue, which walks the disagreements worst first.
//
//   /label/<id>/compare            one task
//   /label/<id>/compare?queue=<n>  the same, as the n-th task of the review queue (previous / next)
//   /label/review                  the review queue's first task

import { api } from "../api.js";
import { annotatorOf, annotatorsOf, editorOf } from "../ui/annotator.js";
import { formatDate, h, plural } from "../ui/dom.js";
import { errorNotice, infoNotice, runAction } from "../ui/notice.js";
import { toast } from "../ui/toast.js";
import { disagreeingControls, formatScore, queueEntry } from "./tasks-disagreement.js";

const EDITOR_MODULE = "../editor/editor.js"; // relative: the same version of the app as this page

export async function mount(root, shell) {
  const view = new CompareView(root, shell);
  const rank = Number.parseInt(shell.query.get("queue"), 10);
  if (shell.params.taskId === undefined) await view.openRank(1, { replace: true });
  else await view.open(shell.params.taskId, rank > 0 ? rank : null);
  return () => view.close();
}

class CompareView {
  constructor(root, shell) {
    this.root = root;
    this.shell = shell;
    this.config = "";
    this.task = null;
    this.versions = new Map(); // completion id → {versions: its older versions, conflict: the other copy's edit or null}
    this.queue = null; // {rank, total, entry} while walking the review queue
    this.editors = [];
    this.ticket = 0; // bumped whenever what the view shows changes, so late answers are dropped
    this.busy = false;
    this.parts = {};
  }

  async openRank(rank, { replace = false } = {}) {
    const ticket = ++this.ticket;
    const { entry, total } = await queueEntry(rank);
    if (ticket !== this.ticket) return;
    if (!entry) {
      this.shell.setUrl("/label/review", { replace });
      this.showMessage(total
        ? infoNotice("End of the review queue", `The queue has ${plural(total, "task")}.`, h("a", { href: "/label/review" }, "Back to the first"))
        : infoNotice("No disagreements to review", "No task has completions from two annotators who disagree, or one edited in both copies of a merge.",
          h("a", { href: "/tasks" }, "See the tasks"), h("a", { href: "/projects" }, "Merge another copy")));
      return;
    }
    this.shell.setUrl(`/label/${entry.id}/compare?queue=${rank}`, { replace });
    await this.show(entry.id, { rank, total, entry });
  }

  async open(rawId, rank) {
    let queue = null;
    if (rank !== null) {
      const { entry, total } = await queueEntry(rank);
      // The queue may have changed since the link was made; then the task is shown outside it.
      queue = entry && String(entry.id) === rawId ? { rank, total, entry } : null;
    }
    await this.show(rawId, queue);
  }

  async show(rawId, queue) {
    const ticket = ++this.ticket;
    let project;
    let task;
    try {
      [project, task] = await Promise.all([api.get("/api/project"), api.get(`/api/tasks/${encodeURIComponent(rawId)}`)]);
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.showMessage(error.status === 404
        ? infoNotice(`Task ${rawId} not found`, "It may have been deleted.", h("a", { href: "/tasks" }, "See all tasks"))
        : errorNotice(error, `Could not open task ${rawId}`));
      return;
    }
    const versions = await this.versionsOf(task);
    if (ticket !== this.ticket) return;
    Object.assign(this, { config: project.config.label_config, task, versions, queue });
    this.render();
    this.root.querySelector("h1").focus({ preventScroll: true });
    await this.showCompletions();
  }

  async reload() {
    await this.show(String(this.task.id), this.queue);
  }

  async versionsOf(task) {
    const lists = await Promise.all(task.completions.map((completion) =>
      api.get(`/api/tasks/${task.id}/completions/${completion.id}/versions`)
        .catch(() => ({ versions: [], conflict: null }))));
    return new Map(task.completions.map((completion, index) => [completion.id, lists[index]]));
  }

  showMessage(notice) {
    this.destroyEditors();
    this.root.replaceChildren(h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, "Compare completions")), notice);
  }

  // -- layout ---------------------------------------------------------------------------------

  render() {
    const { task, queue } = this;
    const parts = {
      problems: h("div"),
      body: h("div"),
    };
    this.parts = parts;
    this.root.replaceChildren(
      h("div", { class: "page-head" },
        h("h1", { tabindex: "-1" }, `Task ${task.id}: compare completions`),
        h("span", { class: "spacer" }),
        queue ? this.queueButtons() : h("a", { class: "button", href: "/label/review" }, "Review queue"),
        h("a", { class: "button", href: `/label/${task.id}` }, "Open in the editor")),
      queue ? h("p", { class: "lead queue-line" }, queueText(queue)) : "",
      h("p", { class: "ground-truth-line" }, groundTruthText(task.completions)),
      parts.problems,
      parts.body);
  }

  queueButtons() {
    const { rank, total } = this.queue;
    const go = (step) => this.act(() => this.openRank(rank + step), "Could not open the neighbouring task");
    return h("div", { class: "queue-buttons" },
      h("button", { type: "button", disabled: rank <= 1, onclick: () => go(-1) }, "‹ Previous"),
      h("button", { type: "button", disabled: rank >= total, onclick: () => go(1) }, "Next ›"));
  }

  async showCompletions() {
    this.destroyEditors();
    const completions = this.task.completions;
    if (!completions.length) {
      this.parts.body.replaceChildren(infoNotice("No completions", "This task has no completions to compare.",
        h("a", { href: `/label/${this.task.id}` }, "Label it")));
      return;
    }
    const cards = completions.map((completion) => this.card(completion));
    this.parts.body.replaceChildren(h("div", { class: "compare-grid" }, cards.map((card) => card.element)));
    await Promise.all(cards.map((card) => this.drawReadOnly(card.host, card.result)));
  }

  card(completion) {
    const who = annotatorOf(completion);
    const name = `#${completion.id} by ${who}`;
    const host = h("div", { class: "compare-editor" });
    const chosen = completion.ground_truth === true;
    const { versions, conflict } = this.versions.get(completion.id) ?? { versions: [], conflict: null };
    const other = conflict ? versions.find((version) => version.id === conflict.version) : null;
    const editor = editorOf(completion);
    const element = h("section", { class: `panel compare-card${chosen ? " ground-truth" : ""}`, "aria-label": `Completion ${name}` },
      h("div", { class: "compare-head" },
        h("h2", {}, who),
        chosen ? h("span", { class: "badge ok" }, "Ground truth") : null,
        completion.was_cancelled ? h("span", { class: "badge skipped" }, "Skipped") : null,
        other ? h("span", { class: "badge conflict" }, "Edited in both copies") : null),
      h("p", { class: "hint" }, `#${completion.id} · ${editor === who ? "" : `edited by ${editor} · `}${formatDate(completion.updated_at ?? completion.created_at)}`),
      host,
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "primary", disabled: chosen, "aria-label": `Use this one: ${name}`,
          onclick: () => this.act(() => this.useAsGroundTruth(completion), "Could not mark the ground truth") }, "Use this one"),
        h("button", { type: "button", "aria-label": `Edit final from ${name}`, onclick: () => this.editFinal(completion) }, "Edit final")),
      other ? this.conflictChoice(completion, other) : null,
      versions.length ? this.versionList(versions) : null);
    return { element, host, result: completion.result };
  }

  // Both copies of a merge edited this completion: the newer edit is shown above, the other copy's
  // here; choosing one settles it (the other stays among the earlier versions).
  conflictChoice(completion, other) {
    const newer = `${editorOf(completion)}'s edit of ${formatDate(completion.updated_at)}`;
    const older = `${editorOf(other)}'s edit of ${formatDate(other.updated_at)}`;
    const host = h("div", { class: "compare-editor" });
    const resolve = (version, said) => this.act(async () => {
      await api.post(`/api/tasks/${this.task.id}/completions/${completion.id}/resolve`, { version });
      toast(said);
      await this.reload();
    }, "Could not settle the conflict");
    this.drawReadOnly(host, other.result).catch((error) => host.replaceChildren(errorNotice(error, "Could not draw this edit")));
    return h("section", { class: "notice compare-conflict", "aria-label": `Edited in both copies: #${completion.id}` },
      h("strong", {}, "Edited in both copies"),
      h("p", {}, `Shown above: ${newer} (the newer). The other copy had ${older}${other.was_cancelled ? " (skipped)" : ""}:`),
      host,
      h("div", { class: "buttons" },
        h("button", { type: "button", onclick: () => resolve(null, `Kept ${newer}`) }, `Keep ${editorOf(completion)}'s edit`),
        h("button", { type: "button", onclick: () => resolve(other.id, `Using ${older}`) }, `Use ${editorOf(other)}'s edit`)));
  }

  // Older versions of a completion (kept when both copies of a merge had edited it), drawn on demand.
  versionList(versions) {
    const list = h("ol", { class: "versions" });
    const details = h("details", { class: "compare-versions" },
      h("summary", {}, plural(versions.length, "earlier version")), list);
    details.addEventListener("toggle", () => {
      if (!details.open || list.childElementCount) return;
      for (const version of versions) {
        const host = h("div", { class: "compare-editor" });
        list.append(h("li", {},
          h("p", { class: "hint" }, `${editorOf(version)} · ${formatDate(version.updated_at)}${version.was_cancelled ? " · skipped" : ""}`),
          host));
        this.drawReadOnly(host, version.result).catch((error) => host.replaceChildren(errorNotice(error, "Could not draw this version")));
      }
    });
    return details;
  }

  async drawReadOnly(host, result) {
    const { createEditor } = await import(EDITOR_MODULE);
    const editor = createEditor(host, { config: this.config, task: this.task, result: structuredClone(result ?? []), readOnly: true });
    this.editors.push(editor);
    await editor.ready;
  }

  // -- actions ----------------------------------------------------------------------------------

  async useAsGroundTruth(completion) {
    await api.patch(`/api/tasks/${this.task.id}/completions/${completion.id}`, { ground_truth: true });
    toast(`#${completion.id} by ${annotatorOf(completion)} is the ground truth`);
    await this.reload();
  }

  // The editor, prefilled with `completion`'s result; saving makes a new completion, the ground truth.
  async editFinal(completion) {
    const ticket = ++this.ticket;
    this.destroyEditors();
    const host = h("div", { class: "editor-host" });
    const problems = h("div");
    const save = h("button", { type: "button", class: "primary", disabled: true }, "Save as final");
    const startedAt = performance.now();
    this.parts.body.replaceChildren(h("section", { class: "compare-final", "aria-labelledby": "final-heading" },
      h("h2", { id: "final-heading" }, `Final completion, starting from #${completion.id} by ${annotatorOf(completion)}`),
      h("p", { class: "hint" }, "Saved as a new completion marked as the ground truth; every other completion is kept."),
      problems, host,
      h("div", { class: "label-actions" },
        h("button", { type: "button", onclick: () => this.act(() => this.showCompletions(), "Could not show the completions") }, "Cancel"),
        save)));
    const { createEditor } = await import(EDITOR_MODULE);
    if (ticket !== this.ticket) return;
    const editor = createEditor(host, { config: this.config, task: this.task, result: structuredClone(completion.result ?? []) });
    this.editors.push(editor);
    save.addEventListener("click", () => this.act(async () => {
      const missing = editor.validate();
      if (missing.length) {
        problems.replaceChildren(errorNotice({ messages: missing }, "Not ready to save"));
        return;
      }
      const lead_time = Math.round(performance.now() - startedAt) / 1000;
      const { id } = await api.post(`/api/tasks/${this.task.id}/completions`, { result: editor.getResult(), lead_time, ground_truth: true });
      toast(`Saved the final completion #${id}`);
      await this.reload();
    }, "Could not save the final completion"));
    await editor.ready;
    if (ticket === this.ticket) save.disabled = false;
  }

  // Runs one action at a time; its failure is shown above the completions.
  act(action, failure) {
    return runAction(this, action, failure);
  }


  destroyEditors() {
    for (const editor of this.editors) editor.destroy();
    this.editors = [];
  }

  close() {
    this.ticket += 1;
    this.destroyEditors();
  }
}

function queueText({ rank, total, entry }) {
  const controls = disagreeingControls(entry).map(([name, score]) => `${name} ${formatScore(score)}`).join(", ");
  const conflict = entry.conflict ? ` · ${entry.conflict.reason} (${entry.conflict.editors.join(", ")})` : "";
  const agreement = entry.score === null && entry.conflict ? "" : ` · agreement ${formatScore(entry.score)}`;
  return `Review queue: ${rank} of ${total}${conflict}${agreement}${controls ? ` · disagree on ${controls}` : ""}`;
}

function groundTruthText(completions) {
  const chosen = completions.find((completion) => completion.ground_truth === true);
  if (chosen) return `Ground truth: #${chosen.id} by ${annotatorOf(chosen)}.`;
  const who = annotatorsOf(completions);
  return `${plural(completions.length, "completion")} by ${plural(who.length, "annotator")}; no ground truth chosen yet.`;
}
