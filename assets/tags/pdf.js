// <Pdf>: the document in the browser's own PDF viewer, framed in the page; Choices, TextArea and
// Rating answer about it by name. The frame shows only files of lsdesk's own origin (an uploaded
// file, a media-folder file, a sample): the app's content policy frames nothing else, and the
// server sends a page type (HTML, SVG) as a download, never as a document in our origin. The PDF's
// own script, if any, runs inside the viewer, which cannot reach the app. (A `sandbox` attribute
// would do nothing more: Chromium refuses to show a PDF in a sandboxed frame at all.)

import { attr } from "../editor/config.js";

export default {
  name: "Pdf",
  kind: "object",
  render(node, ctx) {
    if (!node.attrs.name) throw new Error("a Pdf needs a name");
    const root = document.createElement("div");
    root.className = "lsd-object lsd-pdf";
    root.dataset.name = node.attrs.name;
    root.dataset.state = "loading";
    const message = document.createElement("div");
    message.className = "lsd-pdf-message";
    message.setAttribute("role", "status");
    root.append(message);
    const ready = show(root, message, node, ctx);
    ctx.objects.set(node.attrs.name, { tag: "Pdf", element: root, ready });
    return root;
  },
};

async function show(root, message, node, ctx) {
  const url = ctx.resolve(node.attrs.value);
  const failed = (reason) => {
    root.dataset.state = "error";
    message.classList.add("lsd-load-error");
    message.textContent = `The PDF could not be shown: ${reason}. Answers about it are kept as they are.`;
  };
  if (typeof url !== "string" || !url) return failed(`no URL in task data for value="${node.attrs.value || ""}"`);
  const address = new URL(url, location.href);
  if (address.origin !== location.origin) return failed(`${url} is not served by lsdesk (import the file, or add its folder)`);
  try {
    const answer = await fetch(address, { method: "HEAD" });
    if (!answer.ok) return failed(`${url} answered ${answer.status}`);
    const type = answer.headers.get("Content-Type") || "";
    if (!type.startsWith("application/pdf")) return failed(`${url} is not a PDF (${type || "no type"})`);
  } catch (error) {
    return failed(`${url} could not be read (${error.message})`);
  }
  const frame = document.createElement("iframe");
  frame.className = "lsd-pdf-frame";
  frame.title = `PDF ${node.attrs.name}`;
  frame.referrerPolicy = "no-referrer";
  const height = attr(node, "height", "600px");
  frame.style.height = /^\d+$/.test(height) ? `${height}px` : height;
  frame.src = address.href;
  message.hidden = true;
  root.append(frame);
  root.dataset.state = "ready";
}
