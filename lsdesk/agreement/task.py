"""One task's agreement (the disagreement list) and whose answers it compares."""

import itertools

from lsdesk.agreement.measures import (categorical_value, control_kind, edit_similarity, f1, region_matches, span_matches,
                                       textarea_text)


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
        return lambda a, b: edit_similarity(textarea_text(a), textarea_text(b))
    return lambda a, b: float(sorted(map(_value_text, a)) == sorted(map(_value_text, b)))


def _or_one(value):
    return 1.0 if value is None else value


def _value_text(item):
    return repr(item.get("value"))


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
