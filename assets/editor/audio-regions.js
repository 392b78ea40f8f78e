// The regions of the Audio view: drawn over the waveform, selected by a click, moved or resized
// by dragging, made by dragging with a label armed, played alone by a double click.
// Methods of AudioView (mixed into it by audio-view.js).

import { formatTime } from "./audio-playback.js";
import { withAlpha } from "./colors.js";
import { attr } from "./config.js";
import { isTyping } from "./hotkeys.js";
import { regionLook, regionsOf } from "./spans.js";
import { newRegionId } from "./store.js";

const CLICK_SLOP = 3; // screen pixels a click may wander before it counts as a drag
const EDGE = 5; // screen pixels at a region's ends that resize it
const DOUBLE_CLICK_MS = 400;
const UNLABELLED = "#9aa5b1";

const hasTimePlace = (value) => typeof value.start === "number" && typeof value.end === "number";

export const regionEditing = {
  regions() {
    return regionsOf(this.ctx, this.name, hasTimePlace);
  },

  drawRegions() {
    if (!this.duration || (this.gesture && this.gesture.moved && this.gesture.type !== "create")) return;
    const pps = this.pxPerSec;
    const laneHeight = this.trackHeight() / this.laneCount;
    const selectedFill = attr(this.node, "selectedRegionBG");
    const plainFill = attr(this.node, "regionBG");
    const elements = this.regions().map((region) => {
      const place = region.items[0].value;
      const look = regionLook(this.ctx, region.items);
      const labelled = look.label !== "";
      const color = labelled ? look.color : UNLABELLED;
      const selected = region.id !== null && region.id === this.store.selected;
      const element = document.createElement("div");
      element.className = "lsd-audio-region" + (selected ? " selected" : "")
        + (region.items.some((item) => item.readonly === true) ? " readonly" : "");
      if (region.id) element.dataset.regionId = region.id;
      const lane = this.laneCount > 1 ? Math.min(this.laneCount - 1, Math.max(0, Number(place.channel) || 0)) : 0;
      const start = Math.min(place.start, place.end);
      const end = Math.max(place.start, place.end);
      Object.assign(element.style, {
        left: `${start * pps}px`, width: `${Math.max(1, (end - start) * pps)}px`,
        top: `${lane * laneHeight}px`, height: `${laneHeight}px`,
      });
      element.style.setProperty("--region-color", color);
      element.style.setProperty("--region-fill", selected && selectedFill ? selectedFill
        : !labelled && plainFill ? plainFill : withAlpha(color, selected ? 0.45 : 0.25));
      if (this.showLabels && labelled) {
        const caption = document.createElement("span");
        caption.className = "lsd-audio-region-label";
        caption.textContent = look.label;
        element.append(caption);
      }
      element.title = `${look.label || "(no label)"} ${formatTime(start)}–${formatTime(end)}`;
      return element;
    });
    this.layer.replaceChildren(...elements);
  },

  // The items of a region on this audio, or null.
  regionItems(id) {
    if (!id) return null;
    const items = this.store.region(id).filter((item) => item.to_name === this.name && item.value && hasTimePlace(item.value));
    return items.length ? items : null;
  },

  addRegion(start, end, channel) {
    const armed = this.ctx.armedFor(this.name);
    if (!armed.length) return null;
    const id = newRegionId();
    this.store.change(() => {
      for (const { control, labels } of armed) {
        const type = control.tag.toLowerCase();
        this.store.add({ id, from_name: control.attrs.name, to_name: this.name, type, original_length: this.duration,
          value: { start, end, channel, [type]: labels } });
      }
    });
    return id;
  },

  setTimes(id, start, end) {
    this.store.change(() => this.store.updateRegion(id, (item) => {
      if (item.value && hasTimePlace(item.value)) {
        item.value.start = start;
        item.value.end = end;
      }
    }));
  },

  // The editable region end nearest to screen x within EDGE pixels, on either side of it, in `lane`
  // ({id, edge: "start"|"end"}), or null: an edge is grabbed whether or not its region is selected and
  // even from just outside it, where a press would otherwise start a new region.
  edgeNear(clientX, lane) {
    const left = this.track.getBoundingClientRect().left;
    let nearest = null;
    for (const region of this.regions()) {
      if (!region.id || region.items.some((item) => item.readonly === true)) continue;
      const place = region.items[0].value;
      const regionLane = this.laneCount > 1 ? Math.min(this.laneCount - 1, Math.max(0, Number(place.channel) || 0)) : 0;
      if (regionLane !== (this.laneCount > 1 ? lane : 0)) continue;
      const ends = { start: Math.min(place.start, place.end), end: Math.max(place.start, place.end) };
      for (const [edge, seconds] of Object.entries(ends)) {
        const distance = Math.abs(left + seconds * this.pxPerSec - clientX);
        if (distance <= EDGE && (!nearest || distance < nearest.distance)) nearest = { id: region.id, edge, distance };
      }
    }
    return nearest;
  },

  onPointerDown(event) {
    if (event.button !== 0 || !this.pxPerSec || this.element.dataset.state !== "ready") return;
    event.preventDefault();
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && isTyping({ target: focused })) focused.blur();
    const target = event.target instanceof Element ? event.target.closest("[data-region-id]") : null;
    const lane = this.laneAt(event.clientY);
    const nearEdge = this.edgeNear(event.clientX, lane);
    const id = nearEdge ? nearEdge.id : target ? target.dataset.regionId : null;
    const items = this.regionItems(id);
    const time = this.timeAt(event.clientX);
    let type = "create";
    const edge = nearEdge ? nearEdge.edge : null;
    if (items) {
      const editable = !items.some((item) => item.readonly === true);
      type = edge ? "resize" : editable ? "move" : "click-region";
    }
    const place = items ? items[0].value : null;
    this.gesture = { type, id, edge, x: event.clientX, time, lane, moved: false,
      start: place ? Math.min(place.start, place.end) : time, end: place ? Math.max(place.start, place.end) : time };
    try {
      this.track.setPointerCapture(event.pointerId);
    } catch {
      // a synthetic event without a live pointer: the gesture still works over the track
    }
  },

  onPointerMove(event) {
    const gesture = this.gesture;
    if (!gesture) return;
    if (!gesture.moved && Math.abs(event.clientX - gesture.x) <= CLICK_SLOP) return;
    gesture.moved = true;
    const time = this.timeAt(event.clientX);
    let [start, end] = [gesture.start, gesture.end];
    if (gesture.type === "create") {
      if (!this.ctx.armedFor(this.name).length) return;
      [start, end] = [Math.min(gesture.time, time), Math.max(gesture.time, time)];
    } else if (gesture.type === "move") {
      const shift = Math.min(this.duration - gesture.end, Math.max(-gesture.start, time - gesture.time));
      [start, end] = [gesture.start + shift, gesture.end + shift];
    } else if (gesture.type === "resize") {
      const other = gesture.edge === "start" ? gesture.end : gesture.start;
      [start, end] = [Math.min(other, time), Math.max(other, time)];
    } else {
      return;
    }
    gesture.next = [start, end];
    this.showPreview(gesture, start, end);
  },

  showPreview(gesture, start, end) {
    const pps = this.pxPerSec;
    let element = this.preview;
    if (gesture.type !== "create") {
      element = this.layer.querySelector(`[data-region-id="${CSS.escape(gesture.id)}"]`) || this.preview;
    } else {
      const laneHeight = this.trackHeight() / this.laneCount;
      const [{ control, labels } = {}] = this.ctx.armedFor(this.name);
      const look = control ? regionLook(this.ctx, [{ from_name: control.attrs.name, type: control.tag.toLowerCase(),
        value: { [control.tag.toLowerCase()]: labels } }]) : { color: UNLABELLED };
      this.preview.style.setProperty("--region-color", look.color);
      this.preview.style.setProperty("--region-fill", withAlpha(look.color, 0.25));
      this.preview.style.top = `${(this.laneCount > 1 ? gesture.lane : 0) * laneHeight}px`;
      this.preview.style.height = `${laneHeight}px`;
      this.preview.hidden = false;
    }
    element.style.left = `${start * pps}px`;
    element.style.width = `${Math.max(1, (end - start) * pps)}px`;
  },

  onPointerUp(event) {
    const gesture = this.gesture;
    if (!gesture) return;
    this.gesture = null;
    this.preview.hidden = true;
    if (gesture.moved && gesture.next) {
      const [start, end] = gesture.next;
      if (gesture.type === "create") {
        if (end > start) {
          const id = this.addRegion(start, end, this.laneCount > 1 ? gesture.lane : 0);
          if (id && this.store.selected) this.store.select(null);
        }
      } else if (end > start && (start !== gesture.start || end !== gesture.end)) {
        this.setTimes(gesture.id, start, end);
      } else {
        this.drawRegions();
      }
      return;
    }
    if (gesture.moved) return;
    if (gesture.id) {
      // A second click soon after the first plays the region (regions are redrawn on select,
      // so the browser's dblclick cannot be relied on).
      const now = performance.now();
      if (this.lastClick && this.lastClick.id === gesture.id && now - this.lastClick.at < DOUBLE_CLICK_MS) {
        this.lastClick = null;
        if (this.store.selected !== gesture.id) this.store.select(gesture.id);
        this.playRegion(gesture.id);
        return;
      }
      this.lastClick = { id: gesture.id, at: now };
      this.store.select(this.store.selected === gesture.id ? null : gesture.id);
    } else {
      this.seek(this.timeAt(event.clientX));
      if (this.store.selected) this.store.select(null);
    }
  },

  cancelGesture() {
    this.gesture = null;
    this.preview.hidden = true;
    this.drawRegions();
  },
};
