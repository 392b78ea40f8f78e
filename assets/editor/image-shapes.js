// The shapes the image view draws, in toolbar order: one module each under shapes/, with
//   {name, key, title, strokeWidth, fillOpacity?, fixedStrokeWidth?, pressEditsSame?,
//    fits(value), hasKeys(value), toPixels(value, px, py), centre(geom),
//    draw(geom, paint, view, unit) → SVG, rescale?(view, unit), handles(geom, region, s, unit) → [SVG],
//    movePatch(value, dx, dy, keep), handlePatch?(view, gesture, point),
//    beginCreate(view, event, plan, point, id), drawDrag?(start, end, paint), endDrag?(view, gesture, event),
//    click?/onKey?/drawUnfinished? for a shape drawn click by click (view.drawing),
//    and for a shape painted with a tool of its own (brush): press(view, event, point) → taken?,
//    move/release/cancel(view, gesture, event) of its "tool" gesture, hover(view, point),
//    regionAt(view, point), afterSync(view), toolbar(view) → [elements], registerKeys(view, hotkeys)}.
// A shape is drawn by its bare tool (<Rectangle>) and named by its labels control (<RectangleLabels>).
// Also which shape a result item describes, and its value in natural pixels.

import brush from "./shapes/brush.js";
import ellipse from "./shapes/ellipse.js";
import keypoint from "./shapes/keypoint.js";
import polygon from "./shapes/polygon.js";
import rectangle from "./shapes/rectangle.js";

// Lookup tables without a prototype: a type or tag named "constructor" names no shape.
const table = (entries) => Object.assign(Object.create(null), Object.fromEntries(entries));

export const SHAPES = table([rectangle, polygon, keypoint, ellipse, brush].map((shape) => [shape.name, shape]));

// Controls that draw a shape with their own labels, and bare tools that draw it without.
export const LABELED = table(Object.keys(SHAPES).map((name) => [`${name}labels`, name]));
export const BARE = table(Object.keys(SHAPES).map((name) => [name, name]));

// The order a value's keys are tried in: a rectangle's keys include a key point's.
const INFERRED_IN_ORDER = [brush, polygon, ellipse, rectangle, keypoint];

// The shape an item's type names, when its value fits it.
export function declaredShape(item) {
  const shape = LABELED[item.type] || BARE[item.type];
  return shape && item.value && typeof item.value === "object" && SHAPES[shape].fits(item.value) ? shape : null;
}

// The shape a value's keys suggest (a `labels` or per-region item repeating the region's place).
export function inferredShape(item) {
  const value = item.value;
  if (!value || typeof value !== "object") return null;
  const shape = INFERRED_IN_ORDER.find((candidate) => candidate.hasKeys(value));
  return shape && shape.fits(value) ? shape.name : null;
}

// The value in natural pixels (the shape says which keys).
export function toPixels(shape, value, width, height) {
  return SHAPES[shape].toPixels(value, (percent) => (percent / 100) * width, (percent) => (percent / 100) * height);
}

// The point a relation arrow starts or ends at, in natural pixels.
export function centreOf(shape, geom) {
  return SHAPES[shape].centre(geom);
}

// A region drawn without an SVG shape to hit (a brush mask) under a point given in percent, or null.
export function regionAt(view, point) {
  for (const shape of Object.values(SHAPES)) {
    const id = shape.regionAt && shape.regionAt(view, point);
    if (id) return id;
  }
  return null;
}
