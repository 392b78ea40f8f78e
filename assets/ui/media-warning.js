// The label page's warning over a task's images: those the server found truncated or unreadable
// (GET /api/tasks/<id>/media-problems), and any image the browser itself could not show. A partial
// image must not pass for a whole one: boxes drawn on it would not fit the real file.

import { api } from "../api.js";
import { h } from "./dom.js";

// Returns {element}; `host` is where the editor draws the task, watched for images that fail to load.
export function mediaWarning(taskId, host) {
  const element = h("div", { class: "media-warning" });
  const said = new Set();

  function warn(key, title, text) {
    if (said.has(key)) return;
    said.add(key);
    element.append(h("div", { class: "notice error", role: "alert" }, h("strong", {}, title), h("p", {}, text)));
  }

  function askServer() {
    api.get(`/api/tasks/${taskId}/media-problems`).then(({ problems }) => {
      for (const { url, problem } of problems) {
        warn(url, `This image is truncated or unreadable: ${fileName(url)}`,
          `${problem}. What the editor shows may be only part of it, and labels drawn on it may not fit the ` +
          "whole image.");
      }
    }).catch(() => {}); // the check is advice: a failed request leaves the page as it was
  }
  // After the task's first frame: the request need not hold that frame up.
  requestAnimationFrame(() => setTimeout(askServer, 0));

  // `error` does not bubble: it is caught on its way down to the image.
  host.addEventListener("error", (event) => {
    const image = event.target;
    if (!(image instanceof HTMLImageElement)) return;
    const url = image.getAttribute("src") ?? "";
    warn(`browser:${url}`, `The browser could not show this image: ${fileName(url)}`,
      "The file may be truncated, unreadable, or no longer where the task says.");
  }, true);

  return { element };
}

// The file's own name: the last part of its URL, without the content hash an upload's name starts with.
function fileName(url) {
  const path = url.split("?")[0];
  let name = path.slice(path.lastIndexOf("/") + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // shown as it is
  }
  return path.startsWith("/data/upload/") ? name.replace(/^[0-9a-f]{16}-/, "") : name;
}
