// The Settings page: the project's title, description, labeling instructions, sampling order and
// whether the Label page offers Skip; where its file lives; and deleting the project with its file.

import { api } from "../api.js";
import { revealAndSay } from "../desktop.js";
import { confirmDialog } from "../ui/dialog.js";
import { h, pageHeading } from "../ui/dom.js";
import { errorNotice } from "../ui/notice.js";
import { toast } from "../ui/toast.js";

const SAMPLING_NAMES = {
  sequential: "In order, by task id",
  uniform: "At random",
  "prediction-score-min": "Lowest prediction score first (the model is least sure)",
  "prediction-score-max": "Highest prediction score first",
};

export async function mount(root, shell) {
  const project = await api.get("/api/project");
  const title = h("input", { type: "text", id: "settings-title", required: true, value: project.title });
  const description = h("textarea", { id: "settings-description", rows: 3 }, project.description ?? "");
  const instruction = h("textarea", { id: "settings-instruction", rows: 6, spellcheck: "true" }, project.instruction ?? "");
  const sampling = h("select", { id: "settings-sampling" }, Object.entries(SAMPLING_NAMES).map(([value, name]) =>
    h("option", { value, selected: value === project.sampling }, name)));
  const showSkip = h("input", { type: "checkbox", id: "settings-show-skip", checked: project.show_skip !== false });
  const problem = h("div");
  const fields = () => ({
    title: title.value.trim(),
    description: description.value,
    instruction: instruction.value,
    sampling: sampling.value,
    show_skip: showSkip.checked,
  });

  root.replaceChildren(
    pageHeading("Project settings"),
    h("p", { class: "lead" }, "What this project is called, what labelers read, and the order they label in."),
    h("form", { class: "panel settings-form", onsubmit: save, "aria-labelledby": "settings-heading" },
      h("h2", { id: "settings-heading" }, "Project"),
      field("settings-title", "Title", title),
      field("settings-description", "Description", description, "A note for whoever opens this project; the Label page does not show it."),
      field("settings-instruction", "Labeling instructions", instruction,
        "Shown above the task on the Label page, folded away on request (as Label Studio's expert instructions). HTML is allowed."),
      field("settings-sampling", "Which task comes next", sampling, "The Label page's order when no filter or view picks the tasks."),
      h("div", { class: "field checkbox" }, h("label", {}, showSkip, " Offer “Skip” on the Label page"),
        h("p", { class: "hint" }, "A skip saves a cancelled completion; turn it off when every task must get labels.")),
      problem,
      h("div", { class: "buttons" }, h("button", { class: "primary" }, "Save settings"))),
    fileSection(project),
    deleteSection(project, shell));

  async function save(event) {
    event.preventDefault();
    problem.replaceChildren();
    try {
      await api.patch("/api/project", fields());
      await shell.projectChanged();
      toast("Settings saved");
    } catch (error) {
      problem.replaceChildren(errorNotice(error, "The settings were not saved"));
    }
  }
}

function field(id, label, control, hint = "") {
  return h("div", { class: "field" }, h("label", { htmlFor: id }, label), control, hint ? h("p", { class: "hint" }, hint) : null);
}

function fileSection(project) {
  return h("section", { class: "panel settings-file", "aria-labelledby": "file-heading" },
    h("h2", { id: "file-heading" }, "Project file"),
    h("p", {}, "Everything of this project (config, tasks, completions, uploads) is in one file:"),
    h("p", { class: "path", id: "settings-path" }, project.path),
    h("div", { class: "buttons" }, h("button", { type: "button", onclick: () => revealAndSay(project.path) }, "Reveal in file manager")),
    h("p", { class: "hint" }, "Copy the file to back the project up or to hand it to someone; the Projects page opens copies."));
}

function deleteSection(project, shell) {
  const fileName = project.path.split(/[\\/]/).pop();
  const problem = h("div");
  async function deleteProject() {
    const confirmed = await confirmDialog({
      title: `Delete “${project.title}”?`,
      message: `This deletes the file ${project.path} with all its tasks, completions and uploads. It cannot be undone.`,
      confirmLabel: `Delete ${fileName}`,
      danger: true,
    });
    if (!confirmed) return;
    problem.replaceChildren();
    try {
      await api.delete(`/api/project?confirm=${encodeURIComponent(fileName)}`);
      toast(`Deleted ${fileName}`);
      await shell.projectChanged();
      shell.navigate("/projects");
    } catch (error) {
      problem.replaceChildren(errorNotice(error, "The project was not deleted"));
    }
  }
  return h("section", { class: "panel danger-zone", "aria-labelledby": "delete-heading" },
    h("h2", { id: "delete-heading" }, "Delete the project"),
    h("p", {}, `Deletes ${fileName} from disk. Files in media folders are not touched.`),
    problem,
    h("button", { type: "button", class: "danger", onclick: deleteProject }, "Delete project…"));
}
