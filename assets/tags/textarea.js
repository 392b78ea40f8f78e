// <TextArea>: free text entries {type: "textarea", value: {text: [..]}}. Enter adds an entry,
// shift+Enter makes a new line; entries are listed with a delete button and, with
// editable="true", can be changed in place. maxSubmissions, skipDuplicates, perRegion,
// Shortcut children (buttons and hotkeys that insert their text while typing).

import { currentItem, writeAnswer } from "../editor/answers.js";
import { attr, flag, walk } from "../editor/config.js";
import { comboOf } from "../editor/hotkeys.js";
import { validateRequired } from "../editor/required.js";
import { selectedRegion } from "../editor/targets.js";
import { bindVisibility } from "../editor/visibility.js";

// The entries of an item (very old data has a bare string).
function entriesOf(item) {
  const text = item && item.value ? item.value.text : undefined;
  if (Array.isArray(text)) return text;
  if (typeof text === "string") return [text];
  return [];
}

export default {
  name: "TextArea",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const perRegion = flag(node, "perRegion");
    const editable = flag(node, "editable");
    const max = Number(attr(node, "maxSubmissions")) || Infinity;
    const rows = Math.max(1, Number(attr(node, "rows")) || 1);
    const box = document.createElement("div");
    box.className = "lsd-textarea";
    box.dataset.control = name;
    if (node.attrs.label) {
      const heading = document.createElement("div");
      heading.className = "lsd-textarea-label";
      heading.textContent = String(ctx.resolve(node.attrs.label));
      box.append(heading);
    }
    const list = document.createElement("ul");
    list.className = "lsd-entries";
    list.setAttribute("aria-label", `${name} entries`);
    const form = document.createElement("div");
    form.className = "lsd-textarea-input";
    const field = document.createElement("textarea");
    field.rows = rows;
    field.style.setProperty("--rows", String(rows));
    field.setAttribute("aria-label", node.attrs.placeholder || name);
    if (node.attrs.placeholder) field.placeholder = node.attrs.placeholder;
    const prefill = node.attrs.value !== undefined ? String(ctx.resolve(node.attrs.value) ?? "") : "";
    const add = document.createElement("button");
    add.type = "button";
    add.className = "lsd-textarea-add";
    add.textContent = "Add";
    form.append(field, add);
    box.append(list, form);

    const entries = () => entriesOf(currentItem(node, ctx));
    const save = (next) => writeAnswer(node, ctx, "textarea", next.length ? { text: next } : null);
    // The pre-filled text is offered until there is an answer, so a restored draft does not get it twice.
    if (!entries().length) field.value = prefill;

    // The field's text as a new entry, if it may be one: whether added with Enter or Add, or
    // left typed when the annotation is saved (the editor calls this then, see withTypedText).
    const addTyped = () => {
      const text = field.value;
      if (!text.trim()) return false;
      if (perRegion && !selectedRegion(node, ctx)) return false;
      const current = entries();
      if (current.length >= max) return false;
      if (flag(node, "skipDuplicates") && current.includes(text)) return false;
      save([...current, text]);
      return true;
    };
    ctx.typedInputs.push(addTyped);
    field.addEventListener("input", () => ctx.typed());
    const submit = () => {
      if (!addTyped()) return;
      field.value = "";
      field.focus();
    };
    add.addEventListener("click", submit);

    const shortcuts = [...walk(node)].filter((child) => child.tag.toLowerCase() === "shortcut");
    const insert = (text) => {
      const { selectionStart, selectionEnd, value } = field;
      field.value = value.slice(0, selectionStart) + text + value.slice(selectionEnd);
      field.selectionStart = field.selectionEnd = selectionStart + text.length;
      field.focus();
      ctx.typed();
    };
    if (shortcuts.length) {
      const bar = document.createElement("div");
      bar.className = "lsd-shortcuts";
      for (const shortcut of shortcuts) {
        const text = shortcut.attrs.value || "";
        const button = document.createElement("button");
        button.type = "button";
        button.className = "lsd-shortcut";
        button.textContent = shortcut.attrs.alias || text;
        if (shortcut.attrs.background) button.style.setProperty("--shortcut-color", shortcut.attrs.background);
        if (shortcut.attrs.hotkey) {
          const hint = document.createElement("kbd");
          hint.textContent = shortcut.attrs.hotkey;
          button.append(" ", hint);
        }
        button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the caret in the field
        button.addEventListener("click", () => insert(text));
        bar.append(button);
      }
      box.append(bar);
    }

    field.addEventListener("keydown", (event) => {
      const shortcut = shortcuts.find((s) => s.attrs.hotkey && s.attrs.hotkey.toLowerCase() === comboOf(event));
      if (shortcut) {
        event.preventDefault();
        insert(shortcut.attrs.value || "");
      } else if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });

    const entryRow = (text, index, all) => {
      const row = document.createElement("li");
      row.className = "lsd-entry";
      let shown;
      if (editable) {
        shown = document.createElement("textarea");
        shown.rows = 1;
        shown.value = text;
        shown.setAttribute("aria-label", `Entry ${index + 1}`);
        shown.addEventListener("keydown", (event) => {
          if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            shown.blur();
          }
        });
        shown.addEventListener("change", () => {
          const next = [...all];
          if (shown.value.trim()) next[index] = shown.value;
          else next.splice(index, 1);
          save(next);
        });
      } else {
        shown = document.createElement("span");
        shown.textContent = text;
      }
      shown.classList.add("lsd-entry-text");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "lsd-entry-delete";
      remove.textContent = "×";
      remove.setAttribute("aria-label", `Delete entry ${index + 1}`);
      remove.addEventListener("click", () => save(all.filter((_, i) => i !== index)));
      row.append(shown, remove);
      return row;
    };

    let drawn = null;
    let drawnRegion;
    const refresh = () => {
      const current = entries();
      const region = perRegion ? ctx.store.selected : null;
      if (region !== drawnRegion) {
        drawnRegion = region;
        field.value = perRegion ? "" : field.value;
      }
      const print = JSON.stringify([region, current]);
      if (print !== drawn) {
        drawn = print;
        list.replaceChildren(...current.map((text, index) => entryRow(text, index, current)));
      }
      form.hidden = current.length >= max;
    };
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx, (item) => entriesOf(item).length > 0);
  },
};
