// Rectangles on an image: drawn by dragging a box, moved, resized by corner and edge handles
// (in the box's own frame when it is rotated), rotated by a knob.

import { clampPoint, isNumber, rotate } from "../image-geometry.js";
import { rotationKnob, square, svg } from "../image-svg.js";
import { beginDraw, createOnRelease } from "./drag.js";

export default {
  name: "rectangle",
  key: "r",
  title: "Rectangle",
  strokeWidth: 1,

  // Whether a value holds every number the shape needs; whether its keys suggest this shape.
  fits: (value) => isNumber(value.x) && isNumber(value.y) && isNumber(value.width) && isNumber(value.height),
  hasKeys: (value) => "height" in value,

  // The value in natural pixels {x, y, w, h, r}: rotation in degrees about the top-left corner.
  toPixels(value, px, py) {
    return { x: px(value.x), y: py(value.y), w: px(value.width), h: py(value.height), r: Number(value.rotation) || 0 };
  },

  // The point a relation arrow starts or ends at, in natural pixels.
  centre(g) {
    const [dx, dy] = rotate([g.w / 2, g.h / 2], g.r);
    return [g.x + dx, g.y + dy];
  },

  // Where the region's caption starts: its top-left corner, which a rotation keeps in place.
  captionAt: (g) => [g.x, g.y],

  // The region's SVG from its geometry in natural pixels.
  draw(geom, paint) {
    return svg("rect", { ...paint, x: geom.x, y: geom.y, width: Math.max(geom.w, 0), height: Math.max(geom.h, 0),
      transform: geom.r ? `rotate(${geom.r} ${geom.x} ${geom.y})` : null });
  },

  // Edit handles of the selected region; `s` is a handle's half side, `unit` natural pixels per screen pixel.
  handles(g, region, s, unit) {
    const group = svg("g", { transform: g.r ? `rotate(${g.r} ${g.x} ${g.y})` : null, "data-rotation": g.r });
    const { x, y, w, h } = g;
    if (region.style.canRotate) {
      group.append(...rotationKnob(x + w / 2, y, s, unit));
    }
    for (const [name, hx, hy] of [["nw", x, y], ["n", x + w / 2, y], ["ne", x + w, y], ["e", x + w, y + h / 2],
      ["se", x + w, y + h], ["s", x + w / 2, y + h], ["sw", x, y + h], ["w", x, y + h / 2]]) {
      group.append(square(hx, hy, name, s));
    }
    return [group];
  },

  // The value keys a drag of the whole region changes; `keep` holds a delta inside the image.
  movePatch(v, dx, dy, keep) {
    if (!Number(v.rotation)) {
      dx = keep(-v.x, 100 - v.width - v.x, dx);
      dy = keep(-v.y, 100 - v.height - v.y, dy);
    }
    return { x: v.x + dx, y: v.y + dy };
  },

  // A rectangle resized by a corner or edge handle; the opposite corner or edge stays put.
  handlePatch(view, g, point) {
    const v = g.value;
    const handle = g.handle;
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
    const { width: W, height: H } = view;
    const corner = [(v.x / 100) * W, (v.y / 100) * H];
    const [px, py] = view.toPx(point);
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
  },

  // Creating one: a drag from corner to corner.
  beginCreate: beginDraw,

  // The box of the drag so far, from its start and end in natural pixels.
  drawDrag([sx, sy], [ex, ey], paint) {
    return svg("rect", { ...paint, x: Math.min(sx, ex), y: Math.min(sy, ey), width: Math.abs(ex - sx), height: Math.abs(ey - sy) });
  },

  // A click selects what it hit; a drag makes a rectangle, nothing when it has no area.
  endDrag: createOnRelease((start, end) => {
    const width = Math.abs(end.x - start.x);
    const height = Math.abs(end.y - start.y);
    if (!(width > 0 && height > 0)) return null;
    return { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), width, height, rotation: 0 };
  }),
};
