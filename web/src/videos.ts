/** The list of videos, each with its jobs' live status and the owner's actions. */
import {
  expectData,
  type EchoRestClient,
  type JobStatusStore,
  type JobView,
  type VideoJobListResponseSchema,
  type VideoListResponseSchema,
} from "@echo-video/client";

import { el, eta } from "./format.js";
import { showVideo } from "./player.js";

// Typed by what the list endpoints answer (their items are the same models).
type VideoSummarySchema = VideoListResponseSchema["items"][number];
type VideoJobResponseSchema = VideoJobListResponseSchema["items"][number];

export class VideoList {
  #videos: VideoSummarySchema[] = [];
  /** Jobs as the REST API last listed them; live views from the store take precedence. */
  #restJobs = new Map<string, VideoJobResponseSchema>();

  constructor(
    private readonly rest: EchoRestClient,
    private readonly jobs: JobStatusStore,
    private readonly root: HTMLElement,
    private readonly gatewayUrl: string,
  ) {
    jobs.subscribe(() => this.render());
  }

  async refresh(): Promise<void> {
    const [videos, jobs] = await Promise.all([
      this.rest.GET("/api/videos", { params: { query: { limit: 50 } } }),
      this.rest.GET("/api/video-processing-jobs", { params: { query: { limit: 100 } } }),
    ]);
    this.#videos = expectData(videos).items;
    this.#restJobs = new Map(expectData(jobs).items.map((job) => [job.id, job]));
    this.render();
  }

  #jobsOf(videoId: string): JobView[] {
    const live = new Map(this.jobs.list(videoId).map((job) => [job.jobId, job]));
    for (const job of this.#restJobs.values()) {
      if (job.video_id !== videoId || live.has(job.id)) continue;
      live.set(job.id, {
        jobId: job.id,
        videoId: job.video_id,
        kind: job.kind,
        status: job.status,
        progress: job.progress,
        phase: null,
        etaSeconds: job.eta_seconds ?? null,
        errorCode: job.error_code ?? null,
        errorMessage: job.error_message ?? null,
        videoStatus: null,
        version: 0,
      });
    }
    return [...live.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  render(): void {
    this.root.replaceChildren(...this.#videos.map((video) => this.#item(video)));
  }

  #item(video: VideoSummarySchema): HTMLLIElement {
    const jobs = this.#jobsOf(video.id);
    const status = overall(video.status, jobs);
    const open = el("button", { type: "button" }, "Play and details");
    open.onclick = () => void this.#open(video.id);
    const remove = el("button", { type: "button", "aria-label": `Delete ${video.title}` }, "Delete");
    remove.onclick = () => void this.#delete(video.id);
    return el(
      "li",
      { "data-video-id": video.id, "data-status": status },
      el("h3", {}, video.title),
      el("p", {}, "Status: ", el("strong", { class: `status-${status}`, "data-role": "video-status" }, status)),
      el("div", { class: "jobs" }, ...jobs.map((job) => this.#job(job))),
      el("p", { class: "actions" }, open, remove),
    );
  }

  #job(job: JobView): HTMLElement {
    const progress = el("progress", { max: "100", "aria-label": `${job.kind} progress` });
    progress.value = job.progress;
    const row = el(
      "div",
      { class: "job", "data-job-id": job.jobId, "data-status": job.status },
      el("span", {}, job.kind),
      el("span", { class: `status-${job.status}` }, job.phase ? `${job.status} (${job.phase})` : job.status),
      el("span", {}, progress, ` ${Math.round(job.progress)}% ${eta(job.etaSeconds)}`),
    );
    const actions = el("span", { class: "actions" });
    if (job.status === "pending" || job.status === "processing") {
      const cancel = el("button", { type: "button" }, "Cancel");
      cancel.onclick = () => void this.#act("cancel", job.jobId);
      actions.append(cancel);
    }
    if (job.status === "failed") {
      const retry = el("button", { type: "button" }, "Retry");
      retry.onclick = () => void this.#act("retry", job.jobId);
      actions.append(retry);
      if (job.errorMessage) actions.append(el("span", { role: "note" }, ` ${job.errorMessage}`));
    }
    row.append(actions);
    return row;
  }

  async #open(videoId: string): Promise<void> {
    const video = expectData(
      await this.rest.GET("/api/videos/{video_id}", { params: { path: { video_id: videoId } } }),
    );
    showVideo(video, this.gatewayUrl);
  }

  async #delete(videoId: string): Promise<void> {
    const { response } = await this.rest.DELETE("/api/videos/{video_id}", {
      params: { path: { video_id: videoId } },
    });
    if (response.ok) await this.refresh();
  }

  async #act(action: "cancel" | "retry", jobId: string): Promise<void> {
    const params = { params: { path: { job_id: jobId } } };
    if (action === "cancel") {
      await this.rest.POST("/api/video-processing-jobs/{job_id}/cancel", params);
    } else {
      await this.rest.POST("/api/video-processing-jobs/{job_id}/retry", params);
    }
    await this.refresh();
  }
}

/** The video's status: the live one when its jobs are known, else the listed one. */
function overall(listed: VideoSummarySchema["status"], jobs: JobView[]): string {
  if (jobs.length === 0) return listed;
  if (jobs.some((job) => job.status === "failed")) return "failed";
  if (jobs.every((job) => job.status === "completed")) return "completed";
  if (jobs.some((job) => job.status === "processing")) return "processing";
  return "pending";
}
