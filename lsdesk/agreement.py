"""How well annotators agree: per task (the disagreement list) and per project (the statistics).

Pure functions over result items. A task's input is `{annotator: [result items]}`, one entry per
annotator (their latest completion that was not cancelled). Each control is measured by the kind
of result it makes:

- categorical (Choices, Taxonomy: nominal; Rating, Number: ordinal): Cohen's kappa when exactly
  two annotators answered the control, Krippendorff's alpha otherwise (any number, missing data);
- spans (Labels on text or audio, HyperTextLabels, ParagraphLabels, TimeSeriesLabels): F1 of
  spans matched exactly (same offsets and labels), and F1 of spans matched by overlap;
- regions (RectangleLabels, PolygonLabels, and Labels drawn with a shape tool): F1 of regions
  matched at IoU >= 0.5 with the same labels. Rectangles are turned into their four corners in
  pixels with their rotation, so rotated boxes count exactly; IoU is computed exactly on
  polygons (a sum over pairs of signed fan triangles, each pair clipped convexly);
- text (TextArea): mean normalised edit similarity, 1 - distance / longer length.

F1 over many tasks is pooled: 2 * matched / (regions of one side + regions of the other),
summed over every task and every pair of annotators.
"""

import csv
import io
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


def _text(items):
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


# -- one task: the disagreement list ---------------------------------------------------------------


def controls_of(results_by_annotator):
    """{from_name: (type, to_name, {annotator: [items]})} with every annotator under every control."""
    controls = {}
    for annotator, result in results_by_annotator.items():
        for item in result:
            if not isinstance(item, dict) or not isinstance(item.get("from_name"), str) or item.get("type") == "relation":
                continue
            entry = controls.setdefault(item["from_name"], (item.get("type"), item.get("to_name"), {}))
            entry[2].setdefault(annotator, []).append(item)
    for _kind, _to_name, by_annotator in controls.values():
        for annotator in results_by_annotator:
            by_annotator.setdefault(annotator, [])
    return controls


def task_agreement(results_by_annotator):
    """{from_name: agreement 0..1} of one task: the mean over pairs of annotators of how far
    each pair agrees (same answer, span F1, region F1, edit similarity). {} with fewer than two."""
    if len(results_by_annotator) < 2:
        return {}
    scores = {}
    for from_name, (kind, _to_name, by_annotator) in sorted(controls_of(results_by_annotator).items()):
        measure = _pair_measure(control_kind(kind, [i for items in by_annotator.values() for i in items]), kind)
        pairs = list(itertools.combinations(sorted(by_annotator), 2))
        values = [measure(by_annotator[a], by_annotator[b]) for a, b in pairs]
        scores[from_name] = round(sum(values) / len(values), 6)
    return scores


def _pair_measure(category, kind):
    if category in ("nominal", "ordinal"):
        return lambda a, b: float(categorical_value(kind, a) == categorical_value(kind, b))
    if category == "span":
        return lambda a, b: _or_one(f1(span_matches(a, b)[0], len(a), len(b)))
    if category == "region":
        return lambda a, b: _or_one(f1(region_matches(a, b), len(a), len(b)))
    if category == "text":
        return lambda a, b: edit_similarity(_text(a), _text(b))
    return lambda a, b: float(sorted(map(_value_text, a)) == sorted(map(_value_text, b)))


def _or_one(value):
    return 1.0 if value is None else value


def _value_text(item):
    return repr(item.get("value"))


# -- a whole project: the statistics -------------------------------------------------------------


class ProjectAgreement:
    """Statistics over many tasks, fed one task at a time so memory stays flat.

    `controls`: (from_name, to_name, type, labels) of each control to measure, from the config
    and from what stored completions use; controls of other kinds are left out.
    """

    def __init__(self, controls):
        self._measures = {}
        for from_name, to_name, kind, labels in controls:
            category = control_kind(kind, [])
            make = _MEASURES.get(category)
            if make and from_name not in self._measures:
                self._measures[from_name] = make(from_name, to_name, kind, category, tuple(labels))
        self.annotators = set()
        self.tasks = 0

    def add_task(self, results_by_annotator):
        if len(results_by_annotator) < 2:
            return
        self.tasks += 1
        self.annotators.update(results_by_annotator)
        for from_name, (kind, _to_name, by_annotator) in controls_of(results_by_annotator).items():
            measure = self._measures.get(from_name)
            if measure is None:
                continue
            if measure.category == "span" and not measure.tasks:
                # Only results show whether a Labels control marks spans or names drawn regions.
                measure.category = control_kind(kind, [item for items in by_annotator.values() for item in items])
            measure.add(by_annotator)

    def report(self):
        controls = [measure.report() for measure in self._measures.values() if measure.tasks]
        weighted = [(control["value"], control["tasks"]) for control in controls if control["value"] is not None]
        weight = sum(tasks for _value, tasks in weighted)
        overall = sum(value * tasks for value, tasks in weighted) / weight if weight else None
        return {
            "annotators": sorted(self.annotators),
            "tasks": self.tasks,
            "overall": {"value": _rounded(overall), "tasks": self.tasks},
            "controls": controls,
        }


def _rounded(value):
    return None if value is None else round(value, 6)


class _Measure:
    def __init__(self, from_name, to_name, kind, category, labels):
        self.from_name, self.to_name, self.kind, self.category = from_name, to_name, kind, category
        self.labels = labels
        self.tasks = 0
        self.label_tasks = Counter()

    def _entry(self, metric, value, extra, labels):
        return {"from_name": self.from_name, "to_name": self.to_name, "type": self.kind, "metric": metric,
                "value": _rounded(value), "tasks": self.tasks, "extra": extra, "labels": labels}


class _Categorical(_Measure):
    """Kappa or alpha over the answers, and per label over "chose it or not"."""

    def __init__(self, *args):
        super().__init__(*args)
        self.level = "ordinal" if self.category == "ordinal" else "nominal"
        self.answers = _Agreement()
        self.per_label = {label: _Agreement() for label in self.labels} if self.category == "nominal" else {}

    def add(self, by_annotator):
        answers = {annotator: categorical_value(self.kind, items) for annotator, items in by_annotator.items()}
        if sum(answer is not None for answer in answers.values()) < 2:
            return
        self.tasks += 1
        self.answers.add(answers)
        for label, agreement in self.per_label.items():
            chosen = {annotator: None if answer is None else label in answer for annotator, answer in answers.items()}
            if any(chosen.values()):
                self.label_tasks[label] += 1
            agreement.add(chosen)

    def report(self):
        metric, value = self.answers.value(self.level)
        extra = {"level": self.level, "alpha": _rounded(self.answers.coincidences.alpha(self.level)),
                 "annotators": len(self.answers.annotators)}
        labels = {label: {"value": _rounded(agreement.value("nominal")[1]), "tasks": self.label_tasks[label]}
                  for label, agreement in self.per_label.items() if self.label_tasks[label]}
        return self._entry(metric, value, extra, labels)


class _Agreement:
    """Answers of many annotators on many tasks: a contingency table per pair and the coincidences."""

    def __init__(self):
        self.coincidences = Coincidences()
        self.pairs = {}
        self.annotators = set()

    def add(self, answers):
        given = {annotator: answer for annotator, answer in answers.items() if answer is not None}
        self.annotators.update(given)
        self.coincidences.add_unit(list(given.values()))
        for first, second in itertools.combinations(sorted(given), 2):
            pairs = self.pairs.get((first, second))
            if pairs is None:
                pairs = self.pairs[(first, second)] = Counter()
            pairs[(given[first], given[second])] += 1

    def value(self, level):
        """(metric, value): kappa when exactly two annotators answered, else alpha."""
        if len(self.annotators) == 2:
            (pairs,) = self.pairs.values()
            return COHEN_KAPPA, cohen_kappa(pairs)
        return KRIPPENDORFF_ALPHA, self.coincidences.alpha(level)


class _Pooled(_Measure):
    """Pooled F1 or mean similarity over every pair of annotators of every task, overall and per label."""

    def __init__(self, *args):
        super().__init__(*args)
        self.totals = Counter()
        self.label_totals = {}

    def add(self, by_annotator):
        if sum(bool(items) for items in by_annotator.values()) == 0:
            return
        self.tasks += 1
        pairs = list(itertools.combinations(sorted(by_annotator), 2))
        for first, second in pairs:
            self._add_pair(self.totals, by_annotator[first], by_annotator[second])
        if self.category == "text":
            return
        labels = {label for items in by_annotator.values() for item in items for label in item_labels(item)}
        for label in labels:
            self.label_tasks[label] += 1
            totals = self.label_totals.setdefault(label, Counter())
            for first, second in pairs:
                self._add_pair(totals, *[[item for item in by_annotator[who] if label in item_labels(item)]
                                         for who in (first, second)])

    def _add_pair(self, totals, first, second):
        totals["items"] += len(first) + len(second)
        if self.category == "span":
            exact, overlap = span_matches(first, second)
            totals["exact"] += exact
            totals["overlap"] += overlap
        elif self.category == "region":
            totals["matched"] += region_matches(first, second)
        else:
            totals["similarity"] += edit_similarity(_text(first), _text(second))
            totals["pairs"] += 1

    def report(self):
        if self.category == "text":
            value = self.totals["similarity"] / self.totals["pairs"] if self.totals["pairs"] else None
            return self._entry(EDIT_SIMILARITY, value, {"pairs": self.totals["pairs"]}, {})
        key = "exact" if self.category == "span" else "matched"
        labels = {label: {"value": _rounded(f1(totals[key], totals["items"], 0)), "tasks": self.label_tasks[label]}
                  for label, totals in sorted(self.label_totals.items())}
        value = f1(self.totals[key], self.totals["items"], 0)
        if self.category == "span":
            overlap = f1(self.totals["overlap"], self.totals["items"], 0)
            for label, totals in self.label_totals.items():
                labels[label]["overlap_f1"] = _rounded(f1(totals["overlap"], totals["items"], 0))
            return self._entry(SPAN_F1, value, {"exact_f1": _rounded(value), "overlap_f1": _rounded(overlap)}, labels)
        return self._entry(REGION_F1, value, {"iou_threshold": IOU_THRESHOLD}, labels)


_MEASURES = {"nominal": _Categorical, "ordinal": _Categorical, "span": _Pooled, "region": _Pooled, "text": _Pooled}


# -- who answered ------------------------------------------------------------------------------


def annotator_of(completion):
    """The name a completion was made by: lsdesk's display name, or a Label Studio export's user."""
    who = completion.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return "(unknown)" if who is None or who == "" else str(who)


def editor_of(completion):
    """Who made a completion's latest edit: Label Studio 1.x's updated_by, or for a completion saved
    before lsdesk recorded it, its author."""
    who = completion.get("updated_by")
    return annotator_of(completion if who is None or who == "" else {"completed_by": who})


def latest_by_annotator(completions):
    """{annotator: result} from (completion, was_cancelled) pairs in the order they were last
    updated: each annotator's latest completion that was not cancelled."""
    results = {}
    for completion, cancelled in completions:
        result = completion.get("result")
        if not cancelled and isinstance(result, list):
            results[annotator_of(completion)] = result
    return results


def measured_controls(config, result_schema):
    """(from_name, to_name, type, labels) of the config's controls, then of others completions use."""
    controls = {}
    for control in config.controls if config else ():
        controls[control.name] = [control.to_names[0] if control.to_names else "", control.result_type,
                                  list(control.labels)]
    for from_name, to_name, kind, label in result_schema:
        entry = controls.setdefault(from_name, [to_name, kind, []])
        if label is not None and label not in entry[2]:
            entry[2].append(label)
    return [(name, to_name, kind, labels) for name, (to_name, kind, labels) in controls.items()]


def report_csv(report):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["from_name", "to_name", "type", "metric", "label", "value", "tasks"])
    for control in report["controls"]:
        head = [control["from_name"], control["to_name"], control["type"], control["metric"]]
        writer.writerow([*head, "", _number(control["value"]), control["tasks"]])
        for label, entry in control["labels"].items():
            writer.writerow([*head, label, _number(entry["value"]), entry["tasks"]])
    return out.getvalue()


def _number(value):
    return "" if value is None else value
