// The Models page: a placeholder until ML backends arrive.

import { api } from "../api.js";
import { h, pageHeading } from "../ui/dom.js";
import { infoNotice } from "../ui/notice.js";

export async function mount(root) {
  const { models } = await api.get("/api/models");
  root.replaceChildren(
    pageHeading("Models"),
    infoNotice("Machine-learning backends arrive in a later version",
      "lsdesk will connect to ML backends to pre-label tasks and learn from your completions. Until then, import predictions with your tasks: they show as editable pre-annotations.",
      h("a", { href: "/import" }, "Import tasks with predictions")),
    h("p", { class: "hint" }, `Connected backends: ${models.length}`));
}
