// The Label page's leap to the next task before the save of the task it leaves is answered: the next
// task was asked for ahead of time, so it is shown at once. Until the save answers, the task left is
// kept with the labels it had; if the save fails, the page goes back to it. Meanwhile the page checks
// that nobody labeled or deleted the task it shows, and actions wait (LabelPage.act).

import { api } from "../api.js";
import { errorNotice } from "../ui/notice.js";
import { toast } from "../ui/toast.js";
import { afterPaint } from "./label-timing.js";

// Shows `ahead` (the task after the shown one, with its draft as `draft`) while `saving` runs; resolves
// once it is drawn. `page.unsaved.settled` resolves once the save and the check are answered and acted on.
export async function leap(page, saving, ahead, { savedMessage, failure }) {
  const { draft, ...next } = ahead;
  const left = {
    task: page.task,
    shownAt: page.shownAt,
    start: { ...page.start, result: page.editor?.getResult() ?? page.start.result, restoredAt: null },
    history: page.history.snapshot(),
    next,
    nextDraft: draft,
  };
  const check = new Promise((resolve) => afterPaint(resolve)).then(() => page.queue.nextAfter(left.task.id, next.id));
  page.unsaved = { settled: settle(page, left, saving, check, { savedMessage, failure }) };
  page.history.visit(next.id, { asNewest: true });
  await page.show(next, draft);
}

async function settle(page, left, saving, check, { savedMessage, failure }) {
  const [saved, checked] = await Promise.allSettled([saving, check]);
  page.unsaved = null;
  if (saved.status === "rejected") {
    await rollBack(page, left, saved.reason, failure);
    return;
  }
  toast(savedMessage);
  if (page.closed) return;
  if (page.task === left.next && checked.status === "fulfilled") await replaceIfStale(page, left, checked.value);
  if (page.task) page.shell.setUrl(page.taskUrl(page.task.id));
}

// The save failed: back to the task left, with its labels and the error; what was done meanwhile on
// the task shown is kept as that task's draft. A page closed meanwhile keeps the labels as a draft.
async function rollBack(page, left, error, failure) {
  if (page.closed) {
    await api.put(`/api/tasks/${left.task.id}/draft`, { result: left.start.result, completion: null }).catch(() => {});
    return;
  }
  await page.drafts.saveNow();
  page.history.rewind(left.history);
  await page.show(left.task, null, left.start);
  if (page.task !== left.task) return;
  page.shownAt = left.shownAt; // its lead time goes on from when it was first shown
  page.changed(); // its labels are saved nowhere yet: kept as its draft, as any change
  page.parts.problems.replaceChildren(errorNotice(error, failure));
}

// `answer` is the sampler's next task, preferring the one shown: if that one has been labeled or
// deleted since it was asked for, the answer takes its place; if another window changed its draft
// and nothing was done on it here yet, it opens again with that draft.
async function replaceIfStale(page, left, answer) {
  const { draft, ...task } = answer ?? {};
  if (answer && task.id === left.next.id) {
    if (!page.dirty && draft?.updated_at !== left.nextDraft?.updated_at) await page.show(task, draft);
    return;
  }
  await page.drafts.saveNow();
  page.history.rewind(left.history);
  if (!answer) {
    page.shell.setUrl(`/label${page.queue.urlSearch}`);
    await page.showQueueEnd();
    return;
  }
  page.history.visit(task.id, { asNewest: true });
  await page.show(task, draft);
}
