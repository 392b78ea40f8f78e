"""A whole project's agreement: the statistics per control and label, and its CSV."""

import csv
import io
import itertools
from collections import Counter

from lsdesk.agreement.measures import (COHEN_KAPPA, EDIT_SIMILARITY, IOU_THRESHOLD, KRIPPENDORFF_ALPHA, REGION_F1, SPAN_F1, Coincidences,
                                       categorical_value, cohen_kappa, control_kind, edit_similarity, f1, item_labels,
                                       region_matches, span_matches, textarea_text)
from lsdesk.agreement.task import controls_of


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
            totals["similarity"] += edit_similarity(textarea_text(first), textarea_text(second))
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
