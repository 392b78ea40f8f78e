// <Polygon>: the Image's Polygon tool, for regions without labels or with a <Labels>.

import { toolControl } from "../editor/image-controls.js";

export default toolControl("Polygon");
