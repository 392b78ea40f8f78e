// Image region geometry: which shape a result item describes, and its value in natural pixels.
//
// Result values are percentages (0–100) of the natural image size; rotations are degrees,
// clockwise on screen, about a rectangle's top-left corner or an ellipse's centre.

// The shape each image control draws.
export const SHAPE_OF_TYPE = {
  rectanglelabels: "rectangle", rectangle: "rectangle",
  polygonlabels: "polygon", polygon: "polygon",
  keypointlabels: "keypoint", keypoint: "keypoint",
  ellipselabels: "ellipse", ellipse: "ellipse",
};

const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

const isPointList = (points) => Array.isArray(points)
  && points.every((point) => Array.isArray(point) && isNumber(point[0]) && isNumber(point[1]));

// Whether a value holds every number the shape needs.
function fits(shape, value) {
  switch (shape) {
    case "rectangle": return isNumber(value.x) && isNumber(value.y) && isNumber(value.width) && isNumber(value.height);
    case "polygon": return isPointList(value.points) && value.points.length > 0;
    case "keypoint": return isNumber(value.x) && isNumber(value.y);
    case "ellipse": return isNumber(value.x) && isNumber(value.y) && isNumber(value.radiusX) && isNumber(value.radiusY);
    default: return false;
  }
}

// The shape an item's type names, when its value fits it.
export function declaredShape(item) {
  const shape = SHAPE_OF_TYPE[item.type];
  return shape && item.value && typeof item.value === "object" && fits(shape, item.value) ? shape : null;
}

// The shape a value's keys suggest (a `labels` or per-region item repeating the region's place).
export function inferredShape(item) {
  const value = item.value;
  if (!value || typeof value !== "object") return null;
  if ("points" in value) return fits("polygon", value) ? "polygon" : null;
  if ("radiusX" in value) return fits("ellipse", value) ? "ellipse" : null;
  if ("height" in value) return fits("rectangle", value) ? "rectangle" : null;
  if ("width" in value && "x" in value && "y" in value) return fits("keypoint", value) ? "keypoint" : null;
  return null;
}

// The keys of a value that hold the shape's place (copied onto every item of the region).
export const GEOMETRY_KEYS = {
  rectangle: ["x", "y", "width", "height", "rotation"],
  polygon: ["points"],
  keypoint: ["x", "y", "width"],
  ellipse: ["x", "y", "radiusX", "radiusY", "rotation"],
};

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

// The value in natural pixels: rectangle {x, y, w, h, r}, polygon {points}, keypoint {x, y}, ellipse {x, y, rx, ry, r}.
export function toPixels(shape, value, width, height) {
  const px = (percent) => (percent / 100) * width;
  const py = (percent) => (percent / 100) * height;
  switch (shape) {
    case "rectangle":
      return { x: px(value.x), y: py(value.y), w: px(value.width), h: py(value.height), r: Number(value.rotation) || 0 };
    case "polygon":
      return { points: value.points.map(([x, y]) => [px(x), py(y)]) };
    case "keypoint":
      return { x: px(value.x), y: py(value.y), size: isNumber(value.width) ? value.width : 0 };
    case "ellipse":
      return { x: px(value.x), y: py(value.y), rx: px(value.radiusX), ry: py(value.radiusY), r: Number(value.rotation) || 0 };
    default:
      return null;
  }
}

// The point a relation arrow starts or ends at, in natural pixels.
export function centreOf(shape, g) {
  switch (shape) {
    case "rectangle": {
      const [dx, dy] = rotate([g.w / 2, g.h / 2], g.r);
      return [g.x + dx, g.y + dy];
    }
    case "polygon": {
      const xs = g.points.map((point) => point[0]);
      const ys = g.points.map((point) => point[1]);
      return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
    }
    default:
      return [g.x, g.y];
  }
}

export const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

// A point in percent held inside the image.
export function clampPoint(point) {
  return { x: clamp(point.x, 0, 100), y: clamp(point.y, 0, 100) };
}
