// Audio waveforms: decode a URL's bytes with the Web Audio API, summarise the samples into
// min/max blocks, and draw the peaks of any time range onto a canvas.

const BLOCK = 256; // samples per precomputed min/max block
const MAX_RATE = 44100;
const MIN_RATE = 3000; // the lowest rate an OfflineAudioContext accepts
const SAMPLE_BUDGET = 48_000_000; // decoded samples per channel we are willing to hold

// The rate to decode at: full quality for short clips, lower for long ones so memory stays bounded.
export function decodeRate(duration) {
  if (!Number.isFinite(duration) || duration <= 0) return MAX_RATE;
  return Math.max(MIN_RATE, Math.min(MAX_RATE, Math.floor(SAMPLE_BUDGET / duration)));
}

// The decoded AudioBuffer of a URL. An OfflineAudioContext decodes without an output device
// and without the autoplay rules that keep a live AudioContext suspended.
export async function decodeAudio(url, duration) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  const bytes = await response.arrayBuffer();
  const context = new OfflineAudioContext(1, 1, decodeRate(duration));
  return context.decodeAudioData(bytes);
}

// Per channel: the raw samples and their min/max per BLOCK samples.
export function summarize(buffer) {
  const channels = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    const count = Math.ceil(data.length / BLOCK);
    const min = new Float32Array(count);
    const max = new Float32Array(count);
    for (let b = 0; b < count; b++) {
      let lo = 0;
      let hi = 0;
      const end = Math.min(data.length, (b + 1) * BLOCK);
      for (let i = b * BLOCK; i < end; i++) {
        const v = data[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[b] = lo;
      max[b] = hi;
    }
    channels.push({ data, min, max });
  }
  return { channels, sampleRate: buffer.sampleRate, length: buffer.length };
}

// [min, max] of the given channels over samples [s0, s1).
function peakOf(peaks, channels, s0, s1) {
  let lo = 0;
  let hi = 0;
  for (const c of channels) {
    const channel = peaks.channels[c];
    if (s1 - s0 >= BLOCK) {
      const b1 = Math.min(channel.min.length, Math.ceil(s1 / BLOCK));
      for (let b = Math.floor(s0 / BLOCK); b < b1; b++) {
        if (channel.min[b] < lo) lo = channel.min[b];
        if (channel.max[b] > hi) hi = channel.max[b];
      }
    } else {
      const end = Math.min(channel.data.length, s1);
      for (let i = s0; i < end; i++) {
        const v = channel.data[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return [lo, hi];
}

// Draw the waveform of [from, from + canvas width / pxPerSec) seconds. `lanes` is a list of
// channel-index lists, one horizontal lane each (all channels in one lane unless split).
export function drawWave(canvas, peaks, { from, pxPerSec, lanes, color = "#5b7fc7", axis = "#c9d3e6", scale = 1 }) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.width;
  const height = canvas.height;
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, width, height);
  if (!peaks || !width || !height) return;
  const laneHeight = height / lanes.length;
  const samplesPerPixel = peaks.sampleRate / (pxPerSec * ratio);
  const first = from * peaks.sampleRate;
  lanes.forEach((channels, lane) => {
    const middle = lane * laneHeight + laneHeight / 2;
    const half = (laneHeight / 2) * 0.95;
    const y = (v) => middle - Math.max(-1, Math.min(1, v * scale)) * half;
    g.fillStyle = axis;
    g.fillRect(0, Math.round(middle), width, 1);
    g.fillStyle = color;
    for (let x = 0; x < width; x++) {
      const s0 = Math.floor(first + x * samplesPerPixel);
      const s1 = Math.max(s0 + 1, Math.floor(first + (x + 1) * samplesPerPixel));
      if (s0 >= peaks.length) break;
      const [lo, hi] = peakOf(peaks, channels, s0, s1);
      const top = y(hi);
      const bottom = y(lo);
      g.fillRect(x, Math.floor(top), 1, Math.max(1, Math.ceil(bottom - top)));
    }
  });
}
