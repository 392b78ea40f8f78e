"""Image-region geometry for exporters: percent values to pixels, rotated rectangles to boxes."""

import math


def image_dimensions(value, fallback=(None, None)):
    """(original_width, original_height) of a result value, else `fallback`."""
    width, height = value.get("original_width"), value.get("original_height")
    if _is_number(width) and _is_number(height) and width > 0 and height > 0:
        return width, height
    return fallback


def first_dimensions(values):
    """The original size written on the first value that has one, else (None, None)."""
    for value in values:
        width, height = image_dimensions(value)
        if width is not None:
            return width, height
    return None, None


def is_rectangle(value):
    return all(_is_number(value.get(key)) for key in ("x", "y", "width", "height"))


def rotation_of(value):
    rotation = value.get("rotation")
    return rotation if _is_number(rotation) else 0


def pixel_box(value, width, height):
    """[x, y, w, h] in float pixels of the axis-aligned box around a (possibly rotated) rectangle.

    Label Studio rotates a rectangle about its top-left corner, on screen, so the rotation is applied
    in pixels, not in percent.
    """
    rotation = rotation_of(value)
    if not rotation:
        return [value["x"] * width / 100, value["y"] * height / 100,
                value["width"] * width / 100, value["height"] * height / 100]
    xs, ys = zip(*rectangle_corners(value, width, height))
    left, top = min(xs), min(ys)
    return [left, top, max(xs) - left, max(ys) - top]


def rectangle_corners(value, width, height):
    """Corners TL, TR, BR, BL in pixels of a rectangle rotated by `rotation` degrees about its top-left."""
    x0 = value["x"] / 100 * width
    y0 = value["y"] / 100 * height
    w = value["width"] / 100 * width
    h = value["height"] / 100 * height
    angle = math.radians(rotation_of(value))
    cos, sin = math.cos(angle), math.sin(angle)
    return [
        (x0, y0),
        (x0 + w * cos, y0 + w * sin),
        (x0 + w * cos - h * sin, y0 + w * sin + h * cos),
        (x0 - h * sin, y0 + h * cos),
    ]


def rectangle_area(value, width, height):
    """The rectangle's own area in square pixels (for a rotated one, not that of the box around it)."""
    return value["width"] / 100 * width * value["height"] / 100 * height


def nearest_pixel(coordinate):
    """The pixel edge nearest to a coordinate (halves go up, whatever their parity)."""
    return math.floor(coordinate + 0.5)


# Fewer points draw no area, and a YOLO row of two points reads as a box.
MIN_POLYGON_POINTS = 3


def polygon_points(value):
    """The polygon's [[x, y], ...] in percent, or None when it has fewer than three usable points."""
    points = value.get("points")
    if not isinstance(points, list) or len(points) < MIN_POLYGON_POINTS:
        return None
    if not all(isinstance(p, (list, tuple)) and len(p) >= 2 and _is_number(p[0]) and _is_number(p[1])
               for p in points):
        return None
    return points


def shoelace_area(xs, ys):
    """Polygon area by the shoelace formula (each sum taken exactly, then rounded once)."""
    forward = math.fsum(xs[i] * ys[i - 1] for i in range(len(xs)))
    backward = math.fsum(ys[i] * xs[i - 1] for i in range(len(xs)))
    return float(0.5 * abs(forward - backward))


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
