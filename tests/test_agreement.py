"""Agreement measures against answers worked out by hand (the working is in each test)."""

from collections import Counter

import pytest

from lsdesk.agreement import (ProjectAgreement, cohen_kappa, edit_similarity, krippendorff_alpha, polygon_iou,
                              rectangle_corners, region_matches, span_matches, task_agreement)


def test_cohen_kappa_of_a_two_by_two_table():
    # yes/yes 20, yes/no 5, no/yes 10, no/no 15 of 50: p_o = 35/50 = 0.7;
    # first says yes 25/50, second 30/50: p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7-0.5)/(1-0.5) = 0.4.
    pairs = Counter({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_cohen_kappa_is_undefined_when_both_always_say_the_same_one_thing():
    assert cohen_kappa(Counter({("a", "a"): 3})) is None
    assert cohen_kappa(Counter()) is None


def test_krippendorff_alpha_nominal_small():
    # Units (a,a), (a,b), (b,b): o_aa = 2, o_ab = o_ba = 1, o_bb = 2; n_a = n_b = 3, n = 6.
    # D_o = 2, D_e = (3*3 + 3*3) / 5 = 3.6; alpha = 1 - 2/3.6 = 4/9.
    assert krippendorff_alpha([["a", "a"], ["a", "b"], ["b", "b"]]) == pytest.approx(4 / 9)


def test_krippendorff_alpha_ordinal_small():
    # Units (1,1), (1,2), (3,3): n_1 = 3, n_2 = 1, n_3 = 2, n = 6.
    # delta(1,2) = (3+1 - (3+1)/2)^2 = 4; delta(1,3) = (3+1+2 - 2.5)^2 = 12.25; delta(2,3) = (1+2 - 1.5)^2 = 2.25.
    # D_o = 2 * 4 = 8; D_e = 2 * (3*1*4 + 3*2*12.25 + 1*2*2.25) / 5 = 36; alpha = 1 - 8/36 = 7/9.
    assert krippendorff_alpha([[1, 1], [1, 2], [3, 3]], "ordinal") == pytest.approx(7 / 9)


def test_krippendorff_alpha_with_missing_data_matches_the_published_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders, 12 units, missing values;
    # the paper gives nominal 0.743 and ordinal 0.815. The last unit has one value and is not pairable.
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = list(zip(*coders))
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=0.0005)
    assert krippendorff_alpha(units, "ordinal") == pytest.approx(0.815, abs=0.0005)


def span(start, end, label):
    return {"from_name": "ner", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "labels": [label]}}


def test_span_f1_exact_and_overlap():
    # A: PER 0-5, LOC 10-15; B: PER 0-5, LOC 11-15, PER 20-25.
    # Exact: 1 match, F1 = 2*1 / (2+3) = 0.4. Overlap: PER 0-5 and LOC 10-15 ~ 11-15, F1 = 2*2 / 5 = 0.8.
    first = [span(0, 5, "PER"), span(10, 15, "LOC")]
    second = [span(0, 5, "PER"), span(11, 15, "LOC"), span(20, 25, "PER")]
    assert span_matches(first, second) == (1, 2)
    # A different label never matches, however much it overlaps.
    assert span_matches([span(0, 5, "PER")], [span(0, 5, "LOC")]) == (0, 0)


def square(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def test_polygon_iou_of_convex_and_non_convex_shapes():
    # Two unit squares offset by half: shared 0.5, union 1.5, IoU 1/3.
    assert polygon_iou(square(0, 0, 1, 1), square(0.5, 0, 1.5, 1)) == pytest.approx(1 / 3)
    # An L (area 3: [0,2]x[0,1] plus [0,1]x[1,2]) inside the 2x2 square: IoU 3/4.
    ell = [(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)]
    assert polygon_iou(ell, square(0, 0, 2, 2)) == pytest.approx(3 / 4)
    # The square [0.5,1.5]^2 shares 0.5 (below y=1) + 0.25 (above, x<1) = 0.75; union 3+1-0.75: IoU 3/13.
    assert polygon_iou(ell, square(0.5, 0.5, 1.5, 1.5)) == pytest.approx(3 / 13)
    # The L's notch: only a corner touches.
    assert polygon_iou(ell, square(1, 1, 2, 2)) == pytest.approx(0)
    # Orientation does not matter.
    assert polygon_iou(list(reversed(ell)), square(0, 0, 2, 2)) == pytest.approx(3 / 4)


def test_rectangles_rotate_about_the_top_left_corner_in_pixels():
    # 20x10 % box at (10,10) turned 90 degrees clockwise (y down) covers x 0..10, y 10..30.
    turned = rectangle_corners({"x": 10, "y": 10, "width": 20, "height": 10, "rotation": 90})
    assert polygon_iou(turned, square(0, 10, 10, 30)) == pytest.approx(1)
    # On a 200x100 image the turn happens in pixels: 10% wide = 20 px turns into 20 px tall = 20% of the height.
    turned = rectangle_corners({"x": 10, "y": 10, "width": 10, "height": 20, "rotation": 90}, 200, 100)
    assert polygon_iou(turned, rectangle_corners({"x": 0, "y": 10, "width": 10, "height": 20}, 200, 100)) \
        == pytest.approx(1)


def box(x, y, w, h, label="Cat"):
    return {"from_name": "box", "to_name": "image", "type": "rectanglelabels",
            "value": {"x": x, "y": y, "width": w, "height": h, "rotation": 0, "rectanglelabels": [label]}}


def test_regions_match_at_iou_half_with_the_same_label():
    # (0,0,10,10) vs (0,0,10,5): IoU 50/100 = 0.5, a match. vs (5,0,10,10): 50/150, none. Another label: none.
    assert region_matches([box(0, 0, 10, 10)], [box(0, 0, 10, 5)]) == 1
    assert region_matches([box(0, 0, 10, 10)], [box(5, 0, 10, 10)]) == 0
    assert region_matches([box(0, 0, 10, 10)], [box(0, 0, 10, 10, "Dog")]) == 0
    polygon = {"from_name": "poly", "to_name": "image", "type": "polygonlabels",
               "value": {"points": [[0, 0], [10, 0], [10, 10], [0, 10]], "polygonlabels": ["Cat"]}}
    assert region_matches([polygon], [box(0, 0, 10, 10)]) == 1


def test_edit_similarity():
    # kitten -> sitting: 3 edits, longer string 7: 1 - 3/7.
    assert edit_similarity("kitten", "sitting") == pytest.approx(4 / 7)
    assert edit_similarity("", "") == 1
    assert edit_similarity("abc", "") == 0


def choice(value):
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [value]}}]


def test_task_agreement_is_the_share_of_agreeing_pairs():
    # Pos, Pos, Neg: 1 of 3 pairs agree.
    scores = task_agreement({"ann": choice("Pos"), "bob": choice("Pos"), "cy": choice("Neg")})
    assert scores == {"sentiment": pytest.approx(1 / 3, abs=1e-6)}
    # An annotator who left the control empty disagrees with one who answered.
    assert task_agreement({"ann": choice("Pos"), "bob": []}) == {"sentiment": 0.0}
    assert task_agreement({"ann": choice("Pos")}) == {}


def text(value):
    return [{"from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": [value]}}]


def test_project_agreement_two_annotators():
    controls = [("sentiment", "text", "choices", ("Pos", "Neg")), ("ner", "text", "labels", ("PER", "LOC")),
                ("note", "text", "textarea", ())]
    stats = ProjectAgreement(controls)
    # Choices over 4 tasks: (Pos,Pos) (Pos,Neg) (Neg,Neg) (Neg,Neg): p_o = 3/4; ann Pos 2/4, bob Pos 1/4:
    # p_e = 0.5*0.25 + 0.5*0.75 = 0.5; kappa = (0.75-0.5)/0.5 = 0.5.
    # Per label "Pos" (chose it or not) is the same table; "Neg" its mirror: also 0.5. Pos was chosen
    # on 2 tasks, Neg on 3.
    answers = [("Pos", "Pos"), ("Pos", "Neg"), ("Neg", "Neg"), ("Neg", "Neg")]
    for ann, bob in answers:
        stats.add_task({"ann": choice(ann), "bob": choice(bob)})
    # Spans on one task: the example above (exact 0.4, overlap 0.8); text: kitten/sitting, 4/7.
    stats.add_task({"ann": [span(0, 5, "PER"), span(10, 15, "LOC")] + text("kitten"),
                    "bob": [span(0, 5, "PER"), span(11, 15, "LOC"), span(20, 25, "PER")] + text("sitting")})
    stats.add_task({"ann": choice("Pos")})  # one annotator: not counted
    report = stats.report()
    assert report["annotators"] == ["ann", "bob"] and report["tasks"] == 5
    sentiment, ner, note = report["controls"]
    assert sentiment["metric"] == "cohen_kappa" and sentiment["value"] == pytest.approx(0.5)
    assert sentiment["tasks"] == 4
    assert sentiment["labels"] == {"Pos": {"value": pytest.approx(0.5), "tasks": 2},
                                   "Neg": {"value": pytest.approx(0.5), "tasks": 3}}
    assert ner["metric"] == "span_f1" and ner["value"] == pytest.approx(0.4) and ner["tasks"] == 1
    assert ner["extra"] == {"exact_f1": pytest.approx(0.4), "overlap_f1": pytest.approx(0.8)}
    # PER: A has 1, B has 2, one exact match: 2/3. LOC: 1 and 1, no exact match: 0, overlap 1.
    assert ner["labels"]["PER"]["value"] == pytest.approx(2 / 3)
    assert ner["labels"]["LOC"] == {"value": 0, "tasks": 1, "overlap_f1": 1}
    assert note["metric"] == "edit_similarity" and note["value"] == pytest.approx(4 / 7, abs=1e-6)
    # Overall: mean of the controls weighted by their tasks: (0.5*4 + 0.4*1 + 4/7*1) / 6.
    assert report["overall"]["value"] == pytest.approx((2 + 0.4 + 4 / 7) / 6, abs=1e-6)


def test_project_agreement_three_annotators_uses_alpha():
    stats = ProjectAgreement([("sentiment", "text", "choices", ("a", "b"))])
    # Units (a,a), (a,b), (b,b) from varying pairs of three annotators: nominal alpha 4/9 as above.
    stats.add_task({"ann": choice("a"), "bob": choice("a")})
    stats.add_task({"bob": choice("a"), "cy": choice("b")})
    stats.add_task({"ann": choice("b"), "cy": choice("b")})
    (sentiment,) = stats.report()["controls"]
    assert sentiment["metric"] == "krippendorff_alpha" and sentiment["value"] == pytest.approx(4 / 9)
    assert sentiment["extra"]["level"] == "nominal"


def test_project_agreement_of_boxes_is_f1_at_the_iou_threshold():
    stats = ProjectAgreement([("box", "image", "rectanglelabels", ("Cat", "Dog"))])
    # One box each, IoU 0.5 with the same label: both match, F1 1. A second task: only ann drew a box.
    stats.add_task({"ann": [box(0, 0, 10, 10)], "bob": [box(0, 0, 10, 5)]})
    stats.add_task({"ann": [box(0, 0, 10, 10)], "bob": []})
    (boxes,) = stats.report()["controls"]
    assert boxes["metric"] == "region_f1" and boxes["extra"] == {"iou_threshold": 0.5}
    assert boxes["tasks"] == 2 and list(boxes["labels"]) == ["Cat"]
    # 3 boxes drawn, one matching pair: F1 = 2 * 1 / 3.
    assert boxes["value"] == pytest.approx(2 / 3, abs=1e-6)
