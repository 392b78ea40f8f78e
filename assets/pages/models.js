// The Models page: connect ML backends (Label Studio's model servers), see whether each answers,
// which model version it serves and whether it is training; remove them, train them on the
// completions, and have them pre-label every task or chosen ones, with progress and cancel.

import { api, request } from "../api.js";
import { h, pageHeading, plural } from "../ui/dom.js";
import { confirmDialog } from "../ui/dialog.js";
import { jobFollower, runningJobs } from "../ui/job.js";
import { errorNotice, infoNotice } from "../ui/notice.js";
import { dataTable } from "../ui/table.js";
import { toast } from "../ui/toast.js";

export async function mount(root, shell) {
  const urlInput = h("input", { type: "text", id: "backend-url", autocomplete: "off", spellcheck: "false", style: "min-width: 440px",
    placeholder: "http://localhost:9090 or name=http://localhost:9090", "aria-describedby": "backend-url-error" });
  const urlError = h("p", { class: "field-error", id: "backend-url-error", role: "alert" });
  const connectButton = h("button", { type: "submit", class: "primary" }, "Connect");
  const list = h("div", {}, h("p", { class: "loading" }, "Checking backends…"));
  const trainButton = h("button", { type: "button", onclick: train }, "Train");
  const predictAllButton = h("button", { type: "button", class: "primary", onclick: () => predict({ mode: "all_tasks" }) },
    "Predict all tasks");
  const idsInput = h("input", { type: "text", id: "predict-ids", placeholder: "1, 2, 10-20", value: shell.query.get("task_ids") ?? "",
    "aria-describedby": "predict-ids-error" });
  const idsError = h("p", { class: "field-error", id: "predict-ids-error", role: "alert" });
  const predictIdsButton = h("button", { type: "submit" }, "Predict these tasks");
  const actionError = h("div", { style: "margin-top: 12px" });
  const predictions = jobFollower("Prediction progress", {
    alive: shell.isCurrent,
    describe: (job) => `Done: ${plural(job.result?.predictions ?? 0, "prediction")} stored for ${plural(job.done, "task")}.`,
  });
  const training = jobFollower("Training progress", {
    alive: shell.isCurrent,
    describe: (job) => `Training request sent with ${plural(job.result?.tasks ?? 0, "labeled task")}.`,
  });
  let backends = [];

  root.replaceChildren(
    pageHeading("Models"),
    h("p", { class: "lead" }, "ML backends pre-label your tasks and learn from your completions. Any Label Studio ML backend works."),
    h("section", { class: "panel", "aria-labelledby": "connect-heading" },
      h("h2", { id: "connect-heading" }, "Connect a backend"),
      h("form", { class: "inline-form", onsubmit: connect },
        h("div", { class: "field" }, h("label", { htmlFor: "backend-url" }, "Backend URL"), urlInput),
        connectButton),
      urlError),
    h("section", { class: "panel", "aria-labelledby": "backends-heading" },
      h("h2", { id: "backends-heading" }, "Backends"),
      list),
    h("section", { class: "panel", "aria-labelledby": "use-heading" },
      h("h2", { id: "use-heading" }, "Pre-label and train"),
      h("div", { class: "inline-form" }, predictAllButton, trainButton),
      h("form", { class: "inline-form", style: "margin-top: 12px", onsubmit: predictIds },
        h("div", { class: "field" }, h("label", { htmlFor: "predict-ids" }, "Task ids"), idsInput),
        predictIdsButton),
      idsError,
      actionError,
      predictions.element,
      training.element));

  // Not awaited: backends that are slow to answer must not hold up the page.
  refresh();
  followRunningJobs();

  async function refresh() {
    try {
      ({ backends } = await api.get("/api/models"));
    } catch (error) {
      list.replaceChildren(errorNotice(error, "The backends could not be listed"));
      return;
    }
    if (!shell.isCurrent()) return;
    list.replaceChildren(backends.length ? backendTable() : infoNotice("No backend connected",
      "Start an ML backend (for example with: label-studio-ml start my_backend) and connect it with its URL above."),
    h("p", {}, h("button", { type: "button", class: "link", onclick: refresh }, "Check again")));
    updateButtons();
  }

  function backendTable() {
    return h("div", { class: "table-frame" }, dataTable({
      caption: "Connected ML backends",
      columns: [
        { title: "Name", cell: (backend) => backend.name },
        { title: "URL", cell: (backend) => h("span", { class: "path" }, backend.url) },
        { title: "Status", cell: statusCell },
        { title: "Model version", cell: (backend) => backend.model_version ?? "—" },
        { title: "Training", cell: (backend) => (backend.is_training === null ? "—" : backend.is_training ? "Training…" : "Idle") },
        { title: "", cell: (backend) => h("button", { type: "button", onclick: () => remove(backend),
          "aria-label": `Remove ${backend.name}` }, "Remove") },
      ],
      rows: backends,
    }));
  }

  function statusCell(backend) {
    if (backend.connected) return h("span", { class: "badge ok" }, "Connected");
    return h("span", {}, h("span", { class: "badge skipped" }, "Not answering"), h("br"),
      h("span", { class: "hint" }, backend.error ?? ""));
  }

  function updateButtons() {
    const none = backends.length === 0;
    const busy = predictions.running() || training.running();
    predictAllButton.disabled = none || busy;
    predictIdsButton.disabled = none || busy;
    trainButton.disabled = none || busy;
  }

  async function connect(event) {
    event.preventDefault();
    urlError.textContent = "";
    const value = urlInput.value.trim();
    if (!value) {
      urlError.textContent = "Enter the backend's URL, for example http://localhost:9090";
      return;
    }
    connectButton.disabled = true;
    try {
      await api.patch("/api/project", { ml_backend: value });
      urlInput.value = "";
      toast("Backend connected");
      await refresh();
    } catch (error) {
      urlError.textContent = error.messages?.join("\n") ?? String(error);
    } finally {
      connectButton.disabled = false;
    }
  }

  async function remove(backend) {
    const sure = await confirmDialog({ title: `Remove ${backend.name}?`, confirmLabel: "Remove", danger: true,
      message: "lsdesk stops asking it for predictions. The predictions it made stay with the tasks." });
    if (!sure) return;
    try {
      await request("DELETE", "/api/models", { json: { name: backend.name } });
      toast(`Removed ${backend.name}`);
    } catch (error) {
      actionError.replaceChildren(errorNotice(error, `${backend.name} could not be removed`));
    }
    await refresh();
  }

  async function train() {
    actionError.replaceChildren();
    trainButton.disabled = true;
    training.starting("Sending the completions…");
    try {
      const answer = await api.post("/api/models/train");
      toast(answer.details);
      await follow(training, answer.job);
    } catch (error) {
      training.element.replaceChildren();
      actionError.replaceChildren(errorNotice(error, "Training did not start"));
    }
    updateButtons();
  }

  function predictIds(event) {
    event.preventDefault();
    idsError.textContent = "";
    const ids = parseIds(idsInput.value);
    if (typeof ids === "string") {
      idsError.textContent = ids;
      return;
    }
    predict({ mode: "specific_tasks", task_ids: ids });
  }

  async function predict({ mode, task_ids: taskIds }) {
    actionError.replaceChildren();
    predictAllButton.disabled = predictIdsButton.disabled = true;
    predictions.starting("Starting the prediction…");
    try {
      const answer = await api.post(`/api/models/predictions?mode=${mode}`, taskIds ? { task_ids: taskIds } : undefined);
      await follow(predictions, answer.job);
    } catch (error) {
      predictions.element.replaceChildren();
      actionError.replaceChildren(errorNotice(error, "Prediction did not run"));
    }
    updateButtons();
  }

  async function follow(follower, job) {
    const following = follower.follow(job);
    updateButtons();
    const ended = await following;
    if (ended && shell.isCurrent()) await refresh();
  }

  async function followRunningJobs() {
    for (const job of await runningJobs(["predict", "train"])) {
      follow(job.kind === "predict" ? predictions : training, job);
    }
  }
}

// "1, 2, 10-20" → [1, 2, 10, ..., 20], or a message saying what is wrong.
export function parseIds(text) {
  const ids = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) return `"${part}" is not a task id or a range like 10-20`;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (last < first) return `The range ${part} runs backwards`;
    if (last - first > 100_000) return `The range ${part} is too long; predict all tasks instead`;
    for (let id = first; id <= last; id++) ids.push(id);
  }
  return ids.length ? ids : "Enter one or more task ids, such as 1, 2, 10-20";
}
