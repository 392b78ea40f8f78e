// When the Label page does what need not happen before a task is on screen: after the next frame is
// painted, or once the browser is idle.

// Runs `callback` after the next frame: a task queued from requestAnimationFrame runs after its paint.
export function afterPaint(callback) {
  requestAnimationFrame(() => setTimeout(callback, 0));
}

// Runs `callback` once the browser is idle (at most 200 ms later); after a short wait where the
// browser cannot say when it is idle.
export function whenIdle(callback) {
  if (window.requestIdleCallback) requestIdleCallback(callback, { timeout: 200 });
  else setTimeout(callback, 50);
}
