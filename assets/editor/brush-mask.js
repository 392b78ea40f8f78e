// Brush masks on the image's own pixel grid: one byte of alpha per natural pixel, row by row.
// A stroke is a chain of round dabs joined by their hull: every pixel whose centre lies within half the
// brush size of a segment between two pixel centres the pointer passed. Pure functions: no DOM.

// An empty rectangle of pixels: {x0, y0, x1, y1} with x1/y1 exclusive.
export const EMPTY = Object.freeze({ x0: 0, y0: 0, x1: 0, y1: 0 });

export const isEmpty = (rect) => rect.x1 <= rect.x0 || rect.y1 <= rect.y0;

export function union(a, b) {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

export function intersect(a, b) {
  const rect = { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
  return isEmpty(rect) ? EMPTY : rect;
}

// Set every pixel within `size / 2` of the segment from pixel (ax, ay) to pixel (bx, by) to `value`
// (255 paints, 0 erases), inside `clip` (erasing needs look no further than the mask's bounds).
// Returns {rect, changed}: the pixels looked at, and whether any changed.
export function paintSegment(mask, width, height, [ax, ay], [bx, by], size, value, clip = null) {
  const radius = size / 2;
  const r2 = radius * radius;
  const reach = Math.floor(radius);
  const rect = intersect({ x0: Math.min(ax, bx) - reach, y0: Math.min(ay, by) - reach,
    x1: Math.max(ax, bx) + reach + 1, y1: Math.max(ay, by) + reach + 1 }, clip || { x0: 0, y0: 0, x1: width, y1: height });
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  let changed = false;
  for (let y = rect.y0; y < rect.y1; y += 1) {
    const row = y * width;
    for (let x = rect.x0; x < rect.x1; x += 1) {
      let t = length2 ? ((x - ax) * dx + (y - ay) * dy) / length2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = x - (ax + t * dx);
      const ey = y - (ay + t * dy);
      if (ex * ex + ey * ey <= r2 && mask[row + x] !== value) {
        mask[row + x] = value;
        changed = true;
      }
    }
  }
  return { rect, changed };
}
