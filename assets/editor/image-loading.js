// Loading the image view's picture, and its width on screen. Methods of ImageView (mixed into it by
// image-view.js).

import { attr } from "./config.js";

// The width each image (by name) was last shown at in this page. The next task's image is laid out
// alike, so its regions are drawn at that width without forcing a layout of the new page; measured()
// redraws them should the real width differ.
const shownWidths = new Map();

export const imageLoading = {
  load() {
    const source = this.pageSource();
    const url = Array.isArray(source) ? source[0] : source;
    if (typeof url !== "string" || !url) {
      this.failed(`no image: value="${this.node.attrs.value ?? this.node.attrs.valuelist ?? ""}" has nothing in the task data`);
      return;
    }
    // Only the newest load counts: a page turned meanwhile makes the events of an earlier one stale.
    const attempt = ++this.loads;
    const settle = (fn) => () => {
      if (attempt !== this.loads) return;
      this.loads += 1;
      fn();
    };
    const whenLoaded = settle(() => this.loaded(url));
    this.img.addEventListener("load", whenLoaded, { once: true });
    this.img.addEventListener("error", settle(() => this.failed(`the image at ${url} could not be loaded`)), { once: true });
    this.img.src = url;
    // An image in the browser's memory cache (a task seen before, a prefetched one) is complete at
    // once; its load event would come a task later, often after a frame without it. Draw it and its
    // regions now, once the editor has put the element in the page (the microtask after this render).
    if (this.img.complete && this.img.naturalWidth) queueMicrotask(whenLoaded);
  },

  // The picture at `url` is loaded: size the view to it and draw the regions.
  loaded(url) {
    if (!this.img.naturalWidth || !this.img.naturalHeight) {
      this.failed(`the image at ${url} has no size`);
      return;
    }
    this.width = this.img.naturalWidth;
    this.height = this.img.naturalHeight;
    this.viewport.style.aspectRatio = `${this.width} / ${this.height}`;
    // A tall picture is fitted to the window's height too, unless the config sets maxWidth.
    if (attr(this.node, "maxWidth") === undefined) {
      this.element.style.maxWidth = `min(750px, calc(85vh * ${this.width / this.height}))`;
    }
    this.overlay.setAttribute("viewBox", `0 0 ${this.width} ${this.height}`);
    this.message.hidden = true;
    this.element.dataset.state = "ready";
    this.applyView();
    this.sync();
    this.resolveReady();
  },

  failed(reason) {
    this.element.dataset.state = "error";
    this.message.hidden = false;
    this.message.classList.add("lsd-image-error");
    this.message.textContent = `Image "${this.name}": ${reason}. Its regions are kept as they are.`;
    this.resolveReady();
  },

  // The viewport's width on screen (kept by a ResizeObserver: reading layout while redrawing is slow;
  // until it first reports, the width this image was last shown at, see shownWidths).
  shownWidth() {
    if (!this.viewWidth) {
      this.widthGuessed = shownWidths.has(this.name);
      this.viewWidth = this.widthGuessed ? shownWidths.get(this.name) : this.viewport.clientWidth;
    }
    return this.viewWidth || 1;
  },

  // The viewport's width as the ResizeObserver reports it.
  measured(width) {
    const drawnAt = this.viewWidth;
    this.viewWidth = width;
    if (width) shownWidths.set(this.name, width);
    if (!this.width) return;
    this.clampPan();
    this.applyView();
    if (this.widthGuessed) {
      this.widthGuessed = false;
      if (drawnAt !== width) this.redrawRegions();
    }
  },
};
