// The Tasks page's columns: id, one per data key (text as its first words, images as thumbnails with their
// file name, audio as a play button), the computed columns of GET /api/tasks (Label Studio 1.x Data Manager
// names), and the column picker whose choice the page saves per project.

import { showDialog } from "../ui/dialog.js";
import { formatDate, formatNumber, h } from "../ui/dom.js";

const IMAGE_PATH = /\.(png|jpe?g|gif|webp|bmp|svg|avif|ico|tiff?)([?#].*)?$/i;
const AUDIO_PATH = /\.(wav|mp3|ogg|oga|flac|m4a|aac|opus|weba)([?#].*)?$/i;
const PREVIEW_WORDS = 16;

// The computed columns in the order they are shown; `sortable` when GET /api/tasks orders by them.
const COMPUTED = [
  { name: "total_annotations", title: "Completions", sortable: true, cell: (task) => count(task.total_annotations) },
  { name: "cancelled_annotations", title: "Cancelled", sortable: true,
    cell: (task) => (task.cancelled_annotations > 0 ? h("span", { class: "badge skipped" }, `Skipped ×${task.cancelled_annotations}`) : "") },
  { name: "total_predictions", title: "Predictions", sortable: true, cell: (task) => count(task.total_predictions) },
  { name: "predictions_score", title: "Prediction score", sortable: true, cell: (task) => score(task.predictions_score) },
  { name: "annotators", title: "Annotators", sortable: false, cell: (task) => (task.annotators ?? []).join(", ") },
  { name: "agreement", title: "Agreement", sortable: true, cell: (task) => score(task.agreement) },
  { name: "completed_at", title: "Completed at", sortable: true, cell: (task) => date(task.completed_at) },
  { name: "created_at", title: "Created at", sortable: true, cell: (task) => date(task.created_at) },
];
const NUMERIC = new Set(["total_annotations", "cancelled_annotations", "total_predictions", "predictions_score", "agreement"]);
const SHOWN_FIRST = ["total_annotations", "cancelled_annotations", "total_predictions", "completed_at"];

// Every column name the page knows for these data keys, in display order.
export function allColumns(dataKeys) {
  return ["id", ...dataKeys.map((key) => `data.${key}`), ...COMPUTED.map((column) => column.name)];
}

export function defaultColumns(dataKeys) {
  return ["id", ...dataKeys.map((key) => `data.${key}`), ...SHOWN_FIRST];
}

export function columnTitle(name) {
  if (name === "id") return "ID";
  if (name.startsWith("data.")) return name.slice(5);
  return COMPUTED.find((column) => column.name === name)?.title ?? name;
}

// The `fields` parameter that brings what these columns show (ids and data always).
export function fieldsFor(columns) {
  return ["id", "data", ...columns.filter((name) => COMPUTED.some((column) => column.name === name))].join(",");
}

// Table columns for the chosen names: the first holds the row's checkbox and the task link, the last the actions.
export function tableColumns(names, { selectCell, selectAllBox, deleteTask }) {
  const columns = names.map((name) => {
    if (name === "id") {
      return { title: "ID", className: "nowrap", sort: sortOf("id"), lead: selectAllBox,
        cell: (task) => h("span", { class: "id-cell" }, selectCell(task),
          h("a", { href: `/label/${task.id}`, "aria-label": `Open task ${task.id}` }, String(task.id))) };
    }
    if (name.startsWith("data.")) {
      const key = name.slice(5);
      return { title: key, className: "data-cell", sort: sortOf(name), cell: (task) => dataCell(task.data?.[key], task) };
    }
    const computed = COMPUTED.find((column) => column.name === name);
    if (!computed) return null;
    return { title: computed.title, className: NUMERIC.has(name) ? "num" : "nowrap",
      sort: computed.sortable ? sortOf(name) : null, cell: computed.cell };
  }).filter(Boolean);
  if (!names.includes("id")) columns.unshift({ title: "", lead: selectAllBox, cell: selectCell });
  columns.push({ title: "", cell: (task) => h("div", { class: "row-actions" },
    h("a", { class: "button", href: `/label/${task.id}` }, "Label"),
    h("button", { type: "button", onclick: () => deleteTask(task), "aria-label": `Delete task ${task.id}` }, "Delete")) });
  return columns;
}

function sortOf(name) {
  return { ascending: name, descending: `-${name}` };
}

function count(value) {
  return value === undefined || value === null ? "—" : formatNumber(value);
}

function score(value) {
  return typeof value === "number" ? value.toFixed(2) : "—";
}

function date(value) {
  return value === undefined || value === null ? "—" : formatDate(value);
}

export function looksLikeImage(value) {
  if (typeof value !== "string") return false;
  if (value.startsWith("data:image/")) return true;
  return /^(https?:\/\/|\/)/.test(value) && IMAGE_PATH.test(value);
}

function looksLikeAudio(value) {
  if (typeof value !== "string") return false;
  if (value.startsWith("data:audio/")) return true;
  return /^(https?:\/\/|\/)/.test(value) && AUDIO_PATH.test(value);
}

// The last path segment of a URL, decoded: what a person calls the file.
export function fileNameOf(url) {
  if (url.startsWith("data:")) return "";
  const path = url.split(/[?#]/)[0];
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

// One data value: a thumbnail and file name, a play button, or the first words; always as text.
function dataCell(value, task) {
  if (value === undefined || value === null || value === "") return "";
  if (looksLikeImage(value)) {
    const name = task.file_name || fileNameOf(value);
    return h("div", { class: "preview-cell" },
      h("img", { src: value, alt: "", loading: "lazy", decoding: "async" }),
      name ? h("span", { class: "file-name", title: name }, name) : null);
  }
  if (looksLikeAudio(value)) return audioCell(value, task);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const words = text.trim().split(/\s+/);
  const shortText = words.length > PREVIEW_WORDS ? `${words.slice(0, PREVIEW_WORDS).join(" ")}…` : words.join(" ");
  return h("div", { class: "preview-cell" }, h("span", { class: "text", title: text.slice(0, 500) }, shortText));
}

// A play/pause button; the audio is only fetched when first played.
function audioCell(url, task) {
  const name = task.file_name || fileNameOf(url);
  let audio = null;
  const button = h("button", { type: "button", class: "play", "aria-label": `Play ${name || `task ${task.id}`}`,
    onclick: () => {
      if (!audio) {
        audio = new Audio(url);
        audio.addEventListener("ended", () => { button.textContent = "▶"; });
      }
      if (audio.paused) {
        audio.play().catch(() => { button.textContent = "▶"; });
        button.textContent = "❚❚";
      } else {
        audio.pause();
        button.textContent = "▶";
      }
    } }, "▶");
  return h("div", { class: "preview-cell" }, button, name ? h("span", { class: "file-name", title: name }, name) : null);
}

// The column picker: resolves to the chosen names (in display order), or null when cancelled.
export async function pickColumns(available, chosen) {
  const boxes = available.map((name) => h("input", { type: "checkbox", value: name, checked: chosen.includes(name),
    id: `column-${name}` }));
  const { closed } = showDialog({
    title: "Columns",
    className: "column-picker",
    body: h("fieldset", { class: "column-list" }, h("legend", { class: "visually-hidden" }, "Shown columns"),
      available.map((name, index) => h("label", { htmlFor: `column-${name}` }, boxes[index], ` ${columnTitle(name)}`))),
    actions: [{ label: "Cancel", value: "" }, { label: "Save columns", value: "save", kind: "primary", autofocus: true }],
  });
  if ((await closed) !== "save") return null;
  const picked = boxes.filter((box) => box.checked).map((box) => box.value);
  return picked.length ? picked : ["id"];
}
