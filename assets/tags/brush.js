// <Brush>: the Image's brush tool, for masks without labels or with a <Labels>.

import { toolControl } from "../editor/image-controls.js";

export default toolControl("Brush");
