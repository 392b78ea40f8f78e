// The Setup page's gallery of Label Studio's own templates (GET /api/templates): searched by title,
// category or tag, shelved by category, each previewed live on its sample task before it is used.

import { api } from "../api.js";
import { h, plural } from "../ui/dom.js";
import { errorNotice } from "../ui/notice.js";

// gallerySection({onUse(template)}) → {element, unmount()}; the list loads when it is first opened.
export function gallerySection({ onUse }) {
  let templates = null;
  let category = "All";
  let previewEditor = null;
  let previewTicket = 0;

  const search = h("input", { type: "search", class: "template-search", placeholder: "Search templates: title, category or tag",
    "aria-label": "Search templates", oninput: showList });
  const shelves = h("div", { class: "template-categories", role: "group", "aria-label": "Categories" });
  const count = h("p", { class: "template-count", "aria-live": "polite" });
  const list = h("div", { class: "template-list" });
  const preview = h("section", { class: "template-preview", "aria-label": "Template preview" },
    h("p", { class: "muted" }, "Pick a template to see it on its sample task."));
  const element = h("details", { class: "template-gallery", ontoggle: () => { if (element.open) load(); } },
    h("summary", {}, "More templates: Label Studio's gallery, by category"),
    h("div", { class: "template-browser" },
      h("div", { class: "template-picker" }, search, shelves, count, list),
      preview));

  async function load() {
    if (templates) return;
    templates = [];
    try {
      templates = (await api.get("/api/templates")).templates;
    } catch (error) {
      list.replaceChildren(errorNotice(error, "The templates could not be loaded"));
      return;
    }
    showShelves();
    showList();
  }

  function showShelves() {
    const names = ["All", ...new Set(templates.map((template) => template.category).sort())];
    shelves.replaceChildren(...names.map((name) => h("button", {
      type: "button", class: "chip", "aria-pressed": String(name === category),
      onclick: () => { category = name; showShelves(); showList(); },
    }, name)));
  }

  function matches(template, words) {
    const text = [template.title, template.category, template.source, ...template.tags].join(" ").toLowerCase();
    return words.every((word) => text.includes(word));
  }

  function showList() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = templates.filter((template) => (category === "All" || template.category === category) && matches(template, words));
    count.textContent = `${plural(shown.length, "template")} of ${templates.length}`;
    const byCategory = new Map();
    for (const template of shown) byCategory.set(template.category, [...(byCategory.get(template.category) ?? []), template]);
    list.replaceChildren(...[...byCategory].sort(([a], [b]) => a.localeCompare(b)).map(([name, group]) =>
      h("section", { class: "template-shelf" }, h("h3", {}, name),
        h("ul", {}, group.map((template) => h("li", {},
          h("button", { type: "button", class: "template-card", dataset: { id: template.id }, onclick: () => showPreview(template) },
            h("strong", {}, template.title),
            h("span", {}, `${template.source} · ${template.tags.join(", ")}`))))))));
  }

  async function showPreview(template) {
    const ticket = ++previewTicket;
    previewEditor?.destroy();
    previewEditor = null;
    for (const card of list.querySelectorAll(".template-card")) {
      card.setAttribute("aria-current", String(card.dataset.id === template.id));
    }
    const host = h("div", { class: "editor-host template-editor" });
    preview.replaceChildren(
      h("div", { class: "template-preview-head" },
        h("div", {}, h("h3", {}, template.title), h("span", { class: "muted" }, `${template.category} · ${template.source}`)),
        h("button", { type: "button", class: "primary", onclick: () => onUse(template) }, "Use this template")),
      host);
    try {
      const { createEditor } = await import("../editor/editor.js");
      if (ticket !== previewTicket) return;
      previewEditor = createEditor(host, { config: template.config, task: { id: 0, data: template.data }, result: [], onChange() {} });
      await previewEditor.ready;
    } catch (error) {
      if (ticket === previewTicket) host.replaceChildren(errorNotice(error, "The labeling editor could not show this template"));
    }
  }

  return {
    element,
    unmount() {
      previewTicket += 1;
      previewEditor?.destroy();
    },
  };
}
