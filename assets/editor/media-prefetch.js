// Fetching and decoding a task's pictures before its editor is made: the Label page calls
// prefetchMedia(task, config) for the task it expects next, so that when it is shown its <Image>
// finds the picture complete in the browser's memory cache and draws it, with its regions, in the
// frame that shows the task (see image-loading.js).

import { attr, parseConfig, walk } from "./config.js";
import { resolve } from "./data.js";

// Pictures prefetched lately, kept referenced so the browser keeps them decoded; the oldest go first.
const KEPT = 4;
const kept = new Map(); // cross-origin mode + url → {img, decoded}
let parsed = { config: null, images: [] };

// Start loading and decoding the pictures `task` shows with `config`. The promise (which callers
// may ignore) resolves with their URLs once each is decoded or has failed.
export function prefetchMedia(task, config) {
  const urls = [];
  const decoded = [];
  for (const node of imageNodes(config)) {
    const crossOrigin = attr(node, "crossOrigin");
    const mode = crossOrigin && crossOrigin !== "none" ? crossOrigin : null;
    for (const url of imageUrls(node, task.data || {})) {
      urls.push(url);
      decoded.push(prefetch(url, mode));
    }
  }
  return Promise.all(decoded).then(() => urls);
}

function imageNodes(config) {
  if (parsed.config !== config) {
    let images = [];
    try {
      images = [...walk(parseConfig(config))].filter((node) => node.tag.toLowerCase() === "image");
    } catch {
      // a config that does not parse shows its error when the editor is made
    }
    parsed = { config, images };
  }
  return parsed.images;
}

// The URL an <Image> shows first: its value, or the first of its valueList (other pages load when turned to).
function imageUrls(node, data) {
  const source = node.attrs.valuelist !== undefined ? resolve(node.attrs.valuelist, data) : resolve(node.attrs.value, data);
  const url = Array.isArray(source) ? source[0] : source;
  return typeof url === "string" && url ? [url] : [];
}

// A promise settled once the picture is decoded, or has failed (its editor shows the error).
function prefetch(url, crossOrigin) {
  const key = `${crossOrigin ?? ""} ${url}`;
  let entry = kept.get(key);
  if (entry) {
    kept.delete(key);
  } else {
    const img = new Image();
    if (crossOrigin) img.crossOrigin = crossOrigin;
    img.src = url;
    entry = { img, decoded: img.decode().catch(() => {}) };
  }
  kept.set(key, entry);
  while (kept.size > KEPT) kept.delete(kept.keys().next().value);
  return entry.decoded;
}
