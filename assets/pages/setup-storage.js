// The Setup page's storage section: the folders whose files the project labels in place (add,
// locate after a move, remove, sync into tasks), where completions are also written, and packing
// the media into the project file or out to a folder. Long work runs as a server job whose
// progress bar polls the job until it ends.

import { api } from "../api.js";
import { callDesktop, desktopApi } from "../desktop.js";
import { confirmDialog, showDialog } from "../ui/dialog.js";
import { formatNumber, h, plural } from "../ui/dom.js";
import { jobFollower, runningJobs } from "../ui/job.js";
import { errorNotice } from "../ui/notice.js";
import { dataTable } from "../ui/table.js";
import { toast } from "../ui/toast.js";
import { locateFolder } from "./setup-locate.js";

const FOLDERS_URL = "/api/project/folders";
const SETTINGS_URL = "/api/project/storage-settings";

// Returns {element, unmount}; the section loads its own data and never holds up the page.
export function storageSection(shell) {
  let mounted = true;
  const alive = () => mounted && shell.isCurrent();
  let folders = [];
  let syncing = null; // the folder of the latest sync
  let unpackPath = "";
  const rowErrors = new Map(); // folder id → the message shown in its row until the next action

  const folderTable = h("div", { class: "table-frame" }, h("p", { class: "loading" }, "Loading the folders…"));
  const addButton = h("button", { type: "button", class: "primary", onclick: addFolder }, "Add folder");
  const newFolder = folderPathField({ id: "new-folder-path", label: "Folder path", buttons: [addButton] });
  newFolder.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") addFolder();
  });
  const syncOptions = {
    glob: textField("sync-glob", "Only files matching (glob)", "*.png"),
    regex: textField("sync-regex", "Only paths matching (regex)", "^train/"),
    data_key: textField("sync-data_key", "Data key", "image"),
    recursive: checkboxField("sync-recursive", "Include subfolders", true),
  };
  const syncJob = jobFollower("Sync progress", { alive, describe: ({ result }) => `Synced ${syncing?.name ?? "the folder"}: ${syncCounts(result)}` });

  const targetForm = h("div", { class: "target-form" }, h("p", { class: "loading" }, "Loading…"));
  const targetJob = jobFollower("Completions written", {
    alive, describe: ({ result }) => `Wrote the completions of ${plural(result.written, "task")} to the folder`,
  });
  const packButton = h("button", { type: "button", onclick: pack }, "Pack media into the project file");
  const packError = fieldError("pack-error");
  const packJob = jobFollower("Pack progress", { alive, describe: ({ result }) => packCounts(result) });
  const unpackButton = h("button", { type: "button", onclick: unpack }, "Unpack");
  const unpackFolder = folderPathField({ id: "unpack-path", label: "Unpack media to folder", buttons: [unpackButton] });
  const unpackJob = jobFollower("Unpack progress", {
    alive, describe: ({ done, result }) => `Unpacked ${plural(done, "file")} of ${plural(result.folders, "folder")} into ${unpackPath || "the folder"}`,
  });

  const element = h("section", { class: "storage", "aria-labelledby": "storage-heading" },
    h("h2", { id: "storage-heading" }, "Media folders and storage"),
    h("p", { class: "hint" }, "Label files where they are: add a folder and sync it to make a task of each file. " +
      "Tasks keep working after the folder moves, once you locate it."),
    h("div", { class: "panel" },
      h("h3", {}, "Folders"),
      folderTable,
      h("div", { class: "storage-add" }, newFolder.element),
      h("fieldset", { class: "sync-options" },
        h("legend", {}, "Sync options"),
        Object.values(syncOptions).map((option) => option.element)),
      syncJob.element),
    h("div", { class: "storage-columns" },
      h("div", { class: "panel" },
        h("h3", {}, "Completions"),
        targetForm, targetJob.element),
      h("div", { class: "panel" },
        h("h3", {}, "Share the project"),
        h("p", { class: "hint" }, "Packing copies every file the tasks use into the project file, " +
          "so that file alone is enough on another computer. Unpacking writes them back out to a folder."),
        packButton, packError, packJob.element,
        h("div", { class: "storage-unpack" }, unpackFolder.element), unpackJob.element)));

  showFolders();
  loadSettings();
  followRunningJobs();

  async function followRunningJobs() {
    const followers = { sync: syncJob, pack: packJob, unpack: unpackJob, "completions-folder": targetJob };
    for (const job of await runningJobs(Object.keys(followers))) {
      if (alive()) followers[job.kind].follow(job).then((ended) => ended && showFolders());
    }
  }

  async function showFolders() {
    try {
      ({ folders } = await api.get(FOLDERS_URL));
    } catch (error) {
      if (alive()) folderTable.replaceChildren(errorNotice(error, "The folders could not be shown"));
      return;
    }
    if (alive()) renderFolders();
  }

  function renderFolders() {
    folderTable.replaceChildren(dataTable({
      caption: "Media folders",
      empty: "No folders yet: add one below.",
      rows: folders,
      columns: [
        { title: "Folder", cell: (folder) => [h("strong", {}, folder.name), h("div", { class: "path" }, folder.path)] },
        { title: "Status", className: "nowrap", cell: folderStatus },
        { title: "Files", className: "num", cell: (folder) => formatNumber(folder.files) },
        { title: "Tasks", className: "num", cell: (folder) => formatNumber(folder.tasks) },
        { title: "Packed", className: "num", cell: (folder) => formatNumber(folder.packed) },
        { title: "Actions", className: "nowrap", cell: folderActions },
      ],
    }));
  }

  function folderStatus(folder) {
    if (folder.available) return h("span", { class: "badge ok" }, "available");
    return h("span", { class: "missing" }, "missing — ",
      h("button", { type: "button", class: "link", "aria-label": `Locate ${folder.name}`, onclick: () => locate(folder) }, "Locate…"));
  }

  function folderActions(folder) {
    return [
      h("div", { class: "row-actions" },
        h("button", { type: "button", "aria-label": `Sync ${folder.name}`, disabled: !folder.available || syncJob.running(),
          onclick: () => sync(folder) }, "Sync"),
        h("button", { type: "button", "aria-label": `Remove ${folder.name}`, onclick: () => remove(folder) }, "Remove")),
      h("p", { class: "field-error", role: "alert", id: `folder-${folder.id}-error` }, rowErrors.get(folder.id) ?? ""),
    ];
  }

  function showRowError(folder, messages) {
    rowErrors.set(folder.id, messages.join("\n"));
    renderFolders();
  }

  async function addFolder() {
    if (addButton.disabled) return;
    const path = newFolder.input.value.trim();
    newFolder.error.textContent = "";
    if (!path) {
      newFolder.error.textContent = "Type the folder's full path first.";
      return;
    }
    addButton.disabled = true;
    try {
      const folder = await api.post(FOLDERS_URL, { path });
      newFolder.input.value = "";
      toast(`Added ${folder.name}; sync it to make tasks of its files`);
      await showFolders();
    } catch (error) {
      newFolder.error.textContent = placeErrors(error, { path: newFolder.error }).join("\n");
    } finally {
      addButton.disabled = false;
    }
  }

  async function locate(folder) {
    rowErrors.delete(folder.id);
    const located = await askForFolder({
      title: `Locate ${folder.name}`,
      message: `${folder.path} is not there any more. Where is the folder now? Its files keep their tasks and completions.`,
      path: folder.path,
      confirmLabel: "Locate",
      submit: (path) => locateFolder(`${FOLDERS_URL}/${folder.id}`, path),
    });
    if (located && alive()) {
      toast(`${folder.name} is at ${located.path}`);
      await showFolders();
    }
  }

  async function remove(folder) {
    rowErrors.delete(folder.id);
    renderFolders();
    if (!(await confirmDialog({
      title: `Remove ${folder.name}?`,
      message: "The folder's files stay on disk; the project no longer reads files from it.",
      confirmLabel: "Remove", danger: true,
    }))) return;
    try {
      await api.delete(`${FOLDERS_URL}/${folder.id}`);
      toast(`Removed ${folder.name}`);
      await showFolders();
    } catch (error) {
      if (alive()) showRowError(folder, placeErrors(error));
    }
  }

  async function sync(folder) {
    rowErrors.delete(folder.id);
    for (const option of Object.values(syncOptions)) option.error.textContent = "";
    const body = { recursive: syncOptions.recursive.input.checked };
    for (const name of ["glob", "regex", "data_key"]) {
      const value = syncOptions[name].input.value.trim();
      if (value) body[name] = value;
    }
    let answer;
    try {
      answer = await api.post(`${FOLDERS_URL}/${folder.id}/sync`, body);
    } catch (error) {
      const rest = placeErrors(error, Object.fromEntries(Object.entries(syncOptions).map(([name, option]) => [name, option.error])));
      if (rest.length) showRowError(folder, rest);
      return;
    }
    syncing = folder;
    const following = syncJob.follow(answer.job);
    renderFolders(); // Sync buttons are disabled while a sync runs
    if (await following) await showFolders();
  }

  async function pack() {
    packError.textContent = "";
    await runJob(packButton, packError, () => api.post("/api/project/pack"), packJob);
  }

  async function unpack() {
    const path = unpackFolder.input.value.trim();
    unpackFolder.error.textContent = "";
    if (!path) {
      unpackFolder.error.textContent = "Type the folder's full path first.";
      return;
    }
    unpackPath = path;
    await runJob(unpackButton, unpackFolder.error, () => api.post("/api/project/unpack", { path }), unpackJob);
  }

  // Starts a job with `start` and follows it in `status`; `button` stays disabled meanwhile.
  async function runJob(button, error, start, status) {
    button.disabled = true;
    try {
      const answer = await start();
      if (await status.follow(answer.job)) await showFolders();
    } catch (failure) {
      error.textContent = placeErrors(failure, { path: error }).join("\n");
    } finally {
      button.disabled = false;
    }
  }

  async function loadSettings() {
    const settings = await fetchSettings();
    if (!settings) return;
    // The folder source's fields hold the sync defaults (the data key comes from the label config).
    for (const field of settings.source?.["local-folder"]?.fields ?? []) syncOptions[field.name]?.fill(field);
    showTarget(settings);
  }

  async function reloadTarget() {
    const settings = await fetchSettings();
    if (settings) showTarget(settings);
  }

  function showTarget(settings) {
    targetForm.replaceChildren(targetChoice(settings.target ?? {}, targetSaved));
  }

  // A completions folder chosen now is filled with the completions made so far, by a job.
  async function targetSaved(answer) {
    await reloadTarget();
    if (answer.job) await targetJob.follow(answer.job);
  }

  // The settings, or null when they could not be loaded (the section says why) or the page is gone.
  async function fetchSettings() {
    try {
      const settings = await api.get(SETTINGS_URL);
      return alive() ? settings : null;
    } catch (error) {
      if (alive()) targetForm.replaceChildren(errorNotice(error, "The storage settings could not be shown"));
      return null;
    }
  }

  return {
    element,
    unmount() {
      mounted = false;
    },
  };
}

// "12 added, 1 removed, 340 unchanged" (and the truncated or unreadable images and the files that
// could not be read, if any; the job's problems name them).
function syncCounts(result) {
  let counts = `${formatNumber(result.added)} added, ${formatNumber(result.removed)} removed, ${formatNumber(result.unchanged)} unchanged`;
  if (result.unreadable) counts += `, ${formatNumber(result.unreadable)} truncated or unreadable`;
  return result.errors ? `${counts}, ${plural(result.errors, "error")}` : counts;
}

function packCounts(result) {
  const packed = `Packed ${plural(result.packed, "file")} into the project file`;
  return result.remaining ? `${packed}; ${formatNumber(result.remaining)} could not be packed` : packed;
}

// Where completions go: one radio per target type the server offers, each with its fields;
// `saved(answer)` is called with the server's answer to Save.
function targetChoice(target, saved) {
  const types = Object.values(target);
  const error = fieldError("target-error");
  const fieldsOf = new Map(types.map((type) => [type.type, (type.fields ?? []).map((field) => targetField(type, field))]));
  const radios = types.map((type) => h("input", {
    type: "radio", name: "target-type", value: type.type, id: `target-${type.type}`, checked: Boolean(type.current),
  }));
  const current = types.find((type) => type.current);
  const saveButton = h("button", { type: "button", class: "primary", onclick: save }, "Save");

  async function save() {
    const chosen = radios.find((radio) => radio.checked)?.value;
    error.textContent = "";
    for (const fields of fieldsOf.values()) for (const field of fields) field.error.textContent = "";
    if (!chosen) {
      error.textContent = "Choose where completions go first.";
      return;
    }
    const body = { type: chosen };
    for (const field of fieldsOf.get(chosen)) body[field.name] = field.value();
    saveButton.disabled = true;
    try {
      const answer = await api.post(`${SETTINGS_URL}?storage_for=target`, body);
      toast("Completions storage saved");
      await saved(answer);
    } catch (failure) {
      error.textContent = placeErrors(failure, Object.fromEntries(fieldsOf.get(chosen).map((field) => [field.name, field.error])))
        .join("\n");
    } finally {
      saveButton.disabled = false;
    }
  }

  return h("div", {},
    h("fieldset", { class: "target-types" },
      h("legend", {}, "Every completion is kept"),
      types.map((type, index) => h("div", { class: "target-type" },
        h("label", { htmlFor: radios[index].id }, radios[index], " ", type.description),
        fieldsOf.get(type.type).map((field) => {
          // Typing a field's value picks its type.
          field.element.addEventListener("input", () => { radios[index].checked = true; });
          return field.element;
        })))),
    h("div", { class: "setup-actions" }, saveButton),
    error,
    current?.path ? h("p", { class: "hint" }, `Now: ${current.description} (${current.path})`) : null);
}

function targetField(type, field) {
  const id = `target-${type.type}-${field.name}`;
  const label = field.description || field.name;
  const initial = type.current ? field.data : field.data ?? field.default;
  if (/bool/i.test(field.type ?? "")) {
    const option = checkboxField(id, label, Boolean(initial));
    return { name: field.name, element: option.element, error: option.error, value: () => option.input.checked };
  }
  const path = folderPathField({ id, label, value: initial ?? "" });
  return { name: field.name, element: path.element, error: path.error, value: () => path.input.value.trim() };
}

// A folder path: a text field with its error line, `buttons` beside it and, in the desktop window,
// a button for the native folder dialog.
function folderPathField({ id, label, value = "", buttons = [] }) {
  const input = h("input", { type: "text", id, value, spellcheck: "false", placeholder: "/full/path/to/folder" });
  const error = fieldError(`${id}-error`);
  input.setAttribute("aria-describedby", error.id);
  const row = h("div", { class: "path-row" }, input, buttons);
  desktopApi().then((bridge) => {
    if (bridge) input.after(browseButton(bridge, label, input, error));
  });
  return { element: h("div", { class: "field" }, h("label", { htmlFor: id }, label), row, error), input, error };
}

function browseButton(bridge, label, input, error) {
  return h("button", { type: "button", "aria-label": `Browse for ${label.toLowerCase()}`, onclick: async () => {
    error.textContent = "";
    try {
      const answer = await callDesktop(bridge, "choose_folder", input.value.trim());
      if (answer) input.value = answer.path;
    } catch (failure) {
      error.textContent = failure.message;
    }
  } }, "Browse…");
}

function textField(id, label, placeholder) {
  const input = h("input", { type: "text", id, placeholder, spellcheck: "false" });
  const error = fieldError(`${id}-error`);
  const hint = h("p", { class: "hint", id: `${id}-hint` });
  input.setAttribute("aria-describedby", `${error.id} ${hint.id}`);
  return {
    input, error,
    element: h("div", { class: "field" }, h("label", { htmlFor: id }, label), input, hint, error),
    fill(field) {
      hint.textContent = field.description ?? "";
      input.value = field.data ?? field.default ?? "";
    },
  };
}

function checkboxField(id, label, checked) {
  const input = h("input", { type: "checkbox", id, checked });
  const error = fieldError(`${id}-error`);
  return {
    input, error,
    element: h("div", { class: "field checkbox" }, h("label", {}, input, " ", label), error),
    fill(field) {
      input.checked = Boolean(field.data ?? field.default ?? checked);
    },
  };
}

function fieldError(id) {
  return h("p", { class: "field-error", role: "alert", id });
}

// Puts each field's messages of a failed request under that field (`slots`: name → error line) and
// returns the messages left for the control that sent it.
function placeErrors(error, slots = {}) {
  const fields = error.fields ?? {};
  const placed = Object.keys(fields).filter((name) => slots[name]);
  for (const name of placed) slots[name].textContent = fields[name].join("\n");
  if (!placed.length) return error.messages ?? [error.message];
  return Object.entries(fields).filter(([name]) => !slots[name])
    .flatMap(([name, messages]) => messages.map((text) => `${name}: ${text}`));
}

// Asks for a folder's new path in a dialog that stays open, with the server's message under the
// field, until `submit(path)` succeeds; resolves to its answer, or null when cancelled.
async function askForFolder({ title, message, path, confirmLabel, submit }) {
  const field = folderPathField({ id: "dialog-folder-path", label: "Folder path", value: path });
  let answer = null;
  const { dialog, closed } = showDialog({
    title,
    body: [h("p", {}, message), field.element],
    actions: [{ label: "Cancel", value: "" }, { label: confirmLabel, value: "confirm", kind: "primary" }],
  });
  const confirmButton = dialog.querySelector('button[value="confirm"]');
  // Enter would press the form's first button, Cancel.
  field.input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    confirmButton.click();
  });
  dialog.querySelector("form").addEventListener("submit", async (event) => {
    if (event.submitter?.value !== "confirm") return;
    event.preventDefault();
    field.error.textContent = "";
    confirmButton.disabled = true;
    try {
      answer = await submit(field.input.value.trim());
      dialog.close("confirm");
    } catch (error) {
      field.error.textContent = placeErrors(error, { path: field.error }).join("\n");
    } finally {
      confirmButton.disabled = false;
    }
  });
  field.input.select();
  await closed;
  return answer;
}
