// The Stats page: progress (labeled, skipped, left), the label distribution and completions per day over a
// sample of the most recently labeled tasks, drawn by ui/charts.js, and the annotators' agreement
// (stats-agreement.js).

import { api, recentLabeledTasks } from "../api.js";
import { barChart, columnChart, stackedBar } from "../ui/charts.js";
import { formatNumber, h, pageHeading, plural } from "../ui/dom.js";
import { infoNotice } from "../ui/notice.js";
import { agreementSection } from "./stats-agreement.js";

const SAMPLE_LIMIT = 5_000;
const TOP_LABELS = 12;
const MAX_DAYS = 60;
const DAY_MS = 86_400_000;

export async function mount(root) {
  root.replaceChildren(pageHeading("Stats"), h("p", { class: "loading" }, "Counting…"));
  const project = await api.get("/api/project");
  const [summary, sample, agreement] = await Promise.all([
    api.get("/api/project/export/summary"), recentLabeledTasks(SAMPLE_LIMIT), agreementSection()]);
  root.replaceChildren(
    pageHeading("Stats"),
    progressSection(project, summary.labeled_tasks),
    project.completion_count === 0
      ? infoNotice("Nothing labeled yet", "Charts of labels and completions appear once tasks are labeled.", h("a", { href: "/label" }, "Start labeling →"))
      : sampleSection(project, sample),
    agreement);
}

// Labeled: a completion that was not cancelled, empty or not (as the Tasks filter and the Label page
// count); skipped: completions, all of them skips; left: no completion (what sampling still serves).
function progressSection(project, labeled) {
  const done = project.completion_count;
  const left = project.task_count - done;
  const skipped = done - labeled;
  const skippedText = formatNumber(skipped);
  const labeledText = formatNumber(labeled);
  const percent = (count) => (project.task_count ? ` (${Math.round((100 * count) / project.task_count)}%)` : "");
  return h("section", { class: "panel", "aria-labelledby": "progress-heading" },
    h("h2", { id: "progress-heading" }, "Progress"),
    h("div", { class: "stat-cards" },
      statCard("Tasks", formatNumber(project.task_count)),
      statCard("Labeled", labeledText, "labeled"),
      statCard("Skipped", skippedText, "skipped"),
      statCard("Left", formatNumber(left), "left")),
    stackedBar([
      { label: "Labeled", value: labeled, className: "labeled", text: `${labeledText}${percent(labeled)}` },
      { label: "Skipped", value: skipped, className: "skipped", text: `${skippedText}${percent(skipped)}` },
      { label: "Left", value: left, className: "left", text: `${formatNumber(left)}${percent(left)}` },
    ], "Progress"),
    h("p", { class: "hint" }, "A task counts as labeled when it has a completion that was not skipped (an empty one too), as skipped when all its completions are skips."));
}

function statCard(name, value, kind = "") {
  return h("div", { class: `stat-card ${kind}` }, h("div", { class: "value" }, value), h("div", { class: "name" }, name));
}

function sampleSection(project, sample) {
  const sampleText = sample.length < project.completion_count
    ? `Sample: the ${formatNumber(sample.length)} most recently completed tasks of ${formatNumber(project.completion_count)}.`
    : `Sample: all ${plural(sample.length, "task")} with completions.`;
  const byControl = labelCounts(sample);
  return h("div", {},
    h("p", { class: "lead", id: "sample-size" }, sampleText),
    h("div", { class: "stats-columns" },
      h("section", { class: "panel", "aria-labelledby": "labels-heading" },
        h("h2", { id: "labels-heading" }, "Labels"),
        byControl.size
          ? [...byControl].map(([control, counts]) => controlChart(control, counts))
          : h("p", { class: "hint" }, "No labels in these completions (only text, ratings or skips).")),
      h("section", { class: "panel", "aria-labelledby": "days-heading" },
        h("h2", { id: "days-heading" }, "Completions per day"),
        columnChart(perDay(sample), "Completions per day"),
        h("p", { class: "hint" }, "Skips are not counted."))));
}

function controlChart(control, counts) {
  const sorted = [...counts].map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value);
  const rest = sorted.length - TOP_LABELS;
  return h("div", {},
    h("h3", {}, control),
    barChart(sorted.slice(0, TOP_LABELS), `Labels of ${control}`),
    rest > 0 ? h("p", { class: "hint" }, `and ${plural(rest, "more label")}`) : null);
}

// control name → (label → how many result items carry it), over the completions that are not skips.
function labelCounts(tasks) {
  const byControl = new Map();
  for (const completion of submittedCompletions(tasks)) {
    for (const item of completion.result ?? []) {
      const labels = item?.value?.[item.type];
      if (!Array.isArray(labels)) continue;
      const counts = byControl.get(item.from_name) ?? new Map();
      byControl.set(item.from_name, counts);
      for (const label of labels) {
        const name = Array.isArray(label) ? label.join(" / ") : String(label);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
  }
  return byControl;
}

function* submittedCompletions(tasks) {
  for (const task of tasks) {
    for (const completion of task.completions) if (!completion.was_cancelled) yield completion;
  }
}

// One column per local day from the first to the last day with a completion (at most MAX_DAYS, the latest).
function perDay(tasks) {
  const counts = new Map();
  for (const completion of submittedCompletions(tasks)) {
    const day = startOfDay(completion.created_at * 1000);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  if (!counts.size) return [];
  const last = Math.max(...counts.keys());
  const earliest = startOfDay(last - (MAX_DAYS - 1) * DAY_MS + DAY_MS / 2);
  const first = Math.max(Math.min(...counts.keys()), earliest);
  const days = [];
  for (let day = first; day <= last; day = startOfDay(day + DAY_MS * 1.5)) {
    const date = new Date(day);
    days.push({ label: `${date.getMonth() + 1}/${date.getDate()}`, value: counts.get(day) ?? 0 });
  }
  return days;
}

function startOfDay(milliseconds) {
  const date = new Date(milliseconds);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}
