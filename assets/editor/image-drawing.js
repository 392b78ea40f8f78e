// Drawing the image view's regions: which shape and colour a region's items describe, its SVG
// (drawn by its shape), edit handles, relation arrows, and the shape being made.
// Methods of ImageView (mixed into it by image-view.js).

import { attr } from "./config.js";
import { labelColor } from "./labelbar.js";
import { clamp, clampPoint } from "./image-geometry.js";
import { relationCaption } from "./image-relations.js";
import { SHAPES, centreOf, declaredShape, inferredShape, toPixels } from "./image-shapes.js";
import { svg } from "./image-svg.js";

const HANDLE = 4; // half the side of an edit handle, in screen pixels
const DEFAULT_COLOR = "#f48a42";

export const regionDrawing = {
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
    const labels = [];
    for (const item of items) {
      const list = item.value && item.value[item.type];
      if (Array.isArray(list) && typeof list[0] === "string" && item.type !== "choices" && item.type !== "textarea") {
        color = color || this.labelColor(item.from_name, list[0]);
        labels.push(...list);
      }
    }
    const style = this.styleOf(main.from_name, shape);
    return { shape, main, labels, color: color || style.stroke, style, readonly: items.some((item) => item.readonly === true) };
  },

  labelColor(control, value) {
    const key = `${control}\u0000${value}`;
    if (!this.styles.has(key)) this.styles.set(key, labelColor(this.ctx, control, value));
    return this.styles.get(key);
  },

  // Stroke and fill settings of the control that drew a region.
  styleOf(controlName, shape) {
    const key = `style\u0000${controlName}\u0000${shape}`;
    if (this.styles.has(key)) return this.styles.get(key);
    const control = this.ctx.node(controlName);
    const get = (name, fallback) => (control ? attr(control, name, fallback) : fallback);
    const { strokeWidth, fillOpacity = 0.2, fixedStrokeWidth } = SHAPES[shape];
    const opacity = Number(get("fillOpacity", get("opacity", fillOpacity)));
    const style = {
      stroke: get("strokeColor", get("fillColor", DEFAULT_COLOR)),
      strokeWidth: Number(get("strokeWidth", strokeWidth)) || strokeWidth,
      fillOpacity: Number.isFinite(opacity) ? clamp(opacity, 0, 1) : 0.2,
      canRotate: control ? attr(control, "canRotate", "true") !== "false" : true,
    };
    if (fixedStrokeWidth) style.strokeWidth = fixedStrokeWidth;
    this.styles.set(key, style);
    return style;
  },

  // Redraw what changed since the last call.
  sync() {
    if (!this.width) return;
    const groups = new Map();
    for (const item of this.store.items) {
      if (item.type === "relation" || item.to_name !== this.name || item.id === undefined || item.id === null) continue;
      if (!this.onPage(item)) continue;
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
    for (const shape of Object.values(SHAPES)) if (shape.afterSync) shape.afterSync(this);
    this.drawHandles();
    this.drawRelations();
  },

  // Draw every region again: their captions are sized for the width they were drawn at.
  redrawRegions() {
    for (const entry of this.entries.values()) entry.sig = null;
    this.sync();
  },

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
    group.append(SHAPES[region.shape].draw(geom, paint, this, unit, id));
    if (region.labels.length) group.append(this.drawCaption(region, geom, unit));
    return { el: group, geom };
  },

  // The region's labels written on the image, as Label Studio does: just above the shape's top-left.
  drawCaption(region, geom, unit) {
    const shape = SHAPES[region.shape];
    const [x, y] = shape.captionAt ? shape.captionAt(geom) : centreOf(region.shape, geom);
    const caption = svg("text", { x, y: y - 3 * unit, "font-size": 12 * unit, fill: region.color, class: "lsd-image-caption" });
    caption.textContent = region.labels.join(", ");
    return caption;
  },

  centreOf(id) {
    const entry = this.entries.get(id);
    return entry ? centreOf(entry.region.shape, entry.geom) : null;
  },

  // Edit handles of the selected region.
  drawHandles() {
    this.handleLayer.replaceChildren();
    const id = this.store.selected;
    const entry = id && this.entries.get(id);
    if (!entry || entry.region.readonly || this.mode.active) return;
    const unit = this.unit();
    this.handleLayer.append(...SHAPES[entry.region.shape].handles(entry.geom, entry.region, HANDLE * unit, unit));
  },

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
  },

  // The shape being drawn: a polygon's points so far, or the box of a drag.
  drawDrawing() {
    this.drawingLayer.replaceChildren();
    if (!this.width) return;
    const unit = this.unit();
    const toPx = (point) => this.toPx(point);
    if (this.drawing) {
      SHAPES[this.drawing.plan.shape].drawUnfinished(this, unit, toPx);
      return;
    }
    const g = this.gesture;
    if (!g || g.type !== "draw" || !g.moved) return;
    const shape = SHAPES[g.plan.shape];
    if (!shape.drawDrag) return;
    const paint = { stroke: g.color, fill: g.color, "fill-opacity": 0.15, class: "lsd-drawing-shape" };
    this.drawingLayer.append(shape.drawDrag(toPx(clampPoint(g.start)), toPx(clampPoint(g.end)), paint));
  },
};

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
