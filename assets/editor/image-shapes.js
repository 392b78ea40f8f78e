// The shapes the image view draws, in toolbar order: one module each under image-shapes/, with
//   {name, key, title, strokeWidth, fillOpacity?, fixedStrokeWidth?, pressEditsSame?,
//    draw(geom, paint, view, unit) → SVG, rescale?(view, unit), handles(geom, region, s, unit) → [SVG],
//    movePatch(value, dx, dy, keep), handlePatch?(view, gesture, point),
//    beginCreate(view, event, plan, point, id), drawDrag?(start, end, paint), endDrag?(view, gesture, event),
//    click?/onKey?/drawUnfinished? for a shape drawn click by click (view.drawing)}.
// A shape is drawn by its bare tool (<Rectangle>) and named by its labels control (<RectangleLabels>).

import ellipse from "./image-shapes/ellipse.js";
import keypoint from "./image-shapes/keypoint.js";
import polygon from "./image-shapes/polygon.js";
import rectangle from "./image-shapes/rectangle.js";

export const SHAPES = Object.fromEntries([rectangle, polygon, keypoint, ellipse].map((shape) => [shape.name, shape]));

// Controls that draw a shape with their own labels, and bare tools that draw it without.
export const LABELED = Object.fromEntries(Object.keys(SHAPES).map((name) => [`${name}labels`, name]));
export const BARE = Object.fromEntries(Object.keys(SHAPES).map((name) => [name, name]));
