// <KeyPoint>: the Image's key point tool, for regions without labels or with a <Labels>.

import { toolControl } from "../editor/image-controls.js";

export default toolControl("KeyPoint");
