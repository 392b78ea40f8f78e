// The Export page: every converter format, unsupported ones greyed with their reason, downloaded
// through a plain link so the browser streams the file; in the desktop window each supported format
// can also be saved straight to a file picked in the native dialog. It says which tasks and which
// completion each export holds, and what the image formats will leave out.

import { api } from "../api.js";
import { callDesktop, desktopApi } from "../desktop.js";
import { formatNumber, h, pageHeading, plural } from "../ui/dom.js";
import { errorNotice, infoNotice } from "../ui/notice.js";

export async function mount(root, shell) {
  const [project, formats] = await Promise.all([api.get("/api/project"), api.get("/api/project/export/formats")]);
  const firstSupported = formats.find((format) => format.supported);
  const archive = h("input", { type: "checkbox", id: "export-archive", onchange: updateLink });
  const allTasks = h("input", { type: "checkbox", id: "export-all-tasks", onchange: refresh });
  const leaveOut = h("input", { type: "checkbox", id: "export-leave-out-disagreeing", onchange: refresh });
  const holds = h("div", { class: "export-holds" });
  const link = h("a", { class: "button primary", download: "", id: "export-download" });
  const choices = formats.map((format) => formatChoice(format, format === firstSupported, updateLink));
  const saved = h("div", { class: "export-saved" });

  root.replaceChildren(
    pageHeading("Export"),
    holds,
    h("div", { class: "export-actions" },
      link,
      h("label", {}, archive, " As a zip archive"),
      h("label", {}, allTasks, " Also tasks without a completion (", h("code", {}, "all_tasks=1"), ")")),
    saved,
    h("fieldset", { class: "formats" }, h("legend", {}, "Format"), choices));
  await refresh();
  // Not awaited: in a browser the answer takes a moment, and the page need not wait for it.
  desktopApi().then((bridge) => {
    if (!bridge || !shell.isCurrent()) return;
    formats.forEach((format, index) => {
      if (!format.supported) return;
      // The label and its button share one cell of the formats grid.
      const cell = h("div", { class: "format-choice", style: "display: flex; flex-direction: column; gap: 6px" });
      choices[index].replaceWith(cell);
      cell.append(choices[index], exportToButton(format, () => exportTo(bridge, format)));
    });
  });

  async function exportTo(bridge, format) {
    try {
      const answer = await callDesktop(bridge, "export_to", format.name, archive.checked, ...selectionArguments());
      if (answer) saved.replaceChildren(h("div", { class: "notice info", role: "status" }, `Saved to ${answer.path}`));
    } catch (error) {
      saved.replaceChildren(errorNotice(error, `Could not export ${format.title}`));
    }
  }

  function selectionArguments() {
    return allTasks.checked || leaveOut.checked ? [allTasks.checked, leaveOut.checked] : [];
  }

  function selectionQuery() {
    const query = new URLSearchParams();
    if (allTasks.checked) query.set("all_tasks", "1");
    if (leaveOut.checked) query.set("leave_out_disagreeing", "1");
    return query;
  }

  // What an export of the chosen tasks holds, asked again whenever the choice of tasks changes.
  async function refresh() {
    const summary = await api.get(`/api/project/export/summary?${selectionQuery()}`);
    if (!shell.isCurrent()) return;
    holds.replaceChildren(...describeHoldings(summary, allTasks.checked, leaveOut));
    updateLink();
  }

  function updateLink() {
    const chosen = root.querySelector('input[name="export-format"]:checked');
    if (!chosen) {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      link.textContent = "No format available";
      return;
    }
    const query = new URLSearchParams({ format: chosen.value, ...Object.fromEntries(selectionQuery()) });
    if (archive.checked) query.set("archive", "1");
    link.href = `/api/project/export?${query}`;
    link.textContent = `Download ${chosen.dataset.title}${archive.checked ? " (zip)" : ""}`;
  }
}

// Beside the format's label, not inside it: a label may hold no control but its own radio.
function exportToButton(format, onClick) {
  return h("button", { type: "button", class: "export-to", onclick: onClick, "aria-describedby": `format-${format.name}-title`,
    style: "align-self: flex-start" },
    "Export to…");
}

function formatChoice(format, checked, onChange) {
  const id = `format-${format.name}`;
  return h("label", { class: `format${format.supported ? "" : " unsupported"}`, htmlFor: id },
    h("input", { type: "radio", name: "export-format", id, value: format.name, checked, disabled: !format.supported,
      "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-about`, dataset: { title: format.title }, onchange: onChange }),
    h("span", {},
      h("span", { class: "title", id: `${id}-title` }, format.title), h("br"),
      h("span", { id: `${id}-about` },
        h("span", { class: "description" }, format.description),
        format.supported ? null : h("span", { class: "reason" }, h("br"), `Not available: ${format.reason}`))));
}

// Which tasks and which completion of each an export holds, the disagreeing tasks without a ground truth
// (with the choice to leave them out), and the images the image formats cannot read.
function describeHoldings(summary, allTasks, leaveOut) {
  const parts = [
    h("p", { class: "lead", id: "export-task-set" }, allTasks
      ? `Every export holds all ${plural(summary.tasks, "task")}, labeled or not (a task only skipped has no labels for the image and text formats).`
      : `Every export holds the ${plural(summary.labeled_tasks, "task")} with a completion that was not cancelled, of ${formatNumber(summary.tasks)}.`),
    h("p", { id: "export-which-completion" },
      "JSON, JSON-MIN, CSV and TSV hold every completion of each task. The other formats hold one label set per task: "
      + "its ground-truth completion when one is marked (on the Compare page), else its newest completion."),
  ];
  if (!allTasks && summary.labeled_tasks === 0) {
    parts.push(infoNotice("Nothing labeled yet", "An export now holds no tasks; label some first.", h("a", { href: "/label" }, "Start labeling →")));
  }
  if (summary.disagreeing_without_ground_truth > 0 || leaveOut.checked) {
    parts.push(h("div", { class: "notice info", id: "export-disagreeing" },
      h("strong", {}, `${plural(summary.disagreeing_without_ground_truth, "task has", "tasks have")} disagreeing completions and no ground truth`),
      h("p", {}, "The one-label-set formats export their newest completion. Mark a ground truth on the Compare page, or leave them out."),
      h("p", {}, h("label", {}, leaveOut, " Leave out the tasks whose annotators disagree and that have no ground truth"))));
  }
  const missing = summary.missing_images;
  if (missing.count > 0) {
    const more = missing.count - missing.listed.length;
    parts.push(h("div", { class: "notice warning", role: "status", id: "export-warnings" },
      h("strong", {}, `${plural(missing.count, "image")} cannot be read`),
      h("p", {}, `Their tasks are left out of ${missing.left_out_of.join(", ")}, and the archive's warnings.txt lists them.`),
      h("ul", {}, missing.listed.map((entry) => h("li", {}, `Task ${entry.task_id}: ${entry.url ?? "no image"}`))),
      more > 0 ? h("p", {}, `and ${formatNumber(more)} more.`) : null));
  }
  return parts;
}
