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

The measures live in `measures`, one task's agreement in `task`, the project's report in `report`;
their public names are also importable from here.
"""

from lsdesk.agreement.measures import (COHEN_KAPPA, EDIT_SIMILARITY, IOU_THRESHOLD, KRIPPENDORFF_ALPHA, REGION_F1, SPAN_F1,
                                       Coincidences, categorical_value, cohen_kappa, control_kind, edit_distance,
                                       edit_similarity, f1, item_labels, krippendorff_alpha, polygon_area,
                                       polygon_intersection_area, polygon_iou, rectangle_corners, region_matches,
                                       region_shape, span_matches, textarea_text)
from lsdesk.agreement.report import ProjectAgreement, measured_controls, report_csv
from lsdesk.agreement.task import annotator_of, controls_of, editor_of, latest_by_annotator, task_agreement

__all__ = [
    "COHEN_KAPPA", "EDIT_SIMILARITY", "IOU_THRESHOLD", "KRIPPENDORFF_ALPHA", "REGION_F1", "SPAN_F1", "Coincidences",
    "ProjectAgreement", "annotator_of", "categorical_value", "editor_of", "cohen_kappa", "control_kind", "controls_of", "edit_distance",
    "edit_similarity", "f1", "item_labels", "krippendorff_alpha", "latest_by_annotator", "measured_controls",
    "polygon_area", "polygon_intersection_area", "polygon_iou", "rectangle_corners", "region_matches", "region_shape",
    "report_csv", "span_matches", "task_agreement", "textarea_text",
]
