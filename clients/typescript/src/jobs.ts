/** What a screen shows per job, kept right from live messages in any order.
 *
 * The notifier's rules, applied once here: a `job.status` older (lower `version`) than one
 * already held is ignored; `job.progress` applies only while the job is `processing`; a
 * snapshot replaces what was held; `video.deleted` forgets the video's jobs.
 */
import type { JobErrorCode, JobKind, JobPhase, ProcessingStatus } from "./generated/live.js";
import type { LiveMessage } from "./live.js";

export interface JobView {
  jobId: string;
  videoId: string;
  kind: JobKind;
  status: ProcessingStatus;
  /** 0 to 100. */
  progress: number;
  phase: JobPhase | null;
  etaSeconds: number | null;
  errorCode: JobErrorCode | null;
  errorMessage: string | null;
  /** The video's overall status, as of the last `job.status`. */
  videoStatus: ProcessingStatus | null;
  version: number;
}

export class JobStatusStore {
  readonly #jobs = new Map<string, JobView>();
  #snapshot: Set<string> | undefined;
  readonly #listeners = new Set<() => void>();

  /** Apply one live message; true when a job changed. */
  apply(message: LiveMessage): boolean {
    const changed = this.#apply(message);
    if (changed) for (const listener of this.#listeners) listener();
    return changed;
  }

  get(jobId: string): JobView | undefined {
    return this.#jobs.get(jobId);
  }

  /** The jobs of one video (all jobs when `videoId` is absent). */
  list(videoId?: string): JobView[] {
    return [...this.#jobs.values()].filter((job) => !videoId || job.videoId === videoId);
  }

  /** Call `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #apply(message: LiveMessage): boolean {
    switch (message.type) {
      case "snapshot.start":
        this.#snapshot = new Set();
        return false;
      case "snapshot.end": {
        const kept = this.#snapshot;
        this.#snapshot = undefined;
        if (!kept) return false;
        let changed = false;
        for (const id of this.#jobs.keys()) {
          if (!kept.has(id)) changed = this.#jobs.delete(id) || changed;
        }
        return changed;
      }
      case "video.deleted": {
        let changed = false;
        for (const id of message.job_ids) changed = this.#jobs.delete(id) || changed;
        return changed;
      }
      case "job.status": {
        this.#snapshot?.add(message.job_id);
        const known = this.#jobs.get(message.job_id);
        if (known && known.version >= message.version) return false;
        const running = message.status === "processing";
        this.#jobs.set(message.job_id, {
          jobId: message.job_id,
          videoId: message.video_id,
          kind: message.kind,
          status: message.status,
          progress: message.progress,
          phase: running ? (known?.phase ?? null) : null,
          etaSeconds: message.eta_seconds,
          errorCode: message.error_code,
          errorMessage: message.error_message,
          videoStatus: message.video_status,
          version: message.version,
        });
        return true;
      }
      case "job.progress": {
        const known = this.#jobs.get(message.job_id);
        if (known && known.status !== "processing") return false;
        this.#jobs.set(message.job_id, {
          jobId: message.job_id,
          videoId: message.video_id,
          kind: message.kind,
          status: "processing",
          progress: message.progress,
          phase: message.phase,
          etaSeconds: message.eta_seconds,
          errorCode: null,
          errorMessage: null,
          videoStatus: known?.videoStatus ?? null,
          version: known?.version ?? 0,
        });
        return true;
      }
      default:
        return false;
    }
  }
}
