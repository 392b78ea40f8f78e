// Media kept together by `sync` (a <Video sync="audio"> and an <Audio sync="video"> of one file):
// playing, pausing, seeking or changing the speed of one does the same to the others, so labels
// drawn on the audio's waveform segment the video. Each change is applied only where it differs,
// so the events it causes in the followers end there.

const DRIFT = 0.05; // seconds two synced players may differ before the follower is moved

// Join `media` (an <audio> or <video>) of the object `node` to the media its `sync` names and to
// those whose `sync` names it.
export function joinSync(ctx, node, media) {
  if (!ctx.mediaSync) ctx.mediaSync = [];
  const member = { name: node.attrs.name, partner: node.attrs.sync || "", media };
  ctx.mediaSync.push(member);
  const partners = () => ctx.mediaSync.filter((other) => other !== member && linked(member, other));
  const follow = (apply) => () => {
    for (const other of partners()) apply(other.media);
  };
  media.addEventListener("play", follow((other) => {
    if (other.paused) other.play().catch(() => {});
  }));
  media.addEventListener("pause", follow((other) => {
    if (!other.paused) other.pause();
    if (Math.abs(other.currentTime - media.currentTime) > DRIFT) other.currentTime = media.currentTime;
  }));
  media.addEventListener("seeking", follow((other) => {
    if (Math.abs(other.currentTime - media.currentTime) > DRIFT) other.currentTime = media.currentTime;
  }));
  media.addEventListener("ratechange", follow((other) => {
    if (other.playbackRate !== media.playbackRate) other.playbackRate = media.playbackRate;
  }));
  return partners;
}

function linked(a, b) {
  return (a.partner && a.partner === b.name) || (b.partner && b.partner === a.name);
}
