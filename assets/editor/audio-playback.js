// Playback of the Audio view: play/pause, seeking, playing one region, the cursor that follows
// the clip. Playback runs through an <audio> element. Methods of AudioView (mixed into it by audio-view.js).

import { attr, flag } from "./config.js";

// "1:05.25" for 65.25 seconds.
export function formatTime(seconds) {
  const whole = Math.max(0, seconds || 0);
  const minutes = Math.floor(whole / 60);
  const rest = (whole - minutes * 60).toFixed(2).padStart(5, "0");
  return `${minutes}:${rest}`;
}

export const playback = {
  registerKeys() {
    const hotkeys = this.ctx.hotkeys;
    let combo = attr(this.node, "hotkey");
    if (!combo && !hotkeys.used.has("shift+space")) combo = "shift+space";
    if (combo) hotkeys.add(combo, `Play or pause ${this.name}`, () => this.toggle());
    if (!hotkeys.used.has("ctrl+b")) hotkeys.add("ctrl+b", `Back one second in ${this.name}`, () => this.seek(this.media.currentTime - 1));
  },

  toggle() {
    if (this.media.paused) this.play();
    else this.pause();
  },

  play() {
    if (!this.duration) return;
    const started = this.media.play();
    if (started) started.catch((error) => { if (error.name !== "AbortError") console.warn(`${this.name} could not play`, error); });
    this.refreshButtons();
  },

  pause() {
    this.stopAt = null;
    this.media.pause();
    this.refreshButtons();
  },

  seek(seconds) {
    if (!this.duration) return;
    this.stopAt = null;
    this.media.currentTime = Math.min(this.duration, Math.max(0, seconds));
    this.drawCursor();
  },

  playRegion(id) {
    const items = this.regionItems(id);
    if (!items) return;
    const { start, end } = items[0].value;
    this.media.currentTime = Math.min(start, end);
    this.stopAt = Math.max(start, end);
    this.play();
  },

  startTicking() {
    this.refreshButtons();
    cancelAnimationFrame(this.frame);
    const tick = () => {
      if (this.stopAt !== null && this.media.currentTime >= this.stopAt) {
        const stop = this.stopAt;
        this.pause();
        this.media.currentTime = stop;
      }
      this.drawCursor(true);
      if (!this.media.paused) this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  },

  drawCursor(follow = false) {
    const now = this.media.currentTime || 0;
    this.time.textContent = `${formatTime(now)} / ${formatTime(this.duration)}`;
    if (!this.duration) return;
    const x = now * this.pxPerSec;
    this.cursor.style.left = `${x}px`;
    this.cursor.style.height = `${this.trackHeight()}px`;
    const left = this.scroller.scrollLeft;
    if (follow && flag(this.node, "autoCenter", true) && (x < left || x > left + this.viewWidth)) {
      this.scroller.scrollLeft = Math.max(0, x - this.viewWidth / 2);
    }
  },

  refreshButtons() {
    const playing = !this.media.paused;
    this.playButton.textContent = playing ? "Pause" : "Play";
    this.playButton.setAttribute("aria-pressed", String(playing));
    this.regionButton.disabled = !this.regionItems(this.store.selected);
    if (this.time) this.drawCursor();
  },
};
