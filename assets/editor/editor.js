// The labeling editor: renders a label config for one task and edits its result items.
//
//   const editor = createEditor(container, {config, task, result, onChange, readOnly});
//   editor.ready          // a promise: resolved once every tag module is loaded and drawn, and the
//                         // regions list has every row (rows out of sight are built after the first paint)
//   editor.getResult()    // the result items to save, with text typed into a TextArea but not yet added
//   editor.validate()     // messages for unmet `required` controls (typed text counts, as it is saved)
//   editor.hotkeys()      // [{keys, description}] for the help overlay
//   editor.destroy()
//
//   prefetchMedia(task, config)  // load and decode a task's pictures before its editor is made
//
// Each tag of the config is a module /assets/tags/<name>.js exporting
//   {name, kind: "object"|"control"|"visual", render(node, ctx) → HTMLElement, validate?(node, ctx) → message|null}
// and reads or changes the result through ctx.store (see store.js).
//
// A read-only editor (e.g. one of several completions shown side by side) is drawn the same way but
// takes no input: its container is inert and its hotkeys do not listen.

import { attr, flag, parseConfig, walk } from "./config.js";
import { resolve } from "./data.js";
import { Hotkeys } from "./hotkeys.js";
import { renderRegionSide } from "./panel.js";
import { loadTags, moduleNameFor, tagLoadError, tagModule } from "./registry.js";
import { AnnotationStore } from "./store.js";

export { prefetchMedia } from "./media-prefetch.js";

export function createEditor(container, { config, task, result = [], onChange = () => {}, readOnly = false }) {
  addStylesheet();
  const store = new AnnotationStore(result);
  const hotkeys = new Hotkeys({ listening: !readOnly });
  const root = parseConfig(config);
  const ctx = makeContext(root, task, store, hotkeys, onChange);
  const unsubscribe = store.subscribe((userChange) => {
    if (userChange) onChange();
  });
  bindEditingKeys(hotkeys, store);
  container.replaceChildren();
  container.classList.add("lsd-editor");
  container.inert = readOnly;
  let destroyed = false;
  const ready = loadTags([...walk(root)].map((node) => node.tag)).then(() => {
    // Destroyed before its tags loaded (the next task came at once): draw nothing into the container.
    if (destroyed) return undefined;
    const main = document.createElement("div");
    main.className = "lsd-main";
    main.append(ctx.render(root));
    const side = renderRegionSide(ctx);
    container.append(main, side.element);
    store.notify(false);
    return side.complete;
  });
  return {
    ready,
    store,
    getResult: () => withTypedText(ctx, () => store.result()),
    validate: () => withTypedText(ctx, () => validate(root, ctx)),
    hotkeys: () => hotkeys.list(),
    destroy() {
      destroyed = true;
      unsubscribe();
      hotkeys.destroy();
      for (const cleanup of ctx.cleanups) cleanup();
      container.replaceChildren();
    },
  };
}

function addStylesheet() {
  if (document.querySelector("link[data-lsd-editor]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("editor.css", import.meta.url).href;
  link.dataset.lsdEditor = "";
  document.head.append(link);
}

// What read() returns with the text typed into fields added as answers, though nobody pressed
// Enter or Add: Ctrl+Enter saves what the page shows, and so does a draft saved while typing.
function withTypedText(ctx, read) {
  if (!ctx.typedInputs.length) return read(); // no field to add: spare readAfter's copy of every item
  return ctx.store.readAfter(() => {
    for (const addTyped of ctx.typedInputs) addTyped();
  }, read);
}

function makeContext(root, task, store, hotkeys, onChange) {
  const nodesByName = new Map();
  for (const node of walk(root)) if (node.attrs.name !== undefined) nodesByName.set(node.attrs.name, node);
  const ctx = {
    root,
    task,
    data: task.data || {},
    store,
    hotkeys,
    cleanups: [],
    // Functions that add a field's typed, not yet added text to the store (see withTypedText).
    typedInputs: [],
    // A field's text changed: it is unsaved work, as a change of the store is.
    typed: () => onChange(),
    // Labels armed for drawing, by control name (set by the *Labels controls).
    armed: new Map(),
    // What object tags expose to controls (an image's size, a text's content...), by name.
    objects: new Map(),
    resolve: (value) => resolve(value, task.data || {}),
    node: (name) => nodesByName.get(name) || null,
    // Controls whose toName lists this object, in config order.
    controlsOf(objectName) {
      return [...walk(root)].filter((node) => (node.attrs.toname || "").split(",").map((s) => s.trim()).includes(objectName));
    },
    // The labels to give a region drawn on `objectName` now: [{control, labels}] of armed controls.
    armedFor(objectName) {
      return ctx.controlsOf(objectName)
        .filter((control) => (ctx.armed.get(control.attrs.name) || []).length)
        .map((control) => ({ control, labels: [...ctx.armed.get(control.attrs.name)] }));
    },
    render(node) {
      return renderNode(node, ctx);
    },
    renderChildren(node, parent) {
      for (const child of node.children) {
        const element = renderNode(child, ctx);
        if (element) parent.append(element);
      }
      return parent;
    },
    onCleanup(fn) {
      ctx.cleanups.push(fn);
    },
  };
  return ctx;
}

function renderNode(node, ctx) {
  const failure = tagLoadError(node.tag);
  if (failure) return notLoaded(node, failure);
  const module = tagModule(node.tag);
  if (!module) return unsupported(node);
  try {
    return module.render(node, ctx);
  } catch (error) {
    console.warn(`<${node.tag}> could not be drawn`, error);
    return unsupported(node, error.message);
  }
}

// A tag lsdesk cannot draw shows a clear message in its place, never a blank page.
function unsupported(node, reason = "") {
  const box = document.createElement("div");
  box.className = "lsd-unsupported";
  box.setAttribute("role", "note");
  const name = node.attrs.name ? ` name="${node.attrs.name}"` : "";
  box.textContent = `<${node.tag}${name}> is not supported by this version of lsdesk${reason ? `: ${reason}` : "."}`;
  return box;
}

// A tag whose module failed to load shows the error it failed with (the module is there: a bug, not a missing feature).
function notLoaded(node, error) {
  console.warn(`<${node.tag}>: its module could not be loaded`, error);
  const box = document.createElement("div");
  box.className = "lsd-unsupported lsd-tag-error";
  box.setAttribute("role", "alert");
  const name = node.attrs.name ? ` name="${node.attrs.name}"` : "";
  box.textContent = `<${node.tag}${name}> could not be drawn: /assets/tags/${moduleNameFor(node.tag)}.js failed to load: `
    + `${error.name}: ${error.message}`;
  return box;
}

function bindEditingKeys(hotkeys, store) {
  hotkeys.add("ctrl+z", "Undo", () => store.undo());
  hotkeys.add("ctrl+shift+z", "Redo", () => store.redo());
  hotkeys.add("ctrl+y", "Redo", () => store.redo());
  hotkeys.add("backspace", "Delete the selected region", () => {
    if (store.selected) store.change(() => store.removeRegion(store.selected));
  });
  hotkeys.add("delete", "Delete the selected region", () => {
    if (store.selected) store.change(() => store.removeRegion(store.selected));
  });
  hotkeys.add("u", "Unselect", () => store.select(null));
  hotkeys.add("escape", "Unselect", () => store.select(null));
}

// Messages for required controls that have no result (per region for perRegion controls).
function validate(root, ctx) {
  const messages = [];
  for (const node of walk(root)) {
    const module = tagModule(node.tag);
    if (!module || module.kind !== "control" || !flag(node, "required")) continue;
    const message = module.validate ? module.validate(node, ctx) : defaultRequired(node, ctx);
    if (message) messages.push(message);
  }
  return messages;
}

function defaultRequired(node, ctx) {
  if (ctx.store.itemsOf(node.attrs.name).length) return null;
  return attr(node, "requiredMessage") || `"${node.attrs.name}" is required`;
}
