// <Taxonomy>: a tree of nested Choice nodes with checkboxes; each chosen node is stored as its
// path from the root: {type: "taxonomy", value: {taxonomy: [["A"], ["B", "B1"]]}}.
// leafsOnly, showFullPath, pathSeparator, maxUsages, perRegion.

import { currentItem, writeAnswer } from "../editor/answers.js";
import { attr, flag } from "../editor/config.js";
import { choiceValue, optionNode } from "../editor/options.js";
import { validateRequired } from "../editor/required.js";
import { selectedRegion } from "../editor/targets.js";
import { bindVisibility } from "../editor/visibility.js";

const key = (path) => JSON.stringify(path);

export default {
  name: "Taxonomy",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const leafsOnly = flag(node, "leafsOnly");
    const separator = attr(node, "pathSeparator", " / ");
    const fullPath = flag(node, "showFullPath");
    const maxUsages = Number(attr(node, "maxUsages")) || Infinity;
    const box = document.createElement("div");
    box.className = "lsd-taxonomy";
    box.dataset.control = name;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", name);
    const chosenBar = document.createElement("div");
    chosenBar.className = "lsd-taxonomy-chosen";
    box.append(chosenBar);

    const chosen = () => {
      const item = currentItem(node, ctx);
      const list = item && item.value ? item.value.taxonomy : null;
      return Array.isArray(list) ? list.filter(Array.isArray) : [];
    };
    const set = (paths) => {
      if (flag(node, "perRegion") && !selectedRegion(node, ctx)) return;
      writeAnswer(node, ctx, "taxonomy", paths.length ? { taxonomy: paths } : null);
    };
    const toggle = (path) => {
      const current = chosen();
      const has = current.some((p) => key(p) === key(path));
      if (has) set(current.filter((p) => key(p) !== key(path)));
      else if (current.length < maxUsages) set([...current, path]);
    };

    const boxes = new Map(); // path key → checkbox
    const shown = new Map(); // path key → the names shown for it (values, not aliases)
    const branch = (choices, parentPath) => {
      const list = document.createElement("ul");
      for (const child of choices) {
        const path = [...parentPath, choiceValue(child)];
        const names = [...(shown.get(key(parentPath)) || []), child.attrs.value];
        shown.set(key(path), names);
        const kids = child.children.filter((c) => c.tag.toLowerCase() === "choice");
        const row = document.createElement("li");
        const label = document.createElement("label");
        label.className = "lsd-choice";
        if (!(leafsOnly && kids.length)) {
          const input = document.createElement("input");
          input.type = "checkbox";
          input.addEventListener("click", () => {
            toggle(path);
            refresh();
          });
          boxes.set(key(path), input);
          label.append(input);
        }
        const text = document.createElement("span");
        text.textContent = child.attrs.value;
        label.append(text);
        if (kids.length) {
          const details = document.createElement("details");
          const summary = document.createElement("summary");
          summary.append(label);
          details.append(summary, branch(kids, path));
          row.append(details);
        } else {
          row.append(label);
        }
        list.append(row);
      }
      return list;
    };
    box.append(branch(topChoices(node, ctx), []));

    const refresh = () => {
      const current = chosen();
      const keys = new Set(current.map(key));
      for (const [pathKey, input] of boxes) {
        input.checked = keys.has(pathKey);
        input.disabled = !input.checked && current.length >= maxUsages;
      }
      chosenBar.replaceChildren(...current.map((path) => {
        const chip = document.createElement("span");
        chip.className = "lsd-chip";
        const text = document.createElement("span");
        const names = shown.get(key(path)) || path;
        text.textContent = fullPath ? names.join(separator) : names[names.length - 1];
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Remove ${path.join(separator)}`);
        remove.addEventListener("click", () => toggle(path));
        chip.append(text, remove);
        return chip;
      }));
    };
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx, (item) => Boolean(item && item.value && Array.isArray(item.value.taxonomy) && item.value.taxonomy.length));
  },
};

// The first level of the tree: Choice children (also inside View/Header groups) and dynamic options.
function topChoices(node, ctx) {
  const found = [];
  const visit = (parent) => {
    for (const child of parent.children) {
      if (child.tag.toLowerCase() === "choice") found.push(child);
      else visit(child);
    }
  };
  visit(node);
  if (node.attrs.value && node.attrs.value.startsWith("$")) {
    const options = ctx.resolve(node.attrs.value);
    if (Array.isArray(options)) found.push(...options.map(optionNode));
  }
  return found;
}
