// The Tasks page's "Disagreement" filter: tasks with a completion both copies of a merge edited, then
// tasks whose annotators disagree, least agreement first, as the server keeps them
// (GET /api/project/disagreements), with each task's score and the controls at odds.

import { api } from "../api.js";
import { h } from "../ui/dom.js";

export function formatScore(value) {
  return value === null || value === undefined ? "—" : value.toFixed(2);
}

// The review queue's entry at `rank` (1 = the worst task) and the queue's length: {entry|null, total}.
export async function queueEntry(rank) {
  const answer = await api.get(`/api/project/disagreements?page=${rank}&page_size=1`);
  return { entry: answer.tasks[0] ?? null, total: answer.total };
}

// One page of the filter: {rows, pages, hasNext, total}; each row knows its rank in the review queue.
export async function disagreementPage({ page, size }) {
  const answer = await api.get(`/api/project/disagreements?page=${page}&page_size=${size}`);
  const offset = (page - 1) * size;
  const rows = answer.tasks.map((task, index) => ({ ...task, rank: offset + index + 1 }));
  const pages = Math.ceil(answer.total / size);
  return { rows, pages, hasNext: page < pages, total: answer.total };
}

// The controls that disagree on a task, worst first, as "name 0.33".
export function disagreeingControls(task) {
  return Object.entries(task.controls).filter(([, score]) => score < 1).sort((a, b) => a[1] - b[1]);
}

export function disagreementColumns() {
  const compare = (task) => `/label/${task.id}/compare?queue=${task.rank}`;
  return [
    { title: "ID", className: "num", cell: (task) => h("a", { href: compare(task), "aria-label": `Compare task ${task.id}` }, String(task.id)) },
    { title: "Agreement", className: "num", cell: (task) => formatScore(task.score) },
    { title: "Controls that disagree", cell: (task) => h("ul", { class: "chips" },
      task.conflict ? h("li", { class: "badge conflict" }, `${task.conflict.reason}: ${task.conflict.editors.join(", ")}`) : null,
      disagreeingControls(task).map(([name, score]) => h("li", { class: "badge skipped" }, `${name} ${formatScore(score)}`))) },
    { title: "Annotators", cell: (task) => task.annotators.join(", ") },
    { title: "", cell: (task) => h("div", { class: "row-actions" }, h("a", { class: "button", href: compare(task) }, "Compare")) },
  ];
}
