// <Video>: the clip with a player (play/pause, frame steps, speed, seek); Choices, TextArea and
// Rating answer about it by name, and `sync` keeps it with an <Audio> of the same file so that
// labels on the waveform segment the video.

import { VideoView } from "../editor/video-view.js";

export default {
  name: "Video",
  kind: "object",
  render(node, ctx) {
    if (!node.attrs.name) throw new Error("a Video needs a name");
    const view = new VideoView(node, ctx);
    ctx.objects.set(node.attrs.name, view.api());
    return view.element;
  },
};
