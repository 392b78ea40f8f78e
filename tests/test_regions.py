"""Region ids for id-less result items: grouped by place, one per classification, relations and ids untouched."""

import re

from lsdesk.formats.regions import new_region_id, with_region_ids

ID = re.compile(r"^[A-Za-z0-9_-]{10}$")


def box(**extra):
    item = {"from_name": "label", "to_name": "image", "type": "rectanglelabels", "original_width": 640,
            "original_height": 480, "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0,
                                              "rectanglelabels": ["Cat"]}}
    return {**item, **extra}


def region_text(place, text, **extra):
    return {"from_name": "note", "to_name": "image", "type": "textarea", "value": {**place, "text": [text]}, **extra}


def test_new_region_ids_are_ten_characters_of_label_studios_alphabet_and_differ():
    ids = {new_region_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(ID.match(region_id) for region_id in ids)


def test_a_result_whose_items_all_have_ids_is_returned_as_the_same_list():
    result = [box(id="a1"), {"type": "relation", "from_id": "a1", "to_id": "a1", "direction": "right"}]
    assert with_region_ids(result) is result


def test_an_id_less_box_gets_an_id_first_and_keeps_everything_else():
    [item] = with_region_ids([box()])
    assert list(item)[0] == "id" and ID.match(item["id"])
    assert {key: value for key, value in item.items() if key != "id"} == box()


def test_a_null_or_empty_id_is_replaced_by_a_new_one_in_its_place():
    for empty in (None, ""):
        [item] = with_region_ids([box(id=empty)])
        assert list(item)[0] == "id" and ID.match(item["id"])
        assert {key: value for key, value in item.items() if key != "id"} == box()


def test_id_less_items_at_one_place_share_an_id_and_others_get_their_own():
    place = {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0}
    elsewhere = {**place, "x": 11}
    labels, text, other_box, other_text = with_region_ids(
        [box(), region_text(place, "a cat"), box(value={**elsewhere, "rectanglelabels": ["Dog"]}),
         region_text(elsewhere, "a dog")])
    assert labels["id"] == text["id"]
    assert other_box["id"] == other_text["id"]
    assert labels["id"] != other_box["id"]


def test_a_text_span_and_its_region_text_share_an_id_though_both_have_a_text_key():
    span = {"from_name": "ner", "to_name": "text", "type": "labels",
            "value": {"start": 0, "end": 5, "text": "Hello", "labels": ["Greeting"]}}
    note = {"from_name": "note", "to_name": "text", "type": "textarea",
            "value": {"start": 0, "end": 5, "text": ["said warmly"]}}
    first, second = with_region_ids([span, note])
    assert first["id"] == second["id"]


def test_places_compare_as_json_values_whatever_the_key_order_or_number_type():
    polygon = {"from_name": "poly", "to_name": "image", "type": "polygonlabels",
               "value": {"points": [[1, 2], [3.0, 4]], "polygonlabels": ["Cat"]}}
    note = region_text({"points": [[1.0, 2], [3, 4]]}, "a cat")
    first, second = with_region_ids([polygon, note])
    assert first["id"] == second["id"]


def test_a_score_inside_the_value_does_not_split_a_region():
    first, second = with_region_ids([box(value={"x": 1, "y": 1, "width": 2, "height": 2, "score": 0.9,
                                                "rectanglelabels": ["Cat"]}),
                                      region_text({"x": 1, "y": 1, "width": 2, "height": 2}, "a cat")])
    assert first["id"] == second["id"]


def test_items_at_one_place_on_different_objects_are_different_regions():
    first, second = with_region_ids([box(), box(to_name="other_image")])
    assert first["id"] != second["id"]


def test_two_identical_boxes_of_one_control_are_two_regions():
    first, second = with_region_ids([box(), box()])
    assert first["id"] != second["id"]


def test_each_whole_task_classification_gets_its_own_id():
    choices = {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
    rating = {"from_name": "stars", "to_name": "text", "type": "rating", "value": {"rating": 4}}
    summary = {"from_name": "summary", "to_name": "text", "type": "textarea", "value": {"text": ["ok"]}}
    ids = [item["id"] for item in with_region_ids([choices, rating, summary])]
    assert len(set(ids)) == 3 and all(ID.match(region_id) for region_id in ids)


def test_items_with_ids_and_relations_are_left_as_they_are_beside_id_less_ones():
    kept = box(id="keep-me")
    relation = {"type": "relation", "from_id": "keep-me", "to_id": "x", "direction": "right", "labels": []}
    result = with_region_ids([kept, box(value={"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0,
                                               "rectanglelabels": ["Dog"]}), relation])
    assert result[0] is kept and result[2] is relation
    assert result[1]["id"] != "keep-me"  # id-less items group among themselves only


def test_items_that_are_not_dicts_or_have_no_value_are_kept_or_given_their_own_id():
    odd = [{"from_name": "x", "to_name": "y", "type": "choices"}, {"from_name": "x", "type": "choices", "value": "?"}]
    first, second = with_region_ids(odd)
    assert first["id"] != second["id"]
    assert with_region_ids(["not an item", {"id": "a"}]) == ["not an item", {"id": "a"}]
