// The Export page: every converter format, unsupported ones greyed with their reason, downloaded
// through a plain link so the browser streams the file.

import { api } from "../api.js";
import { formatNumber, h, pageHeading, plural } from "../ui/dom.js";
import { infoNotice } from "../ui/notice.js";

export async function mount(root) {
  const [project, formats] = await Promise.all([api.get("/api/project"), api.get("/api/project/export/formats")]);
  const firstSupported = formats.find((format) => format.supported);
  const archive = h("input", { type: "checkbox", id: "export-archive", onchange: updateLink });
  const link = h("a", { class: "button primary", download: "", id: "export-download" });
  const choices = formats.map((format) => formatChoice(format, format === firstSupported, updateLink));

  root.replaceChildren(
    pageHeading("Export"),
    h("p", { class: "lead" }, `The export holds the ${plural(project.completion_count, "task")} with completions (labeled or skipped) of ${formatNumber(project.task_count)}.`),
    project.completion_count === 0
      ? infoNotice("Nothing labeled yet", "An export now holds no tasks; label some first.", h("a", { href: "/label" }, "Start labeling →"))
      : "",
    h("div", { class: "export-actions" },
      link,
      h("label", {}, archive, " As a zip archive")),
    h("fieldset", { class: "formats" }, h("legend", {}, "Format"), choices));
  updateLink();

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
