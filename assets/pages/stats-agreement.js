// The Stats page's agreement section (GET /api/project/agreement): how well the annotators agree,
// overall, per control and per label, each with the number of tasks it rests on; a chart, the CSV,
// and the way to the review queue.

import { api } from "../api.js";
import { barChart } from "../ui/charts.js";
import { h, plural } from "../ui/dom.js";
import { errorNotice, infoNotice } from "../ui/notice.js";
import { dataTable } from "../ui/table.js";
import { formatScore } from "./tasks-disagreement.js";

const METRICS = {
  cohen_kappa: "Cohen's κ",
  krippendorff_alpha: "Krippendorff's α",
  span_f1: "Span F1",
  region_f1: "Region F1 at IoU ≥ 0.5",
  edit_similarity: "Edit similarity",
};

// The section, whatever the answer: a failure is shown in it, never thrown.
export async function agreementSection() {
  const section = h("section", { class: "panel agreement", "aria-labelledby": "agreement-heading" },
    h("h2", { id: "agreement-heading" }, "Agreement"));
  try {
    section.append(...agreementBody(await api.get("/api/project/agreement")).flat());
  } catch (error) {
    section.append(errorNotice(error, "Could not compute the agreement"));
  }
  return section;
}

function agreementBody(agreement) {
  const { annotators, overall } = agreement;
  if (annotators.length < 2) {
    const who = annotators.length ? `All completions are by ${annotators[0]}. ` : "";
    return [infoNotice("One annotator only",
      `${who}Agreement needs two or more annotators labeling the same tasks: give a copy of this project file to a colleague, then merge it back.`,
      h("a", { href: "/projects" }, "Merge another copy"))];
  }
  const controls = agreement.controls.filter((control) => control.value !== null);
  return [
    h("p", { class: "lead agreement-summary" },
      `${annotators.join(", ")} · ${plural(agreement.tasks, "task")} labeled by two or more · `,
      h("strong", {}, `overall ${formatScore(overall.value)}`), ` over ${plural(overall.tasks, "task")}`),
    controls.length
      ? barChart(controls.map((control) => ({ label: control.from_name, value: control.value })), "Agreement per control",
        { largest: 1, format: formatScore })
      : h("p", { class: "hint" }, "No control has enough tasks labeled by two annotators yet."),
    h("div", { class: "table-frame" }, dataTable({
      caption: "Agreement per control",
      rows: agreement.controls,
      empty: "No controls to compare",
      columns: [
        { title: "Control", cell: (control) => `${control.from_name} → ${control.to_name}` },
        { title: "Type", cell: (control) => control.type },
        { title: "Metric", cell: metricName },
        { title: "Value", className: "num", cell: (control) => formatScore(control.value) },
        { title: "Tasks", className: "num", cell: (control) => String(control.tasks) },
        { title: "Details", cell: (control) => extraText(control.extra) },
      ],
    })),
    agreement.controls.filter((control) => Object.keys(control.labels ?? {}).length).map(labelsTable),
    h("p", { class: "actions agreement-links" },
      h("a", { href: "/label/review" }, "Review queue, worst first →"),
      h("a", { href: "/tasks?filter=disagreement" }, "Tasks with disagreements"),
      h("a", { href: "/api/project/agreement?format=csv", download: "" }, "Download CSV")),
    h("p", { class: "hint" }, "1 is full agreement; 0 is what chance alone gives (κ, α) or no match at all (F1, similarity)."),
  ];
}

function metricName(control) {
  const name = METRICS[control.metric] ?? control.metric;
  return control.metric === "krippendorff_alpha" && control.extra?.level ? `${name} (${control.extra.level})` : name;
}

// The metric's extra figures, e.g. "exact f1 0.50 · overlap f1 0.80".
function extraText(extra = {}) {
  const text = (value) => (typeof value === "number" && !Number.isInteger(value) ? formatScore(value) : String(value));
  return Object.entries(extra).map(([key, value]) => `${key.replaceAll("_", " ")} ${text(value)}`).join(" · ");
}

function labelsTable(control) {
  const rows = Object.entries(control.labels).map(([label, figures]) => ({ label, ...figures }));
  return h("div", { class: "agreement-labels" },
    h("h3", {}, `${control.from_name}: per label`),
    h("div", { class: "table-frame" }, dataTable({
      caption: `Agreement per label of ${control.from_name}`,
      rows,
      columns: [
        { title: "Label", cell: (row) => row.label },
        { title: "Value", className: "num", cell: (row) => formatScore(row.value) },
        { title: "Tasks", className: "num", cell: (row) => String(row.tasks) },
      ],
    })));
}
