// Generated from docs/asyncapi/notifier.json by clients/typescript/scripts/generate.mjs.
// Do not edit: run `python -m services.devstack.generate`.

/**
 * Any message of the live connection: `AuthRefresh` is the browser's, the others the server's.
 */
export type LiveProtocolMessage =
  | AuthRefresh
  | AuthRefreshed
  | ConnectionClosing
  | JobProgressUpdate
  | JobStatusUpdate
  | SnapshotEnd
  | SnapshotStart
  | VideoDeleted;
/**
 * Why the notifier ended an open connection (the close frame's reason starts with it;
 * on SSE it is `connection.closing`'s `reason`).
 */
export type CloseReason =
  | "token_expired"
  | "invalid_token"
  | "wrong_user"
  | "invalid_message"
  | "slow_consumer"
  | "going_away"
  | "unavailable";
/**
 * The kinds of work recorded for every upload; one worker service per kind.
 */
export type JobKind = "transcode" | "metadata";
/**
 * What a running job is doing now, for progress displays.
 */
export type JobPhase = "probing" | "transcoding" | "packaging" | "extracting";
/**
 * Why a job failed, in words a program can branch on.
 *
 * The matching human sentence travels next to the code in `JobError.message`.
 */
export type JobErrorCode =
  | "not_media"
  | "unsupported_format"
  | "unsupported_codec"
  | "damaged_media"
  | "no_playable_stream"
  | "limit_exceeded"
  | "source_missing"
  | "cancelled"
  | "stalled"
  | "internal_error";
/**
 * Lifecycle of a video and of each of its jobs (the frontend's vocabulary).
 */
export type ProcessingStatus = "pending" | "processing" | "completed" | "failed";
/**
 * Why the notifier sends a snapshot.
 */
export type SnapshotReason = "connect" | "resume_too_old" | "resume_unknown";

/**
 * WebSocket, browser to server: authenticate this connection with a newer token of
 * the same user before the current one expires. Answered by `auth.refreshed`; a token
 * that is not valid, or another user's, closes the connection.
 */
export interface AuthRefresh {
  /**
   * A fresh access token of the same user.
   */
  access_token: string;
  /**
   * Message type.
   */
  type: "auth.refresh";
}
/**
 * The token sent with `auth.refresh` now authenticates this connection.
 */
export interface AuthRefreshed {
  /**
   * When the connection will close unless refreshed.
   */
  expires_at: string;
  /**
   * Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly what was recorded after this message. For `job.status` it is the message's own `ECHO_STATUS` sequence; for other types, that of the last status sent before it.
   */
  sequence: number;
  /**
   * Message type.
   */
  type: "auth.refreshed";
}
/**
 * SSE only: the stream ends now, for `reason`. Resume from `sequence` unless the
 * reason is about the token, which needs a new one first.
 */
export interface ConnectionClosing {
  /**
   * What to do, for people.
   */
  detail: string;
  reason: CloseReason;
  /**
   * Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly what was recorded after this message. For `job.status` it is the message's own `ECHO_STATUS` sequence; for other types, that of the last status sent before it.
   */
  sequence: number;
  /**
   * Message type.
   */
  type: "connection.closing";
}
/**
 * A running job's progress. Apply it only while the job is `processing`.
 */
export interface JobProgressUpdate {
  /**
   * Always null (for uniform handling).
   */
  error_message: null;
  /**
   * Estimated seconds left.
   */
  eta_seconds: number | null;
  /**
   * The job.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When the worker reported it.
   */
  occurred_at: string;
  /**
   * What the worker is doing now.
   */
  phase: JobPhase | null;
  /**
   * Percent done.
   */
  progress: number;
  /**
   * Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly what was recorded after this message. For `job.status` it is the message's own `ECHO_STATUS` sequence; for other types, that of the last status sent before it.
   */
  sequence: number;
  /**
   * Always `processing`.
   */
  status: "processing";
  /**
   * Message type.
   */
  type: "job.progress";
  /**
   * Its video.
   */
  video_id: string;
}
/**
 * A job's new recorded state. Ignore one whose `version` is lower than one you have.
 */
export interface JobStatusUpdate {
  /**
   * Set when failed.
   */
  error_code: JobErrorCode | null;
  /**
   * Set when failed.
   */
  error_message: string | null;
  /**
   * Estimated seconds left.
   */
  eta_seconds: number | null;
  /**
   * The job.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it was recorded.
   */
  occurred_at: string;
  /**
   * Percent done (100 when completed).
   */
  progress: number;
  /**
   * Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly what was recorded after this message. For `job.status` it is the message's own `ECHO_STATUS` sequence; for other types, that of the last status sent before it.
   */
  sequence: number;
  status: ProcessingStatus;
  /**
   * Message type.
   */
  type: "job.status";
  /**
   * Per-job counter, one more per recorded change.
   */
  version: number;
  /**
   * Its video.
   */
  video_id: string;
  video_status: ProcessingStatus;
}
/**
 * The snapshot is complete; live messages follow.
 */
export interface SnapshotEnd {
  /**
   * How many `job.status` messages the snapshot held.
   */
  jobs: number;
  /**
   * Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly what was recorded after this message. For `job.status` it is the message's own `ECHO_STATUS` sequence; for other types, that of the last status sent before it.
   */
  sequence: number;
  /**
   * Message type.
   */
  type: "snapshot.end";
}
/**
 * The `job.status` messages up to `snapshot.end` are the current state of your jobs
 * (not finished, or finished recently); drop any job you hold that is not among them.
 */
export interface SnapshotStart {
  reason: SnapshotReason;
  /**
   * Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly what was recorded after this message. For `job.status` it is the message's own `ECHO_STATUS` sequence; for other types, that of the last status sent before it.
   */
  sequence: number;
  /**
   * Message type.
   */
  type: "snapshot.start";
}
/**
 * The video was deleted: forget its jobs; no message about them follows.
 */
export interface VideoDeleted {
  /**
   * Its jobs.
   */
  job_ids: string[];
  /**
   * Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly what was recorded after this message. For `job.status` it is the message's own `ECHO_STATUS` sequence; for other types, that of the last status sent before it.
   */
  sequence: number;
  /**
   * Message type.
   */
  type: "video.deleted";
  /**
   * The deleted video.
   */
  video_id: string;
}
