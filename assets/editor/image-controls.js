// The image controls: *Labels controls draw their label bar, bare tools draw nothing (the Image
// shows their tool button). Drawing itself is done by the Image they point at.

import { renderLabelsControl } from "./labels-control.js";

// A control pointing at something that is not an Image cannot draw there: say so in its place.
function checkTargets(node, ctx, tagName) {
  const names = (node.attrs.toname || "").split(",").map((name) => name.trim()).filter(Boolean);
  if (!names.length) throw new Error(`${tagName} needs a toName naming an Image`);
  for (const name of names) {
    const target = ctx.node(name);
    if (!target) throw new Error(`toName="${name}" names no tag`);
    if (target.tag.toLowerCase() !== "image") throw new Error(`${tagName} draws on an Image, not on <${target.tag}>`);
  }
}

// A module for RectangleLabels, PolygonLabels, KeyPointLabels, EllipseLabels, BrushLabels.
export function labelsControl(tagName) {
  return {
    name: tagName,
    kind: "control",
    render(node, ctx) {
      checkTargets(node, ctx, tagName);
      // The same bar as <Labels>: dynamic labels from task data, visibleWhen.
      const bar = renderLabelsControl(node, ctx);
      bar.classList.add("lsd-image-labels");
      return bar;
    },
  };
}

// A module for the bare tools Rectangle, Polygon, KeyPoint, Ellipse, Brush.
export function toolControl(tagName) {
  return {
    name: tagName,
    kind: "control",
    render(node, ctx) {
      checkTargets(node, ctx, tagName);
      return null;
    },
  };
}
