// Brush masks on an image (BrushLabels, Brush): painted and erased stroke by stroke on the image's own
// pixel grid; each stroke is one change of the region's RLE (one undo step). A stroke goes into the
// selected mask, else into the mask of the armed labels (each label's mask is one region), else a new one.
// The eraser (e) clears from the selected mask, or from every shown one; [ and ] change the brush size.

import { BrushLayer } from "../brush-layer.js";
import { EMPTY, paintSegment, union } from "../brush-mask.js";
import { encodeMask } from "../rle.js";
import { svg } from "../image-svg.js";

const SIZES = [1, 2, 3, 5, 8, 10, 15, 20, 30, 40, 60, 80, 120, 160, 240];

// The image's brush layer, made when the first mask is drawn or loaded (the image has its size then),
// and made again when the view shows a picture of another size.
function layerOf(view) {
  if (view.brush && (view.brush.width !== view.width || view.brush.height !== view.height)) {
    view.brush.canvas.remove();
    view.brush = null;
  }
  if (!view.brush) view.brush = new BrushLayer(view);
  return view.brush;
}

// The brush tool's size (diameter in natural pixels) and whether it erases, kept per image.
function settingsOf(view) {
  if (!view.brushTool) view.brushTool = { size: 10, erasing: false };
  return view.brushTool;
}

// The natural pixel under a point given in percent (outside the image when the pointer is).
function pixelOf(view, point) {
  return [Math.floor((point.x / 100) * view.width), Math.floor((point.y / 100) * view.height)];
}

const isBrush = (entry) => entry && entry.region.shape === "brush";

export default {
  name: "brush",
  key: "b",
  title: "Brush",
  strokeWidth: 1,
  fillOpacity: 0.6,

  // An RLE shorter than its 53-bit header holds no mask.
  fits: (value) => Array.isArray(value.rle) && value.rle.length >= 7,
  hasKeys: (value) => "rle" in value,

  // The geometry is the decoded mask, filled in by draw(), which knows the region.
  toPixels: (value) => ({ rle: value.rle, bounds: EMPTY }),
  centre: (g) => [(g.bounds.x0 + g.bounds.x1) / 2, (g.bounds.y0 + g.bounds.y1) / 2],
  captionAt: (g) => [g.bounds.x0, g.bounds.y0],

  // Masks are painted on the brush canvas (afterSync); the SVG only carries the region's caption.
  draw(geom, paint, view, unit, id) {
    const mask = layerOf(view).maskFor(id, geom.rle);
    geom.bounds = mask.bounds;
    return svg("g", { class: "lsd-brush-region" });
  },

  // Show the masks of the regions drawn now, in their order, hidden ones left out.
  afterSync(view) {
    const entries = [...view.entries].filter(([, entry]) => isBrush(entry));
    if (!entries.length && !view.brush) return;
    const layer = layerOf(view);
    for (const id of layer.masks.keys()) if (!view.entries.has(id)) layer.forget(id);
    layer.show(entries.map(([id, entry]) => layer.layer(id, layer.masks.get(id) || layer.maskFor(id, entry.region.main.value.rle),
      entry.region.color, entry.region.style.fillOpacity, view.store.selected === id)));
  },

  handles: () => [],
  movePatch: () => null,

  // The region under a point: a mask pixel there, topmost first.
  regionAt(view, point) {
    return view.brush ? view.brush.regionAt(...pixelOf(view, point)) : null;
  },

  // A press with the brush tool starts a stroke; false when there is nothing to paint into.
  press(view, event, point) {
    const layer = layerOf(view);
    const { erasing, size } = settingsOf(view);
    const selected = view.entries.get(view.store.selected);
    const own = isBrush(selected) && !selected.region.readonly ? [view.store.selected] : null;
    let targets;
    let plan = null;
    if (erasing) {
      targets = own || [...view.entries].filter(([, e]) => isBrush(e) && !e.region.readonly).map(([id]) => id);
    } else if (own) {
      targets = own;
    } else {
      plan = view.plan();
      if (!plan) return false;
      const existing = labelledRegion(view, plan);
      targets = existing ? [existing] : [];
    }
    const masks = targets.map((id) => ({ id, mask: view.entries.get(id) && layer.masks.get(id) })).filter((t) => t.mask);
    if (!masks.length && !plan) return false;
    if (!masks.length) {
      // A new region: its mask is painted as a layer of its own until the stroke ends.
      const fresh = { rle: null, alpha: new Uint8Array(view.width * view.height), bounds: EMPTY };
      layer.layers = [...layer.layers, layer.layer(null, fresh, plan.color, view.styleOf(plan.targets[0].control.attrs.name, "brush").fillOpacity, false)];
      masks.push({ id: null, mask: fresh });
    }
    view.begin(event, { type: "tool", shape: "brush", plan, masks, value: erasing ? 0 : 255, size, last: null, changed: new Set() });
    paintTo(view, view.gesture, pixelOf(view, point));
    return true;
  },

  // Each pointer position (the coalesced ones too) extends the stroke. The image's box on screen is
  // read again only when the view zoomed or panned (reading it after the cursor moved costs a layout).
  move(view, g, event) {
    const place = `${view.zoom} ${view.tx} ${view.ty}`;
    if (g.place !== place) {
      g.box = view.overlay.getBoundingClientRect();
      g.place = place;
    }
    const { box } = g;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const each of events.length ? events : [event]) {
      const point = { x: ((each.clientX - box.left) / box.width) * 100, y: ((each.clientY - box.top) / box.height) * 100 };
      paintTo(view, g, pixelOf(view, point));
    }
    drawCursor(view, g.last, g.size);
  },

  // The stroke's end: one change writes the RLE of every mask it changed.
  release(view, g) {
    const layer = view.brush;
    if (!g.changed.size) {
      layer.layers = layer.layers.filter((shown) => shown.id !== null);
      return;
    }
    const rle = (mask) => {
      mask.rle = encodeMask(mask.alpha, view.width, mask.bounds);
      return mask.rle;
    };
    const fresh = g.masks.find((target) => target.id === null);
    if (fresh) {
      layer.layers = layer.layers.filter((shown) => shown.id !== null);
      layer.pending = fresh.mask;
      view.createRegion(g.plan, { format: "rle", rle: rle(fresh.mask) });
      return;
    }
    view.store.change(() => {
      for (const { id, mask } of g.masks) if (g.changed.has(id)) view.commit(id, { format: "rle", rle: rle(mask) });
    });
  },

  // A stroke given up: its masks are decoded again from the result.
  cancel(view, g) {
    const layer = view.brush;
    layer.layers = layer.layers.filter((shown) => shown.id !== null);
    let painted = EMPTY;
    for (const { id, mask } of g.masks) {
      painted = union(painted, mask.bounds);
      if (id === null) continue;
      layer.forget(id);
      const entry = view.entries.get(id);
      if (entry) entry.sig = null;
    }
    view.drawingLayer.replaceChildren();
    view.sync();
    layer.compose(painted);
  },

  // The brush outline under the pointer.
  hover(view, point) {
    drawCursor(view, pixelOf(view, point), settingsOf(view).size);
  },

  // The eraser switch and the size, after the tool buttons.
  toolbar(view) {
    const settings = settingsOf(view);
    const eraser = document.createElement("button");
    eraser.type = "button";
    eraser.className = "lsd-image-tool lsd-brush-eraser";
    eraser.textContent = "Eraser";
    const size = document.createElement("span");
    size.className = "lsd-brush-size";
    view.showBrush = () => {
      eraser.setAttribute("aria-pressed", String(settings.erasing && view.tool === "brush"));
      size.textContent = `Size ${settings.size}px`;
    };
    const keys = document.createElement("span");
    keys.className = "lsd-brush-keys";
    eraser.addEventListener("click", () => toggleEraser(view));
    view.showBrush();
    return [eraser, size, keys];
  },

  // The keys, each shown beside its control (when no label took it).
  registerKeys(view, hotkeys) {
    const keys = [["e", "Eraser on/off", () => toggleEraser(view), ".lsd-brush-eraser"],
      ["[", "Smaller brush", () => resize(view, -1), ".lsd-brush-keys"], ["]", "Larger brush", () => resize(view, 1), ".lsd-brush-keys"]];
    for (const [key, title, action, control] of keys) {
      if (hotkeys.used.has(key)) continue;
      hotkeys.add(key, `${title} (${view.name})`, action);
      const hint = document.createElement("kbd");
      hint.textContent = key;
      view.toolbar.querySelector(control).append(" ", hint);
    }
  },
};

// The mask the plan would make again: the region with an item of each of the plan's controls, and no
// other, carrying the armed labels.
function labelledRegion(view, plan) {
  const labelsOf = (item, type) => JSON.stringify((item.value && item.value[type]) || null);
  for (const [id, entry] of view.entries) {
    if (!isBrush(entry) || entry.region.readonly) continue;
    const items = view.store.region(id);
    const matches = items.length === plan.targets.length && plan.targets.every(({ control, type, labels }) => {
      const own = items.find((item) => item.from_name === control.attrs.name);
      return own && labelsOf(own, type) === JSON.stringify(labels || null);
    });
    if (matches) return id;
  }
  return null;
}

// Paint (or erase) from the stroke's last pixel to `pixel` in every mask of the stroke, and redraw them.
function paintTo(view, g, pixel) {
  const layer = view.brush;
  let dirty = EMPTY;
  for (const target of g.masks) {
    const clip = g.value ? null : target.mask.bounds;
    const { rect, changed } = paintSegment(target.mask.alpha, view.width, view.height, g.last || pixel, pixel, g.size, g.value, clip);
    if (!changed) continue;
    g.changed.add(target.id);
    if (g.value) target.mask.bounds = union(target.mask.bounds, rect);
    for (const shown of layer.layers) if (shown.alpha === target.mask.alpha) shown.bounds = target.mask.bounds;
    dirty = union(dirty, rect);
  }
  g.last = pixel;
  layer.compose(dirty);
}

function toggleEraser(view) {
  const settings = settingsOf(view);
  settings.erasing = !(settings.erasing && view.tool === "brush");
  view.setTool("brush");
  view.showBrush();
}

function resize(view, step) {
  const settings = settingsOf(view);
  const at = SIZES.findIndex((size) => size >= settings.size);
  settings.size = SIZES[Math.max(0, Math.min(SIZES.length - 1, (at < 0 ? SIZES.length - 1 : at) + step))];
  view.showBrush();
}

function drawCursor(view, [x, y], size) {
  view.drawingLayer.replaceChildren(svg("circle", { cx: x + 0.5, cy: y + 0.5, r: Math.max(size / 2, 0.5),
    class: "lsd-brush-cursor" + (settingsOf(view).erasing ? " erasing" : "") }));
}
