// Key points on an image: made by a click, moved by dragging; drawn as dots whose radius follows
// the zoom so a point stays visible.

import { attr } from "../config.js";
import { clamp, clampPoint, isNumber } from "../image-geometry.js";
import { svg } from "../image-svg.js";
import { beginDraw } from "./drag.js";

// A key point's radius in natural pixels: `width` percent of the displayed width, on screen.
function radius(view, size, unit) {
  return Math.max(((size / 100) * view.width) / view.zoom, 2.5 * unit);
}

export default {
  name: "keypoint",
  key: "k",
  title: "Key point",
  strokeWidth: 1,
  fillOpacity: 0.9,
  // The control's strokeWidth is the size of a new point; its outline stays thin.
  fixedStrokeWidth: 1,
  // Pressing a point with the key point tool moves it rather than making another on top.
  pressEditsSame: true,

  // Whether a value holds every number the shape needs; whether its keys suggest this shape.
  fits: (value) => isNumber(value.x) && isNumber(value.y),
  hasKeys: (value) => "width" in value && "x" in value && "y" in value,

  // The value in natural pixels {x, y, size}: size stays in percent of the displayed width.
  toPixels(value, px, py) {
    return { x: px(value.x), y: py(value.y), size: isNumber(value.width) ? value.width : 0 };
  },

  centre: (g) => [g.x, g.y],

  // The region's SVG from its geometry in natural pixels.
  draw(geom, paint, view, unit) {
    return svg("circle", { ...paint, cx: geom.x, cy: geom.y, r: radius(view, geom.size, unit), "data-size": geom.size });
  },

  // After a zoom: points keep their size on screen.
  rescale(view, unit) {
    for (const circle of view.regionLayer.querySelectorAll("circle[data-size]")) {
      circle.setAttribute("r", radius(view, Number(circle.dataset.size), unit));
    }
  },

  // A point has no edit handles: it is moved whole.
  handles() {
    return [];
  },

  movePatch(v, dx, dy) {
    return { x: clamp(v.x + dx, 0, 100), y: clamp(v.y + dy, 0, 100) };
  },

  // Creating one: a press; the point is made where it started when the pointer is released.
  beginCreate: beginDraw,

  endDrag(view, g) {
    const at = clampPoint(g.start);
    const size = Number(attr(g.plan.targets[0].control, "strokeWidth", 2)) || 2;
    view.createRegion(g.plan, { x: at.x, y: at.y, width: (size / view.shownWidth()) * 100 });
  },
};
