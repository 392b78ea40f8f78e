// The Video view: the picture with a player (play/pause, frame steps, speed, a seek bar, time and
// frame shown) over a <video> element; per-task controls (Choices, TextArea, Rating) write to it
// by name. `sync` keeps it with an Audio of the same file (media-sync.js); the synced video is
// muted, as the audio track plays the sound.

import { formatTime } from "./audio-playback.js";
import { attr, flag } from "./config.js";
import { joinSync } from "./media-sync.js";

const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];

function button(className, text, title) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  if (title) element.title = title;
  return element;
}

export class VideoView {
  constructor(node, ctx) {
    this.node = node;
    this.ctx = ctx;
    this.name = node.attrs.name;
    const rate = Number(attr(node, "frameRate"));
    this.frameRate = Number.isFinite(rate) && rate > 0 ? rate : 24;
    this.duration = 0;
    this.frame = 0;
    this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
    this.build();
    this.listen();
    this.registerKeys();
    this.load();
  }

  // What other tags may ask of this video.
  api() {
    const view = this;
    return {
      tag: "Video",
      element: this.element,
      media: this.media,
      ready: this.ready,
      get duration() { return view.duration; },
      play: () => view.play(),
      pause: () => view.pause(),
      seek: (seconds) => view.seek(seconds),
      stepFrames: (count) => view.stepFrames(count),
    };
  }

  build() {
    const root = document.createElement("div");
    root.className = "lsd-object lsd-video";
    root.dataset.name = this.name;
    root.dataset.state = "loading";
    this.element = root;

    this.media = document.createElement("video");
    this.media.className = "lsd-video-media";
    this.media.preload = "auto";
    this.media.playsInline = true;
    this.media.muted = flag(this.node, "muted") || Boolean(this.node.attrs.sync);
    const height = attr(this.node, "height");
    if (height) this.media.style.maxHeight = /^\d+$/.test(height) ? `${height}px` : height;

    const bar = document.createElement("div");
    bar.className = "lsd-video-controls";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `Player for ${this.name}`);
    this.playButton = button("lsd-video-play", "Play");
    this.playButton.setAttribute("aria-pressed", "false");
    this.playButton.addEventListener("click", () => this.toggle());
    const back = button("lsd-video-frame-back", "◀ Frame", "One frame back (alt+←)");
    back.addEventListener("click", () => this.stepFrames(-1));
    const forward = button("lsd-video-frame-forward", "Frame ▶", "One frame forward (alt+→)");
    forward.addEventListener("click", () => this.stepFrames(1));
    this.seekBar = document.createElement("input");
    Object.assign(this.seekBar, { type: "range", min: "0", max: "0", step: "any", value: "0", className: "lsd-video-seek" });
    this.seekBar.setAttribute("aria-label", `Position in ${this.name}`);
    this.seekBar.addEventListener("input", () => this.seek(Number(this.seekBar.value)));
    this.time = document.createElement("span");
    this.time.className = "lsd-video-time";
    this.speed = document.createElement("select");
    this.speed.className = "lsd-video-speed";
    this.speed.setAttribute("aria-label", "Speed");
    for (const speed of SPEEDS) this.speed.append(new Option(`${speed}×`, String(speed), speed === 1, speed === 1));
    this.speed.addEventListener("change", () => { this.media.playbackRate = Number(this.speed.value); });
    bar.append(this.playButton, back, forward, this.seekBar, this.time, this.speed);

    this.message = document.createElement("div");
    this.message.className = "lsd-video-message";
    this.message.setAttribute("role", "status");
    this.message.textContent = "Loading video…";
    root.append(this.media, bar, this.message);
    this.showTime();
  }

  async load() {
    const url = this.ctx.resolve(this.node.attrs.value);
    try {
      if (typeof url !== "string" || !url) throw new Error(`no video URL in task data for value="${this.node.attrs.value || ""}"`);
      this.media.src = url;
      this.duration = await this.metadata(url);
      this.seekBar.max = String(this.duration);
      this.message.hidden = true;
      this.element.dataset.state = "ready";
    } catch (error) {
      this.element.dataset.state = "error";
      this.message.classList.add("lsd-load-error");
      this.message.textContent = `The video could not be loaded: ${error.message}. Answers about it are kept as they are.`;
    }
    this.showTime();
    this.resolveReady();
  }

  // The media's duration once its metadata is read.
  metadata(url) {
    return new Promise((resolve, reject) => {
      const ok = () => {
        if (Number.isFinite(this.media.duration) && this.media.duration > 0) resolve(this.media.duration);
        else reject(new Error(`${url} has no known duration`));
      };
      const failed = () => {
        const code = this.media.error ? this.media.error.code : 0;
        reject(new Error(code === 4 ? `${url} is not a playable video or could not be fetched` : `${url} could not be read`));
      };
      this.media.addEventListener("loadedmetadata", ok, { once: true });
      this.media.addEventListener("error", failed, { once: true });
      if (this.media.readyState >= 1) ok();
    });
  }

  listen() {
    for (const event of ["play", "pause", "ended", "timeupdate", "seeked", "ratechange"]) {
      this.media.addEventListener(event, () => this.showTime());
    }
    this.media.addEventListener("play", () => this.tick());
    this.media.addEventListener("click", () => this.toggle());
    if (this.node.attrs.sync) joinSync(this.ctx, this.node, this.media);
    this.ctx.onCleanup(() => {
      cancelAnimationFrame(this.frame);
      this.media.pause();
      this.media.removeAttribute("src");
      this.media.load();
    });
  }

  registerKeys() {
    const hotkeys = this.ctx.hotkeys;
    let combo = attr(this.node, "hotkey");
    if (!combo && !hotkeys.used.has("shift+space")) combo = "shift+space";
    if (combo) hotkeys.add(combo, `Play or pause ${this.name}`, () => this.toggle());
    if (!hotkeys.used.has("alt+arrowleft")) hotkeys.add("alt+arrowleft", `One frame back in ${this.name}`, () => this.stepFrames(-1));
    if (!hotkeys.used.has("alt+arrowright")) hotkeys.add("alt+arrowright", `One frame forward in ${this.name}`, () => this.stepFrames(1));
  }

  toggle() {
    if (this.media.paused) this.play();
    else this.pause();
  }

  play() {
    if (!this.duration) return;
    const started = this.media.play();
    if (started) started.catch((error) => { if (error.name !== "AbortError") console.warn(`${this.name} could not play`, error); });
  }

  pause() {
    this.media.pause();
  }

  seek(seconds) {
    if (!this.duration) return;
    this.media.currentTime = Math.min(this.duration, Math.max(0, seconds));
    this.showTime();
  }

  // Pause and move by whole frames, landing on a frame's start.
  stepFrames(count) {
    if (!this.duration) return;
    this.pause();
    const current = Math.round(this.media.currentTime * this.frameRate);
    this.seek((current + count) / this.frameRate);
  }

  // The seek bar and the time follow the picture while it plays.
  tick() {
    cancelAnimationFrame(this.frame);
    const step = () => {
      this.showTime();
      if (!this.media.paused) this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }

  showTime() {
    const now = this.media.currentTime || 0;
    const frame = Math.floor(now * this.frameRate + 1e-3) + 1; // the media keeps time in microseconds
    this.time.textContent = `${formatTime(now)} / ${formatTime(this.duration)} · frame ${frame}`;
    if (document.activeElement !== this.seekBar) this.seekBar.value = String(now);
    const playing = !this.media.paused;
    this.playButton.textContent = playing ? "Pause" : "Play";
    this.playButton.setAttribute("aria-pressed", String(playing));
  }
}
