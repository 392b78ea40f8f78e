// Zoom and pan of the image view: the stage's size follows the zoom, its offset the pan, and
// what is drawn at a fixed screen size (handles, arrows, key points) is redrawn to match.
// Methods of ImageView (mixed into it by image-view.js).

import { clamp } from "./image-geometry.js";
import { SHAPES } from "./image-shapes.js";

export const zoomAndPan = {
  zoomTo(zoom) {
    const box = this.viewport.getBoundingClientRect();
    this.zoomAt(box.left + box.width / 2, box.top + box.height / 2, zoom);
  },

  zoomAt(clientX, clientY, zoom) {
    if (!this.width) return;
    const box = this.viewport.getBoundingClientRect();
    const maxZoom = Math.max(8, (8 * this.width) / this.shownWidth());
    const next = clamp(zoom, this.minZoom, maxZoom);
    const ox = clientX - box.left;
    const oy = clientY - box.top;
    const sx = (ox - this.tx) / this.zoom;
    const sy = (oy - this.ty) / this.zoom;
    this.zoom = Math.abs(next - 1) < 1e-9 ? 1 : next;
    this.tx = ox - sx * this.zoom;
    this.ty = oy - sy * this.zoom;
    this.clampPan();
    this.applyView();
  },

  clampPan() {
    const vw = this.shownWidth();
    const vh = (vw * this.height) / this.width;
    if (this.zoom >= 1) {
      this.tx = clamp(this.tx, vw - vw * this.zoom, 0);
      this.ty = clamp(this.ty, vh - vh * this.zoom, 0);
    } else {
      this.tx = (vw - vw * this.zoom) / 2;
      this.ty = (vh - vh * this.zoom) / 2;
    }
  },

  applyView() {
    this.stage.style.width = `${this.zoom * 100}%`;
    this.stage.style.height = `${this.zoom * 100}%`;
    this.stage.style.transform = `translate(${this.tx}px, ${this.ty}px)`;
    this.element.dataset.zoom = String(this.zoom);
    if (this.zoomLabel) this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
    if (!this.width) return;
    const unit = this.unit();
    for (const shape of Object.values(SHAPES)) if (shape.rescale) shape.rescale(this, unit);
    this.drawHandles();
    this.drawRelations();
    this.drawDrawing();
  },

  onWheel(event) {
    if (!this.width) return;
    if (event.ctrlKey || event.metaKey) {
      if (!this.zoomable) return;
      event.preventDefault();
      if (!event.deltaY) return;
      this.zoomAt(event.clientX, event.clientY, this.zoom * (event.deltaY < 0 ? this.zoomBy : 1 / this.zoomBy));
    } else if (this.zoom > 1) {
      event.preventDefault();
      this.tx -= event.shiftKey && !event.deltaX ? event.deltaY : event.deltaX;
      this.ty -= event.shiftKey && !event.deltaX ? 0 : event.deltaY;
      this.clampPan();
      this.applyView();
    }
  },
};
