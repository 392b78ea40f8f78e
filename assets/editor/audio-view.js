// The Audio view (for <Audio> and <AudioPlus>): a waveform with play/pause, zoom, speed and volume;
// dragging across the waveform with a label armed makes a region {start, end, channel, labels} in
// seconds (plus the item's original_length). This module keeps the shell (building, loading, zoom,
// listening); audio-regions.js draws and edits the regions, audio-playback.js plays the clip.

import { playback } from "./audio-playback.js";
import { regionEditing } from "./audio-regions.js";
import { attr, flag } from "./config.js";
import { joinSync } from "./media-sync.js";
import { decodeAudio, drawWave, summarize } from "./waveform.js";

const MAX_ZOOM = 1500;

const number = (node, name, fallback, min, max) => {
  const value = Number(attr(node, name));
  return Number.isFinite(value) && attr(node, name) !== "" ? Math.min(max, Math.max(min, value)) : fallback;
};

function button(className, text, title) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  if (title) element.title = title;
  return element;
}

function slider(className, label, min, max, step, value) {
  const box = document.createElement("label");
  box.className = `lsd-audio-slider ${className}`;
  const input = document.createElement("input");
  Object.assign(input, { type: "range", min: String(min), max: String(max), step: String(step) });
  input.value = String(value);
  input.setAttribute("aria-label", label);
  const caption = document.createElement("span");
  box.append(label, " ", input, caption);
  return { box, input, caption };
}

export class AudioView {
  constructor(node, ctx) {
    this.node = node;
    this.ctx = ctx;
    this.store = ctx.store;
    this.name = node.attrs.name;
    this.duration = 0;
    this.peaks = null;
    this.zoom = number(node, "defaultZoom", 1, 1, MAX_ZOOM);
    this.height = number(node, "height", 96, 16, 2000);
    this.waveHeight = number(node, "waveHeight", 32, 8, 2000);
    this.scale = number(node, "defaultScale", 1, 0.1, 100);
    this.showLabels = attr(node, "showLabels") !== "false";
    this.stopAt = null; // seconds at which region playback pauses
    this.gesture = null;
    this.frame = 0;
    for (const item of this.store.items) {
      if (item.to_name === this.name && item.id && item.hidden === true) this.store.hidden.add(item.id);
    }
    this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
    this.build();
    this.listen();
    this.registerKeys();
    this.store.subscribe(() => { this.drawRegions(); this.refreshButtons(); });
    this.load();
  }

  // What other tags may ask of this audio.
  api() {
    const view = this;
    return {
      tag: "Audio",
      element: this.element,
      media: this.media,
      ready: this.ready,
      get duration() { return view.duration; },
      get zoom() { return view.zoom; },
      play: () => view.play(),
      pause: () => view.pause(),
      seek: (seconds) => view.seek(seconds),
      playRegion: (id) => view.playRegion(id),
      zoomTo: (zoom) => view.zoomTo(zoom),
    };
  }

  // -- building -------------------------------------------------------------------------

  build() {
    const root = document.createElement("div");
    root.className = "lsd-object lsd-audio";
    root.dataset.name = this.name;
    root.dataset.state = "loading";
    this.element = root;

    this.media = document.createElement("audio");
    this.media.preload = "auto";
    this.media.hidden = true;

    const bar = document.createElement("div");
    bar.className = "lsd-audio-controls";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `Player for ${this.name}`);
    this.playButton = button("lsd-audio-play", "Play");
    this.playButton.setAttribute("aria-pressed", "false");
    this.playButton.addEventListener("click", () => this.toggle());
    this.regionButton = button("lsd-audio-play-region", "Play region", "Play the selected region (or double-click it)");
    this.regionButton.addEventListener("click", () => this.playRegion(this.store.selected));
    this.time = document.createElement("span");
    this.time.className = "lsd-audio-time";
    bar.append(this.playButton, this.regionButton, this.time);

    if (flag(this.node, "zoom", flag(this.node, "hasZoom", true))) {
      const out = button("lsd-audio-zoom-out", "−", "Zoom out");
      const zoomIn = button("lsd-audio-zoom-in", "+", "Zoom in (or ctrl+wheel on the waveform)");
      out.addEventListener("click", () => this.zoomTo(this.zoom / 1.5));
      zoomIn.addEventListener("click", () => this.zoomTo(this.zoom * 1.5));
      this.zoomLabel = document.createElement("span");
      this.zoomLabel.className = "lsd-audio-zoom-level";
      bar.append(out, zoomIn, this.zoomLabel);
    }
    if (flag(this.node, "speed", true)) {
      const speed = slider("lsd-audio-speed", "Speed", 0.5, 2, 0.05, number(this.node, "defaultSpeed", 1, 0.5, 2));
      const apply = () => {
        this.media.playbackRate = Number(speed.input.value);
        this.media.defaultPlaybackRate = this.media.playbackRate;
        speed.caption.textContent = `${Number(speed.input.value).toFixed(2)}×`;
      };
      speed.input.addEventListener("input", apply);
      apply();
      bar.append(speed.box);
    } else {
      this.media.playbackRate = this.media.defaultPlaybackRate = number(this.node, "defaultSpeed", 1, 0.5, 2);
    }
    if (flag(this.node, "volume", true)) {
      const volume = slider("lsd-audio-volume", "Volume", 0, 1, 0.01, number(this.node, "defaultVolume", 1, 0, 1));
      const apply = () => {
        this.media.volume = Number(volume.input.value);
        volume.caption.textContent = `${Math.round(this.media.volume * 100)}%`;
      };
      volume.input.addEventListener("input", apply);
      apply();
      bar.append(volume.box);
    } else {
      this.media.volume = number(this.node, "defaultVolume", 1, 0, 1);
    }

    this.scroller = document.createElement("div");
    this.scroller.className = "lsd-audio-scroll";
    this.track = document.createElement("div");
    this.track.className = "lsd-audio-track";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "lsd-audio-wave";
    this.layer = document.createElement("div");
    this.layer.className = "lsd-audio-regions";
    this.preview = document.createElement("div");
    this.preview.className = "lsd-audio-drawing";
    this.preview.hidden = true;
    this.cursor = document.createElement("div");
    this.cursor.className = "lsd-audio-cursor";
    this.cursor.style.width = `${number(this.node, "cursorWidth", 1, 0, 20)}px`;
    this.cursor.style.background = attr(this.node, "cursorColor", "#333");
    this.track.append(this.canvas, this.layer, this.preview, this.cursor);
    this.scroller.append(this.track);

    this.message = document.createElement("div");
    this.message.className = "lsd-audio-message";
    this.message.textContent = "Loading audio…";
    root.append(bar, this.scroller, this.message, this.media);
    this.refreshButtons();
  }

  // -- loading ---------------------------------------------------------------------------

  async load() {
    const url = this.ctx.resolve(this.node.attrs.value);
    try {
      if (typeof url !== "string" || !url) throw new Error(`no audio URL in task data for value="${this.node.attrs.value}"`);
      this.media.src = url;
      this.duration = await this.metadata(url);
      this.laneChannels = [[0]];
      try {
        // The app's content policy lets media play from anywhere but lets fetch() read only our origin.
        if (new URL(url, location.href).origin !== location.origin) throw new Error("it is not served by lsdesk");
        const buffer = await decodeAudio(url, this.duration);
        this.peaks = summarize(buffer);
        const all = [...Array(buffer.numberOfChannels).keys()];
        this.laneChannels = flag(this.node, "splitChannels") && all.length > 1 ? all.map((c) => [c]) : [all];
      } catch (error) {
        this.message.textContent = `The waveform could not be drawn (${error.message}); the audio still plays.`;
        this.message.classList.add("lsd-audio-note");
      }
      if (this.peaks) this.message.hidden = true;
      this.element.dataset.state = "ready";
      this.layout();
      this.resolveReady();
    } catch (error) {
      this.element.dataset.state = "error";
      this.message.classList.add("lsd-load-error");
      this.message.textContent = `The audio could not be loaded: ${error.message}`;
      this.resolveReady();
    }
  }

  // The media's duration once its metadata is read.
  metadata(url) {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.media.removeEventListener("loadedmetadata", ok);
        this.media.removeEventListener("error", failed);
      };
      const ok = () => {
        done();
        if (Number.isFinite(this.media.duration) && this.media.duration > 0) resolve(this.media.duration);
        else reject(new Error(`${url} has no known duration`));
      };
      const failed = () => {
        done();
        const code = this.media.error ? this.media.error.code : 0;
        reject(new Error(code === 4 ? `${url} is not a playable audio file or could not be fetched` : `${url} could not be read`));
      };
      this.media.addEventListener("loadedmetadata", ok);
      this.media.addEventListener("error", failed);
      if (this.media.readyState >= 1) ok();
    });
  }

  // -- geometry --------------------------------------------------------------------------

  get viewWidth() {
    return this.scroller.clientWidth;
  }

  get pxPerSec() {
    return this.duration ? (this.viewWidth * this.zoom) / this.duration : 0;
  }

  get laneCount() {
    return this.laneChannels ? this.laneChannels.length : 1;
  }

  // Seconds under a client x, clamped to the clip.
  timeAt(clientX) {
    const box = this.track.getBoundingClientRect();
    const seconds = (clientX - box.left) / this.pxPerSec;
    return Math.min(this.duration, Math.max(0, seconds));
  }

  // The lane (channel) under a client y when channels are split, else 0.
  laneAt(clientY) {
    if (this.laneCount < 2) return 0;
    const box = this.track.getBoundingClientRect();
    const lane = Math.floor(((clientY - box.top) / box.height) * this.laneCount);
    return Math.min(this.laneCount - 1, Math.max(0, lane));
  }

  trackHeight() {
    return this.laneCount > 1 ? Math.max(this.height, this.waveHeight * this.laneCount) : this.height;
  }

  layout() {
    if (!this.duration) return;
    this.track.style.width = `${Math.max(1, Math.round(this.viewWidth * this.zoom))}px`;
    this.track.style.height = `${this.trackHeight()}px`;
    if (this.zoomLabel) this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
    this.drawWave();
    this.drawRegions();
    this.drawCursor();
  }

  drawWave() {
    const ratio = window.devicePixelRatio || 1;
    const width = this.viewWidth;
    const height = this.trackHeight();
    this.canvas.style.left = `${this.scroller.scrollLeft}px`;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    if (!this.pxPerSec) return;
    drawWave(this.canvas, this.peaks, { from: this.scroller.scrollLeft / this.pxPerSec, pxPerSec: this.pxPerSec,
      lanes: this.laneChannels || [[0]], scale: this.scale, color: attr(this.node, "waveColor", "#5b7fc7") });
  }

  zoomTo(zoom, anchorClientX = null) {
    const next = Math.min(MAX_ZOOM, Math.max(1, zoom));
    if (!this.duration || next === this.zoom) {
      this.zoom = next;
      return;
    }
    const box = this.scroller.getBoundingClientRect();
    const anchorX = anchorClientX === null ? this.viewWidth / 2 : anchorClientX - box.left;
    const anchorTime = (this.scroller.scrollLeft + anchorX) / this.pxPerSec;
    this.zoom = next;
    this.layout();
    this.scroller.scrollLeft = Math.max(0, anchorTime * this.pxPerSec - anchorX);
    this.drawWave();
  }

  listen() {
    this.track.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    this.track.addEventListener("pointermove", (event) => this.onPointerMove(event));
    this.track.addEventListener("pointerup", (event) => this.onPointerUp(event));
    this.track.addEventListener("pointercancel", () => this.cancelGesture());
    this.scroller.addEventListener("scroll", () => this.drawWave());
    this.scroller.addEventListener("wheel", (event) => {
      if (!(event.ctrlKey || event.metaKey) || !flag(this.node, "zoom", flag(this.node, "hasZoom", true))) return;
      event.preventDefault();
      this.zoomTo(this.zoom * (event.deltaY < 0 ? 1.25 : 0.8), event.clientX);
    }, { passive: false });
    this.media.addEventListener("play", () => this.startTicking());
    this.media.addEventListener("pause", () => this.refreshButtons());
    this.media.addEventListener("ended", () => { this.stopAt = null; this.refreshButtons(); });
    this.media.addEventListener("seeked", () => this.drawCursor());
    if (this.node.attrs.sync) joinSync(this.ctx, this.node, this.media);
    const resize = new ResizeObserver(() => {
      if (this.viewWidth !== this.laidOutWidth) {
        this.laidOutWidth = this.viewWidth;
        this.layout();
      }
    });
    resize.observe(this.scroller);
    this.ctx.onCleanup(() => {
      resize.disconnect();
      cancelAnimationFrame(this.frame);
      this.media.pause();
      this.media.removeAttribute("src");
      this.media.load();
    });
  }
}

Object.assign(AudioView.prototype, regionEditing, playback);
