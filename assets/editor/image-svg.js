// SVG building blocks of the image view: elements, and the edit handles its shapes put on a selected region.

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) element.setAttribute(key, value);
  return element;
}

// A square handle of half-side `s` (natural pixels) centred on (x, y).
export const square = (x, y, name, s) => svg("rect", { x: x - s, y: y - s, width: 2 * s, height: 2 * s, "data-handle": name,
  class: `lsd-handle lsd-handle-${name}` });

// A round handle (a polygon's point, a rotation knob).
export const knob = (x, y, name, s) => svg("circle", { cx: x, cy: y, r: s * 1.25, "data-handle": name, class: `lsd-handle lsd-handle-${name}` });

// A rotation knob on its stem, rising 24 screen pixels above (x, top); `unit` is natural pixels per screen pixel.
export const rotationKnob = (x, top, s, unit) => [
  svg("line", { x1: x, y1: top, x2: x, y2: top - 24 * unit, class: "lsd-handle-stem" }),
  knob(x, top - 24 * unit, "rotate", s),
];
