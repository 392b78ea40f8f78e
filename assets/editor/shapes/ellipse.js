// Ellipses on an image: drawn by dragging from the centre out, moved, their radii changed by
// four handles, rotated by a knob.

import { clamp, isNumber, rotate } from "../image-geometry.js";
import { rotationKnob, square, svg } from "../image-svg.js";
import { beginDraw, createOnRelease } from "./drag.js";

export default {
  name: "ellipse",
  key: "o",
  title: "Ellipse",
  strokeWidth: 1,

  // Whether a value holds every number the shape needs; whether its keys suggest this shape.
  fits: (value) => isNumber(value.x) && isNumber(value.y) && isNumber(value.radiusX) && isNumber(value.radiusY),
  hasKeys: (value) => "radiusX" in value,

  // The value in natural pixels {x, y, rx, ry, r}: rotation in degrees about the centre.
  toPixels(value, px, py) {
    return { x: px(value.x), y: py(value.y), rx: px(value.radiusX), ry: py(value.radiusY), r: Number(value.rotation) || 0 };
  },

  centre: (g) => [g.x, g.y],

  // The region's SVG from its geometry in natural pixels.
  draw(geom, paint) {
    return svg("ellipse", { ...paint, cx: geom.x, cy: geom.y, rx: Math.max(geom.rx, 0), ry: Math.max(geom.ry, 0),
      transform: geom.r ? `rotate(${geom.r} ${geom.x} ${geom.y})` : null });
  },

  // Edit handles of the selected region; `s` is a handle's half side, `unit` natural pixels per screen pixel.
  handles(g, region, s, unit) {
    const group = svg("g", { transform: g.r ? `rotate(${g.r} ${g.x} ${g.y})` : null });
    if (region.style.canRotate) {
      group.append(...rotationKnob(g.x, g.y - g.ry, s, unit));
    }
    group.append(square(g.x + g.rx, g.y, "rx", s), square(g.x - g.rx, g.y, "rx", s),
      square(g.x, g.y + g.ry, "ry", s), square(g.x, g.y - g.ry, "ry", s));
    return [group];
  },

  // The value keys a drag of the whole region changes: its centre stays inside the image.
  movePatch(v, dx, dy) {
    return { x: clamp(v.x + dx, 0, 100), y: clamp(v.y + dy, 0, 100) };
  },

  // A radius handle drag, measured in the ellipse's own (rotated) frame.
  handlePatch(view, g, point) {
    const v = g.value;
    const centre = [(v.x / 100) * view.width, (v.y / 100) * view.height];
    const [px, py] = view.toPx(point);
    const [lx, ly] = rotate([px - centre[0], py - centre[1]], -(Number(v.rotation) || 0));
    if (g.handle === "rx") return Math.abs(lx) > 0 ? { radiusX: (Math.abs(lx) / view.width) * 100 } : null;
    return Math.abs(ly) > 0 ? { radiusY: (Math.abs(ly) / view.height) * 100 } : null;
  },

  // Creating one: a drag from the centre out.
  beginCreate: beginDraw,

  // The ellipse of the drag so far, from its start and end in natural pixels.
  drawDrag([sx, sy], [ex, ey], paint) {
    return svg("ellipse", { ...paint, cx: sx, cy: sy, rx: Math.abs(ex - sx), ry: Math.abs(ey - sy) });
  },

  // A click selects what it hit; a drag makes an ellipse, nothing when it has no area.
  endDrag: createOnRelease((start, end) => {
    const radiusX = Math.abs(end.x - start.x);
    const radiusY = Math.abs(end.y - start.y);
    return radiusX > 0 && radiusY > 0 ? { x: start.x, y: start.y, radiusX, radiusY, rotation: 0 } : null;
  }),
};
