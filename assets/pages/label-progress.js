// What the Label page says around the task: the queue's progress ("412 / 5,000 labeled · 4,588 left"),
// the task's media file name, and the project's instructions (collapsible).
//
// "Labeled" is everywhere a task with a completion that was not cancelled (empty or not): the Tasks
// filter state=labeled, the Stats page and the export summary count the same tasks.

import { api } from "../api.js";
import { formatNumber, h } from "../ui/dom.js";

const INSTRUCTIONS_CLOSED_KEY = "lsdesk.instructions-closed";

// The progress line of the queue, e.g. "412 / 5,000 labeled · 4,588 left".
export async function progressText(queue, taskId) {
  if (queue.key === "sampling") return samplingProgress();
  return queryProgress(queue, taskId);
}

// The sampler serves tasks without any completion, so "left" leaves out the skipped ones.
async function samplingProgress() {
  const [project, summary] = await Promise.all([api.get("/api/project"), api.get("/api/project/export/summary")]);
  const labeled = summary.labeled_tasks;
  const skipped = project.completion_count - labeled;
  const left = project.task_count - project.completion_count;
  return [`${formatNumber(labeled)} / ${formatNumber(project.task_count)} labeled`,
    skipped > 0 ? `${formatNumber(skipped)} skipped` : null, `${formatNumber(left)} left`].filter(Boolean).join(" · ");
}

// A query's counts come from GET /api/tasks/count; the labeled ones are its filter with state=labeled
// added, which only an "and" filter can take. Without the count route, the position is all we know.
async function queryProgress(queue, taskId) {
  const position = queue.positionOf(taskId);
  const where = position ? `task ${formatNumber(position)} of the queue` : "not from the queue";
  const params = new URLSearchParams(queue.query);
  const count = (search) => api.get(`/api/tasks/count?${search}`).catch(() => null);
  const total = await count(countParams(params, null));
  if (!total) return where;
  const withLabeled = labeledFilter(params.get("filter"));
  const labeled = withLabeled === null ? null : await count(countParams(params, withLabeled));
  const totalText = `${formatNumber(total.count)}${total.exact === false ? "+" : ""}`;
  if (!labeled) return `${totalText} tasks · ${where}`;
  const left = total.count - labeled.count;
  return `${formatNumber(labeled.count)} / ${totalText} labeled · ${formatNumber(left)}${total.exact === false ? "+" : ""} left`;
}

function countParams(params, filter) {
  const out = new URLSearchParams();
  const chosen = filter ?? params.get("filter");
  if (chosen) out.set("filter", chosen);
  if (params.get("search")) out.set("search", params.get("search"));
  return out.toString();
}

// The query's filter with "state is labeled" added, or null when that cannot be said in one filter.
function labeledFilter(raw) {
  const labeled = { field: "state", op: "equal", value: "labeled" };
  if (!raw) return JSON.stringify({ conjunction: "and", items: [labeled] });
  let filter;
  try {
    filter = JSON.parse(raw);
  } catch {
    return null;
  }
  const items = Array.isArray(filter?.items) ? filter.items : null;
  if (!items || (items.length > 1 && filter.conjunction !== "and")) return null;
  return JSON.stringify({ conjunction: "and", items: [...items, labeled] });
}

// The name of the task's media file: the server's file_name, else the last path segment of the
// URL or path an object tag reads (an uploaded file's name without its content-hash prefix).
export function taskFileName(task, config) {
  if (task.file_name) return task.file_name;
  for (const key of objectValueKeys(config)) {
    const value = task.data?.[key];
    if (typeof value !== "string" || value.length > 2048 || /\s/.test(value) || value.startsWith("data:")) continue;
    if (!/^(https?:\/\/|\/|s3:\/\/|gs:\/\/)/.test(value) && !value.includes("/")) continue;
    const segment = value.split(/[?#]/)[0].split("/").filter(Boolean).pop();
    if (!segment) continue;
    let name = segment;
    try {
      name = decodeURIComponent(segment);
    } catch {
      // a stray % in a path: show it as it is
    }
    return value.startsWith("/data/upload/") ? name.replace(/^[0-9a-f]{16}-/, "") : name;
  }
  return null;
}

let valueKeysOf = { config: null, keys: [] }; // the last config's keys: every task of a project asks the same

// The data keys ($key) the config's tags read, in config order.
function objectValueKeys(config) {
  if (valueKeysOf.config === config) return valueKeysOf.keys;
  const doc = new DOMParser().parseFromString(config, "text/xml");
  const keys = [];
  for (const element of doc.querySelectorAll("[value^='$']")) {
    const key = element.getAttribute("value").slice(1);
    if (key && !keys.includes(key)) keys.push(key);
  }
  valueKeysOf = { config, keys };
  return keys;
}

// The project's instructions as a collapsible block (as Label Studio shows expert_instruction),
// remembered open or closed; nothing when the project has none.
export function instructionsBlock(project) {
  const text = (project.instruction ?? project.config?.instruction ?? "").trim();
  if (!text) return null;
  // Remembered as the person clicks (or presses Enter on) the summary, before the block toggles: the
  // toggle event comes a task later, and a reload in between would forget the choice.
  const summary = h("summary", {}, "Instructions");
  const block = h("details", { class: "label-instructions" }, summary, h("div", { class: "instructions-text" }, text));
  block.open = localStorage.getItem(INSTRUCTIONS_CLOSED_KEY) !== "1";
  summary.addEventListener("click", () => localStorage.setItem(INSTRUCTIONS_CLOSED_KEY, block.open ? "1" : "0"));
  return block;
}
