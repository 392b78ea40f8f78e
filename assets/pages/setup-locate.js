// Locating a moved folder: the server compares a sample of the files the project recorded with the
// ones in the folder chosen; when they differ (other sizes, other pixels, missing files) it says which,
// and the annotator decides whether to use that folder anyway.

import { api } from "../api.js";
import { showDialog } from "../ui/dialog.js";
import { h, plural } from "../ui/dom.js";

// Resolves to the located folder; throws the server's error, or an Error when the annotator declines.
export async function locateFolder(url, path) {
  try {
    return await api.patch(url, { path });
  } catch (error) {
    const refusal = error.answer;
    if (error.status !== 409 || !Array.isArray(refusal?.differences)) throw error;
    if (!(await useAnyway(path, refusal))) throw new Error("Not located: choose the folder that holds the same files.");
    return api.patch(url, { path, force: true });
  }
}

async function useAnyway(path, { checked, differences }) {
  const { closed } = showDialog({
    title: "Use it anyway?",
    className: "locate-differences",
    body: [
      h("p", {}, `${plural(differences.length, "file")} of the ${checked} checked in ${path} differ from what the project recorded:`),
      h("ul", {}, differences.map((item) => h("li", {}, h("code", {}, item.path), ` — ${item.summary}`))),
      h("p", {}, "Tasks would show these files instead, and labels drawn on the old ones may not fit them " +
        "(a box on a 64×48 image lands twice too large on a 32×24 one)."),
    ],
    actions: [
      { label: "Cancel", value: "", autofocus: true },
      { label: "Use it anyway", value: "confirm", kind: "danger" },
    ],
  });
  return (await closed) === "confirm";
}
