// The Import page: files or whole folders by drag and drop or picker, or pasted JSON/CSV text,
// uploaded with a progress bar, or in the desktop window through its native file dialog; shows the
// import's summary or every error the server reported, with the fixes it can offer in place
// (import-fixes.js): mapping a file's key to the config's, and importing or skipping duplicates.

import { ApiError, api, errorMessages, parseAnswer } from "../api.js";
import { callDesktop, desktopApi } from "../desktop.js";
import { h, pageHeading, plural } from "../ui/dom.js";
import { errorNotice } from "../ui/notice.js";
import { progressBar } from "../ui/progress.js";
import { duplicatesQuestion, keyMappingFix } from "./import-fixes.js";

const IMPORT_URL = "/api/project/import";

export async function mount(root, shell) {
  const project = await api.get("/api/project");
  const status = h("div", { class: "import-status" });
  const progress = progressBar("Upload progress");
  const summaryLine = h("p", { class: "lead" }, taskCountLine(project.task_count));
  const fileInput = h("input", { type: "file", multiple: true, class: "visually-hidden", "aria-label": "Files to import",
    onchange: () => pickedFiles(fileInput) });
  const folderInput = h("input", { type: "file", webkitdirectory: true, class: "visually-hidden", "aria-label": "Folder to import",
    onchange: () => pickedFiles(folderInput) });
  const dropzone = h("div", { class: "dropzone", ondragenter: dragOver, ondragover: dragOver, ondragleave: dragEnd, ondrop: dropped },
    h("p", {}, "Drop files or a folder here"),
    h("div", { class: "buttons" },
      h("button", { type: "button", class: "primary", onclick: () => fileInput.click() }, "Choose files…"),
      h("button", { type: "button", onclick: () => folderInput.click() }, "Choose a folder…")),
    h("p", { class: "hint" }, "JSON, CSV, TSV, TXT, images, audio, HTML. All files are imported together, or none if any is invalid."),
    h("p", { class: "hint" }, "In a time-series project (a TimeSeries loading a URL), each CSV or TSV file becomes one task that points at the stored file."),
    fileInput, folderInput);
  const pasted = h("textarea", { id: "paste-text", spellcheck: "false",
    placeholder: '[{"text": "first task"}, {"text": "second task"}]\n\nor CSV:\ntext\nfirst task', oninput: showPasteKind });
  const pasteKind = h("p", { class: "hint", id: "paste-kind" });
  const pasteButton = h("button", { type: "button", class: "primary", onclick: importPasted }, "Import pasted text");
  pasted.setAttribute("aria-describedby", "paste-kind");
  let busy = false;
  let lastImport = null; // what the latest upload or paste sent, for a fix to send again

  root.replaceChildren(
    pageHeading("Import tasks"),
    summaryLine,
    dropzone,
    h("div", { class: "import-columns" },
      h("section", { class: "panel paste", "aria-labelledby": "paste-heading" },
        h("h2", { id: "paste-heading" }, h("label", { htmlFor: "paste-text" }, "Paste JSON or CSV")),
        pasted, pasteKind, pasteButton),
      h("section", { class: "panel", "aria-labelledby": "status-heading" },
        h("h2", { id: "status-heading" }, "Result"),
        status)));
  showPasteKind();
  status.replaceChildren(h("p", { class: "hint" }, "Nothing imported yet."));
  // Not awaited: in a browser the answer takes a moment, and the page need not wait for it.
  desktopApi().then((bridge) => {
    if (bridge && shell.isCurrent()) dropzone.querySelector(".buttons").prepend(desktopImportButton(bridge));
  });

  // The window's own file dialog reads the files in Python: no upload, and any folder is reachable.
  function desktopImportButton(bridge) {
    return h("button", { type: "button", class: "primary", onclick: () => importThroughWindow(bridge) }, "Import files…");
  }

  async function importThroughWindow(bridge) {
    if (busy) return;
    setBusy(true);
    try {
      const answer = await callDesktop(bridge, "import_files");
      if (!answer || !shell.isCurrent()) return;
      status.replaceChildren(summary(answer.summary, answer.files));
      await showTaskCount();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  }

  async function showTaskCount() {
    const current = await shell.projectChanged();
    summaryLine.textContent = taskCountLine(current.task_count);
  }

  function dragOver(event) {
    event.preventDefault();
    dropzone.classList.add("over");
  }

  function dragEnd() {
    dropzone.classList.remove("over");
  }

  async function dropped(event) {
    event.preventDefault();
    dragEnd();
    try {
      upload(await droppedFiles(event.dataTransfer));
    } catch (error) {
      showError(error);
    }
  }

  function pickedFiles(input) {
    const files = [...input.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
    input.value = "";
    upload(files.filter((entry) => !isHidden(entry.path)));
  }

  function showPasteKind() {
    pasteKind.textContent = pasted.value.trim()
      ? `Will be sent as ${isJson(pasted.value) ? "JSON" : "a CSV file (pasted.csv)"}.`
      : "JSON (starting with [ or {) is sent as JSON; anything else as a CSV file with a header row.";
  }

  async function importPasted() {
    const text = pasted.value;
    if (!text.trim()) {
      showError(new Error("Paste some JSON or CSV first."));
      return;
    }
    const imported = isJson(text)
      ? await send(text, "application/json", "pasted JSON")
      : await upload([{ file: new File([text], "pasted.csv", { type: "text/csv" }), path: "pasted.csv" }]);
    if (imported) {
      pasted.value = "";
      showPasteKind();
    }
  }

  // Resolves to whether the files were imported.
  function upload(files) {
    if (!files.length) {
      showError(new Error("No files to import (hidden files are left out)."));
      return false;
    }
    const form = new FormData();
    const used = new Set();
    for (const { file, path } of files) {
      // The field name is the file's path, so two files of one name in different folders both arrive.
      let name = path;
      for (let copy = 2; used.has(name); copy++) name = `${path} (${copy})`;
      used.add(name);
      form.append(name, file, file.name);
    }
    return send(form, null, plural(files.length, "file"));
  }

  // `options`: how to treat duplicates (asked about by default) and a {file key: config key} map.
  async function send(body, contentType, what, options = {}) {
    if (busy) return false;
    setBusy(true);
    lastImport = { body, contentType, what };
    progress.set(0, `Uploading ${what}…`);
    status.replaceChildren(progress.element);
    try {
      const { status: code, answer } = await post(importUrl(options), body, contentType, progress);
      if (!shell.isCurrent()) return false;
      if (code === 409 && answer?.duplicates) {
        status.replaceChildren(duplicatesQuestion(answer, (duplicates) => sendAgain({ ...options, duplicates })));
        return false;
      }
      if (code >= 400) {
        const error = new ApiError(code, answer?.errors ?? errorMessages(answer, code), {}, answer);
        if (!answer?.missing_keys?.length) throw error;
        status.replaceChildren(errorNotice(error, "Nothing was imported"),
          keyMappingFix(answer.missing_keys, (map) => sendAgain({ ...options, map })));
        return false;
      }
      status.replaceChildren(summary(answer));
      await showTaskCount();
      return true;
    } catch (error) {
      showError(error);
      return false;
    } finally {
      setBusy(false);
    }
  }

  function sendAgain(options) {
    const { body, contentType, what } = lastImport;
    return send(body, contentType, what, options);
  }

  function showError(error) {
    status.replaceChildren(errorNotice(error, "Nothing was imported"));
  }

  function setBusy(now) {
    busy = now;
    for (const button of root.querySelectorAll("button")) button.disabled = now;
  }
}

function taskCountLine(count) {
  return `The project has ${plural(count, "task")}. Imported tasks are added to them.`;
}

function isJson(text) {
  return /^\s*[[{]/.test(text);
}

function isHidden(path) {
  return path.split("/").some((part) => part.startsWith("."));
}

// The import's address: a refusal explains itself (explain=1), duplicates are asked about unless said.
function importUrl({ duplicates = "ask", map = {} }) {
  const params = new URLSearchParams({ explain: "1", duplicates });
  for (const [fileKey, configKey] of Object.entries(map)) params.append("map", `${fileKey}:${configKey}`);
  return `${IMPORT_URL}?${params}`;
}

// XMLHttpRequest, because fetch cannot report upload progress.
function post(url, body, contentType, progress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", "application/json");
    if (contentType) request.setRequestHeader("Content-Type", contentType);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) progress.set(event.loaded / event.total, `Uploaded ${Math.round((100 * event.loaded) / event.total)}%`);
    };
    request.upload.onload = () => progress.set(null, "Importing…");
    request.onload = () => resolve({
      status: request.status,
      answer: parseAnswer(request.responseText, request.getResponseHeader("Content-Type")),
    });
    request.onerror = () => reject(new ApiError(0, ["Cannot reach the lsdesk server. Is it still running?"]));
    request.send(body);
  });
}

// Files of a drop, folders walked recursively. Entries must be taken before the first await:
// the browser empties the DataTransfer when the drop handler returns.
async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.length) return [...dataTransfer.files].map((file) => ({ file, path: file.name }));
  const files = [];
  for (const entry of entries) await collectEntry(entry, files);
  return files;
}

async function collectEntry(entry, files) {
  if (entry.name.startsWith(".")) return;
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    files.push({ file, path: entry.fullPath.replace(/^\//, "") });
    return;
  }
  const reader = entry.createReader();
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return;
    for (const child of batch) await collectEntry(child, files);
  }
}

// `files` are the names the window's dialog picked; an upload's summary has no such list.
function summary(answer, files = []) {
  const formats = Object.entries(answer.formats ?? {}).map(([kind, count]) => `${kind} (${count})`).join(", ");
  const unreadable = answer.unreadable_files ?? [];
  const imported = h("div", { class: "notice info", role: "status" },
    h("strong", {}, `Imported ${plural(answer.task_count, "task")}`),
    h("ul", {},
      files.length ? h("li", {}, `From ${plural(files.length, "file")}: ${files.join(", ")}`) : null,
      h("li", {}, plural(answer.completion_count, "completion")),
      h("li", {}, plural(answer.prediction_count, "prediction")),
      answer.skipped_duplicates ? h("li", {}, `Skipped ${plural(answer.skipped_duplicates, "duplicate")}: their data was already there`) : null,
      formats ? h("li", {}, `Sources: ${formats}`) : null),
    h("p", { class: "actions" }, h("a", { href: "/label" }, "Start labeling →"), h("a", { href: "/tasks" }, "See the tasks")));
  if (!unreadable.length) return imported;
  // Imported all the same: the label page warns over each of them.
  return h("div", {}, imported, errorNotice({ messages: unreadable.map(({ file, problem }) => `${file}: ${problem}`) },
    `${plural(unreadable.length, "image")} truncated or unreadable`));
}
