// <RectangleLabels>: the label bar; regions are drawn on its Image.

import { labelsControl } from "../editor/image-controls.js";

export default labelsControl("RectangleLabels");
