// The Label page's side panel (the task's completions and predictions, each loadable into the editor)
// and where the editor starts from when a task opens.

import { annotatorOf, annotatorsOf } from "../ui/annotator.js";
import { formatDate, h } from "../ui/dom.js";

// What the editor started from: a new completion ("blank", maybe from a restored draft),
// a prediction used as pre-annotation, or an existing completion being edited.
export function startingPoint(task, draft) {
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

export function modeText(start) {
  if (start.kind === "completion") return `Editing ${start.item.was_cancelled ? "skipped " : ""}completion #${start.item.id}`;
  if (start.kind === "prediction") return `New completion from prediction #${start.item.id}`;
  return "New completion";
}

// The panels' content for `task` with `start` marked current; `switchTo(start)` loads another one.
export function sidePanels(task, start, switchTo) {
  const current = (kind, item) => String(start.kind === kind && start.item?.id === item.id);
  return [
    h("section", { class: "panel", "aria-labelledby": "completions-heading" },
      h("h2", { id: "completions-heading" }, "Completions"),
      task.completions.length
        ? h("ul", {}, task.completions.map((completion) => h("li", {},
          h("button", { type: "button", "aria-current": current("completion", completion), onclick: () => switchTo({ kind: "completion", item: completion, result: completion.result }) },
            h("span", {}, `#${completion.id}`),
            h("span", { class: "mode" }, `${completion.was_cancelled ? "Skipped · " : ""}${annotatorOf(completion)} · ${formatDate(completion.updated_at)}`),
            completion.ground_truth ? h("span", { class: "badge ok" }, "Ground truth") : null))))
        : h("p", { class: "none" }, "None yet"),
      annotatorsOf(task.completions).length > 1
        ? h("p", {}, h("a", { class: "button", href: `/label/${task.id}/compare` }, "Compare side by side")) : null,
      h("button", { type: "button", "aria-current": String(start.kind === "blank"), onclick: () => switchTo({ kind: "blank", item: null, result: [] }) }, "Start a new completion")),
    h("section", { class: "panel", "aria-labelledby": "predictions-heading" },
      h("h2", { id: "predictions-heading" }, "Predictions"),
      task.predictions.length
        ? h("ul", {}, task.predictions.map((prediction) => h("li", {},
          h("button", { type: "button", "aria-current": current("prediction", prediction), onclick: () => switchTo({ kind: "prediction", item: prediction, result: prediction.result ?? [] }) },
            h("span", {}, `#${prediction.id} ${prediction.model_version ?? ""}`.trim()),
            h("span", { class: "mode" }, typeof prediction.score === "number" ? `score ${prediction.score}` : "")))))
        : h("p", { class: "none" }, "None")),
  ];
}
