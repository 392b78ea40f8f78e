// <BrushLabels>: the label bar; each label's mask is painted on its Image with the brush tool.

import { labelsControl } from "../editor/image-controls.js";

export default labelsControl("BrushLabels");
