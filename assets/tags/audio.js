// <Audio> and <AudioPlus>: a waveform with play/pause, zoom, speed and volume; dragging across the
// waveform with a label armed makes a region {start, end, channel, labels} in seconds (plus the
// item's original_length); regions are selected by a click, moved or resized by dragging, and
// played alone with "Play region" or a double click. Playback runs through an <audio> element.

import { AudioView } from "../editor/audio-view.js";

export default {
  name: "Audio",
  kind: "object",
  render(node, ctx) {
    if (!node.attrs.name) throw new Error(`an ${node.tag} needs a name`);
    const view = new AudioView(node, ctx);
    ctx.objects.set(node.attrs.name, view.api());
    return view.element;
  },
};
