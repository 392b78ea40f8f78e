"""The agreement measures (Cohen's kappa, Krippendorff's alpha, F1, edit similarity), region geometry,
what a result item says, and how one pair of annotators' spans or regions match."""

import itertools
import math
from collections import Counter

COHEN_KAPPA = "cohen_kappa"
KRIPPENDORFF_ALPHA = "krippendorff_alpha"
SPAN_F1 = "span_f1"
REGION_F1 = "region_f1"
EDIT_SIMILARITY = "edit_similarity"

IOU_THRESHOLD = 0.5

_NOMINAL_TYPES = {"choices", "taxonomy"}
_ORDINAL_TYPES = {"rating", "number"}
_SPAN_TYPES = {"labels", "hypertextlabels", "paragraphlabels", "timeserieslabels"}
_REGION_TYPES = {"rectanglelabels", "rectangle", "polygonlabels", "polygon"}
_TEXT_TYPES = {"textarea"}


# -- the measures ----------------------------------------------------------------------------


def cohen_kappa(pairs):
    """Cohen's kappa of two annotators from a Counter of (first's value, second's value) -> units.

    None when it is undefined: no units, or both always gave the same one value.
    """
    total = sum(pairs.values())
    if not total:
        return None
    observed = sum(count for (first, second), count in pairs.items() if first == second) / total
    firsts, seconds = Counter(), Counter()
    for (first, second), count in pairs.items():
        firsts[first] += count
        seconds[second] += count
    expected = sum(firsts[value] * seconds[value] for value in firsts) / total ** 2
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


class Coincidences:
    """Krippendorff's coincidence matrix, built one unit (task) at a time.

    Units are counted by the values they hold (few kinds repeat over many tasks); the matrix is
    made from those counts when alpha is asked for.
    """

    def __init__(self):
        self.units = Counter()

    def add_unit(self, values):
        """The values the annotators gave one unit; units with fewer than two are not pairable."""
        values = [value for value in values if value is not None]
        if len(values) >= 2:
            self.units[tuple(sorted(values, key=repr))] += 1

    def matrix(self):
        matrix = Counter()
        for values, count in self.units.items():
            weight = count / (len(values) - 1)
            for first, second in itertools.permutations(values, 2):
                matrix[(first, second)] += weight
        return matrix

    def alpha(self, level="nominal"):
        """Krippendorff's alpha, nominal or ordinal; None when undefined (fewer than two values used)."""
        matrix = self.matrix()
        totals = Counter()
        for (first, _second), weight in matrix.items():
            totals[first] += weight
        size = sum(totals.values())
        if len(totals) < 2:
            return None
        distance = _nominal_distance if level == "nominal" else _ordinal_distance(totals)
        observed = sum(weight * distance(first, second) for (first, second), weight in matrix.items())
        expected = sum(totals[first] * totals[second] * distance(first, second)
                       for first in totals for second in totals) / (size - 1)
        return 1 - observed / expected


def krippendorff_alpha(units, level="nominal"):
    """Krippendorff's alpha over units, each a list of the values annotators gave it (None = missing)."""
    coincidences = Coincidences()
    for values in units:
        coincidences.add_unit(values)
    return coincidences.alpha(level)


def _nominal_distance(first, second):
    return 0 if first == second else 1


def _ordinal_distance(totals):
    """Krippendorff's squared ordinal distance: how many values lie between two ranks."""
    ranked = sorted(totals)
    position = {value: index for index, value in enumerate(ranked)}

    def distance(first, second):
        low, high = sorted((position[first], position[second]))
        between = sum(totals[ranked[index]] for index in range(low, high + 1))
        return (between - (totals[first] + totals[second]) / 2) ** 2

    return distance


def f1(matched, first_size, second_size):
    """F1 of two sets of items of which `matched` pairs match; None when both are empty."""
    total = first_size + second_size
    return None if not total else 2 * matched / total


def edit_similarity(first, second):
    """1 - Levenshtein distance / length of the longer string; 1 for two empty strings."""
    longer = max(len(first), len(second))
    return 1.0 if not longer else 1 - edit_distance(first, second) / longer


def edit_distance(first, second):
    if len(first) < len(second):
        first, second = second, first
    previous = list(range(len(second) + 1))
    for row, char in enumerate(first, 1):
        current = [row]
        for column, other in enumerate(second, 1):
            current.append(min(previous[column] + 1, current[column - 1] + 1,
                               previous[column - 1] + (char != other)))
        previous = current
    return previous[-1]


# -- geometry ----------------------------------------------------------------------------------


def polygon_area(points):
    """Signed area (shoelace): positive when the points run counter-clockwise in x-right, y-up axes."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1])) / 2


def polygon_intersection_area(first, second):
    """Exact area shared by two simple polygons (convex or not).

    A polygon's indicator is the signed sum of its fan triangles from its first point, so the
    shared area is the signed sum of the areas shared by every pair of triangles, each a
    convex clip.
    """
    total = 0.0
    for triangle, sign in _fan(first):
        for other, other_sign in _fan(second):
            total += sign * other_sign * abs(polygon_area(_clip_convex(triangle, other)))
    return abs(total)


def polygon_iou(first, second):
    union_base = abs(polygon_area(first)) + abs(polygon_area(second))
    shared = polygon_intersection_area(first, second)
    union = union_base - shared
    return shared / union if union > 0 else 0.0


def _fan(points):
    """(counter-clockwise triangle, +1 or -1) for each fan triangle of a polygon, the sign
    relative to the polygon's own orientation."""
    orientation = 1 if polygon_area(points) >= 0 else -1
    origin = points[0]
    for a, b in zip(points[1:], points[2:]):
        area = polygon_area([origin, a, b])
        if area > 0:
            yield [origin, a, b], orientation
        elif area < 0:
            yield [origin, b, a], -orientation


def _clip_convex(subject, clip):
    """Sutherland-Hodgman: the part of a convex polygon inside a counter-clockwise convex one."""
    output = subject
    for (ax, ay), (bx, by) in zip(clip, clip[1:] + clip[:1]):
        if not output:
            break
        points, output = output, []

        def side(point):
            return (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)

        for current, following in zip(points, points[1:] + points[:1]):
            current_side, following_side = side(current), side(following)
            if current_side >= 0:
                output.append(current)
            if (current_side >= 0) != (following_side >= 0):
                t = current_side / (current_side - following_side)
                output.append((current[0] + t * (following[0] - current[0]),
                               current[1] + t * (following[1] - current[1])))
    return output


def rectangle_corners(value, width=100, height=100):
    """The corners of a result's rectangle in pixels of a `width` x `height` image.

    x, y, width and height are percents; rotation is in degrees, clockwise on screen, about the
    top-left corner. IoU does not change when both axes are scaled, so without the image's
    size (100 x 100) only rotated boxes of non-square images come out slightly off.
    """
    x, y = value["x"] * width / 100, value["y"] * height / 100
    w, h = value["width"] * width / 100, value["height"] * height / 100
    angle = math.radians(value.get("rotation") or 0)
    cos, sin = math.cos(angle), math.sin(angle)
    return [(x, y), (x + w * cos, y + w * sin), (x + w * cos - h * sin, y + w * sin + h * cos),
            (x - h * sin, y + h * cos)]


def region_shape(item):
    """A region result item as a polygon (a list of points), or None when it has no shape."""
    value = item.get("value")
    if not isinstance(value, dict):
        return None
    try:
        if "points" in value:
            points = [(float(x), float(y)) for x, y in value["points"]]
            return points if len(points) >= 3 else None
        if all(key in value for key in ("x", "y", "width", "height")):
            return rectangle_corners(value, item.get("original_width") or 100, item.get("original_height") or 100)
    except (TypeError, ValueError):
        return None
    return None


# -- what a result item says --------------------------------------------------------------------


def control_kind(kind, items):
    """'nominal', 'ordinal', 'span', 'region', 'text' or 'other' for a control's result type."""
    if kind in _NOMINAL_TYPES:
        return "nominal"
    if kind in _ORDINAL_TYPES:
        return "ordinal"
    if kind in _TEXT_TYPES:
        return "text"
    if kind in _REGION_TYPES:
        return "region"
    if kind in _SPAN_TYPES:
        # A Labels control used with a shape tool on an image draws regions, not spans.
        shaped = any(isinstance(item.get("value"), dict) and ("points" in item["value"] or "width" in item["value"])
                     for item in items)
        return "region" if shaped else "span"
    return "other"


def item_labels(item):
    """The labels of a region or span item, as a sorted tuple."""
    value = item.get("value")
    labels = value.get(item.get("type")) if isinstance(value, dict) else None
    if not isinstance(labels, list):
        labels = value.get("labels") if isinstance(value, dict) else None
    return tuple(sorted(str(label) for label in labels)) if isinstance(labels, list) else ()


def categorical_value(kind, items):
    """What an annotator answered with a categorical control: a tuple of choices, or a number."""
    for item in items:
        value = item.get("value")
        if not isinstance(value, dict):
            continue
        answer = value.get(kind)
        if isinstance(answer, list):
            return tuple(sorted(str(part) for part in answer))
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            return answer
    return None


def _span_key(item):
    value = item.get("value") if isinstance(item.get("value"), dict) else {}
    return (tuple(str(value.get(key)) for key in ("start", "startOffset", "end", "endOffset")), item_labels(item))


def _span_interval(item):
    """(start, end) of a span with numeric offsets, else None (XPath ranges match exactly only)."""
    value = item.get("value") if isinstance(item.get("value"), dict) else {}
    start, end = value.get("start"), value.get("end")
    if "startOffset" in value or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                         for v in (start, end)):
        return None
    return start, end


def textarea_text(items):
    parts = []
    for item in items:
        value = item.get("value")
        text = value.get("text") if isinstance(value, dict) else None
        if isinstance(text, list):
            parts += [str(line) for line in text]
        elif text is not None:  # very old data holds one string
            parts.append(str(text))
    return "\n".join(parts)


# -- matching one pair of annotators ---------------------------------------------------------------


def span_matches(first, second):
    """(exactly matched, overlap-matched) spans between two annotators' span items."""
    exact = sum((Counter(map(_span_key, first)) & Counter(map(_span_key, second))).values())
    candidates = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            if item_labels(a) != item_labels(b):
                continue
            if _span_key(a) == _span_key(b):
                candidates.append((math.inf, i, j))
                continue
            ia, ib = _span_interval(a), _span_interval(b)
            if ia and ib and max(ia[0], ib[0]) < min(ia[1], ib[1]):
                candidates.append((min(ia[1], ib[1]) - max(ia[0], ib[0]), i, j))
    return exact, _greedy_matches(candidates)


def region_matches(first, second):
    """Regions matched one to one at IoU >= 0.5 with the same labels, best IoU first."""
    first_shapes = [region_shape(item) for item in first]
    second_shapes = [region_shape(item) for item in second]
    candidates = []
    for i, (a, shape_a) in enumerate(zip(first, first_shapes)):
        for j, (b, shape_b) in enumerate(zip(second, second_shapes)):
            if shape_a is None or shape_b is None or item_labels(a) != item_labels(b):
                continue
            if not _boxes_overlap(shape_a, shape_b):  # most pairs, without clipping anything
                continue
            iou = polygon_iou(shape_a, shape_b)
            if iou >= IOU_THRESHOLD:
                candidates.append((iou, i, j))
    return _greedy_matches(candidates)


def _boxes_overlap(first, second):
    return (min(x for x, _ in first) < max(x for x, _ in second) and min(x for x, _ in second) < max(x for x, _ in first)
            and min(y for _, y in first) < max(y for _, y in second)
            and min(y for _, y in second) < max(y for _, y in first))


def _greedy_matches(candidates):
    used_first, used_second, matched = set(), set(), 0
    for _score, i, j in sorted(candidates, reverse=True):
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            matched += 1
    return matched
