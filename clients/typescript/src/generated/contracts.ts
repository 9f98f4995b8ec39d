// Generated from contracts/schemas/*.json by clients/typescript/scripts/generate.mjs.
// Do not edit: run `python -m services.devstack.generate`.

/**
 * Any model of Echo's contracts.
 */
export type EchoContract =
  | AudioStreamInfo
  | AuthRefresh
  | AuthRefreshed
  | BlobRef
  | ConnectionClosing
  | ContainerTags
  | HealthResponseSchema
  | InputNotice
  | JobAttemptSchema
  | JobCancelCommand
  | JobCompletedEvent
  | JobError
  | JobFailedEvent
  | JobProgressEvent
  | JobProgressUpdate
  | JobRef
  | JobRequestedCommand
  | JobStartedEvent
  | JobStatusChangedEvent
  | JobStatusUpdate
  | MeResponseSchema
  | MediaProbe
  | MetadataResult
  | PlaybackLinksSchema
  | PosterImage
  | PosterSizeSchema
  | ProblemDetails
  | Rendition
  | RenditionResponseSchema
  | SnapshotEnd
  | SnapshotStart
  | Storyboard
  | StoryboardSchema
  | SubtitleStreamInfo
  | TranscodeOutput
  | TranscodeOutputResponseSchema
  | TranscodeResult
  | UsageSchema
  | VideoDeleted
  | VideoDeletedEvent
  | VideoJobListResponseSchema
  | VideoJobResponseSchema
  | VideoJobWithDetailsResponseSchema
  | VideoListResponseSchema
  | VideoMetadataResponseSchema
  | VideoMetadataUpdateRequestSchema
  | VideoResponseSchema
  | VideoStreamInfo
  | VideoSummarySchema
  | VideoUploadResponseSchema
  | VideoUploadedEvent
  | VideoWithJobsResponseSchema;
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
 * Why an upload is not what a web player expects (Mux calls these non-standard input).
 */
export type InputNoticeCode =
  | "audio_only"
  | "variable_frame_rate"
  | "long_keyframe_interval"
  | "high_bit_depth"
  | "unusual_pixel_format"
  | "rotated"
  | "non_square_pixels"
  | "interlaced"
  | "hdr"
  | "unusual_codec"
  | "several_video_streams"
  | "several_audio_streams"
  | "duration_mismatch";
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
 * The kinds of work recorded for every upload; one worker service per kind.
 */
export type JobKind = "transcode" | "metadata";
/**
 * Why a job is being stopped.
 */
export type JobCancelReason = "cancelled" | "video_deleted";
/**
 * What an output holds.
 */
export type OutputKind = "hls_video" | "hls_audio" | "mp4" | "m4a";
/**
 * Whether an output was written.
 */
export type OutputStatus = "ready" | "skipped" | "failed";
/**
 * What a transcode output holds.
 */
export type RenditionKind = "video" | "audio_only";
/**
 * How a video's pictures are scanned, in FFmpeg's words.
 */
export type FieldOrder = "progressive" | "tt" | "bb" | "tb" | "bt";
/**
 * The high-dynamic-range transfer a video is graded for.
 */
export type HdrFormat = "pq" | "hlg";
/**
 * What a running job is doing now, for progress displays.
 */
export type JobPhase = "probing" | "transcoding" | "packaging" | "extracting";
/**
 * Why a request failed, in words a program can branch on; the same across services.
 */
export type ProblemCode =
  | "not_authenticated"
  | "invalid_token"
  | "token_expired"
  | "invalid_request"
  | "malformed_upload"
  | "unsupported_media_type"
  | "upload_too_large"
  | "not_found"
  | "method_not_allowed"
  | "video_not_found"
  | "job_not_found"
  | "rendition_not_found"
  | "poster_not_found"
  | "range_not_satisfiable"
  | "not_media"
  | "media_limit_exceeded"
  | "quota_exceeded"
  | "upload_not_found"
  | "upload_expired"
  | "upload_offset_mismatch"
  | "upload_busy"
  | "checksum_mismatch"
  | "unsupported_checksum"
  | "unsupported_tus_version"
  | "signature_invalid"
  | "url_expired"
  | "file_not_found"
  | "job_not_cancellable"
  | "job_not_retriable"
  | "database_unavailable"
  | "bus_unavailable"
  | "not_ready"
  | "internal_error";
/**
 * Why the notifier sends a snapshot.
 */
export type SnapshotReason = "connect" | "resume_too_old" | "resume_unknown";

/**
 * An audio stream as probed.
 */
export interface AudioStreamInfo {
  /**
   * Bits per second, if known.
   */
  bit_rate: number | null;
  /**
   * Layout name, e.g. `stereo`.
   */
  channel_layout: string | null;
  /**
   * Number of channels.
   */
  channels: number;
  /**
   * Decoder name, e.g. `aac`, `opus`.
   */
  codec: string;
  /**
   * Whether the file marks it default.
   */
  default: boolean;
  /**
   * Stream duration.
   */
  duration_seconds: number | null;
  /**
   * Stream index in the container.
   */
  index: number;
  /**
   * ISO 639 language tag, if set.
   */
  language: string | null;
  /**
   * Codec profile, e.g. `LC`.
   */
  profile: string | null;
  /**
   * Samples per second.
   */
  sample_rate: number;
}
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
 * A reference to a file in Echo's blob storage; events carry these, never bytes.
 */
export interface BlobRef {
  /**
   * MIME type of the file.
   */
  content_type: string | null;
  /**
   * Storage key, relative to the blob root.
   */
  key: string;
  /**
   * Hex SHA-256 of the stored bytes, when computed.
   */
  sha256: string | null;
  /**
   * Exact size of the stored file.
   */
  size_bytes: number;
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
 * Descriptive tags the file carries, when present.
 */
export interface ContainerTags {
  /**
   * When the recording was made, as the device wrote it.
   */
  creation_time: string | null;
  /**
   * Software or device that wrote it.
   */
  encoder: string | null;
  /**
   * Where, as an ISO 6709 string, e.g. `+48.8577+002.295/`.
   */
  location: string | null;
  /**
   * Title tag.
   */
  title: string | null;
}
/**
 * Liveness or readiness of a service.
 */
export interface HealthResponseSchema {
  /**
   * Each dependency checked.
   */
  checks: {
    [k: string]: boolean | undefined;
  };
  /**
   * Service name.
   */
  service: string;
  /**
   * `ok` when healthy.
   */
  status: "ok" | "unavailable";
}
/**
 * One way an upload is non-standard, for programs (`code`) and people (`message`).
 */
export interface InputNotice {
  code: InputNoticeCode;
  /**
   * What it means for the upload, in plain words.
   */
  message: string;
}
/**
 * A finished attempt of a job, kept when the job was retried.
 */
export interface JobAttemptSchema {
  /**
   * Dispatch attempt it ended.
   */
  attempt: number;
  /**
   * When it ended.
   */
  ended_at: string | null;
  /**
   * Why it failed.
   */
  error_code: JobErrorCode | null;
  /**
   * Why it failed, in words.
   */
  error_message: string | null;
  /**
   * When the owner asked for a new attempt.
   */
  retried_at: string;
  /**
   * When a worker began it.
   */
  started_at: string | null;
  status: ProcessingStatus;
}
/**
 * Stop this job and write nothing more: on `echo.jobs.<kind>.cancel.<job_id>`.
 *
 * Every replica of the kind's worker hears it; the one running the job stops within
 * seconds and removes what it staged. A worker also looks for it (the last message on
 * the job's cancel subject) before starting and before finishing a job, so a command
 * redelivered after the cancel does no work. `attempt` is the last attempt dispatched.
 */
export interface JobCancelCommand {
  /**
   * Dispatch attempt: 1 for the upload, one more per re-dispatch.
   */
  attempt: number;
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the message.
   */
  event_type: "job.cancel";
  /**
   * The job this message is about.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  reason: JobCancelReason;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  /**
   * The video this message is about.
   */
  video_id: string;
}
/**
 * The job finished and its outputs are fully written.
 */
export interface JobCompletedEvent {
  /**
   * Dispatch attempt: 1 for the upload, one more per re-dispatch.
   */
  attempt: number;
  /**
   * JetStream delivery of the command that produced it.
   */
  delivery: number;
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the event.
   */
  event_type: "job.completed";
  /**
   * The job this message is about.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * The job's outputs.
   */
  result: TranscodeResult | MetadataResult;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  /**
   * The video this message is about.
   */
  video_id: string;
}
/**
 * What a finished transcode produced.
 */
export interface TranscodeResult {
  /**
   * Duration of the ladder's longest rendition.
   */
  duration_seconds: number | null;
  /**
   * Discriminator: a transcode result.
   */
  kind: "transcode";
  /**
   * The HLS master playlist a player opens; its renditions are relative to it. Absent in results written before the ladder.
   */
  master_playlist: BlobRef | null;
  /**
   * Every output with its status: each ladder rung (ready, or skipped with the reason), the audio rendition and the download.
   */
  outputs: TranscodeOutput[];
  /**
   * The download (MP4, or M4A for audio-only sources), as before the ladder; `outputs` describes everything, this one included.
   *
   * @minItems 1
   */
  renditions: [Rendition, ...Rendition[]];
  /**
   * Length of each HLS segment but the last.
   */
  segment_seconds: number | null;
}
/**
 * One output of a transcode, ready or not.
 */
export interface TranscodeOutput {
  /**
   * Bits per second over the whole output.
   */
  average_bitrate: number | null;
  /**
   * RFC 6381 codecs, e.g. `avc1.64001F,mp4a.40.2`.
   */
  codecs: string | null;
  /**
   * Output duration.
   */
  duration_seconds: number | null;
  /**
   * The media playlist of an HLS rendition, or the MP4/M4A file; absent unless ready.
   */
  file: BlobRef | null;
  /**
   * Constant frames per second; none for audio.
   */
  frame_rate: number | null;
  /**
   * Picture height; none for audio.
   */
  height: number | null;
  kind: OutputKind;
  /**
   * Stable name: `1080p` .. `240p` (or the source's own `NNNp`), `audio`, `download`.
   */
  name: string;
  /**
   * Highest segment bit rate (HLS `BANDWIDTH`).
   */
  peak_bitrate: number | null;
  /**
   * Why it was skipped or failed, for a person.
   */
  reason: string | null;
  /**
   * HLS segments (0 for the MP4/M4A download).
   */
  segment_count: number;
  /**
   * Bytes of every file of the output.
   */
  size_bytes: number;
  status: OutputStatus;
  /**
   * Picture width; none for audio.
   */
  width: number | null;
}
/**
 * One finished transcode output.
 */
export interface Rendition {
  /**
   * Output audio codec.
   */
  audio_codec: string | null;
  /**
   * Output container, e.g. `mp4`.
   */
  container: string;
  /**
   * Output duration.
   */
  duration_seconds: number;
  file: BlobRef;
  /**
   * Output height.
   */
  height: number | null;
  kind: RenditionKind;
  /**
   * Stable name, e.g. `mp4-720p` or `m4a-audio`.
   */
  name: string;
  /**
   * Output video codec.
   */
  video_codec: string | null;
  /**
   * Output width.
   */
  width: number | null;
}
/**
 * What a finished metadata extraction produced.
 */
export interface MetadataResult {
  /**
   * Discriminator: a metadata result.
   */
  kind: "metadata";
  /**
   * Poster JPEG (the largest of `posters`); absent for audio-only files.
   */
  poster: BlobRef | null;
  /**
   * The poster in every width, largest first; empty for audio-only files.
   */
  posters: PosterImage[];
  probe: MediaProbe;
  /**
   * Scrubbing previews; absent for audio-only files.
   */
  storyboard: Storyboard | null;
}
/**
 * One size of a video's poster: a JPEG of an upright frame at the display shape.
 */
export interface PosterImage {
  file: BlobRef;
  /**
   * Height in pixels.
   */
  height: number;
  /**
   * Width in pixels.
   */
  width: number;
}
/**
 * What the metadata service learned about an uploaded file.
 */
export interface MediaProbe {
  /**
   * Primary audio stream: the default one, else the first.
   */
  audio: AudioStreamInfo | null;
  /**
   * Every audio stream, the primary one included.
   */
  audio_streams: AudioStreamInfo[];
  /**
   * Overall bits per second.
   */
  bit_rate: number | null;
  /**
   * Duration the container declares, if any.
   */
  container_duration_seconds: number | null;
  /**
   * Demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
   */
  container_format: string;
  /**
   * Length of the streams used (the primary video and audio), else the container's: a broadcast capture's container can span unrelated clocks.
   */
  duration_seconds: number | null;
  /**
   * How the upload is non-standard (variable frame rate, rotation, audio only, ...); empty for a plain web video.
   */
  notices: InputNotice[];
  /**
   * File size.
   */
  size_bytes: number;
  /**
   * Timestamp where the container's first stream starts.
   */
  start_time_seconds: number | null;
  /**
   * Streams of every type in the container.
   */
  stream_count: number;
  /**
   * Every subtitle stream.
   */
  subtitle_streams: SubtitleStreamInfo[];
  tags: ContainerTags;
  /**
   * Primary video stream: the one shown, postered and transcoded.
   */
  video: VideoStreamInfo | null;
  /**
   * Every real video stream (cover art excluded), the primary one included.
   */
  video_streams: VideoStreamInfo[];
}
/**
 * A subtitle stream as probed (kept in the file; Echo does not convert it yet).
 */
export interface SubtitleStreamInfo {
  /**
   * Codec, e.g. `subrip`, `mov_text`, `hdmv_pgs_subtitle`.
   */
  codec: string;
  /**
   * Whether the file marks it default.
   */
  default: boolean;
  /**
   * Whether it is shown even when off.
   */
  forced: boolean;
  /**
   * Stream index in the container.
   */
  index: number;
  /**
   * ISO 639 language tag, if set.
   */
  language: string | null;
  /**
   * Track title, if set.
   */
  title: string | null;
}
/**
 * A video stream as probed.
 */
export interface VideoStreamInfo {
  /**
   * Frames over duration, as the container's index says.
   */
  average_frame_rate: number | null;
  /**
   * Bits per colour sample.
   */
  bit_depth: number | null;
  /**
   * Bits per second, if known.
   */
  bit_rate: number | null;
  /**
   * Decoder name, e.g. `h264`, `vp9`, `hevc`.
   */
  codec: string;
  /**
   * YUV matrix (FFmpeg's colour space), e.g. `bt709`, `bt2020nc`.
   */
  color_matrix: string | null;
  /**
   * E.g. `bt709`, `bt2020`.
   */
  color_primaries: string | null;
  /**
   * `tv` (limited) or `pc` (full), if declared.
   */
  color_range: string | null;
  /**
   * E.g. `bt709`, `smpte2084` (PQ), `arib-std-b67` (HLG).
   */
  color_transfer: string | null;
  /**
   * Whether the file marks it default.
   */
  default: boolean;
  /**
   * Shape of the stored picture with its pixel shape, e.g. `16:9`.
   */
  display_aspect_ratio: string | null;
  /**
   * Height as shown, after rotation.
   */
  display_height: number;
  /**
   * Width as shown, after rotation.
   */
  display_width: number;
  /**
   * Stream duration.
   */
  duration_seconds: number | null;
  /**
   * Progressive or interlaced (which field first), if known.
   */
  field_order: FieldOrder | null;
  /**
   * Frames per second (guessed when the container's is unusable).
   */
  frame_rate: number | null;
  /**
   * Set when the video is HDR.
   */
  hdr: HdrFormat | null;
  /**
   * Coded height in pixels, before rotation.
   */
  height: number;
  /**
   * Stream index in the container.
   */
  index: number;
  /**
   * Longest time between two keyframes in the part measured (the whole file when it has an index of every frame).
   */
  keyframe_interval_seconds: number | null;
  /**
   * ISO 639 language tag, if set.
   */
  language: string | null;
  /**
   * Codec level as FFmpeg numbers it (H.264 4.1 is `41`).
   */
  level: number | null;
  /**
   * The stream's base rate (FFmpeg's `r_frame_rate`).
   */
  nominal_frame_rate: number | null;
  /**
   * Pixel format, e.g. `yuv420p`.
   */
  pixel_format: string | null;
  /**
   * Codec profile, e.g. `High`.
   */
  profile: string | null;
  /**
   * Degrees the picture is rotated for display.
   */
  rotation: number;
  /**
   * Pixel shape, width:height (`1:1` for square pixels).
   */
  sample_aspect_ratio: string | null;
  /**
   * Timestamp of the stream's first frame.
   */
  start_time_seconds: number | null;
  /**
   * Whether the intervals between frames vary.
   */
  variable_frame_rate: boolean;
  /**
   * Coded width in pixels, before rotation.
   */
  width: number;
}
/**
 * Scrubbing previews: one sprite sheet of thumbnails and a WebVTT file pointing into it.
 *
 * Each cue of the VTT names the sprite with a `#xywh=x,y,w,h` fragment, the form
 * video.js, Mux and PeerTube players read.
 */
export interface Storyboard {
  /**
   * Thumbnails per row of the sprite.
   */
  columns: number;
  /**
   * Number of thumbnails (and of cues).
   */
  count: number;
  /**
   * Time each thumbnail stands for.
   */
  interval_seconds: number;
  sprite: BlobRef;
  /**
   * Height of one thumbnail in pixels.
   */
  tile_height: number;
  /**
   * Width of one thumbnail in pixels.
   */
  tile_width: number;
  vtt: BlobRef;
}
/**
 * Why a job failed, for programs (`code`, `retriable`) and for people (`message`).
 */
export interface JobError {
  code: JobErrorCode;
  /**
   * What went wrong and what the uploader can do about it, in plain words.
   */
  message: string;
  /**
   * True when the same input may succeed later (a transient fault); false when the input itself must change.
   */
  retriable: boolean;
}
/**
 * The job ended without output.
 */
export interface JobFailedEvent {
  /**
   * Dispatch attempt: 1 for the upload, one more per re-dispatch.
   */
  attempt: number;
  /**
   * JetStream delivery of the command that produced it.
   */
  delivery: number;
  error: JobError;
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the event.
   */
  event_type: "job.failed";
  /**
   * The job this message is about.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  /**
   * The video this message is about.
   */
  video_id: string;
}
/**
 * The job is alive and this far along (not state: never written to Postgres per tick).
 */
export interface JobProgressEvent {
  /**
   * Dispatch attempt: 1 for the upload, one more per re-dispatch.
   */
  attempt: number;
  /**
   * JetStream delivery of the command that produced it.
   */
  delivery: number;
  /**
   * Estimated seconds left, when it can be estimated honestly.
   */
  eta_seconds: number | null;
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the event.
   */
  event_type: "job.progress";
  /**
   * The job this message is about.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * What the worker is doing now.
   */
  phase: JobPhase | null;
  /**
   * Percent of the work done.
   */
  progress: number;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  /**
   * The video this message is about.
   */
  video_id: string;
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
 * A job the gateway recorded for an upload.
 */
export interface JobRef {
  /**
   * Id of the `video_jobs` row.
   */
  job_id: string;
  kind: JobKind;
}
/**
 * Run this job: sent to the worker of its kind on `echo.jobs.<kind>.requested`.
 */
export interface JobRequestedCommand {
  /**
   * Dispatch attempt: 1 for the upload, one more per re-dispatch.
   */
  attempt: number;
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the message.
   */
  event_type: "job.requested";
  /**
   * The job this message is about.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * File name as the uploader sent it (display only).
   */
  original_filename: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  source: BlobRef;
  /**
   * The video this message is about.
   */
  video_id: string;
}
/**
 * A worker began the job.
 */
export interface JobStartedEvent {
  /**
   * Dispatch attempt: 1 for the upload, one more per re-dispatch.
   */
  attempt: number;
  /**
   * JetStream delivery of the command that produced it.
   */
  delivery: number;
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the event.
   */
  event_type: "job.started";
  /**
   * The job this message is about.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  /**
   * The video this message is about.
   */
  video_id: string;
}
/**
 * The gateway recorded a new state for a job; what the browser is told.
 *
 * Published after the database commit, so a client that reads the REST API on
 * receiving it sees the same state. `version` grows by one per change.
 */
export interface JobStatusChangedEvent {
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
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the event.
   */
  event_type: "job.status_changed";
  /**
   * The job.
   */
  job_id: string;
  kind: JobKind;
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * Percent done (100 when completed).
   */
  progress: number;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  status: ProcessingStatus;
  /**
   * Per-job counter, one more per recorded change.
   */
  version: number;
  /**
   * The video this message is about.
   */
  video_id: string;
  video_status: ProcessingStatus;
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
 * The signed-in user, as the access token says, and their usage.
 */
export interface MeResponseSchema {
  /**
   * E-mail from the token, if any.
   */
  email: string | null;
  /**
   * Largest single upload accepted.
   */
  max_upload_bytes: number;
  usage: UsageSchema;
  /**
   * User id (the token's `sub`).
   */
  user_id: string;
}
/**
 * What a user stores, against their quota.
 */
export interface UsageSchema {
  /**
   * The limit; null when unlimited.
   */
  quota_bytes: number | null;
  /**
   * Resumable uploads not yet finished.
   */
  uploads_in_progress: number;
  /**
   * Uploaded videos plus resumable uploads in progress.
   */
  used_bytes: number;
  /**
   * Videos stored.
   */
  videos: number;
}
/**
 * Signed URLs a browser fetches without headers (`<video>`, hls.js, `<img>`).
 *
 * Each is scoped to this video's files and expires at `expires_at`; fetch the video
 * again for fresh ones. Relative references inside an HLS playlist inherit the
 * signature, so a player can fetch the whole ladder.
 */
export interface PlaybackLinksSchema {
  /**
   * Signed prefix of every file of the video: append a path relative to the video's folder (e.g. `transcode/hls/master.m3u8`).
   */
  base_url: string;
  /**
   * When these URLs stop working.
   */
  expires_at: string;
  /**
   * The HLS master playlist, if produced.
   */
  hls_url: string | null;
  /**
   * The MP4 rendition, once transcoded.
   */
  mp4_url: string | null;
  /**
   * The poster's smallest size (320 wide, for lists), else the poster itself.
   */
  poster_small_url: string | null;
  /**
   * The poster image, once extracted.
   */
  poster_url: string | null;
  /**
   * The original file as uploaded.
   */
  source_url: string;
  /**
   * The storyboard's sprite sheet JPEG, once produced.
   */
  storyboard_sprite_url: string | null;
  /**
   * The storyboard's WebVTT, once produced; its cues point into the sprite relatively (`storyboard.jpg#xywh=x,y,w,h`).
   */
  storyboard_url: string | null;
}
/**
 * One size the poster exists in.
 */
export interface PosterSizeSchema {
  /**
   * Height in pixels.
   */
  height: number;
  /**
   * Width in pixels.
   */
  width: number;
}
/**
 * An HTTP error, as RFC 9457 problem details with a machine-readable `code`.
 */
export interface ProblemDetails {
  code: ProblemCode;
  /**
   * What happened in this case.
   */
  detail: string | null;
  /**
   * Field-level validation errors, when the request was invalid.
   */
  errors:
    | {
        [k: string]: unknown | undefined;
      }[]
    | null;
  /**
   * The request path.
   */
  instance: string | null;
  /**
   * HTTP status code.
   */
  status: number;
  /**
   * Short summary of the problem type.
   */
  title: string;
  /**
   * URI naming the problem type.
   */
  type: string;
}
/**
 * A playable output and where to fetch it.
 */
export interface RenditionResponseSchema {
  /**
   * Rendition name, e.g. `mp4-720p`.
   */
  name: string;
  rendition: Rendition;
  /**
   * Authenticated download URL (supports HTTP range requests).
   */
  url: string;
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
 * How the storyboard's sprite is laid out (its files: `playback.storyboard_url` and
 * `playback.storyboard_sprite_url`).
 */
export interface StoryboardSchema {
  /**
   * Thumbnails per row of the sprite.
   */
  columns: number;
  /**
   * Number of thumbnails (and of WebVTT cues).
   */
  count: number;
  /**
   * Time each thumbnail stands for.
   */
  interval_seconds: number;
  /**
   * Height of one thumbnail in pixels.
   */
  tile_height: number;
  /**
   * Width of one thumbnail in pixels.
   */
  tile_width: number;
}
/**
 * One output of a transcode (a ladder rung, its audio or the download), ready or not.
 */
export interface TranscodeOutputResponseSchema {
  kind: OutputKind;
  /**
   * Output name: `1080p` .. `240p`, `audio`, `download`.
   */
  name: string;
  output: TranscodeOutput;
  /**
   * Why it was skipped or failed, for a person.
   */
  reason: string | null;
  status: OutputStatus;
  /**
   * Signed URL of its media playlist or file (no `Authorization` header needed; expires with `playback.expires_at`); ready outputs only.
   */
  url: string | null;
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
/**
 * A video was deleted. Published after its jobs' subjects were purged from
 * `ECHO_STATUS` (`echo.status.<owner_id>.<job_id>` for each of `job_ids`), so a reader
 * that sees this fact finds none of those statuses in the stream any more. The notifier
 * drops the jobs from open connections and tells their browsers.
 */
export interface VideoDeletedEvent {
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the event.
   */
  event_type: "video.deleted";
  /**
   * Every job the video had.
   */
  job_ids: string[];
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  /**
   * The video this message is about.
   */
  video_id: string;
}
/**
 * A page of the user's jobs, newest first.
 */
export interface VideoJobListResponseSchema {
  /**
   * Jobs on this page.
   */
  items: VideoJobResponseSchema[];
  /**
   * Pass as `cursor` for the next page.
   */
  next_cursor: string | null;
}
/**
 * A processing job.
 */
export interface VideoJobResponseSchema {
  /**
   * Times a worker started it.
   */
  attempts: number;
  /**
   * When it ended.
   */
  completed_at: string | null;
  /**
   * When it was recorded.
   */
  created_at: string;
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
   * Job id.
   */
  id: string;
  kind: JobKind;
  /**
   * Percent done.
   */
  progress: number;
  /**
   * Set when failed.
   */
  retriable: boolean | null;
  /**
   * When a worker first began.
   */
  started_at: string | null;
  status: ProcessingStatus;
  /**
   * Last change.
   */
  updated_at: string;
  /**
   * The video it processes.
   */
  video_id: string;
}
/**
 * A job with the video it belongs to and what it produced.
 */
export interface VideoJobWithDetailsResponseSchema {
  /**
   * Times a worker started it.
   */
  attempts: number;
  /**
   * When it ended.
   */
  completed_at: string | null;
  /**
   * When it was recorded.
   */
  created_at: string;
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
   * Job id.
   */
  id: string;
  kind: JobKind;
  /**
   * Result of a completed metadata job.
   */
  metadata: VideoMetadataResponseSchema | null;
  /**
   * Every output of a completed transcode job with its status, as on the video.
   */
  outputs: TranscodeOutputResponseSchema[];
  /**
   * Earlier attempts, oldest first (kept on retry).
   */
  previous_attempts: JobAttemptSchema[];
  /**
   * Percent done.
   */
  progress: number;
  /**
   * The download of a completed transcode job.
   */
  renditions: RenditionResponseSchema[];
  /**
   * Set when failed.
   */
  retriable: boolean | null;
  /**
   * When a worker first began.
   */
  started_at: string | null;
  status: ProcessingStatus;
  /**
   * Last change.
   */
  updated_at: string;
  video: VideoSummarySchema;
  /**
   * The video it processes.
   */
  video_id: string;
}
/**
 * Technical metadata of a video: the probe as stored, plus flat fields derived from it.
 */
export interface VideoMetadataResponseSchema {
  /**
   * Primary audio stream: the default one, else the first.
   */
  audio: AudioStreamInfo | null;
  /**
   * Audio channels.
   */
  audio_channels: number | null;
  /**
   * Primary audio codec.
   */
  audio_codec: string | null;
  /**
   * Audio sample rate.
   */
  audio_sample_rate: number | null;
  /**
   * Every audio stream, the primary one included.
   */
  audio_streams: AudioStreamInfo[];
  /**
   * Overall bits per second.
   */
  bit_rate: number | null;
  /**
   * Duration the container declares, if any.
   */
  container_duration_seconds: number | null;
  /**
   * Demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
   */
  container_format: string;
  /**
   * When it was extracted.
   */
  created_at: string;
  /**
   * Length of the streams used (the primary video and audio), else the container's: a broadcast capture's container can span unrelated clocks.
   */
  duration_seconds: number | null;
  /**
   * Frames per second.
   */
  frame_rate: number | null;
  /**
   * Display height (after rotation).
   */
  height: number | null;
  /**
   * How the upload is non-standard (variable frame rate, rotation, audio only, ...); empty for a plain web video.
   */
  notices: InputNotice[];
  /**
   * Poster image URL.
   */
  poster_url: string | null;
  /**
   * The sizes the poster exists in, largest first (`playback.poster_url`, then `playback.poster_small_url`); empty for audio-only files.
   */
  posters: PosterSizeSchema[];
  /**
   * File size.
   */
  size_bytes: number;
  /**
   * Timestamp where the container's first stream starts.
   */
  start_time_seconds: number | null;
  /**
   * The storyboard's layout; absent for audio-only files.
   */
  storyboard: StoryboardSchema | null;
  /**
   * Streams of every type in the container.
   */
  stream_count: number;
  /**
   * Every subtitle stream.
   */
  subtitle_streams: SubtitleStreamInfo[];
  tags: ContainerTags;
  /**
   * Primary video stream: the one shown, postered and transcoded.
   */
  video: VideoStreamInfo | null;
  /**
   * Primary video codec.
   */
  video_codec: string | null;
  /**
   * The video.
   */
  video_id: string;
  /**
   * Every real video stream (cover art excluded), the primary one included.
   */
  video_streams: VideoStreamInfo[];
  /**
   * Display width (after rotation).
   */
  width: number | null;
}
/**
 * A video as listed.
 */
export interface VideoSummarySchema {
  /**
   * Upload time.
   */
  created_at: string;
  /**
   * Known once probed.
   */
  duration_seconds: number | null;
  /**
   * Video id.
   */
  id: string;
  /**
   * Poster image, once extracted.
   */
  poster_url: string | null;
  status: ProcessingStatus;
  /**
   * Title (the file name until the owner sets one).
   */
  title: string;
}
/**
 * A page of the user's videos, newest first.
 */
export interface VideoListResponseSchema {
  /**
   * Videos on this page.
   */
  items: VideoSummarySchema[];
  /**
   * Pass as `cursor` for the next page.
   */
  next_cursor: string | null;
}
/**
 * Owner-editable descriptive fields of a video; omitted fields stay as they are.
 *
 * A request, not a message: the gateway is its only reader, so an unknown field is a
 * client's typo and is refused (422) rather than silently dropped.
 */
export interface VideoMetadataUpdateRequestSchema {
  /**
   * Description.
   */
  description: string | null;
  /**
   * Tags, each 1-64 characters with a visible one; stripped, duplicates dropped.
   */
  tags: string[] | null;
  /**
   * Title; surrounding white space is stripped, a visible character required.
   */
  title: string | null;
}
/**
 * A video.
 */
export interface VideoResponseSchema {
  /**
   * Hex SHA-256 of the uploaded file.
   */
  checksum_sha256: string;
  /**
   * MIME type the client declared.
   */
  content_type: string | null;
  /**
   * Upload time.
   */
  created_at: string;
  /**
   * Owner-written description.
   */
  description: string | null;
  /**
   * Video id.
   */
  id: string;
  /**
   * File name as uploaded.
   */
  original_filename: string;
  /**
   * The owner's user id.
   */
  owner_id: string;
  /**
   * Size of the uploaded file.
   */
  size_bytes: number;
  status: ProcessingStatus;
  /**
   * Owner-written tags.
   */
  tags: string[];
  /**
   * Title (the file name until the owner sets one).
   */
  title: string;
  /**
   * Last change.
   */
  updated_at: string;
}
/**
 * What `POST /api/videos` answers: the stored video and its pending jobs.
 */
export interface VideoUploadResponseSchema {
  /**
   * Its jobs, all `pending`.
   */
  jobs: VideoJobResponseSchema[];
  video: VideoResponseSchema;
}
/**
 * An upload is stored and its jobs are recorded. A fact for other subscribers;
 * Echo's workers act on `JobRequestedCommand`, not on this.
 */
export interface VideoUploadedEvent {
  /**
   * Unique id of this message.
   */
  event_id: string;
  /**
   * Discriminator naming the event.
   */
  event_type: "video.uploaded";
  /**
   * The jobs recorded for the upload.
   *
   * @minItems 1
   */
  jobs: [JobRef, ...JobRef[]];
  /**
   * When it happened (UTC).
   */
  occurred_at: string;
  /**
   * File name as the uploader sent it (display only).
   */
  original_filename: string;
  /**
   * The user who owns the video (Supabase `auth.uid()`).
   */
  owner_id: string;
  /**
   * Version of this message's schema, informational: compatible changes keep it, and a breaking change is published on a new versioned subject.
   */
  schema_version: number;
  source: BlobRef;
  /**
   * The video this message is about.
   */
  video_id: string;
}
/**
 * A video with its jobs, metadata and finished outputs.
 */
export interface VideoWithJobsResponseSchema {
  /**
   * Hex SHA-256 of the uploaded file.
   */
  checksum_sha256: string;
  /**
   * MIME type the client declared.
   */
  content_type: string | null;
  /**
   * Upload time.
   */
  created_at: string;
  /**
   * Owner-written description.
   */
  description: string | null;
  /**
   * Video id.
   */
  id: string;
  /**
   * Every job of the video.
   */
  jobs: VideoJobResponseSchema[];
  /**
   * Set once the metadata job completed.
   */
  metadata: VideoMetadataResponseSchema | null;
  /**
   * File name as uploaded.
   */
  original_filename: string;
  /**
   * Every output of the completed transcode with its status: each ladder rung (ready, or skipped with the reason), the audio and the download.
   */
  outputs: TranscodeOutputResponseSchema[];
  /**
   * The owner's user id.
   */
  owner_id: string;
  /**
   * Signed playback URLs (no `Authorization` header needed).
   */
  playback: PlaybackLinksSchema | null;
  /**
   * The download, once transcoded.
   */
  renditions: RenditionResponseSchema[];
  /**
   * Size of the uploaded file.
   */
  size_bytes: number;
  status: ProcessingStatus;
  /**
   * Owner-written tags.
   */
  tags: string[];
  /**
   * Title (the file name until the owner sets one).
   */
  title: string;
  /**
   * Last change.
   */
  updated_at: string;
}
