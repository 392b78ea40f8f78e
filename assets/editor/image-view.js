// The Image tag's view: the picture, its regions drawn in SVG, the drawing and editing tools, zoom and pan.
//
// Regions are read from the result items whose to_name is this image (a region = the items sharing
// an id) and redrawn only when their items change. Geometry is edited in percent of the natural
// size and written with one store.change() per gesture, so each gesture is one undo step.

import { attr, flag } from "./config.js";
import { isTyping } from "./hotkeys.js";
import { labelColor } from "./labelbar.js";
import { newRegionId } from "./store.js";
import { centreOf, clamp, declaredShape, inferredShape, normalizeDegrees, rotate, toPixels } from "./image-geometry.js";
import { relationCaption, relationMode, relationsNode, renderRelationList } from "./image-relations.js";

const SVG_NS = "http://www.w3.org/2000/svg";
// Controls that draw a shape with their own labels, and bare tools that draw it without.
const LABELED = { rectanglelabels: "rectangle", polygonlabels: "polygon", keypointlabels: "keypoint", ellipselabels: "ellipse" };
const BARE = { rectangle: "rectangle", polygon: "polygon", keypoint: "keypoint", ellipse: "ellipse" };
const TOOLS = [
  ["select", "v", "Select"],
  ["pan", "h", "Pan"],
  ["rectangle", "r", "Rectangle"],
  ["polygon", "p", "Polygon"],
  ["keypoint", "k", "Key point"],
  ["ellipse", "o", "Ellipse"],
];
const CLICK_SLOP = 3; // screen pixels a click may wander before it counts as a drag
const HANDLE = 4; // half the side of an edit handle, in screen pixels
const CLOSE_DISTANCE = 8; // screen pixels from the first point that close a polygon
const DEFAULT_COLOR = "#f48a42";
const DEFAULT_STROKE = { rectangle: 1, polygon: 2, keypoint: 1, ellipse: 1 };

const tagOf = (node) => node.tag.toLowerCase();
const copy = (value) => JSON.parse(JSON.stringify(value));

function svg(tag, attrs = {}) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) element.setAttribute(key, value);
  return element;
}

export class ImageView {
  constructor(node, ctx) {
    this.node = node;
    this.ctx = ctx;
    this.store = ctx.store;
    this.name = node.attrs.name;
    this.controls = ctx.controlsOf(this.name);
    this.shapes = [...new Set(this.controls.map((c) => LABELED[tagOf(c)] || BARE[tagOf(c)]).filter(Boolean))];
    const bare = this.controls.find((control) => BARE[tagOf(control)]);
    this.tool = bare ? BARE[tagOf(bare)] : "select";
    this.zoomable = flag(node, "zoom", true);
    this.zoomBy = Number(attr(node, "zoomBy")) > 1 ? Number(attr(node, "zoomBy")) : 1.1;
    this.minZoom = flag(node, "negativeZoom") ? 0.25 : 1;
    this.zoom = 1;
    this.tx = 0;
    this.ty = 0;
    this.width = 0; // natural size, once loaded
    this.height = 0;
    this.entries = new Map(); // region id → {el, sig, region, geom}
    this.live = null; // {id, patch}: the region being dragged, drawn from the patch until the gesture ends
    this.gesture = null;
    this.drawing = null; // the polygon being drawn
    this.armedSeen = new Map();
    this.styles = new Map();
    this.mode = relationMode(ctx);
    for (const item of this.store.items) {
      if (item.to_name === this.name && item.id && item.hidden === true) this.store.hidden.add(item.id);
    }
    this.build();
    this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
    this.store.subscribe(() => this.sync());
    this.mode.onChange(() => {
      this.element.classList.toggle("lsd-relation-mode", this.mode.active);
      this.drawHandles();
      this.drawRelations();
    });
    queueMicrotask(() => this.registerKeys());
    this.load();
  }

  // What other tags may ask of this image.
  api() {
    const view = this;
    return {
      tag: "Image",
      element: this.element,
      ready: this.ready,
      get naturalWidth() { return view.width; },
      get naturalHeight() { return view.height; },
      get zoom() { return view.zoom; },
      get tool() { return view.tool; },
      setTool: (tool) => view.setTool(tool),
      zoomTo: (zoom) => view.zoomTo(zoom),
      centreOf: (id) => view.centreOf(id),
    };
  }

  // -- building ---------------------------------------------------------------------

  build() {
    const root = document.createElement("div");
    root.className = "lsd-image";
    root.dataset.name = this.name;
    root.dataset.state = "loading";
    root.style.width = attr(this.node, "width", "100%");
    root.style.maxWidth = attr(this.node, "maxWidth", "750px");
    const align = attr(this.node, "horizontalAlignment", "left");
    if (align === "center") root.style.marginInline = "auto";
    if (align === "right") root.style.marginLeft = "auto";
    this.element = root;
    root.append(this.buildToolbar(), this.buildViewport());
    this.showTool();
    // Without a <Relations> tag, relations loaded from results are listed under the first image.
    if (!relationsNode(this.ctx.root) && this.isFirstImage()) root.append(renderRelationList(this.ctx, null));
    this.listen();
  }

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
  }

  // The picture and the SVG over it, in a stage that zooms (its size) and pans (its offset).
  buildViewport() {
    this.viewport = document.createElement("div");
    this.viewport.className = "lsd-image-viewport";
    this.stage = document.createElement("div");
    this.stage.className = "lsd-image-stage";
    this.img = document.createElement("img");
    this.img.alt = "";
    this.img.draggable = false;
    const crossOrigin = attr(this.node, "crossOrigin");
    if (crossOrigin && crossOrigin !== "none") this.img.crossOrigin = crossOrigin;
    this.overlay = svg("svg", { class: "lsd-image-overlay", preserveAspectRatio: "none" });
    this.regionLayer = svg("g", { class: "lsd-image-regions" });
    this.relationLayer = svg("g", { class: "lsd-image-arrows" });
    this.handleLayer = svg("g", { class: "lsd-image-handles" });
    this.drawingLayer = svg("g", { class: "lsd-image-drawing" });
    this.overlay.append(this.regionLayer, this.relationLayer, this.handleLayer, this.drawingLayer);
    this.stage.append(this.img, this.overlay);
    this.message = document.createElement("div");
    this.message.className = "lsd-image-message";
    this.message.setAttribute("role", "status");
    this.message.textContent = "Loading image…";
    this.viewport.append(this.stage, this.message);
    return this.viewport;
  }

  // Pointer gestures on the picture, wheel zoom, polygon keys, resizes.
  listen() {
    this.viewport.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    this.viewport.addEventListener("pointermove", (event) => this.onPointerMove(event));
    this.viewport.addEventListener("pointerup", (event) => this.onPointerUp(event));
    this.viewport.addEventListener("pointercancel", () => this.cancelGesture());
    this.viewport.addEventListener("lostpointercapture", () => { if (this.gesture) this.cancelGesture(); });
    this.viewport.addEventListener("wheel", (event) => this.onWheel(event), { passive: false });
    this.viewport.addEventListener("auxclick", (event) => event.preventDefault());
    const onKey = (event) => this.onKey(event);
    window.addEventListener("keydown", onKey, true);
    // Label buttons and hotkeys arm labels; show the tool they pick once their handlers ran.
    const notice = () => { if (!this.drawing) this.noticeArming(); };
    document.addEventListener("keydown", notice);
    document.addEventListener("click", notice);
    const resize = new ResizeObserver(([entry]) => {
      this.viewWidth = entry.contentRect.width;
      if (!this.width) return;
      this.clampPan();
      this.applyView();
    });
    resize.observe(this.viewport);
    this.ctx.onCleanup(() => {
      window.removeEventListener("keydown", onKey, true);
      document.removeEventListener("keydown", notice);
      document.removeEventListener("click", notice);
      resize.disconnect();
    });
  }

  isFirstImage() {
    const stack = [this.ctx.root];
    while (stack.length) {
      const node = stack.shift();
      if (tagOf(node) === "image") return node === this.node;
      stack.unshift(...node.children);
    }
    return false;
  }

  load() {
    const source = this.ctx.resolve(this.node.attrs.value);
    const url = Array.isArray(source) ? source[0] : source;
    if (typeof url !== "string" || !url) {
      this.failed(`no image: value="${this.node.attrs.value || ""}" has nothing in the task data`);
      return;
    }
    this.img.addEventListener("load", () => {
      if (!this.img.naturalWidth || !this.img.naturalHeight) {
        this.failed(`the image at ${url} has no size`);
        return;
      }
      this.width = this.img.naturalWidth;
      this.height = this.img.naturalHeight;
      this.viewport.style.aspectRatio = `${this.width} / ${this.height}`;
      // A tall picture is fitted to the window's height too, unless the config sets maxWidth.
      if (attr(this.node, "maxWidth") === undefined) {
        this.element.style.maxWidth = `min(750px, calc(85vh * ${this.width / this.height}))`;
      }
      this.overlay.setAttribute("viewBox", `0 0 ${this.width} ${this.height}`);
      this.message.hidden = true;
      this.element.dataset.state = "ready";
      this.applyView();
      this.sync();
      this.resolveReady();
    }, { once: true });
    this.img.addEventListener("error", () => this.failed(`the image at ${url} could not be loaded`), { once: true });
    this.img.src = url;
  }

  failed(reason) {
    this.element.dataset.state = "error";
    this.message.hidden = false;
    this.message.classList.add("lsd-image-error");
    this.message.textContent = `Image "${this.name}": ${reason}. Its regions are kept as they are.`;
    this.resolveReady();
  }

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
    if (this.zoomable) {
      const zoomIn = () => this.zoomTo(this.zoom * this.zoomBy * this.zoomBy);
      const zoomOut = () => this.zoomTo(this.zoom / this.zoomBy / this.zoomBy);
      for (const [key, title, action] of [["ctrl++", "Zoom in", zoomIn], ["ctrl+=", "Zoom in", zoomIn],
        ["ctrl+-", "Zoom out", zoomOut]]) {
        if (!hotkeys.used.has(key)) hotkeys.add(key, `${title} (${this.name})`, action);
      }
    }
  }

  setTool(tool) {
    if (this.drawing) this.cancelDrawing();
    this.tool = tool;
    this.showTool();
  }

  showTool() {
    this.viewport.dataset.tool = this.tool;
    for (const [tool, button] of this.toolButtons) button.setAttribute("aria-pressed", String(tool === this.tool));
  }

  // -- coordinates ------------------------------------------------------------------

  // The pointer in percent of the image (unclamped), with the image's box on screen.
  point(event) {
    const box = this.overlay.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * 100, y: ((event.clientY - box.top) / box.height) * 100, box };
  }

  // The viewport's width on screen (kept by a ResizeObserver: reading layout while redrawing is slow).
  shownWidth() {
    if (!this.viewWidth) this.viewWidth = this.viewport.clientWidth;
    return this.viewWidth || 1;
  }

  // Natural pixels per screen pixel.
  unit() {
    return this.width / (this.shownWidth() * this.zoom);
  }

  toPx(point) {
    return [(point.x / 100) * this.width, (point.y / 100) * this.height];
  }

  // -- zoom and pan -----------------------------------------------------------------

  zoomTo(zoom) {
    const box = this.viewport.getBoundingClientRect();
    this.zoomAt(box.left + box.width / 2, box.top + box.height / 2, zoom);
  }

  zoomAt(clientX, clientY, zoom) {
    if (!this.width) return;
    const box = this.viewport.getBoundingClientRect();
    const maxZoom = Math.max(8, (8 * this.width) / this.shownWidth());
    const next = clamp(zoom, this.minZoom, maxZoom);
    const ox = clientX - box.left;
    const oy = clientY - box.top;
    const sx = (ox - this.tx) / this.zoom;
    const sy = (oy - this.ty) / this.zoom;
    this.zoom = Math.abs(next - 1) < 1e-9 ? 1 : next;
    this.tx = ox - sx * this.zoom;
    this.ty = oy - sy * this.zoom;
    this.clampPan();
    this.applyView();
  }

  clampPan() {
    const vw = this.shownWidth();
    const vh = (vw * this.height) / this.width;
    if (this.zoom >= 1) {
      this.tx = clamp(this.tx, vw - vw * this.zoom, 0);
      this.ty = clamp(this.ty, vh - vh * this.zoom, 0);
    } else {
      this.tx = (vw - vw * this.zoom) / 2;
      this.ty = (vh - vh * this.zoom) / 2;
    }
  }

  applyView() {
    this.stage.style.width = `${this.zoom * 100}%`;
    this.stage.style.height = `${this.zoom * 100}%`;
    this.stage.style.transform = `translate(${this.tx}px, ${this.ty}px)`;
    this.element.dataset.zoom = String(this.zoom);
    if (this.zoomLabel) this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
    if (!this.width) return;
    const unit = this.unit();
    for (const circle of this.regionLayer.querySelectorAll("circle[data-size]")) {
      circle.setAttribute("r", this.keypointRadius(Number(circle.dataset.size), unit));
    }
    this.drawHandles();
    this.drawRelations();
    this.drawDrawing();
  }

  // A key point's radius in natural pixels: `width` percent of the displayed width, on screen.
  keypointRadius(size, unit) {
    return Math.max(((size / 100) * this.width) / this.zoom, 2.5 * unit);
  }

  onWheel(event) {
    if (!this.width) return;
    if (event.ctrlKey || event.metaKey) {
      if (!this.zoomable) return;
      event.preventDefault();
      if (!event.deltaY) return;
      this.zoomAt(event.clientX, event.clientY, this.zoom * (event.deltaY < 0 ? this.zoomBy : 1 / this.zoomBy));
    } else if (this.zoom > 1) {
      event.preventDefault();
      this.tx -= event.shiftKey && !event.deltaX ? event.deltaY : event.deltaX;
      this.ty -= event.shiftKey && !event.deltaX ? 0 : event.deltaY;
      this.clampPan();
      this.applyView();
    }
  }

  // -- reading regions --------------------------------------------------------------

  // A region's shape, the item holding its place, its colour and whether it may be edited.
  describe(items) {
    let main = null;
    let shape = null;
    for (const item of items) {
      shape = declaredShape(item);
      if (shape) { main = item; break; }
    }
    if (!main) {
      for (const item of items) {
        shape = inferredShape(item);
        if (shape) { main = item; break; }
      }
    }
    if (!main) return null;
    let color = null;
    for (const item of items) {
      const list = item.value && item.value[item.type];
      if (Array.isArray(list) && typeof list[0] === "string" && item.type !== "choices" && item.type !== "textarea") {
        color = this.labelColor(item.from_name, list[0]);
        break;
      }
    }
    const style = this.styleOf(main.from_name, shape);
    return { shape, main, color: color || style.stroke, style, readonly: items.some((item) => item.readonly === true) };
  }

  labelColor(control, value) {
    const key = `${control}\u0000${value}`;
    if (!this.styles.has(key)) this.styles.set(key, labelColor(this.ctx, control, value));
    return this.styles.get(key);
  }

  // Stroke and fill settings of the control that drew a region.
  styleOf(controlName, shape) {
    const key = `style\u0000${controlName}\u0000${shape}`;
    if (this.styles.has(key)) return this.styles.get(key);
    const control = this.ctx.node(controlName);
    const get = (name, fallback) => (control ? attr(control, name, fallback) : fallback);
    const opacity = Number(get("fillOpacity", get("opacity", shape === "keypoint" ? 0.9 : 0.2)));
    const style = {
      stroke: get("strokeColor", get("fillColor", DEFAULT_COLOR)),
      strokeWidth: Number(get("strokeWidth", DEFAULT_STROKE[shape])) || DEFAULT_STROKE[shape],
      fillOpacity: Number.isFinite(opacity) ? clamp(opacity, 0, 1) : 0.2,
      canRotate: control ? attr(control, "canRotate", "true") !== "false" : true,
    };
    if (shape === "keypoint") style.strokeWidth = 1;
    this.styles.set(key, style);
    return style;
  }

  // Redraw what changed since the last call.
  sync() {
    if (!this.width) return;
    const groups = new Map();
    for (const item of this.store.items) {
      if (item.type === "relation" || item.to_name !== this.name || item.id === undefined || item.id === null) continue;
      let group = groups.get(item.id);
      if (!group) groups.set(item.id, (group = []));
      group.push(item);
    }
    const unit = this.unit();
    const selected = this.store.selected;
    const seen = new Set();
    const order = [];
    for (const [id, items] of groups) {
      if (this.store.hidden.has(id)) continue;
      const sig = JSON.stringify(items) + (selected === id ? "*" : "");
      let entry = this.entries.get(id);
      if (entry && entry.sig === sig) {
        order.push(entry.el);
        seen.add(id);
        continue;
      }
      const region = this.describe(items);
      if (!region) continue;
      const patch = this.live && this.live.id === id ? this.live.patch : null;
      const drawn = this.drawRegion(id, region, patch, unit);
      if (entry) {
        if (entry.el.parentNode) entry.el.replaceWith(drawn.el);
        Object.assign(entry, drawn, { sig: patch ? null : sig, region });
      } else {
        entry = { ...drawn, sig: patch ? null : sig, region };
        this.entries.set(id, entry);
      }
      order.push(entry.el);
      seen.add(id);
    }
    for (const [id, entry] of this.entries) {
      if (!seen.has(id)) {
        entry.el.remove();
        this.entries.delete(id);
      }
    }
    const children = this.regionLayer.children;
    let same = children.length === order.length;
    for (let i = 0; same && i < order.length; i += 1) same = children[i] === order[i];
    if (!same) this.regionLayer.replaceChildren(...order);
    this.element.dataset.regions = String(order.length);
    this.drawHandles();
    this.drawRelations();
  }

  // The SVG of one region: {el, geom} with geom in natural pixels.
  drawRegion(id, region, patch, unit = this.unit()) {
    const value = patch ? { ...region.main.value, ...patch } : region.main.value;
    const geom = toPixels(region.shape, value, this.width, this.height);
    const { style, color } = region;
    const group = svg("g", {
      "data-region-id": id,
      "data-shape": region.shape,
      class: "lsd-image-region" + (this.store.selected === id ? " selected" : "") + (region.readonly ? " readonly" : ""),
    });
    const paint = { stroke: color, fill: color, "fill-opacity": style.fillOpacity, "stroke-width": style.strokeWidth };
    let shape;
    switch (region.shape) {
      case "rectangle":
        shape = svg("rect", { ...paint, x: geom.x, y: geom.y, width: Math.max(geom.w, 0), height: Math.max(geom.h, 0),
          transform: geom.r ? `rotate(${geom.r} ${geom.x} ${geom.y})` : null });
        break;
      case "polygon":
        shape = svg("polygon", { ...paint, points: geom.points.map((point) => point.join(",")).join(" ") });
        break;
      case "keypoint":
        shape = svg("circle", { ...paint, cx: geom.x, cy: geom.y, r: this.keypointRadius(geom.size, unit), "data-size": geom.size });
        break;
      default:
        shape = svg("ellipse", { ...paint, cx: geom.x, cy: geom.y, rx: Math.max(geom.rx, 0), ry: Math.max(geom.ry, 0),
          transform: geom.r ? `rotate(${geom.r} ${geom.x} ${geom.y})` : null });
    }
    group.append(shape);
    return { el: group, geom };
  }

  centreOf(id) {
    const entry = this.entries.get(id);
    return entry ? centreOf(entry.region.shape, entry.geom) : null;
  }

  // Edit handles of the selected region.
  drawHandles() {
    this.handleLayer.replaceChildren();
    const id = this.store.selected;
    const entry = id && this.entries.get(id);
    if (!entry || entry.region.readonly || this.mode.active) return;
    const g = entry.geom;
    const unit = this.unit();
    const s = HANDLE * unit;
    const square = (x, y, name) => svg("rect", { x: x - s, y: y - s, width: 2 * s, height: 2 * s, "data-handle": name,
      class: `lsd-handle lsd-handle-${name}` });
    const knob = (x, y, name) => svg("circle", { cx: x, cy: y, r: s * 1.25, "data-handle": name, class: `lsd-handle lsd-handle-${name}` });
    switch (entry.region.shape) {
      case "rectangle": {
        const group = svg("g", { transform: g.r ? `rotate(${g.r} ${g.x} ${g.y})` : null, "data-rotation": g.r });
        const { x, y, w, h } = g;
        if (entry.region.style.canRotate) {
          group.append(svg("line", { x1: x + w / 2, y1: y, x2: x + w / 2, y2: y - 24 * unit, class: "lsd-handle-stem" }),
            knob(x + w / 2, y - 24 * unit, "rotate"));
        }
        for (const [name, hx, hy] of [["nw", x, y], ["n", x + w / 2, y], ["ne", x + w, y], ["e", x + w, y + h / 2],
          ["se", x + w, y + h], ["s", x + w / 2, y + h], ["sw", x, y + h], ["w", x, y + h / 2]]) {
          group.append(square(hx, hy, name));
        }
        this.handleLayer.append(group);
        break;
      }
      case "polygon":
        g.points.forEach(([x, y], index) => this.handleLayer.append(knob(x, y, `p${index}`)));
        break;
      case "ellipse": {
        const group = svg("g", { transform: g.r ? `rotate(${g.r} ${g.x} ${g.y})` : null });
        if (entry.region.style.canRotate) {
          group.append(svg("line", { x1: g.x, y1: g.y - g.ry, x2: g.x, y2: g.y - g.ry - 24 * unit, class: "lsd-handle-stem" }),
            knob(g.x, g.y - g.ry - 24 * unit, "rotate"));
        }
        group.append(square(g.x + g.rx, g.y, "rx"), square(g.x - g.rx, g.y, "rx"),
          square(g.x, g.y + g.ry, "ry"), square(g.x, g.y - g.ry, "ry"));
        this.handleLayer.append(group);
        break;
      }
      default:
        break;
    }
  }

  // Arrows between the centres of related regions drawn on this image.
  drawRelations() {
    this.relationLayer.replaceChildren();
    if (!this.width) return;
    const unit = this.unit();
    for (const relation of this.store.relations()) {
      const from = this.centreOf(relation.from_id);
      const to = this.centreOf(relation.to_id);
      if (!from || !to) continue;
      const group = svg("g", { class: "lsd-image-arrow" + (this.mode.highlighted === relation ? " highlighted" : ""),
        "data-from": relation.from_id, "data-to": relation.to_id, "data-direction": relation.direction || "right" });
      group.append(svg("line", { x1: from[0], y1: from[1], x2: to[0], y2: to[1] }));
      const direction = relation.direction || "right";
      if (direction === "right" || direction === "bi") group.append(arrowHead(from, to, unit));
      if (direction === "left" || direction === "bi") group.append(arrowHead(to, from, unit));
      const caption = relationCaption(relation);
      if (caption) {
        const text = svg("text", { x: (from[0] + to[0]) / 2, y: (from[1] + to[1]) / 2 - 4 * unit, "font-size": 12 * unit,
          "text-anchor": "middle" });
        text.textContent = caption;
        group.append(text);
      }
      this.relationLayer.append(group);
    }
    // The source of a relation being made.
    if (this.mode.active && this.entries.has(this.mode.from)) {
      const [x, y] = this.centreOf(this.mode.from);
      this.relationLayer.append(svg("circle", { cx: x, cy: y, r: 6 * unit, class: "lsd-image-relation-source" }));
    }
  }

  // The shape being drawn: a polygon's points so far, or the box of a drag.
  drawDrawing() {
    this.drawingLayer.replaceChildren();
    if (!this.width) return;
    const unit = this.unit();
    const toPx = (point) => this.toPx(point);
    if (this.drawing) {
      const points = this.drawing.points.map(([x, y]) => toPx({ x, y }));
      const cursor = this.drawing.cursor ? toPx(clampPoint(this.drawing.cursor)) : null;
      const path = cursor ? [...points, cursor] : points;
      const color = this.drawing.color;
      this.drawingLayer.append(svg("polyline", { points: path.map((p) => p.join(",")).join(" "), stroke: color,
        fill: color, "fill-opacity": 0.15, class: "lsd-drawing-line" }));
      points.forEach(([x, y], index) => this.drawingLayer.append(svg("circle", { cx: x, cy: y, r: (index ? 3 : 5) * unit,
        stroke: color, class: index ? "lsd-drawing-point" : "lsd-drawing-point lsd-drawing-first" })));
      return;
    }
    const g = this.gesture;
    if (!g || g.type !== "draw" || !g.moved) return;
    const [sx, sy] = toPx(clampPoint(g.start));
    const [ex, ey] = toPx(clampPoint(g.end));
    const paint = { stroke: g.color, fill: g.color, "fill-opacity": 0.15, class: "lsd-drawing-shape" };
    if (g.plan.shape === "rectangle") {
      this.drawingLayer.append(svg("rect", { ...paint, x: Math.min(sx, ex), y: Math.min(sy, ey), width: Math.abs(ex - sx),
        height: Math.abs(ey - sy) }));
    } else if (g.plan.shape === "ellipse") {
      this.drawingLayer.append(svg("ellipse", { ...paint, cx: sx, cy: sy, rx: Math.abs(ex - sx), ry: Math.abs(ey - sy) }));
    }
  }

  // -- what a new region would be --------------------------------------------------------

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
  }

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
  }

  // Add the items of a new region: one per target control, all with one id.
  createRegion(plan, place) {
    const id = newRegionId();
    const items = plan.targets.map(({ control, type, labels }) => ({
      id,
      from_name: control.attrs.name,
      to_name: this.name,
      type,
      original_width: this.width,
      original_height: this.height,
      image_rotation: 0,
      value: { ...copy(place), ...(labels ? { [type]: [...labels] } : {}) },
    }));
    this.store.change(() => this.store.add(...items));
    return id;
  }

  // Write a gesture's geometry to every item of the region that carries the region's place.
  commit(id, patch) {
    const { width, height } = this;
    this.store.change(() => this.store.updateRegion(id, (item) => {
      if (item.to_name !== this.name || !declaredShape(item) && !inferredShape(item)) return;
      for (const [key, value] of Object.entries(patch)) item.value[key] = copy(value);
      if (!("original_width" in item)) item.original_width = width;
      if (!("original_height" in item)) item.original_height = height;
      if (!("image_rotation" in item)) item.image_rotation = 0;
      if (item.origin === "prediction") item.origin = "prediction-changed";
    }));
  }

  // -- pointer gestures -------------------------------------------------------------

  begin(event, gesture) {
    this.gesture = { x: event.clientX, y: event.clientY, moved: false, ...gesture };
    try {
      this.viewport.setPointerCapture(event.pointerId);
    } catch {
      // a synthetic event without a live pointer: the gesture still works inside the image
    }
  }

  editable(entry) {
    return entry && !entry.region.readonly;
  }

  onPointerDown(event) {
    if (!this.width) return;
    if (this.gesture) this.cancelGesture();
    // Keys go to the image now, not to a field typed in before.
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && isTyping({ target: focused })) focused.blur();
    this.noticeArming();
    const pan = event.button === 1 || (event.button === 0 && (this.tool === "pan" || (event.shiftKey && this.zoom !== 1)));
    if (pan) {
      event.preventDefault();
      this.begin(event, { type: "pan", tx: this.tx, ty: this.ty });
      return;
    }
    if (event.button !== 0) return;
    event.preventDefault();
    const point = this.point(event);
    if (this.drawing) {
      this.polygonClick(point);
      return;
    }
    const target = event.target instanceof Element ? event.target : null;
    const handle = target && target.closest("[data-handle]");
    const regionElement = target && target.closest("[data-region-id]");
    const id = regionElement ? regionElement.dataset.regionId : null;
    const entry = id ? this.entries.get(id) : null;
    if (handle && this.store.selected && this.editable(this.entries.get(this.store.selected))) {
      this.beginHandle(event, this.store.selected, handle.dataset.handle, point);
      return;
    }
    if (this.mode.active) {
      if (id) this.store.select(id);
      return;
    }
    if (entry && this.store.selected === id) {
      this.beginMove(event, id, point);
      return;
    }
    const plan = this.plan();
    if (plan) {
      if (entry && entry.region.shape === plan.shape && (plan.shape === "keypoint" || plan.shape === "polygon")) {
        this.store.select(id);
        this.beginMove(event, id, point);
      } else if (plan.shape === "polygon") {
        this.drawing = { plan, color: plan.color, points: [], cursor: point };
        this.polygonClick(point);
      } else {
        this.begin(event, { type: "draw", plan, color: plan.color, start: point, end: point, target: id });
      }
      return;
    }
    if (entry) {
      this.store.select(id);
      this.beginMove(event, id, point);
      return;
    }
    this.begin(event, { type: "click", tx: this.tx, ty: this.ty });
  }

  beginMove(event, id, point) {
    const entry = this.entries.get(id);
    if (!this.editable(entry)) return;
    this.begin(event, { type: "move", id, start: point, value: copy(entry.region.main.value), shape: entry.region.shape });
  }

  beginHandle(event, id, handle, point) {
    const entry = this.entries.get(id);
    const value = copy(entry.region.main.value);
    const gesture = { type: "handle", id, handle, start: point, value, shape: entry.region.shape };
    if (handle === "rotate") {
      const pivot = [entry.geom.x, entry.geom.y]; // a rectangle's top-left corner, an ellipse's centre
      const [px, py] = this.toPx(point);
      gesture.pivot = pivot;
      gesture.startAngle = (Math.atan2(py - pivot[1], px - pivot[0]) * 180) / Math.PI;
      gesture.startRotation = Number(value.rotation) || 0;
    }
    this.begin(event, gesture);
  }

  onPointerMove(event) {
    const g = this.gesture;
    if (!g) {
      if (this.drawing) {
        this.drawing.cursor = this.point(event);
        this.drawDrawing();
      }
      return;
    }
    if (!g.moved && Math.hypot(event.clientX - g.x, event.clientY - g.y) > (g.type === "move" || g.type === "handle" ? 0 : CLICK_SLOP)) {
      g.moved = true;
    }
    if (g.type === "click" && g.moved && this.zoom !== 1) g.type = "pan";
    switch (g.type) {
      case "pan":
        this.tx = g.tx + (event.clientX - g.x);
        this.ty = g.ty + (event.clientY - g.y);
        this.clampPan();
        this.applyView();
        break;
      case "move":
      case "handle": {
        if (!g.moved) return;
        const point = this.point(event);
        const patch = g.type === "move" ? this.movePatch(g, point) : this.handlePatch(g, point, event.shiftKey);
        if (!patch) return;
        this.live = { id: g.id, patch };
        this.redrawLive();
        break;
      }
      case "draw":
        g.end = this.point(event);
        this.drawDrawing();
        break;
      default:
        break;
    }
  }

  onPointerUp(event) {
    const g = this.gesture;
    if (!g) return;
    this.gesture = null;
    switch (g.type) {
      case "move":
      case "handle": {
        const live = this.live;
        this.live = null;
        if (live && g.moved && changes(g.value, live.patch)) this.commit(g.id, live.patch);
        else this.sync();
        break;
      }
      case "draw":
        this.drawingLayer.replaceChildren();
        if (g.plan.shape === "keypoint") {
          const at = clampPoint(g.start);
          const size = Number(attr(g.plan.targets[0].control, "strokeWidth", 2)) || 2;
          this.createRegion(g.plan, { x: at.x, y: at.y, width: (size / this.shownWidth()) * 100 });
        } else if (!g.moved) {
          this.store.select(g.target || null);
        } else {
          this.createDragged(g.plan, clampPoint(g.start), clampPoint(this.point(event)));
        }
        break;
      case "click":
        if (!g.moved) this.store.select(null);
        break;
      default:
        break;
    }
  }

  cancelGesture() {
    this.gesture = null;
    this.live = null;
    this.drawingLayer.replaceChildren();
    this.sync();
  }

  // A rectangle or ellipse from a drag; nothing when it has no area.
  createDragged(plan, start, end) {
    if (plan.shape === "rectangle") {
      const width = Math.abs(end.x - start.x);
      const height = Math.abs(end.y - start.y);
      if (!(width > 0 && height > 0)) return;
      this.createRegion(plan, { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), width, height, rotation: 0 });
    } else if (plan.shape === "ellipse") {
      const radiusX = Math.abs(end.x - start.x);
      const radiusY = Math.abs(end.y - start.y);
      if (!(radiusX > 0 && radiusY > 0)) return;
      this.createRegion(plan, { x: start.x, y: start.y, radiusX, radiusY, rotation: 0 });
    }
  }

  redrawLive() {
    const entry = this.entries.get(this.live.id);
    if (!entry) return;
    const drawn = this.drawRegion(this.live.id, entry.region, this.live.patch);
    entry.el.replaceWith(drawn.el);
    entry.el = drawn.el;
    entry.geom = drawn.geom;
    entry.sig = null;
    this.drawHandles();
    this.drawRelations();
  }

  // The value keys a drag of the whole region changes, kept inside the image where the shape allows.
  movePatch(g, point) {
    const v = g.value;
    let dx = point.x - g.start.x;
    let dy = point.y - g.start.y;
    const keep = (low, high, delta) => clamp(delta, Math.min(0, low), Math.max(0, high));
    switch (g.shape) {
      case "rectangle":
        if (!Number(v.rotation)) {
          dx = keep(-v.x, 100 - v.width - v.x, dx);
          dy = keep(-v.y, 100 - v.height - v.y, dy);
        }
        return { x: v.x + dx, y: v.y + dy };
      case "polygon": {
        const xs = v.points.map((p) => p[0]);
        const ys = v.points.map((p) => p[1]);
        dx = keep(-Math.min(...xs), 100 - Math.max(...xs), dx);
        dy = keep(-Math.min(...ys), 100 - Math.max(...ys), dy);
        return { points: v.points.map((p) => [p[0] + dx, p[1] + dy, ...p.slice(2)]) };
      }
      default:
        return { x: clamp(v.x + dx, 0, 100), y: clamp(v.y + dy, 0, 100) };
    }
  }

  // The value keys a handle drag changes.
  handlePatch(g, point, snap) {
    const v = g.value;
    if (g.handle === "rotate") {
      const [px, py] = this.toPx(point);
      const angle = (Math.atan2(py - g.pivot[1], px - g.pivot[0]) * 180) / Math.PI;
      let rotation = g.startRotation + angle - g.startAngle;
      if (snap) rotation = Math.round(rotation / 15) * 15;
      return { rotation: normalizeDegrees(rotation) };
    }
    if (g.shape === "polygon") {
      const index = Number(g.handle.slice(1));
      const at = clampPoint(point);
      return { points: v.points.map((p, i) => (i === index ? [at.x, at.y, ...p.slice(2)] : p)) };
    }
    if (g.shape === "ellipse") {
      const centre = [(v.x / 100) * this.width, (v.y / 100) * this.height];
      const [px, py] = this.toPx(point);
      const [lx, ly] = rotate([px - centre[0], py - centre[1]], -(Number(v.rotation) || 0));
      if (g.handle === "rx") return Math.abs(lx) > 0 ? { radiusX: (Math.abs(lx) / this.width) * 100 } : null;
      return Math.abs(ly) > 0 ? { radiusY: (Math.abs(ly) / this.height) * 100 } : null;
    }
    return this.resizePatch(v, g.handle, point);
  }

  // A rectangle resized by a corner or edge handle; the opposite corner or edge stays put.
  resizePatch(v, handle, point) {
    const west = handle.includes("w");
    const east = handle.includes("e");
    const north = handle.includes("n");
    const south = handle.includes("s");
    const rotation = Number(v.rotation) || 0;
    const patch = {};
    if (!rotation) {
      const at = clampPoint(point);
      if (west || east) {
        let x0 = west ? at.x : v.x;
        let x1 = east ? at.x : v.x + v.width;
        if (x0 > x1) [x0, x1] = [x1, x0];
        if (!(x1 - x0 > 0)) return null;
        patch.x = x0;
        patch.width = x1 - x0;
      }
      if (north || south) {
        let y0 = north ? at.y : v.y;
        let y1 = south ? at.y : v.y + v.height;
        if (y0 > y1) [y0, y1] = [y1, y0];
        if (!(y1 - y0 > 0)) return null;
        patch.y = y0;
        patch.height = y1 - y0;
      }
      return patch;
    }
    // Rotated: work in the box's own frame, in natural pixels.
    const { width: W, height: H } = this;
    const corner = [(v.x / 100) * W, (v.y / 100) * H];
    const [px, py] = this.toPx(point);
    const [lx, ly] = rotate([px - corner[0], py - corner[1]], -rotation);
    let x0 = 0;
    let x1 = (v.width / 100) * W;
    let y0 = 0;
    let y1 = (v.height / 100) * H;
    if (west) x0 = lx;
    if (east) x1 = lx;
    if (north) y0 = ly;
    if (south) y1 = ly;
    if (x0 > x1) [x0, x1] = [x1, x0];
    if (y0 > y1) [y0, y1] = [y1, y0];
    if (!(x1 - x0 > 0 && y1 - y0 > 0)) return null;
    if (x0 || y0) {
      const [ox, oy] = rotate([x0, y0], rotation);
      patch.x = ((corner[0] + ox) / W) * 100;
      patch.y = ((corner[1] + oy) / H) * 100;
    }
    if (west || east) patch.width = ((x1 - x0) / W) * 100;
    if (north || south) patch.height = ((y1 - y0) / H) * 100;
    return patch;
  }

  // -- polygons -------------------------------------------------------------------------

  polygonClick(point) {
    const d = this.drawing;
    const at = clampPoint(point);
    if (d.points.length >= 3) {
      const [fx, fy] = d.points[0];
      const distance = Math.hypot(((at.x - fx) / 100) * point.box.width, ((at.y - fy) / 100) * point.box.height);
      if (distance <= CLOSE_DISTANCE) {
        this.finishPolygon();
        return;
      }
    }
    const last = d.points[d.points.length - 1];
    if (last && last[0] === at.x && last[1] === at.y) return;
    d.points.push([at.x, at.y]);
    d.cursor = point;
    this.drawDrawing();
  }

  finishPolygon() {
    const d = this.drawing;
    this.drawing = null;
    this.drawingLayer.replaceChildren();
    if (d && d.points.length >= 3) this.createRegion(d.plan, { points: d.points });
  }

  cancelDrawing() {
    this.drawing = null;
    this.drawingLayer.replaceChildren();
  }

  // Keys of a polygon being drawn: enter closes it, escape drops it, backspace or ctrl+z takes back a point.
  onKey(event) {
    if (!this.drawing || isTyping(event)) return;
    const key = event.key;
    const undo = (event.ctrlKey || event.metaKey) && key.toLowerCase() === "z" && !event.shiftKey;
    if (key === "Enter") this.finishPolygon();
    else if (key === "Escape") this.cancelDrawing();
    else if (key === "Backspace" || undo) {
      this.drawing.points.pop();
      if (!this.drawing.points.length) this.cancelDrawing();
      else this.drawDrawing();
    } else return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}

function clampPoint(point) {
  return { x: clamp(point.x, 0, 100), y: clamp(point.y, 0, 100) };
}

// Whether a patch changes any value it names.
function changes(value, patch) {
  return Object.entries(patch).some(([key, next]) => JSON.stringify(value[key]) !== JSON.stringify(next));
}

// A filled triangle at `to`, pointing away from `from`.
function arrowHead(from, to, unit) {
  const length = Math.hypot(to[0] - from[0], to[1] - from[1]) || 1;
  const ux = (to[0] - from[0]) / length;
  const uy = (to[1] - from[1]) / length;
  const size = 10 * unit;
  const base = [to[0] - ux * size, to[1] - uy * size];
  const points = [to, [base[0] - uy * size * 0.5, base[1] + ux * size * 0.5], [base[0] + uy * size * 0.5, base[1] - ux * size * 0.5]];
  return svg("polygon", { points: points.map((p) => p.join(",")).join(" "), class: "lsd-image-arrowhead" });
}
