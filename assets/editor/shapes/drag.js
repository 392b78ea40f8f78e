// What the shapes made by a press or a drag share: the gesture that starts one, and a drag's release.

import { clampPoint } from "../image-geometry.js";

// Creating one: a press starts a drawing gesture at the point (`id` is the region under it, if any).
export function beginDraw(view, event, plan, point, id) {
  view.begin(event, { type: "draw", plan, color: plan.color, start: point, end: point, target: id });
}

// A drag's release: a click selects what it hit; a drag makes the region `valueOf(start, end)` gives for
// its ends clamped inside the image, nothing when that is null (a drag with no area).
export function createOnRelease(valueOf) {
  return (view, g, event) => {
    if (!g.moved) {
      view.store.select(g.target || null);
      return;
    }
    const value = valueOf(clampPoint(g.start), clampPoint(view.point(event)));
    if (value) view.createRegion(g.plan, value);
  };
}
