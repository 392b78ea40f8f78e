// The Setup page: the label config in a code editor, a gallery of starting templates (and Label
// Studio's own, setup-gallery.js), problems marked at their lines, a live preview of the editor on a
// sample task, and Save; under them, the media folders and storage (setup-storage.js).

import { api } from "../api.js";
import { codeEditor } from "../ui/code-editor.js";
import { confirmDialog } from "../ui/dialog.js";
import { h, pageHeading } from "../ui/dom.js";
import { errorNotice, infoNotice } from "../ui/notice.js";
import { toast } from "../ui/toast.js";
import { gallerySection } from "./setup-gallery.js";
import { storageSection } from "./setup-storage.js";
import { TEMPLATES } from "./setup-templates.js";

const CHECK_DELAY_MS = 400;

export async function mount(root, shell) {
  const project = await api.get("/api/project");
  let saved = project.config.label_config ?? "";
  let checkTimer = null;
  let checks = 0; // only the latest check may show its answer
  let previewEditor = null;
  let sample = null; // {config, data}: a gallery template's own sample task, previewed while its config is unchanged

  const editor = codeEditor({ label: "Label config (XML)", value: saved, onInput: edited });
  const problems = h("ul", { class: "problems", id: "config-problems", "aria-live": "polite" });
  const saveState = h("span", { class: "save-state", "aria-live": "polite" });
  const saveButton = h("button", { type: "button", class: "primary", onclick: save }, "Save config");
  const preview = h("div", { class: "preview editor-host" });
  const storage = storageSection(shell);
  const gallery = gallerySection({ onUse: useTemplate });
  editor.textarea.setAttribute("aria-describedby", "config-problems");
  editor.textarea.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });

  root.replaceChildren(
    pageHeading("Labeling setup"),
    h("p", { class: "lead" }, "Start from a template or write the config yourself; the preview shows it on a sample task."),
    h("h2", {}, "Templates"),
    h("div", { class: "gallery" }, TEMPLATES.map((template) =>
      h("button", { type: "button", onclick: () => useTemplate(template) },
        h("strong", {}, template.title), h("span", {}, template.description)))),
    gallery.element,
    h("div", { class: "setup-columns" },
      h("section", { "aria-labelledby": "config-heading" },
        h("h2", { id: "config-heading" }, "Config"),
        editor.element,
        problems,
        h("div", { class: "setup-actions" }, saveButton, saveState,
          h("span", { class: "spacer" }), h("a", { href: "/import" }, "Next: import tasks →"))),
      h("section", { "aria-labelledby": "preview-heading" },
        h("h2", { id: "preview-heading" }, "Preview"),
        preview)),
    storage.element);

  function edited() {
    showSaveState();
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, CHECK_DELAY_MS);
  }

  function showSaveState() {
    const unsaved = editor.value !== saved;
    saveState.textContent = unsaved ? "Unsaved changes" : saved ? "Saved" : "";
  }

  async function useTemplate(template) {
    const keep = editor.value.trim() && editor.value !== saved;
    if (keep && !(await confirmDialog({
      title: `Use “${template.title}”?`, message: "Your unsaved changes to the config will be replaced.",
      confirmLabel: "Replace",
    }))) return;
    editor.value = template.config;
    sample = template.data ? { config: template.config, data: template.data } : null;
    edited();
    editor.textarea.focus();
  }

  async function check() {
    const ticket = ++checks;
    const xml = editor.value;
    const current = () => ticket === checks && shell.isCurrent();
    if (!xml.trim()) {
      showProblems([]);
      showPreview(infoNotice("Nothing to preview yet", "Pick a template above or type a config."));
      return;
    }
    try {
      await api.post("/api/validate-config", { label_config: xml });
    } catch (error) {
      if (!current()) return;
      showProblems(error.messages ?? [error.message]);
      showPreview(infoNotice("No preview", "Fix the problems in the config to see the preview."));
      return;
    }
    if (!current()) return;
    showProblems([]);
    try {
      const data = sample?.config === xml ? sample.data : await api.post("/api/import-example", { label_config: xml });
      if (current()) await renderPreview(xml, data, current);
    } catch (error) {
      if (current()) showPreview(errorNotice(error, "The preview could not be shown"));
    }
  }

  function showProblems(messages) {
    const byLine = new Map();
    problems.replaceChildren(...messages.map((message) => {
      const line = Number(/^line (\d+)/.exec(message)?.[1] ?? 0);
      if (!line) return h("li", { class: "no-line" }, message);
      byLine.set(line, [...(byLine.get(line) ?? []), message]);
      return h("li", {}, h("button", { type: "button", class: "link", onclick: () => editor.goToLine(line) }, message));
    }));
    editor.markLines(byLine);
  }

  function showPreview(content) {
    previewEditor?.destroy();
    previewEditor = null;
    preview.replaceChildren(content);
  }

  async function renderPreview(xml, data, current) {
    showPreview(h("p", { class: "loading" }, "Loading the preview…"));
    try {
      const { createEditor } = await import("../editor/editor.js");
      if (!current()) return;
      preview.replaceChildren();
      previewEditor = createEditor(preview, { config: xml, task: { id: 0, data }, result: [], onChange() {} });
      await previewEditor.ready;
    } catch (error) {
      if (current()) showPreview(errorNotice(error, "The labeling editor could not show this config"));
    }
  }

  async function save() {
    const xml = editor.value;
    try {
      const answer = await api.post("/api/project/config", { label_config: xml });
      saved = answer.label_config;
      if (editor.value === xml) editor.value = saved;
      showProblems([]);
      showSaveState();
      toast("Config saved");
      shell.projectChanged();
    } catch (error) {
      showProblems(error.messages ?? [error.message]);
      toast("The config was not saved: it has problems", "error");
    }
  }

  showSaveState();
  check();
  return () => {
    clearTimeout(checkTimer);
    checks += 1;
    previewEditor?.destroy();
    gallery.unmount();
    storage.unmount();
  };
}
