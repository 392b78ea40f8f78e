// Following a background job (GET /api/jobs/<id>): a progress bar with a Cancel button while it
// runs, then its outcome and the problems it reported.

import { api } from "../api.js";
import { formatNumber, h, plural } from "./dom.js";
import { errorNotice } from "./notice.js";
import { progressBar } from "./progress.js";

const POLL_MS = 400;

// `alive()` says whether the page is still shown; `describe(job)` words a finished job.
export function jobFollower(label, { alive, describe }) {
  const element = h("div", { class: "job-status", "aria-live": "polite" });
  const progress = progressBar(label);
  const cancelButton = h("button", { type: "button", onclick: cancel }, "Cancel");
  let following = null;

  async function cancel() {
    cancelButton.disabled = true;
    try {
      await api.delete(`/api/jobs/${following.id}`);
    } catch (error) {
      element.append(errorNotice(error, "The job could not be cancelled"));
    }
  }

  // While the request that starts a job is under way (it may wait a few seconds for a short job).
  function starting(caption) {
    progress.set(null, caption);
    element.replaceChildren(progress.element);
  }

  // Resolves to the job as it ended, or null when the page went away or lost track of it.
  async function follow(job) {
    following = job;
    cancelButton.disabled = false;
    element.replaceChildren(progress.element, cancelButton);
    try {
      while (job.state === "running") {
        showProgress(job);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (!alive()) return null;
        job = await api.get(`/api/jobs/${job.id}`);
      }
    } catch (error) {
      element.replaceChildren(errorNotice(error, `${label}: the job could not be followed`));
      return null;
    } finally {
      following = null;
    }
    element.replaceChildren(...outcome(job));
    return job;
  }

  function showProgress(job) {
    const { done, total } = job;
    const amount = total ? `${formatNumber(done)} of ${formatNumber(total)}` : `${formatNumber(done)} so far`;
    progress.set(total ? done / total : null, `${job.description}: ${amount}`);
  }

  function outcome(job) {
    if (job.state === "failed") {
      return [errorNotice({ messages: [job.message || "The job failed", ...job.errors] }, `${job.description} failed`)];
    }
    const line = job.state === "cancelled"
      ? `Cancelled after ${formatNumber(job.done)}${job.total ? ` of ${formatNumber(job.total)}` : ""}.`
      : describe(job);
    const more = job.error_count - job.errors.length;
    return [
      h("p", { class: "job-result" }, line),
      job.error_count
        ? errorNotice({ messages: [...job.errors, ...(more > 0 ? [`… and ${formatNumber(more)} more`] : [])] },
          plural(job.error_count, "problem"))
        : null,
    ].filter(Boolean);
  }

  return { element, starting, follow, running: () => following !== null };
}

// The running jobs of these kinds for the active project: a page shows a job started before it was
// left (or from another window) again. If they cannot be read the page works without them.
export async function runningJobs(kinds) {
  try {
    const [project, { jobs }] = await Promise.all([api.get("/api/project"), api.get("/api/jobs")]);
    return jobs.filter((job) => job.state === "running" && job.project === project.path && kinds.includes(job.kind));
  } catch {
    return [];
  }
}
