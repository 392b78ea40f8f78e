// The image view's tools: the toolbar (select, pan, one tool per shape, zoom), their hotkeys, and
// what a new region would be with the tool and labels armed now.
// Methods of ImageView (mixed into it by image-view.js).

import { BARE, LABELED, SHAPES } from "./image-shapes.js";

const TOOLS = [
  ["select", "v", "Select"],
  ["pan", "h", "Pan"],
  ...Object.values(SHAPES).map((shape) => [shape.name, shape.key, shape.title]),
];

const tagOf = (node) => node.tag.toLowerCase();

export const tools = {
  // The tool buttons (the shapes the image's controls draw) and the zoom buttons.
  buildToolbar() {
    this.toolbar = document.createElement("div");
    this.toolbar.className = "lsd-image-tools";
    this.toolbar.setAttribute("role", "toolbar");
    this.toolbar.setAttribute("aria-label", `Tools for ${this.name}`);
    this.toolButtons = new Map();
    for (const [tool, , title] of TOOLS) {
      if (tool !== "select" && tool !== "pan" && !this.shapes.includes(tool)) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lsd-image-tool";
      button.dataset.tool = tool;
      button.textContent = title;
      button.addEventListener("click", () => this.setTool(tool));
      this.toolButtons.set(tool, button);
      this.toolbar.append(button);
    }
    for (const shape of Object.values(SHAPES)) if (shape.toolbar && this.shapes.includes(shape.name)) this.toolbar.append(...shape.toolbar(this));
    if (this.zoomable) {
      for (const [label, title, action] of [["+", "Zoom in", () => this.zoomTo(this.zoom * this.zoomBy * this.zoomBy)],
        ["−", "Zoom out", () => this.zoomTo(this.zoom / this.zoomBy / this.zoomBy)],
        ["Fit", "Zoom to fit", () => this.zoomTo(1)]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "lsd-image-tool lsd-image-zoom";
        button.textContent = label;
        button.title = title;
        button.setAttribute("aria-label", title);
        button.addEventListener("click", action);
        this.toolbar.append(button);
      }
      this.zoomLabel = document.createElement("span");
      this.zoomLabel.className = "lsd-image-zoom-level";
      this.toolbar.append(this.zoomLabel);
    }
    return this.toolbar;
  },

  // Tool hotkeys go to keys no label took (labels keep Label Studio's automatic keys).
  registerKeys() {
    const { hotkeys } = this.ctx;
    for (const [tool, key, title] of TOOLS) {
      const button = this.toolButtons.get(tool);
      if (!button || hotkeys.used.has(key)) continue;
      hotkeys.add(key, `${title} tool (${this.name})`, () => this.setTool(tool));
      const hint = document.createElement("kbd");
      hint.textContent = key;
      button.append(" ", hint);
    }
    for (const shape of Object.values(SHAPES)) if (shape.registerKeys && this.shapes.includes(shape.name)) shape.registerKeys(this, hotkeys);
    if (this.zoomable) {
      const zoomIn = () => this.zoomTo(this.zoom * this.zoomBy * this.zoomBy);
      const zoomOut = () => this.zoomTo(this.zoom / this.zoomBy / this.zoomBy);
      for (const [key, title, action] of [["ctrl++", "Zoom in", zoomIn], ["ctrl+=", "Zoom in", zoomIn],
        ["ctrl+-", "Zoom out", zoomOut]]) {
        if (!hotkeys.used.has(key)) hotkeys.add(key, `${title} (${this.name})`, action);
      }
    }
  },

  setTool(tool) {
    if (this.drawing) this.cancelDrawing();
    this.tool = tool;
    this.showTool();
  },

  showTool() {
    this.viewport.dataset.tool = this.tool;
    for (const [tool, button] of this.toolButtons) button.setAttribute("aria-pressed", String(tool === this.tool));
  },


  // The shape to draw now and the items it makes: {shape, color, targets: [{control, type, labels}]}, or null.
  // Arming a label picks its tool, as picking a label does in Label Studio.
  noticeArming() {
    const armed = this.ctx.armedFor(this.name);
    const firstBare = this.controls.find((control) => BARE[tagOf(control)]);
    for (const { control, labels } of armed) {
      if (this.armedSeen.get(control.attrs.name) === JSON.stringify(labels)) continue;
      if (LABELED[tagOf(control)]) this.setTool(LABELED[tagOf(control)]);
      else if (tagOf(control) === "labels" && firstBare && !BARE[this.tool]) this.setTool(BARE[tagOf(firstBare)]);
    }
    this.armedSeen = new Map(armed.map(({ control, labels }) => [control.attrs.name, JSON.stringify(labels)]));
  },

  plan() {
    this.noticeArming();
    if (this.tool === "select" || this.tool === "pan") return null;
    const armed = this.ctx.armedFor(this.name);
    const withTool = armed.find(({ control }) => LABELED[tagOf(control)] === this.tool);
    const bareForTool = this.controls.find((control) => BARE[tagOf(control)] === this.tool);
    const generic = armed.filter(({ control }) => tagOf(control) === "labels")
      .map(({ control, labels }) => ({ control, type: "labels", labels }));
    let plan = null;
    if (withTool) {
      plan = { shape: this.tool, targets: [{ control: withTool.control, type: tagOf(withTool.control), labels: withTool.labels }] };
    } else if (bareForTool) {
      plan = { shape: this.tool, targets: [{ control: bareForTool, type: tagOf(bareForTool), labels: null }, ...generic] };
    }
    if (!plan) return null;
    const labelled = plan.targets.find((target) => target.labels && target.labels.length);
    plan.color = labelled ? this.labelColor(labelled.control.attrs.name, labelled.labels[0])
      : this.styleOf(plan.targets[0].control.attrs.name, plan.shape).stroke;
    return plan;
  },
};
