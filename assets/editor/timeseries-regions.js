// The labelled ranges of the TimeSeries view: drawn across every channel, made by dragging with a
// label armed (a click makes an instant), selected by a click, moved or resized by dragging. Ends
// snap to data points and are stored in the time column's units (its text when timeFormat reads it).
// Methods of TimeSeriesView (mixed into it by timeseries-view.js).

import { withAlpha } from "./colors.js";
import { isTyping } from "./hotkeys.js";
import { regionLook, regionsOf } from "./spans.js";
import { newRegionId } from "./store.js";
import { nearestIndex } from "./timeseries-data.js";

const CLICK_SLOP = 3; // screen pixels a click may wander before it counts as a drag
const EDGE = 5; // screen pixels at a range's ends that resize it
const UNLABELLED = "#9aa5b1";

const hasTimePlace = (value) => value.start !== undefined && value.end !== undefined
  && ["number", "string"].includes(typeof value.start);

export const regionEditing = {
  listenToRegions() {
    this.plot.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    this.plot.addEventListener("pointermove", (event) => this.onPointerMove(event));
    this.plot.addEventListener("pointerup", (event) => this.onPointerUp(event));
    this.plot.addEventListener("pointercancel", () => this.cancelGesture());
  },

  drawRegions() {
    if (!this.series || (this.gesture && this.gesture.moved)) return;
    const elements = regionsOf(this.ctx, this.name, hasTimePlace).map((region) => {
      const place = region.items[0].value;
      const look = regionLook(this.ctx, region.items);
      const color = look.label !== "" ? look.color : UNLABELLED;
      const selected = region.id !== null && region.id === this.store.selected;
      const el = document.createElement("div");
      el.className = "lsd-ts-region" + (selected ? " selected" : "") + (place.instant === true ? " instant" : "")
        + (region.items.some((item) => item.readonly === true) ? " readonly" : "");
      if (region.id) el.dataset.regionId = region.id;
      el.style.setProperty("--region-color", color);
      el.style.setProperty("--region-fill", withAlpha(color, selected ? 0.4 : 0.2));
      this.placeElement(el, this.axisTime(place.start), this.axisTime(place.end));
      const caption = document.createElement("span");
      caption.className = "lsd-ts-region-label";
      caption.textContent = look.label;
      el.append(caption);
      el.title = `${look.label || "(no label)"} ${place.start}${place.instant === true ? "" : ` – ${place.end}`}`;
      return el;
    });
    this.layer.replaceChildren(...elements);
  },

  placeElement(el, start, end) {
    const left = this.xOf(Math.min(start, end));
    const right = this.xOf(Math.max(start, end));
    el.style.left = `${left}px`;
    el.style.width = `${Math.max(2, right - left)}px`;
  },

  regionItems(id) {
    if (!id) return null;
    const items = this.store.region(id).filter((item) => item.to_name === this.name && item.value && hasTimePlace(item.value));
    return items.length ? items : null;
  },

  addRegion(startIndex, endIndex) {
    const armed = this.ctx.armedFor(this.name);
    if (!armed.length) return null;
    const id = newRegionId();
    this.store.change(() => {
      for (const { control, labels } of armed) {
        const type = control.tag.toLowerCase();
        this.store.add({ id, from_name: control.attrs.name, to_name: this.name, type,
          value: { start: this.resultTime(startIndex), end: this.resultTime(endIndex), instant: startIndex === endIndex, [type]: labels } });
      }
    });
    return id;
  },

  setIndexes(id, startIndex, endIndex) {
    this.store.change(() => this.store.updateRegion(id, (item) => {
      if (!item.value || !hasTimePlace(item.value)) return;
      item.value.start = this.resultTime(startIndex);
      item.value.end = this.resultTime(endIndex);
      if ("instant" in item.value) item.value.instant = startIndex === endIndex;
    }));
  },

  onPointerDown(event) {
    if (event.button !== 0 || !this.series) return;
    event.preventDefault();
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && isTyping({ target: focused })) focused.blur();
    this.plot.focus({ preventScroll: true });
    const target = event.target instanceof Element ? event.target.closest("[data-region-id]") : null;
    const id = target ? target.dataset.regionId : null;
    const items = this.regionItems(id);
    const index = this.indexAt(event.clientX);
    let type = "create";
    let edge = null;
    let span = [index, index];
    if (items) {
      const box = target.getBoundingClientRect();
      const editable = !items.some((item) => item.readonly === true);
      const instant = items[0].value.instant === true;
      if (editable && !instant && event.clientX - box.left <= EDGE) edge = "start";
      else if (editable && !instant && box.right - event.clientX <= EDGE) edge = "end";
      type = edge ? "resize" : editable ? "move" : "click-region";
      const { times } = this.series;
      const toIndex = (value) => nearestIndex(times, this.axisTime(value));
      span = [toIndex(items[0].value.start), toIndex(items[0].value.end)].sort((a, b) => a - b);
    }
    this.gesture = { type, id, edge, x: event.clientX, index, span, moved: false };
    try {
      this.plot.setPointerCapture(event.pointerId);
    } catch {
      // a synthetic event without a live pointer: the gesture still works over the plot
    }
  },

  onPointerMove(event) {
    const gesture = this.gesture;
    if (!gesture) return;
    if (!gesture.moved && Math.abs(event.clientX - gesture.x) <= CLICK_SLOP) return;
    const index = this.indexAt(event.clientX);
    const [start, end] = gesture.span;
    let next;
    if (gesture.type === "create") {
      if (!this.ctx.armedFor(this.name).length) return;
      next = [Math.min(gesture.index, index), Math.max(gesture.index, index)];
    } else if (gesture.type === "move") {
      const shift = Math.min(this.series.length - 1 - end, Math.max(-start, index - gesture.index));
      next = [start + shift, end + shift];
    } else if (gesture.type === "resize") {
      const other = gesture.edge === "start" ? end : start;
      next = [Math.min(other, index), Math.max(other, index)];
    } else {
      return;
    }
    gesture.moved = true;
    gesture.next = next;
    this.showPreview(gesture, next);
  },

  showPreview(gesture, [start, end]) {
    const { times } = this.series;
    let el = this.preview;
    if (gesture.type === "create") {
      const [{ control, labels } = {}] = this.ctx.armedFor(this.name);
      const type = control ? control.tag.toLowerCase() : "";
      const look = control ? regionLook(this.ctx, [{ from_name: control.attrs.name, type, value: { [type]: labels } }]) : { color: UNLABELLED };
      this.preview.style.setProperty("--region-color", look.color);
      this.preview.style.setProperty("--region-fill", withAlpha(look.color, 0.2));
      this.preview.hidden = false;
    } else {
      el = this.layer.querySelector(`[data-region-id="${CSS.escape(gesture.id)}"]`) || this.preview;
    }
    this.placeElement(el, times[start], times[end]);
  },

  onPointerUp() {
    const gesture = this.gesture;
    if (!gesture) return;
    this.gesture = null;
    this.preview.hidden = true;
    if (gesture.moved && gesture.next) {
      const [start, end] = gesture.next;
      if (gesture.type === "create") {
        if (this.addRegion(start, end) && this.store.selected) this.store.select(null);
      } else if (start !== gesture.span[0] || end !== gesture.span[1]) {
        this.setIndexes(gesture.id, start, end);
      } else {
        this.drawRegions();
      }
      return;
    }
    // A click on a range selects it; elsewhere it first unselects, then (with a label armed) marks an instant.
    if (gesture.id) {
      this.store.select(this.store.selected === gesture.id ? null : gesture.id);
    } else if (this.store.selected) {
      this.store.select(null);
    } else if (this.ctx.armedFor(this.name).length) {
      this.addRegion(gesture.index, gesture.index);
    }
  },

  cancelGesture() {
    this.gesture = null;
    this.preview.hidden = true;
    this.drawRegions();
  },
};
