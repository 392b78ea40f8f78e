// The Export page: every converter format, unsupported ones greyed with their reason, downloaded
// through a plain link so the browser streams the file; in the desktop window each supported format
// can also be saved straight to a file picked in the native dialog.

import { api } from "../api.js";
import { callDesktop, desktopApi } from "../desktop.js";
import { formatNumber, h, pageHeading, plural } from "../ui/dom.js";
import { errorNotice, infoNotice } from "../ui/notice.js";

export async function mount(root, shell) {
  const [project, formats] = await Promise.all([api.get("/api/project"), api.get("/api/project/export/formats")]);
  const firstSupported = formats.find((format) => format.supported);
  const archive = h("input", { type: "checkbox", id: "export-archive", onchange: updateLink });
  const link = h("a", { class: "button primary", download: "", id: "export-download" });
  const choices = formats.map((format) => formatChoice(format, format === firstSupported, updateLink));
  const saved = h("div", { class: "export-saved" });

  root.replaceChildren(
    pageHeading("Export"),
    h("p", { class: "lead" }, `The export holds the ${plural(project.completion_count, "task")} with completions (labeled or skipped) of ${formatNumber(project.task_count)}.`),
    project.completion_count === 0
      ? infoNotice("Nothing labeled yet", "An export now holds no tasks; label some first.", h("a", { href: "/label" }, "Start labeling →"))
      : "",
    h("div", { class: "export-actions" },
      link,
      h("label", {}, archive, " As a zip archive")),
    saved,
    h("fieldset", { class: "formats" }, h("legend", {}, "Format"), choices));
  updateLink();
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
      const answer = await callDesktop(bridge, "export_to", format.name, archive.checked);
      if (answer) saved.replaceChildren(h("div", { class: "notice info", role: "status" }, `Saved to ${answer.path}`));
    } catch (error) {
      saved.replaceChildren(errorNotice(error, `Could not export ${format.title}`));
    }
  }

  function updateLink() {
    const chosen = root.querySelector('input[name="export-format"]:checked');
    if (!chosen) {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      link.textContent = "No format available";
      return;
    }
    const query = new URLSearchParams({ format: chosen.value });
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
