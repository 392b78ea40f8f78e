// The Projects page's "Merge another copy…": the active project and another copy of it become a new
// project file (both stay as they are), which the server opens; the page then shows what the merge did.

import { api } from "../api.js";
import { callDesktop, desktopApi } from "../desktop.js";
import { formatNumber, h, plural } from "../ui/dom.js";
import { errorNotice } from "../ui/notice.js";

const CONFIG_USED = {
  same: "the same in both copies",
  a: "this copy's (its labels include all of the other's)",
  b: "the other copy's (its labels include all of this one's)",
};

// `onMerged(answer)` is told of the new active project once the report is shown.
export function mergePanel(onMerged) {
  const path = h("input", { type: "text", id: "merge-other-path", required: true, placeholder: "/home/me/birds (Sam's copy).lsdesk" });
  const merge = h("button", { class: "primary" }, "Merge");
  const chooser = h("span"); // the native dialog's button, in the desktop window only
  const outcome = h("div", { "aria-live": "polite" });
  let bridge = null;

  // In the desktop window the native Open dialog picks the file; a browser has only the path field.
  desktopApi().then((found) => {
    bridge = found;
    if (bridge?.choose_project_file) chooser.replaceChildren(h("button", { type: "button", onclick: chooseFile }, "Choose file…"));
  });

  async function chooseFile() {
    try {
      const answer = await callDesktop(bridge, "choose_project_file");
      if (answer) path.value = answer.path;
    } catch (error) {
      outcome.replaceChildren(errorNotice(error, "Could not choose a file"));
    }
  }

  async function run(event) {
    event.preventDefault();
    merge.disabled = true;
    outcome.replaceChildren(h("p", { class: "loading" }, "Merging…"));
    try {
      const answer = await api.post("/api/projects/merge", { other: path.value.trim() });
      path.value = "";
      outcome.replaceChildren(mergeReport(answer));
      await onMerged(answer);
    } catch (error) {
      outcome.replaceChildren(errorNotice(error, error.status === 409 ? "These copies were not merged" : "Could not merge"));
    } finally {
      merge.disabled = false;
    }
  }

  return h("form", { class: "panel merge-panel", onsubmit: run, "aria-labelledby": "merge-heading" },
    h("h2", { id: "merge-heading" }, "Merge another copy…"),
    h("div", { class: "inline-form" },
      h("div", { class: "field" }, h("label", { htmlFor: path.id }, "Path of the other copy"), path),
      chooser, merge),
    h("p", { class: "hint" }, "Another copy of the active project, labeled by someone else. Both files stay as they are: ",
      "the merge is a new project file, which is opened."),
    outcome);
}

function mergeReport({ path, report }) {
  const { tasks, completions } = report;
  const rows = [
    ["Tasks", `${formatNumber(tasks.total)}: ${formatNumber(tasks.from_a)} from this copy, ${formatNumber(tasks.added_from_b)} added from the other, ${formatNumber(tasks.matched)} in both`],
    ["Completions", `${formatNumber(completions.total)}: ${formatNumber(completions.added_from_b)} added from the other copy`],
    ["Edited on both", completions.edited_on_both
      ? `${plural(completions.edited_on_both, "completion")}: the newer edit is used, ${plural(completions.versions_kept, "older version")} kept; ${plural(report.conflicts, "task")} to choose between the two edits`
      : "none"],
    ["Config", CONFIG_USED[report.config] ?? report.config],
    ["Disagreements", plural(report.disagreements, "task")],
  ];
  return h("section", { class: "notice info merge-report", "aria-label": "Merge report" },
    h("strong", {}, "Merged. The merged project is now open:"),
    h("p", { class: "path" }, path),
    h("dl", {}, rows.map(([name, text]) => [h("dt", {}, name), h("dd", {}, text)])),
    h("p", { class: "actions" },
      report.disagreements || report.conflicts
        ? [h("a", { href: "/tasks?filter=disagreement" }, "See the disagreements"), h("a", { href: "/label/review" }, "Review them, worst first")]
        : null,
      h("a", { href: "/tasks" }, "Open the tasks"),
      h("a", { href: "/stats" }, "See the agreement")));
}
