// Image region geometry shared by the shapes: number checks, rotation, clamping.
//
// Result values are percentages (0–100) of the natural image size; rotations are degrees,
// clockwise on screen, about a rectangle's top-left corner or an ellipse's centre.

export const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

export const isPointList = (points) => Array.isArray(points)
  && points.every((point) => Array.isArray(point) && isNumber(point[0]) && isNumber(point[1]));

export function normalizeDegrees(degrees) {
  const turned = ((degrees % 360) + 360) % 360;
  return turned >= 360 ? 0 : turned;
}

export function rotate([x, y], degrees) {
  if (!degrees) return [x, y];
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  return [x * cos - y * sin, x * sin + y * cos];
}

export const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

// A point in percent held inside the image.
export function clampPoint(point) {
  return { x: clamp(point.x, 0, 100), y: clamp(point.y, 0, 100) };
}
