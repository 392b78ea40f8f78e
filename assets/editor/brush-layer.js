// The brush masks of one image, decoded and drawn: a canvas at the image's natural size over the
// picture, holding every shown mask in its label's colour and opacity. Only the pixels a change
// touches are composed again (a stroke redraws the few hundred pixels under the brush).

import { decodeMask } from "./rle.js";
import { EMPTY, intersect, isEmpty, union } from "./brush-mask.js";

const SELECTED_BOOST = 0.25; // a selected mask is drawn this much more opaque

export class BrushLayer {
  constructor(view) {
    this.view = view;
    this.width = view.width;
    this.height = view.height;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "lsd-image-brush";
    this.canvas.width = this.width;
    this.canvas.height = this.height;
    this.context = this.canvas.getContext("2d");
    this.pixels = this.context.createImageData(this.width, this.height);
    view.stage.insertBefore(this.canvas, view.overlay);
    this.masks = new Map(); // region id → {rle, alpha, bounds}: the decoded RLE of its items
    this.pending = null; // a mask painted for a region not made yet: {rle, alpha, bounds}
    this.layers = []; // what the canvas shows, bottom first: {id, alpha, bounds, rgb, opacity}
    this.colors = new Map();
  }

  // The decoded mask of a region's RLE, decoded again only when the RLE changed.
  maskFor(id, rle) {
    const known = this.masks.get(id);
    if (known && sameBytes(known.rle, rle)) return known;
    let mask;
    if (this.pending && sameBytes(this.pending.rle, rle)) {
      mask = this.pending;
      this.pending = null;
    } else {
      try {
        mask = { rle, ...decodeMask(rle, this.width, this.height) };
      } catch {
        // kept in the result as it is, drawn as nothing
        mask = { rle, alpha: new Uint8Array(this.width * this.height), bounds: EMPTY };
      }
    }
    this.masks.set(id, mask);
    return mask;
  }

  forget(id) {
    this.masks.delete(id);
  }

  // Show these layers, composing again the pixels of those added, removed or changed (all of them when
  // the kept ones changed order, which changes how they overlap).
  show(layers) {
    const before = new Map(this.layers.map((layer) => [layer.id, layer]));
    let rect = EMPTY;
    for (const layer of layers) {
      const old = before.get(layer.id);
      if (!old || old.alpha !== layer.alpha || old.opacity !== layer.opacity || old.rgb.join() !== layer.rgb.join()) {
        rect = union(rect, union(layer.bounds, old ? old.bounds : EMPTY));
      }
    }
    const now = new Set(layers.map((layer) => layer.id));
    for (const old of this.layers) if (!now.has(old.id)) rect = union(rect, old.bounds);
    const keptBefore = this.layers.filter((old) => now.has(old.id)).map((old) => old.id);
    const kept = layers.filter((layer) => before.has(layer.id)).map((layer) => layer.id);
    if (keptBefore.join("\u0000") !== kept.join("\u0000")) for (const layer of layers) rect = union(rect, layer.bounds);
    this.layers = layers;
    this.compose(rect);
  }

  // Compose the pixels of `rect` from every shown layer, then put them on the canvas.
  compose(rect) {
    rect = intersect(rect, { x0: 0, y0: 0, x1: this.width, y1: this.height });
    if (isEmpty(rect)) return;
    const data = this.pixels.data;
    const { width } = this;
    for (let y = rect.y0; y < rect.y1; y += 1) data.fill(0, (y * width + rect.x0) * 4, (y * width + rect.x1) * 4);
    for (const layer of this.layers) {
      const area = intersect(rect, layer.bounds);
      if (!isEmpty(area)) blend(data, width, layer, area);
    }
    this.context.putImageData(this.pixels, 0, 0, rect.x0, rect.y0, rect.x1 - rect.x0, rect.y1 - rect.y0);
  }

  // The shown region whose mask covers natural pixel (x, y), topmost first, or null.
  regionAt(x, y) {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return null;
    for (let i = this.layers.length - 1; i >= 0; i -= 1) {
      if (this.layers[i].id && this.layers[i].alpha[y * this.width + x]) return this.layers[i].id;
    }
    return null;
  }

  // [r, g, b, a] (a from 0 to 1) of any CSS colour, as the browser reads it.
  rgba(color) {
    if (!this.colors.has(color)) {
      const probe = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
      probe.fillStyle = color;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
      this.colors.set(color, [r, g, b, a / 255]);
    }
    return this.colors.get(color);
  }

  // A layer for a region in its colour (its label's) at its opacity.
  layer(id, mask, color, opacity, selected) {
    const [r, g, b, a] = this.rgba(color);
    const shown = a * opacity;
    return { id, alpha: mask.alpha, bounds: mask.bounds, rgb: [r, g, b],
      opacity: selected ? Math.min(1, shown + SELECTED_BOOST) : shown };
  }
}

// Paint a layer over the pixels of `area` (source over, colours not premultiplied, as ImageData holds them).
function blend(data, width, layer, area) {
  const [r, g, b] = layer.rgb;
  const scale = layer.opacity / 255;
  const { alpha } = layer;
  for (let y = area.y0; y < area.y1; y += 1) {
    for (let i = y * width + area.x0, end = y * width + area.x1; i < end; i += 1) {
      const value = alpha[i];
      if (!value) continue;
      const a = value * scale;
      const j = i * 4;
      const below = data[j + 3] / 255;
      if (!below) {
        data[j] = r;
        data[j + 1] = g;
        data[j + 2] = b;
        data[j + 3] = a * 255;
        continue;
      }
      const kept = below * (1 - a);
      const out = a + kept;
      data[j] = (r * a + data[j] * kept) / out;
      data[j + 1] = (g * a + data[j + 1] * kept) / out;
      data[j + 2] = (b * a + data[j + 2] * kept) / out;
      data[j + 3] = out * 255;
    }
  }
}

function sameBytes(a, b) {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
