"""COCO keypoints from KeyPointLabels: per image and control, one object whose keypoints are the control's labels.

Label Studio 0.8 records a keypoint as a labeled point, not as a point of an object, so each image holds one
object per KeyPointLabels control; a label placed twice in one image cannot be told apart and only its first
point is kept (the export's warnings say so).
"""

from lsdesk.formats.export.geometry import image_dimensions


def keypoint_controls(config):
    """{control name: its labels in config order} of every KeyPointLabels control on an Image."""
    if config is None:
        return {}
    images = {obj.name for obj in config.objects if obj.tag == "Image"}
    return {control.name: list(control.labels) for control in config.controls
            if control.tag == "KeyPointLabels" and images.intersection(control.to_names)}


def keypoint_category(category_id, control_name, names):
    return {"id": category_id, "name": control_name, "keypoints": names, "skeleton": []}


def keypoint_annotation(values, names, size, warn):
    """A COCO annotation (without ids and category) of one control's points in one image, else None."""
    keypoints = [0] * (3 * len(names))
    placed = set()
    for value in values:
        width, height = image_dimensions(value, size)
        x, y = value.get("x"), value.get("y")
        if width is None or not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in (x, y)):
            continue
        for label in value.get("keypointlabels") or ():
            if label not in names:
                warn(f"keypoint {label!r} is not a label of the config, so it is left out")
            elif label in placed:
                warn(f"keypoint {label!r} is placed more than once; COCO holds one per object, the first is kept")
            else:
                placed.add(label)
                at = 3 * names.index(label)
                keypoints[at:at + 3] = [x / 100 * width, y / 100 * height, 2]
    if not placed:
        return None
    xs, ys = keypoints[0::3], keypoints[1::3]
    visible = [(px, py) for px, py, v in zip(xs, ys, keypoints[2::3]) if v]
    left, top = min(p[0] for p in visible), min(p[1] for p in visible)
    right, bottom = max(p[0] for p in visible), max(p[1] for p in visible)
    return {"segmentation": [[left, top, right, top, right, bottom, left, bottom]],
            "bbox": [left, top, right - left, bottom - top], "area": (right - left) * (bottom - top),
            "keypoints": keypoints, "num_keypoints": len(placed)}
