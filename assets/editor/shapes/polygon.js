// Polygons on an image: drawn point by point (a click adds a point, clicking the first point or
// enter closes it, backspace or ctrl+z takes back a point, escape drops it), moved, and reshaped
// by dragging a point's handle.

import { clampPoint, isPointList } from "../image-geometry.js";
import { knob, svg } from "../image-svg.js";

const CLOSE_DISTANCE = 8; // screen pixels from the first point that close a polygon

const polygon = {
  name: "polygon",
  key: "p",
  title: "Polygon",
  strokeWidth: 2,
  // Pressing a polygon with the polygon tool moves it rather than starting another on top.
  pressEditsSame: true,

  // Whether a value holds every number the shape needs; whether its keys suggest this shape.
  fits: (value) => isPointList(value.points) && value.points.length > 0,
  hasKeys: (value) => "points" in value,

  // The value in natural pixels {points}.
  toPixels(value, px, py) {
    return { points: value.points.map(([x, y]) => [px(x), py(y)]) };
  },

  // The centre of the points' bounding box.
  // Where the region's caption starts: the top-left of its bounding box.
  captionAt(g) {
    return [Math.min(...g.points.map((point) => point[0])), Math.min(...g.points.map((point) => point[1]))];
  },

  centre(g) {
    const xs = g.points.map((point) => point[0]);
    const ys = g.points.map((point) => point[1]);
    return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  },

  // The region's SVG from its geometry in natural pixels.
  draw(geom, paint) {
    return svg("polygon", { ...paint, points: geom.points.map((point) => point.join(",")).join(" ") });
  },

  // A handle on every point; `s` is a handle's half side.
  handles(g, region, s) {
    return g.points.map(([x, y], index) => knob(x, y, `p${index}`, s));
  },

  // The value keys a drag of the whole region changes, kept inside the image.
  movePatch(v, dx, dy, keep) {
    const xs = v.points.map((p) => p[0]);
    const ys = v.points.map((p) => p[1]);
    dx = keep(-Math.min(...xs), 100 - Math.max(...xs), dx);
    dy = keep(-Math.min(...ys), 100 - Math.max(...ys), dy);
    return { points: v.points.map((p) => [p[0] + dx, p[1] + dy, ...p.slice(2)]) };
  },

  // One point dragged by its handle.
  handlePatch(view, g, point) {
    const v = g.value;
    const index = Number(g.handle.slice(1));
    const at = clampPoint(point);
    return { points: v.points.map((p, i) => (i === index ? [at.x, at.y, ...p.slice(2)] : p)) };
  },

  // Creating one: the first click starts an unfinished polygon the view keeps as `drawing`.
  beginCreate(view, event, plan, point) {
    view.drawing = { plan, color: plan.color, points: [], cursor: point };
    polygon.click(view, point);
  },

  // A click while drawing: add a point, or close the polygon near its first point.
  click(view, point) {
    const d = view.drawing;
    const at = clampPoint(point);
    if (d.points.length >= 3) {
      const [fx, fy] = d.points[0];
      const distance = Math.hypot(((at.x - fx) / 100) * point.box.width, ((at.y - fy) / 100) * point.box.height);
      if (distance <= CLOSE_DISTANCE) {
        polygon.finish(view);
        return;
      }
    }
    const last = d.points[d.points.length - 1];
    if (last && last[0] === at.x && last[1] === at.y) return;
    d.points.push([at.x, at.y]);
    d.cursor = point;
    view.drawDrawing();
  },

  finish(view) {
    const d = view.drawing;
    view.drawing = null;
    view.drawingLayer.replaceChildren();
    if (d && d.points.length >= 3) view.createRegion(d.plan, { points: d.points });
  },

  // Keys while drawing: enter closes the polygon, escape drops it, backspace or ctrl+z takes back a point.
  onKey(view, event) {
    const key = event.key;
    const undo = (event.ctrlKey || event.metaKey) && key.toLowerCase() === "z" && !event.shiftKey;
    if (key === "Enter") polygon.finish(view);
    else if (key === "Escape") view.cancelDrawing();
    else if (key === "Backspace" || undo) {
      view.drawing.points.pop();
      if (!view.drawing.points.length) view.cancelDrawing();
      else view.drawDrawing();
    } else return;
    event.preventDefault();
    event.stopImmediatePropagation();
  },

  // The points so far and a line to the pointer; `toPx` turns a point in percent into natural pixels.
  drawUnfinished(view, unit, toPx) {
    const points = view.drawing.points.map(([x, y]) => toPx({ x, y }));
    const cursor = view.drawing.cursor ? toPx(clampPoint(view.drawing.cursor)) : null;
    const path = cursor ? [...points, cursor] : points;
    const color = view.drawing.color;
    view.drawingLayer.append(svg("polyline", { points: path.map((p) => p.join(",")).join(" "), stroke: color,
      fill: color, "fill-opacity": 0.15, class: "lsd-drawing-line" }));
    points.forEach(([x, y], index) => view.drawingLayer.append(svg("circle", { cx: x, cy: y, r: (index ? 3 : 5) * unit,
      stroke: color, class: index ? "lsd-drawing-point" : "lsd-drawing-point lsd-drawing-first" })));
  },
};

export default polygon;
