// Media kept together by `sync` (a <Video sync="audio"> and an <Audio sync="video"> of one file):
// playing, pausing, seeking or changing the speed of one does the same to the others, so labels
// drawn on the audio's waveform segment the video. What a follower does because of its leader is
// not passed on again (its events are expected and swallowed), so the leader's time always wins.

const DRIFT = 0.05; // seconds two synced players may differ before the follower is moved

// Join `media` (an <audio> or <video>) of the object `node` to the media its `sync` names and to
// those whose `sync` names it.
export function joinSync(ctx, node, media) {
  if (!ctx.mediaSync) ctx.mediaSync = [];
  const member = { name: node.attrs.name, partner: node.attrs.sync || "", media, expected: new Set() };
  ctx.mediaSync.push(member);
  const partners = () => ctx.mediaSync.filter((other) => other !== member && linked(member, other));
  const lead = (type, apply) => media.addEventListener(type, () => {
    if (member.expected.delete(type)) return; // an echo of what a partner made this media do
    for (const other of partners()) apply(other);
  });
  const moveTo = (other, seconds) => {
    if (Math.abs(other.media.currentTime - seconds) <= DRIFT) return;
    other.expected.add("seeking");
    other.media.currentTime = seconds;
  };
  lead("play", (other) => {
    if (!other.media.paused) return;
    other.expected.add("play");
    moveTo(other, media.currentTime);
    other.media.play().catch(() => other.expected.delete("play"));
  });
  lead("pause", (other) => {
    if (!other.media.paused) {
      other.expected.add("pause");
      other.media.pause();
    }
    moveTo(other, media.currentTime);
  });
  lead("seeking", (other) => moveTo(other, media.currentTime));
  lead("ratechange", (other) => {
    if (other.media.playbackRate === media.playbackRate) return;
    other.expected.add("ratechange");
    other.media.playbackRate = media.playbackRate;
  });
}

function linked(a, b) {
  return (a.partner && a.partner === b.name) || (b.partner && b.partner === a.name);
}
