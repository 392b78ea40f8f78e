// The Image tag's view: the picture, its regions drawn in SVG, the drawing and editing tools, zoom and pan.
//
// Regions are read from the result items whose to_name is this image (a region = the items sharing
// an id) and redrawn only when their items change. Geometry is edited in percent of the natural
// size and written with one store.change() per gesture, so each gesture is one undo step.
// This module keeps the shell and dispatches gestures; each shape (shapes/) draws, edits and
// creates its regions; image-drawing.js draws them, image-tools.js holds the toolbar and what a new
// region would be, image-loading.js loads the picture, image-zoom.js zooms and pans.

import { attr, flag } from "./config.js";
import { isTyping } from "./hotkeys.js";
import { newRegionId } from "./store.js";
import { clamp, normalizeDegrees } from "./image-geometry.js";
import { regionDrawing } from "./image-drawing.js";
import { imageLoading } from "./image-loading.js";
import { imagePages } from "./image-pages.js";
import { relationMode, relationsNode, renderRelationList } from "./image-relations.js";
import { svg } from "./image-svg.js";
import { BARE, LABELED, SHAPES, declaredShape, inferredShape, regionAt } from "./image-shapes.js";
import { tools } from "./image-tools.js";
import { zoomAndPan } from "./image-zoom.js";

const CLICK_SLOP = 3; // screen pixels a click may wander before it counts as a drag

const tagOf = (node) => node.tag.toLowerCase();
const copy = (value) => JSON.parse(JSON.stringify(value));

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
    this.drawing = null; // a shape drawn click by click (a polygon), unfinished
    this.loads = 0; // load() calls so far
    this.armedSeen = new Map();
    this.styles = new Map();
    this.mode = relationMode(ctx);
    for (const item of this.store.items) {
      if (item.to_name === this.name && item.id && item.hidden === true) this.store.hidden.add(item.id);
    }
    this.setUpPages();
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
    root.append(this.buildToolbar(), this.buildViewport(), ...this.buildPager());
    this.showTool();
    // Without a <Relations> tag, relations loaded from results are listed under the first image.
    if (!relationsNode(this.ctx.root) && this.isFirstImage()) root.append(renderRelationList(this.ctx, null));
    this.listen();
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
    const resize = new ResizeObserver(([entry]) => this.measured(entry.contentRect.width));
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

  // -- coordinates ------------------------------------------------------------------

  // The pointer in percent of the image (unclamped), with the image's box on screen.
  point(event) {
    const box = this.overlay.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * 100, y: ((event.clientY - box.top) / box.height) * 100, box };
  }

  // Natural pixels per screen pixel.
  unit() {
    return this.width / (this.shownWidth() * this.zoom);
  }

  toPx(point) {
    return [(point.x / 100) * this.width, (point.y / 100) * this.height];
  }

  // -- writing regions --------------------------------------------------------------

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
      ...this.pageFields(),
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
      SHAPES[this.drawing.plan.shape].click(this, point);
      return;
    }
    const target = event.target instanceof Element ? event.target : null;
    const handle = target && target.closest("[data-handle]");
    const regionElement = target && target.closest("[data-region-id]");
    const id = regionElement ? regionElement.dataset.regionId : regionAt(this, point);
    const entry = id ? this.entries.get(id) : null;
    if (handle && this.store.selected && this.editable(this.entries.get(this.store.selected))) {
      this.beginHandle(event, this.store.selected, handle.dataset.handle, point);
      return;
    }
    if (this.mode.active) {
      if (id) this.store.select(id);
      return;
    }
    const tool = SHAPES[this.tool];
    if (tool && tool.press && tool.press(this, event, point)) return;
    if (entry && this.store.selected === id) {
      this.beginMove(event, id, point);
      return;
    }
    const plan = this.plan();
    if (plan) {
      const shape = SHAPES[plan.shape];
      if (entry && entry.region.shape === plan.shape && shape.pressEditsSame) {
        this.store.select(id);
        this.beginMove(event, id, point);
      } else {
        shape.beginCreate(this, event, plan, point, id);
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
      } else if (SHAPES[this.tool] && SHAPES[this.tool].hover && this.width) {
        SHAPES[this.tool].hover(this, this.point(event));
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
      case "tool":
        SHAPES[g.shape].move(this, g, event);
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
        SHAPES[g.plan.shape].endDrag(this, g, event);
        break;
      case "click":
        if (!g.moved) this.store.select(null);
        break;
      case "tool":
        SHAPES[g.shape].release(this, g, event);
        break;
      default:
        break;
    }
  }

  cancelGesture() {
    const g = this.gesture;
    if (g && g.type === "tool") SHAPES[g.shape].cancel(this, g);
    this.gesture = null;
    this.live = null;
    this.drawingLayer.replaceChildren();
    this.sync();
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
    const keep = (low, high, delta) => clamp(delta, Math.min(0, low), Math.max(0, high));
    return SHAPES[g.shape].movePatch(g.value, point.x - g.start.x, point.y - g.start.y, keep);
  }

  // The value keys a handle drag changes: a rotation knob turns any shape, other handles are the shape's.
  handlePatch(g, point, snap) {
    if (g.handle === "rotate") {
      const [px, py] = this.toPx(point);
      const angle = (Math.atan2(py - g.pivot[1], px - g.pivot[0]) * 180) / Math.PI;
      let rotation = g.startRotation + angle - g.startAngle;
      if (snap) rotation = Math.round(rotation / 15) * 15;
      return { rotation: normalizeDegrees(rotation) };
    }
    return SHAPES[g.shape].handlePatch(this, g, point);
  }

  // -- a shape drawn click by click ------------------------------------------------------

  cancelDrawing() {
    this.drawing = null;
    this.drawingLayer.replaceChildren();
  }

  // Keys of a shape being drawn (a polygon's enter, escape, backspace) go to its shape.
  onKey(event) {
    if (!this.drawing || isTyping(event)) return;
    SHAPES[this.drawing.plan.shape].onKey(this, event);
  }
}

Object.assign(ImageView.prototype, tools, imageLoading, regionDrawing, zoomAndPan, imagePages);

// Whether a patch changes any value it names.
function changes(value, patch) {
  return Object.entries(patch).some(([key, next]) => JSON.stringify(value[key]) !== JSON.stringify(next));
}
