/** Echo's TypeScript client: generated types, the REST client, uploads and live status. */
import type { components } from "./generated/rest.js";

export type { components, operations, paths } from "./generated/rest.js";
export type {
  JobErrorCode,
  JobKind,
  JobPhase,
  JobProgressUpdate,
  JobStatusUpdate,
  ProcessingStatus,
  SnapshotEnd,
  SnapshotStart,
  VideoDeleted,
} from "./generated/live.js";
// REST bodies as the gateway's OpenAPI document types them (what openapi-fetch returns).
// FastAPI names a model used in both directions `<Name>-Output` in responses; `Body<N>`
// picks that one when it exists, so these names hold either way.
type Schemas = components["schemas"];
type Body<N extends string> = `${N}-Output` extends keyof Schemas
  ? Schemas[`${N}-Output`]
  : N extends keyof Schemas
    ? Schemas[N]
    : never;
export type JobAttemptSchema = Body<"JobAttemptSchema">;
export type MeResponseSchema = Body<"MeResponseSchema">;
export type PlaybackLinksSchema = Body<"PlaybackLinksSchema">;
export type RenditionResponseSchema = Body<"RenditionResponseSchema">;
export type VideoJobListResponseSchema = Body<"VideoJobListResponseSchema">;
export type VideoJobResponseSchema = Body<"VideoJobResponseSchema">;
export type VideoJobWithDetailsResponseSchema = Body<"VideoJobWithDetailsResponseSchema">;
export type VideoListResponseSchema = Body<"VideoListResponseSchema">;
export type VideoMetadataResponseSchema = Body<"VideoMetadataResponseSchema">;
export type VideoMetadataUpdateRequestSchema = Body<"VideoMetadataUpdateRequestSchema">;
export type VideoResponseSchema = Body<"VideoResponseSchema">;
export type VideoSummarySchema = Body<"VideoSummarySchema">;
export type VideoUploadResponseSchema = Body<"VideoUploadResponseSchema">;
export type VideoWithJobsResponseSchema = Body<"VideoWithJobsResponseSchema">;
// Every contract model (bus events too), from contracts/schemas, for other consumers.
export type * as contracts from "./generated/contracts.js";
export { JobStatusStore, type JobView } from "./jobs.js";
export {
  isLiveMessage,
  LiveStatus,
  type LiveMessage,
  type LiveState,
  type LiveStatusOptions,
  type LiveTransport,
} from "./live.js";
export {
  absoluteUrl,
  createRestClient,
  EchoProblemError,
  expectData,
  type EchoRestClient,
  type ProblemDetails,
  type RestClientOptions,
} from "./rest.js";
export { resolveToken, type TokenSource } from "./token.js";
export {
  uploadVideo,
  type UploadedVideo,
  type UploadProgress,
  type UploadSource,
  type UploadVideoOptions,
} from "./upload.js";
