// Generated from docs/openapi.json by clients/typescript/scripts/generate.mjs.
// Do not edit: run `python -m services.devstack.generate`.

export interface paths {
    "/api/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user and their storage usage */
        get: operations["me_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a resumable upload (tus creation, optionally with its first bytes) */
        post: operations["uploads_create"];
        delete?: never;
        /** Discover the resumable-upload protocol (tus) this server speaks */
        options: operations["uploads_discover"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/uploads/{upload_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Abandon a resumable upload and remove its bytes (tus termination) */
        delete: operations["uploads_terminate"];
        options?: never;
        /** Where a resumable upload stands (tus) */
        head: operations["uploads_head"];
        /** Send the next bytes of a resumable upload (tus) */
        patch: operations["uploads_append"];
        trace?: never;
    };
    "/api/video-processing-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List my processing jobs, newest first */
        get: operations["jobs_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/video-processing-jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a processing job with its video, outputs and earlier attempts */
        get: operations["jobs_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/video-processing-jobs/{job_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a pending or processing job
         * @description The job is failed with code `cancelled` (retriable) and its worker told to stop.
         */
        post: operations["jobs_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/video-processing-jobs/{job_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a failed job again (a new attempt of the same job)
         * @description How the last attempt ended is kept (`previous_attempts`); the job is `pending` again.
         */
        post: operations["jobs_retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/videos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List my videos, newest first */
        get: operations["videos_list"];
        put?: never;
        /**
         * Upload a video
         * @description Store the file, record the video and its pending jobs, and dispatch them.
         */
        post: operations["upload_video"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/videos/{video_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a video with its jobs, metadata, renditions and signed playback links */
        get: operations["videos_get"];
        put?: never;
        post?: never;
        /** Delete a video: its jobs (running ones cancelled), metadata, files and statuses */
        delete: operations["videos_delete"];
        options?: never;
        head?: never;
        /**
         * Edit a video's title, description or tags
         * @description Omitted fields (and `title: null`) stay as they are; `description: null` or
         *     `tags: null` clear them. Text is stripped of surrounding white space.
         */
        patch: operations["videos_update"];
        trace?: never;
    };
    "/api/videos/{video_id}/poster": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the poster image */
        get: operations["videos_poster"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/videos/{video_id}/renditions/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a rendition (HTTP range requests supported) */
        get: operations["videos_rendition"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description The process is up and serving requests.
         */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/media/{token}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A file of a video, through its signed playback URL (no headers needed) */
        get: operations["media_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /** Size and type of a video's file, through its signed playback URL */
        head: operations["media_head"];
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: database, NATS and blob storage reachable */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * AudioStreamInfo
         * @description An audio stream as probed.
         */
        "AudioStreamInfo-Input": {
            /**
             * Bit Rate
             * @description Bits per second, if known.
             */
            bit_rate?: number | null;
            /**
             * Channel Layout
             * @description Layout name, e.g. `stereo`.
             */
            channel_layout?: string | null;
            /**
             * Channels
             * @description Number of channels.
             */
            channels: number;
            /**
             * Codec
             * @description Decoder name, e.g. `aac`, `opus`.
             */
            codec: string;
            /**
             * Default
             * @description Whether the file marks it default.
             * @default false
             */
            default: boolean;
            /**
             * Duration Seconds
             * @description Stream duration.
             */
            duration_seconds?: number | null;
            /**
             * Index
             * @description Stream index in the container.
             */
            index: number;
            /**
             * Language
             * @description ISO 639 language tag, if set.
             */
            language?: string | null;
            /**
             * Profile
             * @description Codec profile, e.g. `LC`.
             */
            profile?: string | null;
            /**
             * Sample Rate
             * @description Samples per second.
             */
            sample_rate: number;
        };
        /**
         * AudioStreamInfo
         * @description An audio stream as probed.
         */
        "AudioStreamInfo-Output": {
            /**
             * Bit Rate
             * @description Bits per second, if known.
             */
            bit_rate: number | null;
            /**
             * Channel Layout
             * @description Layout name, e.g. `stereo`.
             */
            channel_layout: string | null;
            /**
             * Channels
             * @description Number of channels.
             */
            channels: number;
            /**
             * Codec
             * @description Decoder name, e.g. `aac`, `opus`.
             */
            codec: string;
            /**
             * Default
             * @description Whether the file marks it default.
             * @default false
             */
            default: boolean;
            /**
             * Duration Seconds
             * @description Stream duration.
             */
            duration_seconds: number | null;
            /**
             * Index
             * @description Stream index in the container.
             */
            index: number;
            /**
             * Language
             * @description ISO 639 language tag, if set.
             */
            language: string | null;
            /**
             * Profile
             * @description Codec profile, e.g. `LC`.
             */
            profile: string | null;
            /**
             * Sample Rate
             * @description Samples per second.
             */
            sample_rate: number;
        };
        /**
         * BlobRef
         * @description A reference to a file in Echo's blob storage; events carry these, never bytes.
         */
        "BlobRef-Input": {
            /**
             * Content Type
             * @description MIME type of the file.
             */
            content_type?: string | null;
            /**
             * Key
             * @description Storage key, relative to the blob root.
             */
            key: string;
            /**
             * Sha256
             * @description Hex SHA-256 of the stored bytes, when computed.
             */
            sha256?: string | null;
            /**
             * Size Bytes
             * @description Exact size of the stored file.
             */
            size_bytes: number;
        };
        /**
         * BlobRef
         * @description A reference to a file in Echo's blob storage; events carry these, never bytes.
         */
        "BlobRef-Output": {
            /**
             * Content Type
             * @description MIME type of the file.
             */
            content_type: string | null;
            /**
             * Key
             * @description Storage key, relative to the blob root.
             */
            key: string;
            /**
             * Sha256
             * @description Hex SHA-256 of the stored bytes, when computed.
             */
            sha256: string | null;
            /**
             * Size Bytes
             * @description Exact size of the stored file.
             */
            size_bytes: number;
        };
        /**
         * ContainerTags
         * @description Descriptive tags the file carries, when present.
         */
        "ContainerTags-Input": {
            /**
             * Creation Time
             * @description When the recording was made, as the device wrote it.
             */
            creation_time?: string | null;
            /**
             * Encoder
             * @description Software or device that wrote it.
             */
            encoder?: string | null;
            /**
             * Location
             * @description Where, as an ISO 6709 string, e.g. `+48.8577+002.295/`.
             */
            location?: string | null;
            /**
             * Title
             * @description Title tag.
             */
            title?: string | null;
        };
        /**
         * ContainerTags
         * @description Descriptive tags the file carries, when present.
         */
        "ContainerTags-Output": {
            /**
             * Creation Time
             * @description When the recording was made, as the device wrote it.
             */
            creation_time: string | null;
            /**
             * Encoder
             * @description Software or device that wrote it.
             */
            encoder: string | null;
            /**
             * Location
             * @description Where, as an ISO 6709 string, e.g. `+48.8577+002.295/`.
             */
            location: string | null;
            /**
             * Title
             * @description Title tag.
             */
            title: string | null;
        };
        /**
         * FieldOrder
         * @description How a video's pictures are scanned, in FFmpeg's words.
         * @enum {string}
         */
        FieldOrder: "progressive" | "tt" | "bb" | "tb" | "bt";
        /**
         * HdrFormat
         * @description The high-dynamic-range transfer a video is graded for.
         * @enum {string}
         */
        HdrFormat: "pq" | "hlg";
        /**
         * HealthResponseSchema
         * @description Liveness or readiness of a service.
         */
        HealthResponseSchema: {
            /**
             * Checks
             * @description Each dependency checked.
             */
            checks?: {
                [key: string]: boolean;
            };
            /**
             * Service
             * @description Service name.
             */
            service: string;
            /**
             * Status
             * @description `ok` when healthy.
             * @enum {string}
             */
            status: "ok" | "unavailable";
        };
        /**
         * InputNotice
         * @description One way an upload is non-standard, for programs (`code`) and people (`message`).
         */
        InputNotice: {
            /** @description Machine-readable reason. */
            code: components["schemas"]["InputNoticeCode"];
            /**
             * Message
             * @description What it means for the upload, in plain words.
             */
            message: string;
        };
        /**
         * InputNoticeCode
         * @description Why an upload is not what a web player expects (Mux calls these non-standard input).
         * @enum {string}
         */
        InputNoticeCode: "audio_only" | "variable_frame_rate" | "long_keyframe_interval" | "high_bit_depth" | "unusual_pixel_format" | "rotated" | "non_square_pixels" | "interlaced" | "hdr" | "unusual_codec" | "several_video_streams" | "several_audio_streams" | "duration_mismatch";
        /**
         * JobAttemptSchema
         * @description A finished attempt of a job, kept when the job was retried.
         */
        "JobAttemptSchema-Input": {
            /**
             * Attempt
             * @description Dispatch attempt it ended.
             */
            attempt: number;
            /**
             * Ended At
             * @description When it ended.
             */
            ended_at?: string | null;
            /** @description Why it failed. */
            error_code?: components["schemas"]["JobErrorCode"] | null;
            /**
             * Error Message
             * @description Why it failed, in words.
             */
            error_message?: string | null;
            /**
             * Retried At
             * Format: date-time
             * @description When the owner asked for a new attempt.
             */
            retried_at: string;
            /**
             * Started At
             * @description When a worker began it.
             */
            started_at?: string | null;
            /** @description How it ended. */
            status: components["schemas"]["ProcessingStatus"];
        };
        /**
         * JobAttemptSchema
         * @description A finished attempt of a job, kept when the job was retried.
         */
        "JobAttemptSchema-Output": {
            /**
             * Attempt
             * @description Dispatch attempt it ended.
             */
            attempt: number;
            /**
             * Ended At
             * @description When it ended.
             */
            ended_at: string | null;
            /** @description Why it failed. */
            error_code: components["schemas"]["JobErrorCode"] | null;
            /**
             * Error Message
             * @description Why it failed, in words.
             */
            error_message: string | null;
            /**
             * Retried At
             * Format: date-time
             * @description When the owner asked for a new attempt.
             */
            retried_at: string;
            /**
             * Started At
             * @description When a worker began it.
             */
            started_at: string | null;
            /** @description How it ended. */
            status: components["schemas"]["ProcessingStatus"];
        };
        /**
         * JobErrorCode
         * @description Why a job failed, in words a program can branch on.
         *
         *     The matching human sentence travels next to the code in `JobError.message`.
         * @enum {string}
         */
        JobErrorCode: "not_media" | "unsupported_format" | "unsupported_codec" | "damaged_media" | "no_playable_stream" | "limit_exceeded" | "source_missing" | "cancelled" | "stalled" | "internal_error";
        /**
         * JobKind
         * @description The kinds of work recorded for every upload; one worker service per kind.
         * @enum {string}
         */
        JobKind: "transcode" | "metadata";
        /**
         * MeResponseSchema
         * @description The signed-in user, as the access token says, and their usage.
         */
        MeResponseSchema: {
            /**
             * Email
             * @description E-mail from the token, if any.
             */
            email?: string | null;
            /**
             * Max Upload Bytes
             * @description Largest single upload accepted.
             */
            max_upload_bytes: number;
            /** @description Stored bytes against the quota. */
            usage: components["schemas"]["UsageSchema"];
            /**
             * User Id
             * Format: uuid
             * @description User id (the token's `sub`).
             */
            user_id: string;
        };
        /**
         * OutputKind
         * @description What an output holds.
         * @enum {string}
         */
        OutputKind: "hls_video" | "hls_audio" | "mp4" | "m4a";
        /**
         * OutputStatus
         * @description Whether an output was written.
         * @enum {string}
         */
        OutputStatus: "ready" | "skipped" | "failed";
        /**
         * PlaybackLinksSchema
         * @description Signed URLs a browser fetches without headers (`<video>`, hls.js, `<img>`).
         *
         *     Each is scoped to this video's files and expires at `expires_at`; fetch the video
         *     again for fresh ones. Relative references inside an HLS playlist inherit the
         *     signature, so a player can fetch the whole ladder.
         */
        "PlaybackLinksSchema-Input": {
            /**
             * Base Url
             * @description Signed prefix of every file of the video: append a path relative to the video's folder (e.g. `transcode/hls/master.m3u8`).
             */
            base_url: string;
            /**
             * Expires At
             * Format: date-time
             * @description When these URLs stop working.
             */
            expires_at: string;
            /**
             * Hls Url
             * @description The HLS master playlist, if produced.
             */
            hls_url?: string | null;
            /**
             * Mp4 Url
             * @description The MP4 rendition, once transcoded.
             */
            mp4_url?: string | null;
            /**
             * Poster Small Url
             * @description The poster's smallest size (320 wide, for lists), else the poster itself.
             */
            poster_small_url?: string | null;
            /**
             * Poster Url
             * @description The poster image, once extracted.
             */
            poster_url?: string | null;
            /**
             * Source Url
             * @description The original file as uploaded.
             */
            source_url: string;
            /**
             * Storyboard Sprite Url
             * @description The storyboard's sprite sheet JPEG, once produced.
             */
            storyboard_sprite_url?: string | null;
            /**
             * Storyboard Url
             * @description The storyboard's WebVTT, once produced; its cues point into the sprite relatively (`storyboard.jpg#xywh=x,y,w,h`).
             */
            storyboard_url?: string | null;
        };
        /**
         * PlaybackLinksSchema
         * @description Signed URLs a browser fetches without headers (`<video>`, hls.js, `<img>`).
         *
         *     Each is scoped to this video's files and expires at `expires_at`; fetch the video
         *     again for fresh ones. Relative references inside an HLS playlist inherit the
         *     signature, so a player can fetch the whole ladder.
         */
        "PlaybackLinksSchema-Output": {
            /**
             * Base Url
             * @description Signed prefix of every file of the video: append a path relative to the video's folder (e.g. `transcode/hls/master.m3u8`).
             */
            base_url: string;
            /**
             * Expires At
             * Format: date-time
             * @description When these URLs stop working.
             */
            expires_at: string;
            /**
             * Hls Url
             * @description The HLS master playlist, if produced.
             */
            hls_url: string | null;
            /**
             * Mp4 Url
             * @description The MP4 rendition, once transcoded.
             */
            mp4_url: string | null;
            /**
             * Poster Small Url
             * @description The poster's smallest size (320 wide, for lists), else the poster itself.
             */
            poster_small_url: string | null;
            /**
             * Poster Url
             * @description The poster image, once extracted.
             */
            poster_url: string | null;
            /**
             * Source Url
             * @description The original file as uploaded.
             */
            source_url: string;
            /**
             * Storyboard Sprite Url
             * @description The storyboard's sprite sheet JPEG, once produced.
             */
            storyboard_sprite_url: string | null;
            /**
             * Storyboard Url
             * @description The storyboard's WebVTT, once produced; its cues point into the sprite relatively (`storyboard.jpg#xywh=x,y,w,h`).
             */
            storyboard_url: string | null;
        };
        /**
         * PosterSizeSchema
         * @description One size the poster exists in.
         */
        PosterSizeSchema: {
            /**
             * Height
             * @description Height in pixels.
             */
            height: number;
            /**
             * Width
             * @description Width in pixels.
             */
            width: number;
        };
        /**
         * ProblemCode
         * @description Why a request failed, in words a program can branch on; the same across services.
         * @enum {string}
         */
        ProblemCode: "not_authenticated" | "invalid_token" | "token_expired" | "invalid_request" | "malformed_upload" | "unsupported_media_type" | "upload_too_large" | "not_found" | "method_not_allowed" | "video_not_found" | "job_not_found" | "rendition_not_found" | "poster_not_found" | "range_not_satisfiable" | "not_media" | "media_limit_exceeded" | "quota_exceeded" | "upload_not_found" | "upload_expired" | "upload_offset_mismatch" | "upload_busy" | "checksum_mismatch" | "unsupported_checksum" | "unsupported_tus_version" | "signature_invalid" | "url_expired" | "file_not_found" | "job_not_cancellable" | "job_not_retriable" | "database_unavailable" | "bus_unavailable" | "not_ready" | "internal_error";
        /**
         * ProblemDetails
         * @description An HTTP error, as RFC 9457 problem details with a machine-readable `code`.
         */
        ProblemDetails: {
            /** @description Machine-readable error code, e.g. `video_not_found`. */
            code: components["schemas"]["ProblemCode"];
            /**
             * Detail
             * @description What happened in this case.
             */
            detail?: string | null;
            /**
             * Errors
             * @description Field-level validation errors, when the request was invalid.
             */
            errors?: {
                [key: string]: unknown;
            }[] | null;
            /**
             * Instance
             * @description The request path.
             */
            instance?: string | null;
            /**
             * Status
             * @description HTTP status code.
             */
            status: number;
            /**
             * Title
             * @description Short summary of the problem type.
             */
            title: string;
            /**
             * Type
             * @description URI naming the problem type.
             * @default about:blank
             */
            type: string;
        };
        /**
         * ProcessingStatus
         * @description Lifecycle of a video and of each of its jobs (the frontend's vocabulary).
         * @enum {string}
         */
        ProcessingStatus: "pending" | "processing" | "completed" | "failed";
        /**
         * Rendition
         * @description One finished transcode output.
         */
        "Rendition-Input": {
            /**
             * Audio Codec
             * @description Output audio codec.
             */
            audio_codec?: string | null;
            /**
             * Container
             * @description Output container, e.g. `mp4`.
             */
            container: string;
            /**
             * Duration Seconds
             * @description Output duration.
             */
            duration_seconds: number;
            /** @description Where the output is stored. */
            file: components["schemas"]["BlobRef-Input"];
            /**
             * Height
             * @description Output height.
             */
            height?: number | null;
            /** @description Video (with audio when the source has it) or audio. */
            kind: components["schemas"]["RenditionKind"];
            /**
             * Name
             * @description Stable name, e.g. `mp4-720p` or `m4a-audio`.
             */
            name: string;
            /**
             * Video Codec
             * @description Output video codec.
             */
            video_codec?: string | null;
            /**
             * Width
             * @description Output width.
             */
            width?: number | null;
        };
        /**
         * Rendition
         * @description One finished transcode output.
         */
        "Rendition-Output": {
            /**
             * Audio Codec
             * @description Output audio codec.
             */
            audio_codec: string | null;
            /**
             * Container
             * @description Output container, e.g. `mp4`.
             */
            container: string;
            /**
             * Duration Seconds
             * @description Output duration.
             */
            duration_seconds: number;
            /** @description Where the output is stored. */
            file: components["schemas"]["BlobRef-Output"];
            /**
             * Height
             * @description Output height.
             */
            height: number | null;
            /** @description Video (with audio when the source has it) or audio. */
            kind: components["schemas"]["RenditionKind"];
            /**
             * Name
             * @description Stable name, e.g. `mp4-720p` or `m4a-audio`.
             */
            name: string;
            /**
             * Video Codec
             * @description Output video codec.
             */
            video_codec: string | null;
            /**
             * Width
             * @description Output width.
             */
            width: number | null;
        };
        /**
         * RenditionKind
         * @description What a transcode output holds.
         * @enum {string}
         */
        RenditionKind: "video" | "audio_only";
        /**
         * RenditionResponseSchema
         * @description A playable output and where to fetch it.
         */
        "RenditionResponseSchema-Input": {
            /**
             * Name
             * @description Rendition name, e.g. `mp4-720p`.
             */
            name: string;
            /** @description Technical description. */
            rendition: components["schemas"]["Rendition-Input"];
            /**
             * Url
             * @description Authenticated download URL (supports HTTP range requests).
             */
            url: string;
        };
        /**
         * RenditionResponseSchema
         * @description A playable output and where to fetch it.
         */
        "RenditionResponseSchema-Output": {
            /**
             * Name
             * @description Rendition name, e.g. `mp4-720p`.
             */
            name: string;
            /** @description Technical description. */
            rendition: components["schemas"]["Rendition-Output"];
            /**
             * Url
             * @description Authenticated download URL (supports HTTP range requests).
             */
            url: string;
        };
        /**
         * StoryboardSchema
         * @description How the storyboard's sprite is laid out (its files: `playback.storyboard_url` and
         *     `playback.storyboard_sprite_url`).
         */
        StoryboardSchema: {
            /**
             * Columns
             * @description Thumbnails per row of the sprite.
             */
            columns: number;
            /**
             * Count
             * @description Number of thumbnails (and of WebVTT cues).
             */
            count: number;
            /**
             * Interval Seconds
             * @description Time each thumbnail stands for.
             */
            interval_seconds: number;
            /**
             * Tile Height
             * @description Height of one thumbnail in pixels.
             */
            tile_height: number;
            /**
             * Tile Width
             * @description Width of one thumbnail in pixels.
             */
            tile_width: number;
        };
        /**
         * SubtitleStreamInfo
         * @description A subtitle stream as probed (kept in the file; Echo does not convert it yet).
         */
        "SubtitleStreamInfo-Input": {
            /**
             * Codec
             * @description Codec, e.g. `subrip`, `mov_text`, `hdmv_pgs_subtitle`.
             */
            codec: string;
            /**
             * Default
             * @description Whether the file marks it default.
             * @default false
             */
            default: boolean;
            /**
             * Forced
             * @description Whether it is shown even when off.
             * @default false
             */
            forced: boolean;
            /**
             * Index
             * @description Stream index in the container.
             */
            index: number;
            /**
             * Language
             * @description ISO 639 language tag, if set.
             */
            language?: string | null;
            /**
             * Title
             * @description Track title, if set.
             */
            title?: string | null;
        };
        /**
         * SubtitleStreamInfo
         * @description A subtitle stream as probed (kept in the file; Echo does not convert it yet).
         */
        "SubtitleStreamInfo-Output": {
            /**
             * Codec
             * @description Codec, e.g. `subrip`, `mov_text`, `hdmv_pgs_subtitle`.
             */
            codec: string;
            /**
             * Default
             * @description Whether the file marks it default.
             * @default false
             */
            default: boolean;
            /**
             * Forced
             * @description Whether it is shown even when off.
             * @default false
             */
            forced: boolean;
            /**
             * Index
             * @description Stream index in the container.
             */
            index: number;
            /**
             * Language
             * @description ISO 639 language tag, if set.
             */
            language: string | null;
            /**
             * Title
             * @description Track title, if set.
             */
            title: string | null;
        };
        /**
         * TranscodeOutput
         * @description One output of a transcode, ready or not.
         */
        "TranscodeOutput-Input": {
            /**
             * Average Bitrate
             * @description Bits per second over the whole output.
             */
            average_bitrate?: number | null;
            /**
             * Codecs
             * @description RFC 6381 codecs, e.g. `avc1.64001F,mp4a.40.2`.
             */
            codecs?: string | null;
            /**
             * Duration Seconds
             * @description Output duration.
             */
            duration_seconds?: number | null;
            /** @description The media playlist of an HLS rendition, or the MP4/M4A file; absent unless ready. */
            file?: components["schemas"]["BlobRef-Input"] | null;
            /**
             * Frame Rate
             * @description Constant frames per second; none for audio.
             */
            frame_rate?: number | null;
            /**
             * Height
             * @description Picture height; none for audio.
             */
            height?: number | null;
            /** @description What the output holds. */
            kind: components["schemas"]["OutputKind"];
            /**
             * Name
             * @description Stable name: `1080p` .. `240p` (or the source's own `NNNp`), `audio`, `download`.
             */
            name: string;
            /**
             * Peak Bitrate
             * @description Highest segment bit rate (HLS `BANDWIDTH`).
             */
            peak_bitrate?: number | null;
            /**
             * Reason
             * @description Why it was skipped or failed, for a person.
             */
            reason?: string | null;
            /**
             * Segment Count
             * @description HLS segments (0 for the MP4/M4A download).
             * @default 0
             */
            segment_count: number;
            /**
             * Size Bytes
             * @description Bytes of every file of the output.
             * @default 0
             */
            size_bytes: number;
            /** @description Whether it was written. */
            status: components["schemas"]["OutputStatus"];
            /**
             * Width
             * @description Picture width; none for audio.
             */
            width?: number | null;
        };
        /**
         * TranscodeOutput
         * @description One output of a transcode, ready or not.
         */
        "TranscodeOutput-Output": {
            /**
             * Average Bitrate
             * @description Bits per second over the whole output.
             */
            average_bitrate: number | null;
            /**
             * Codecs
             * @description RFC 6381 codecs, e.g. `avc1.64001F,mp4a.40.2`.
             */
            codecs: string | null;
            /**
             * Duration Seconds
             * @description Output duration.
             */
            duration_seconds: number | null;
            /** @description The media playlist of an HLS rendition, or the MP4/M4A file; absent unless ready. */
            file: components["schemas"]["BlobRef-Output"] | null;
            /**
             * Frame Rate
             * @description Constant frames per second; none for audio.
             */
            frame_rate: number | null;
            /**
             * Height
             * @description Picture height; none for audio.
             */
            height: number | null;
            /** @description What the output holds. */
            kind: components["schemas"]["OutputKind"];
            /**
             * Name
             * @description Stable name: `1080p` .. `240p` (or the source's own `NNNp`), `audio`, `download`.
             */
            name: string;
            /**
             * Peak Bitrate
             * @description Highest segment bit rate (HLS `BANDWIDTH`).
             */
            peak_bitrate: number | null;
            /**
             * Reason
             * @description Why it was skipped or failed, for a person.
             */
            reason: string | null;
            /**
             * Segment Count
             * @description HLS segments (0 for the MP4/M4A download).
             * @default 0
             */
            segment_count: number;
            /**
             * Size Bytes
             * @description Bytes of every file of the output.
             * @default 0
             */
            size_bytes: number;
            /** @description Whether it was written. */
            status: components["schemas"]["OutputStatus"];
            /**
             * Width
             * @description Picture width; none for audio.
             */
            width: number | null;
        };
        /**
         * TranscodeOutputResponseSchema
         * @description One output of a transcode (a ladder rung, its audio or the download), ready or not.
         */
        "TranscodeOutputResponseSchema-Input": {
            /** @description What the output holds. */
            kind: components["schemas"]["OutputKind"];
            /**
             * Name
             * @description Output name: `1080p` .. `240p`, `audio`, `download`.
             */
            name: string;
            /** @description Technical description. */
            output: components["schemas"]["TranscodeOutput-Input"];
            /**
             * Reason
             * @description Why it was skipped or failed, for a person.
             */
            reason?: string | null;
            /** @description Whether it was written. */
            status: components["schemas"]["OutputStatus"];
            /**
             * Url
             * @description Signed URL of its media playlist or file (no `Authorization` header needed; expires with `playback.expires_at`); ready outputs only.
             */
            url?: string | null;
        };
        /**
         * TranscodeOutputResponseSchema
         * @description One output of a transcode (a ladder rung, its audio or the download), ready or not.
         */
        "TranscodeOutputResponseSchema-Output": {
            /** @description What the output holds. */
            kind: components["schemas"]["OutputKind"];
            /**
             * Name
             * @description Output name: `1080p` .. `240p`, `audio`, `download`.
             */
            name: string;
            /** @description Technical description. */
            output: components["schemas"]["TranscodeOutput-Output"];
            /**
             * Reason
             * @description Why it was skipped or failed, for a person.
             */
            reason: string | null;
            /** @description Whether it was written. */
            status: components["schemas"]["OutputStatus"];
            /**
             * Url
             * @description Signed URL of its media playlist or file (no `Authorization` header needed; expires with `playback.expires_at`); ready outputs only.
             */
            url: string | null;
        };
        /**
         * UsageSchema
         * @description What a user stores, against their quota.
         */
        UsageSchema: {
            /**
             * Quota Bytes
             * @description The limit; null when unlimited.
             */
            quota_bytes?: number | null;
            /**
             * Uploads In Progress
             * @description Resumable uploads not yet finished.
             */
            uploads_in_progress: number;
            /**
             * Used Bytes
             * @description Uploaded videos plus resumable uploads in progress.
             */
            used_bytes: number;
            /**
             * Videos
             * @description Videos stored.
             */
            videos: number;
        };
        /**
         * VideoJobListResponseSchema
         * @description A page of the user's jobs, newest first.
         */
        VideoJobListResponseSchema: {
            /**
             * Items
             * @description Jobs on this page.
             */
            items: components["schemas"]["VideoJobResponseSchema-Input"][];
            /**
             * Next Cursor
             * @description Pass as `cursor` for the next page.
             */
            next_cursor?: string | null;
        };
        /**
         * VideoJobResponseSchema
         * @description A processing job.
         */
        "VideoJobResponseSchema-Input": {
            /**
             * Attempts
             * @description Times a worker started it.
             */
            attempts: number;
            /**
             * Completed At
             * @description When it ended.
             */
            completed_at?: string | null;
            /**
             * Created At
             * Format: date-time
             * @description When it was recorded.
             */
            created_at: string;
            /** @description Set when failed. */
            error_code?: components["schemas"]["JobErrorCode"] | null;
            /**
             * Error Message
             * @description Set when failed.
             */
            error_message?: string | null;
            /**
             * Eta Seconds
             * @description Estimated seconds left.
             */
            eta_seconds?: number | null;
            /**
             * Id
             * Format: uuid
             * @description Job id.
             */
            id: string;
            /** @description Transcode or metadata. */
            kind: components["schemas"]["JobKind"];
            /**
             * Progress
             * @description Percent done.
             */
            progress: number;
            /**
             * Retriable
             * @description Set when failed.
             */
            retriable?: boolean | null;
            /**
             * Started At
             * @description When a worker first began.
             */
            started_at?: string | null;
            /** @description Job status. */
            status: components["schemas"]["ProcessingStatus"];
            /**
             * Updated At
             * Format: date-time
             * @description Last change.
             */
            updated_at: string;
            /**
             * Video Id
             * Format: uuid
             * @description The video it processes.
             */
            video_id: string;
        };
        /**
         * VideoJobResponseSchema
         * @description A processing job.
         */
        "VideoJobResponseSchema-Output": {
            /**
             * Attempts
             * @description Times a worker started it.
             */
            attempts: number;
            /**
             * Completed At
             * @description When it ended.
             */
            completed_at: string | null;
            /**
             * Created At
             * Format: date-time
             * @description When it was recorded.
             */
            created_at: string;
            /** @description Set when failed. */
            error_code: components["schemas"]["JobErrorCode"] | null;
            /**
             * Error Message
             * @description Set when failed.
             */
            error_message: string | null;
            /**
             * Eta Seconds
             * @description Estimated seconds left.
             */
            eta_seconds: number | null;
            /**
             * Id
             * Format: uuid
             * @description Job id.
             */
            id: string;
            /** @description Transcode or metadata. */
            kind: components["schemas"]["JobKind"];
            /**
             * Progress
             * @description Percent done.
             */
            progress: number;
            /**
             * Retriable
             * @description Set when failed.
             */
            retriable: boolean | null;
            /**
             * Started At
             * @description When a worker first began.
             */
            started_at: string | null;
            /** @description Job status. */
            status: components["schemas"]["ProcessingStatus"];
            /**
             * Updated At
             * Format: date-time
             * @description Last change.
             */
            updated_at: string;
            /**
             * Video Id
             * Format: uuid
             * @description The video it processes.
             */
            video_id: string;
        };
        /**
         * VideoJobWithDetailsResponseSchema
         * @description A job with the video it belongs to and what it produced.
         */
        VideoJobWithDetailsResponseSchema: {
            /**
             * Attempts
             * @description Times a worker started it.
             */
            attempts: number;
            /**
             * Completed At
             * @description When it ended.
             */
            completed_at: string | null;
            /**
             * Created At
             * Format: date-time
             * @description When it was recorded.
             */
            created_at: string;
            /** @description Set when failed. */
            error_code: components["schemas"]["JobErrorCode"] | null;
            /**
             * Error Message
             * @description Set when failed.
             */
            error_message: string | null;
            /**
             * Eta Seconds
             * @description Estimated seconds left.
             */
            eta_seconds: number | null;
            /**
             * Id
             * Format: uuid
             * @description Job id.
             */
            id: string;
            /** @description Transcode or metadata. */
            kind: components["schemas"]["JobKind"];
            /** @description Result of a completed metadata job. */
            metadata: components["schemas"]["VideoMetadataResponseSchema"] | null;
            /**
             * Outputs
             * @description Every output of a completed transcode job with its status, as on the video.
             */
            outputs: components["schemas"]["TranscodeOutputResponseSchema-Output"][];
            /**
             * Previous Attempts
             * @description Earlier attempts, oldest first (kept on retry).
             */
            previous_attempts: components["schemas"]["JobAttemptSchema-Output"][];
            /**
             * Progress
             * @description Percent done.
             */
            progress: number;
            /**
             * Renditions
             * @description The download of a completed transcode job.
             */
            renditions: components["schemas"]["RenditionResponseSchema-Output"][];
            /**
             * Retriable
             * @description Set when failed.
             */
            retriable: boolean | null;
            /**
             * Started At
             * @description When a worker first began.
             */
            started_at: string | null;
            /** @description Job status. */
            status: components["schemas"]["ProcessingStatus"];
            /**
             * Updated At
             * Format: date-time
             * @description Last change.
             */
            updated_at: string;
            /** @description The job's video. */
            video: components["schemas"]["VideoSummarySchema-Output"];
            /**
             * Video Id
             * Format: uuid
             * @description The video it processes.
             */
            video_id: string;
        };
        /**
         * VideoListResponseSchema
         * @description A page of the user's videos, newest first.
         */
        VideoListResponseSchema: {
            /**
             * Items
             * @description Videos on this page.
             */
            items: components["schemas"]["VideoSummarySchema-Input"][];
            /**
             * Next Cursor
             * @description Pass as `cursor` for the next page.
             */
            next_cursor?: string | null;
        };
        /**
         * VideoMetadataResponseSchema
         * @description Technical metadata of a video: the probe as stored, plus flat fields derived from it.
         */
        VideoMetadataResponseSchema: {
            /** @description Primary audio stream: the default one, else the first. */
            audio: components["schemas"]["AudioStreamInfo-Output"] | null;
            /**
             * Audio Channels
             * @description Audio channels.
             */
            readonly audio_channels: number | null;
            /**
             * Audio Codec
             * @description Primary audio codec.
             */
            readonly audio_codec: string | null;
            /**
             * Audio Sample Rate
             * @description Audio sample rate.
             */
            readonly audio_sample_rate: number | null;
            /**
             * Audio Streams
             * @description Every audio stream, the primary one included.
             */
            audio_streams: components["schemas"]["AudioStreamInfo-Output"][];
            /**
             * Bit Rate
             * @description Overall bits per second.
             */
            bit_rate: number | null;
            /**
             * Container Duration Seconds
             * @description Duration the container declares, if any.
             */
            container_duration_seconds: number | null;
            /**
             * Container Format
             * @description Demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
             */
            container_format: string;
            /**
             * Created At
             * Format: date-time
             * @description When it was extracted.
             */
            created_at: string;
            /**
             * Duration Seconds
             * @description Length of the streams used (the primary video and audio), else the container's: a broadcast capture's container can span unrelated clocks.
             */
            duration_seconds: number | null;
            /**
             * Frame Rate
             * @description Frames per second.
             */
            readonly frame_rate: number | null;
            /**
             * Height
             * @description Display height (after rotation).
             */
            readonly height: number | null;
            /**
             * Notices
             * @description How the upload is non-standard (variable frame rate, rotation, audio only, ...); empty for a plain web video.
             */
            notices: components["schemas"]["InputNotice"][];
            /**
             * Poster Url
             * @description Poster image URL.
             */
            poster_url: string | null;
            /**
             * Posters
             * @description The sizes the poster exists in, largest first (`playback.poster_url`, then `playback.poster_small_url`); empty for audio-only files.
             */
            posters: components["schemas"]["PosterSizeSchema"][];
            /**
             * Size Bytes
             * @description File size.
             */
            size_bytes: number;
            /**
             * Start Time Seconds
             * @description Timestamp where the container's first stream starts.
             */
            start_time_seconds: number | null;
            /** @description The storyboard's layout; absent for audio-only files. */
            storyboard: components["schemas"]["StoryboardSchema"] | null;
            /**
             * Stream Count
             * @description Streams of every type in the container.
             */
            stream_count: number;
            /**
             * Subtitle Streams
             * @description Every subtitle stream.
             */
            subtitle_streams: components["schemas"]["SubtitleStreamInfo-Output"][];
            /** @description Title, creation time, location, encoder. */
            tags: components["schemas"]["ContainerTags-Output"];
            /** @description Primary video stream: the one shown, postered and transcoded. */
            video: components["schemas"]["VideoStreamInfo-Output"] | null;
            /**
             * Video Codec
             * @description Primary video codec.
             */
            readonly video_codec: string | null;
            /**
             * Video Id
             * Format: uuid
             * @description The video.
             */
            video_id: string;
            /**
             * Video Streams
             * @description Every real video stream (cover art excluded), the primary one included.
             */
            video_streams: components["schemas"]["VideoStreamInfo-Output"][];
            /**
             * Width
             * @description Display width (after rotation).
             */
            readonly width: number | null;
        };
        /**
         * VideoMetadataUpdateRequestSchema
         * @description Owner-editable descriptive fields of a video; omitted fields stay as they are.
         *
         *     A request, not a message: the gateway is its only reader, so an unknown field is a
         *     client's typo and is refused (422) rather than silently dropped.
         */
        VideoMetadataUpdateRequestSchema: {
            /**
             * Description
             * @description Description.
             */
            description?: string | null;
            /**
             * Tags
             * @description Tags, each 1-64 characters with a visible one; stripped, duplicates dropped.
             */
            tags?: string[] | null;
            /**
             * Title
             * @description Title; surrounding white space is stripped, a visible character required.
             */
            title?: string | null;
        };
        /**
         * VideoResponseSchema
         * @description A video.
         */
        VideoResponseSchema: {
            /**
             * Checksum Sha256
             * @description Hex SHA-256 of the uploaded file.
             */
            checksum_sha256: string;
            /**
             * Content Type
             * @description MIME type the client declared.
             */
            content_type?: string | null;
            /**
             * Created At
             * Format: date-time
             * @description Upload time.
             */
            created_at: string;
            /**
             * Description
             * @description Owner-written description.
             */
            description?: string | null;
            /**
             * Id
             * Format: uuid
             * @description Video id.
             */
            id: string;
            /**
             * Original Filename
             * @description File name as uploaded.
             */
            original_filename: string;
            /**
             * Owner Id
             * Format: uuid
             * @description The owner's user id.
             */
            owner_id: string;
            /**
             * Size Bytes
             * @description Size of the uploaded file.
             */
            size_bytes: number;
            /** @description Overall status across the video's jobs. */
            status: components["schemas"]["ProcessingStatus"];
            /**
             * Tags
             * @description Owner-written tags.
             */
            tags?: string[];
            /**
             * Title
             * @description Title (the file name until the owner sets one).
             */
            title: string;
            /**
             * Updated At
             * Format: date-time
             * @description Last change.
             */
            updated_at: string;
        };
        /**
         * VideoStreamInfo
         * @description A video stream as probed.
         */
        "VideoStreamInfo-Input": {
            /**
             * Average Frame Rate
             * @description Frames over duration, as the container's index says.
             */
            average_frame_rate?: number | null;
            /**
             * Bit Depth
             * @description Bits per colour sample.
             */
            bit_depth?: number | null;
            /**
             * Bit Rate
             * @description Bits per second, if known.
             */
            bit_rate?: number | null;
            /**
             * Codec
             * @description Decoder name, e.g. `h264`, `vp9`, `hevc`.
             */
            codec: string;
            /**
             * Color Matrix
             * @description YUV matrix (FFmpeg's colour space), e.g. `bt709`, `bt2020nc`.
             */
            color_matrix?: string | null;
            /**
             * Color Primaries
             * @description E.g. `bt709`, `bt2020`.
             */
            color_primaries?: string | null;
            /**
             * Color Range
             * @description `tv` (limited) or `pc` (full), if declared.
             */
            color_range?: string | null;
            /**
             * Color Transfer
             * @description E.g. `bt709`, `smpte2084` (PQ), `arib-std-b67` (HLG).
             */
            color_transfer?: string | null;
            /**
             * Default
             * @description Whether the file marks it default.
             * @default false
             */
            default: boolean;
            /**
             * Display Aspect Ratio
             * @description Shape of the stored picture with its pixel shape, e.g. `16:9`.
             */
            display_aspect_ratio?: string | null;
            /**
             * Display Height
             * @description Height as shown, after rotation.
             */
            display_height: number;
            /**
             * Display Width
             * @description Width as shown, after rotation.
             */
            display_width: number;
            /**
             * Duration Seconds
             * @description Stream duration.
             */
            duration_seconds?: number | null;
            /** @description Progressive or interlaced (which field first), if known. */
            field_order?: components["schemas"]["FieldOrder"] | null;
            /**
             * Frame Rate
             * @description Frames per second (guessed when the container's is unusable).
             */
            frame_rate?: number | null;
            /** @description Set when the video is HDR. */
            hdr?: components["schemas"]["HdrFormat"] | null;
            /**
             * Height
             * @description Coded height in pixels, before rotation.
             */
            height: number;
            /**
             * Index
             * @description Stream index in the container.
             */
            index: number;
            /**
             * Keyframe Interval Seconds
             * @description Longest time between two keyframes in the part measured (the whole file when it has an index of every frame).
             */
            keyframe_interval_seconds?: number | null;
            /**
             * Language
             * @description ISO 639 language tag, if set.
             */
            language?: string | null;
            /**
             * Level
             * @description Codec level as FFmpeg numbers it (H.264 4.1 is `41`).
             */
            level?: number | null;
            /**
             * Nominal Frame Rate
             * @description The stream's base rate (FFmpeg's `r_frame_rate`).
             */
            nominal_frame_rate?: number | null;
            /**
             * Pixel Format
             * @description Pixel format, e.g. `yuv420p`.
             */
            pixel_format?: string | null;
            /**
             * Profile
             * @description Codec profile, e.g. `High`.
             */
            profile?: string | null;
            /**
             * Rotation
             * @description Degrees the picture is rotated for display.
             * @default 0
             */
            rotation: number;
            /**
             * Sample Aspect Ratio
             * @description Pixel shape, width:height (`1:1` for square pixels).
             */
            sample_aspect_ratio?: string | null;
            /**
             * Start Time Seconds
             * @description Timestamp of the stream's first frame.
             */
            start_time_seconds?: number | null;
            /**
             * Variable Frame Rate
             * @description Whether the intervals between frames vary.
             * @default false
             */
            variable_frame_rate: boolean;
            /**
             * Width
             * @description Coded width in pixels, before rotation.
             */
            width: number;
        };
        /**
         * VideoStreamInfo
         * @description A video stream as probed.
         */
        "VideoStreamInfo-Output": {
            /**
             * Average Frame Rate
             * @description Frames over duration, as the container's index says.
             */
            average_frame_rate: number | null;
            /**
             * Bit Depth
             * @description Bits per colour sample.
             */
            bit_depth: number | null;
            /**
             * Bit Rate
             * @description Bits per second, if known.
             */
            bit_rate: number | null;
            /**
             * Codec
             * @description Decoder name, e.g. `h264`, `vp9`, `hevc`.
             */
            codec: string;
            /**
             * Color Matrix
             * @description YUV matrix (FFmpeg's colour space), e.g. `bt709`, `bt2020nc`.
             */
            color_matrix: string | null;
            /**
             * Color Primaries
             * @description E.g. `bt709`, `bt2020`.
             */
            color_primaries: string | null;
            /**
             * Color Range
             * @description `tv` (limited) or `pc` (full), if declared.
             */
            color_range: string | null;
            /**
             * Color Transfer
             * @description E.g. `bt709`, `smpte2084` (PQ), `arib-std-b67` (HLG).
             */
            color_transfer: string | null;
            /**
             * Default
             * @description Whether the file marks it default.
             * @default false
             */
            default: boolean;
            /**
             * Display Aspect Ratio
             * @description Shape of the stored picture with its pixel shape, e.g. `16:9`.
             */
            display_aspect_ratio: string | null;
            /**
             * Display Height
             * @description Height as shown, after rotation.
             */
            display_height: number;
            /**
             * Display Width
             * @description Width as shown, after rotation.
             */
            display_width: number;
            /**
             * Duration Seconds
             * @description Stream duration.
             */
            duration_seconds: number | null;
            /** @description Progressive or interlaced (which field first), if known. */
            field_order: components["schemas"]["FieldOrder"] | null;
            /**
             * Frame Rate
             * @description Frames per second (guessed when the container's is unusable).
             */
            frame_rate: number | null;
            /** @description Set when the video is HDR. */
            hdr: components["schemas"]["HdrFormat"] | null;
            /**
             * Height
             * @description Coded height in pixels, before rotation.
             */
            height: number;
            /**
             * Index
             * @description Stream index in the container.
             */
            index: number;
            /**
             * Keyframe Interval Seconds
             * @description Longest time between two keyframes in the part measured (the whole file when it has an index of every frame).
             */
            keyframe_interval_seconds: number | null;
            /**
             * Language
             * @description ISO 639 language tag, if set.
             */
            language: string | null;
            /**
             * Level
             * @description Codec level as FFmpeg numbers it (H.264 4.1 is `41`).
             */
            level: number | null;
            /**
             * Nominal Frame Rate
             * @description The stream's base rate (FFmpeg's `r_frame_rate`).
             */
            nominal_frame_rate: number | null;
            /**
             * Pixel Format
             * @description Pixel format, e.g. `yuv420p`.
             */
            pixel_format: string | null;
            /**
             * Profile
             * @description Codec profile, e.g. `High`.
             */
            profile: string | null;
            /**
             * Rotation
             * @description Degrees the picture is rotated for display.
             * @default 0
             */
            rotation: number;
            /**
             * Sample Aspect Ratio
             * @description Pixel shape, width:height (`1:1` for square pixels).
             */
            sample_aspect_ratio: string | null;
            /**
             * Start Time Seconds
             * @description Timestamp of the stream's first frame.
             */
            start_time_seconds: number | null;
            /**
             * Variable Frame Rate
             * @description Whether the intervals between frames vary.
             * @default false
             */
            variable_frame_rate: boolean;
            /**
             * Width
             * @description Coded width in pixels, before rotation.
             */
            width: number;
        };
        /**
         * VideoSummarySchema
         * @description A video as listed.
         */
        "VideoSummarySchema-Input": {
            /**
             * Created At
             * Format: date-time
             * @description Upload time.
             */
            created_at: string;
            /**
             * Duration Seconds
             * @description Known once probed.
             */
            duration_seconds?: number | null;
            /**
             * Id
             * Format: uuid
             * @description Video id.
             */
            id: string;
            /**
             * Poster Url
             * @description Poster image, once extracted.
             */
            poster_url?: string | null;
            /** @description Overall status across the video's jobs. */
            status: components["schemas"]["ProcessingStatus"];
            /**
             * Title
             * @description Title (the file name until the owner sets one).
             */
            title: string;
        };
        /**
         * VideoSummarySchema
         * @description A video as listed.
         */
        "VideoSummarySchema-Output": {
            /**
             * Created At
             * Format: date-time
             * @description Upload time.
             */
            created_at: string;
            /**
             * Duration Seconds
             * @description Known once probed.
             */
            duration_seconds: number | null;
            /**
             * Id
             * Format: uuid
             * @description Video id.
             */
            id: string;
            /**
             * Poster Url
             * @description Poster image, once extracted.
             */
            poster_url: string | null;
            /** @description Overall status across the video's jobs. */
            status: components["schemas"]["ProcessingStatus"];
            /**
             * Title
             * @description Title (the file name until the owner sets one).
             */
            title: string;
        };
        /**
         * VideoUploadResponseSchema
         * @description What `POST /api/videos` answers: the stored video and its pending jobs.
         */
        VideoUploadResponseSchema: {
            /**
             * Jobs
             * @description Its jobs, all `pending`.
             */
            jobs: components["schemas"]["VideoJobResponseSchema-Input"][];
            /** @description The recorded video. */
            video: components["schemas"]["VideoResponseSchema"];
        };
        /**
         * VideoWithJobsResponseSchema
         * @description A video with its jobs, metadata and finished outputs.
         */
        VideoWithJobsResponseSchema: {
            /**
             * Checksum Sha256
             * @description Hex SHA-256 of the uploaded file.
             */
            checksum_sha256: string;
            /**
             * Content Type
             * @description MIME type the client declared.
             */
            content_type: string | null;
            /**
             * Created At
             * Format: date-time
             * @description Upload time.
             */
            created_at: string;
            /**
             * Description
             * @description Owner-written description.
             */
            description: string | null;
            /**
             * Id
             * Format: uuid
             * @description Video id.
             */
            id: string;
            /**
             * Jobs
             * @description Every job of the video.
             */
            jobs: components["schemas"]["VideoJobResponseSchema-Output"][];
            /** @description Set once the metadata job completed. */
            metadata: components["schemas"]["VideoMetadataResponseSchema"] | null;
            /**
             * Original Filename
             * @description File name as uploaded.
             */
            original_filename: string;
            /**
             * Outputs
             * @description Every output of the completed transcode with its status: each ladder rung (ready, or skipped with the reason), the audio and the download.
             */
            outputs: components["schemas"]["TranscodeOutputResponseSchema-Output"][];
            /**
             * Owner Id
             * Format: uuid
             * @description The owner's user id.
             */
            owner_id: string;
            /** @description Signed playback URLs (no `Authorization` header needed). */
            playback: components["schemas"]["PlaybackLinksSchema-Output"] | null;
            /**
             * Renditions
             * @description The download, once transcoded.
             */
            renditions: components["schemas"]["RenditionResponseSchema-Output"][];
            /**
             * Size Bytes
             * @description Size of the uploaded file.
             */
            size_bytes: number;
            /** @description Overall status across the video's jobs. */
            status: components["schemas"]["ProcessingStatus"];
            /**
             * Tags
             * @description Owner-written tags.
             */
            tags: string[];
            /**
             * Title
             * @description Title (the file name until the owner sets one).
             */
            title: string;
            /**
             * Updated At
             * Format: date-time
             * @description Last change.
             */
            updated_at: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    me_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeResponseSchema"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    uploads_create: {
        parameters: {
            query?: never;
            header: {
                /** @description Must be `1.0.0`. */
                "Tus-Resumable": string;
                /** @description Size of the whole file in bytes. */
                "Upload-Length": string;
                /** @description `key base64(value)` pairs: `filename`, `filetype`, `title` are used. */
                "Upload-Metadata"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/offset+octet-stream": string;
            };
        };
        responses: {
            /** @description Created; `Location` is where to send the bytes. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad resumable-upload request (`code`: malformed_upload, unsupported_checksum) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Unsupported tus version (`code`: unsupported_tus_version) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload too large (`code`: upload_too_large, quota_exceeded) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request, not_media, media_limit_exceeded) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Checksum mismatch (`code`: checksum_mismatch) */
            460: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    uploads_discover: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Capabilities in the `Tus-*` headers. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    uploads_terminate: {
        parameters: {
            query?: never;
            header: {
                /** @description Must be `1.0.0`. */
                "Tus-Resumable": string;
            };
            path: {
                /** @description Upload id (the video's id once finished). */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload not found (`code`: upload_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Unsupported tus version (`code`: unsupported_tus_version) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload busy (`code`: upload_busy) */
            423: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    uploads_head: {
        parameters: {
            query?: never;
            header: {
                /** @description Must be `1.0.0`. */
                "Tus-Resumable": string;
            };
            path: {
                /** @description Upload id (the video's id once finished). */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; the headers say where the upload stands. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload not found (`code`: upload_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload expired (`code`: upload_expired) */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Unsupported tus version (`code`: unsupported_tus_version) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    uploads_append: {
        parameters: {
            query?: never;
            header: {
                /** @description Must be `1.0.0`. */
                "Tus-Resumable": string;
                /** @description `sha1|sha256 base64(digest)` of this body. */
                "Upload-Checksum"?: string;
                /** @description Where these bytes go: the upload's offset. */
                "Upload-Offset": string;
            };
            path: {
                /** @description Upload id (the video's id once finished). */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/offset+octet-stream": string;
            };
        };
        responses: {
            /** @description Done; the headers say where the upload stands. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad resumable-upload request (`code`: malformed_upload, unsupported_checksum) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload not found (`code`: upload_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload offset mismatch (`code`: upload_offset_mismatch) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload expired (`code`: upload_expired) */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Unsupported tus version (`code`: unsupported_tus_version) */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload too large (`code`: upload_too_large, quota_exceeded) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Unsupported request media type (`code`: unsupported_media_type) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request, not_media, media_limit_exceeded) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload busy (`code`: upload_busy) */
            423: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Checksum mismatch (`code`: checksum_mismatch) */
            460: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    jobs_list: {
        parameters: {
            query?: {
                /** @description `next_cursor` of the previous page. */
                cursor?: string | null;
                /** @description Items per page. */
                limit?: number;
                /** @description Only items in these statuses (pending, processing, completed, failed): repeat the parameter (`status=pending&status=failed`) or separate with commas (`status=pending,failed`). */
                status?: string[] | null;
                /** @description Only the jobs of this video. */
                video_id?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoJobListResponseSchema"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    jobs_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Processing job id. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoJobWithDetailsResponseSchema"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Processing job not found (`code`: job_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    jobs_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Processing job id. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoJobResponseSchema-Input"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Processing job not found (`code`: job_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Job cannot be cancelled (`code`: job_not_cancellable) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    jobs_retry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Processing job id. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoJobResponseSchema-Input"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Processing job not found (`code`: job_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Job cannot be retried (`code`: job_not_retriable) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    videos_list: {
        parameters: {
            query?: {
                /** @description `next_cursor` of the previous page. */
                cursor?: string | null;
                /** @description Items per page. */
                limit?: number;
                /** @description Only items in these statuses (pending, processing, completed, failed): repeat the parameter (`status=pending&status=failed`) or separate with commas (`status=pending,failed`). */
                status?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoListResponseSchema"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    upload_video: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description The video. Any file is accepted; the jobs report files they cannot process.
                     */
                    file: string;
                    /** @description Title; defaults to the file name. */
                    title?: string;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoUploadResponseSchema"];
                };
            };
            /** @description Malformed upload (`code`: malformed_upload) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Upload too large (`code`: upload_too_large, quota_exceeded) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Unsupported request media type (`code`: unsupported_media_type) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    videos_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Video id. */
                video_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoWithJobsResponseSchema"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Video not found (`code`: video_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    videos_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Video id. */
                video_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Video not found (`code`: video_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    videos_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Video id. */
                video_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VideoMetadataUpdateRequestSchema"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoResponseSchema"];
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Video not found (`code`: video_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    videos_poster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Video id. */
                video_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file; range requests get 206. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": string;
                };
            };
            /** @description The requested byte range. */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": string;
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Video not found (`code`: video_not_found, poster_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Range not satisfiable (`code`: range_not_satisfiable) */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    videos_rendition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Rendition name, e.g. `mp4-720p`. */
                name: string;
                /** @description Video id. */
                video_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file; range requests get 206. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/mp4": string;
                    "video/mp4": string;
                    "video/webm": string;
                };
            };
            /** @description The requested byte range. */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/mp4": string;
                    "video/mp4": string;
                    "video/webm": string;
                };
            };
            /** @description Authentication required (`code`: not_authenticated, invalid_token, token_expired) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Video not found (`code`: video_not_found, rendition_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Range not satisfiable (`code`: range_not_satisfiable) */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Service unavailable (`code`: database_unavailable) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponseSchema"];
                };
            };
        };
    };
    media_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Path inside the video's folder. */
                path: string;
                /** @description The signature from the playback links. */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                    "application/vnd.apple.mpegurl": string;
                    "audio/mp4": string;
                    "image/jpeg": string;
                    "image/png": string;
                    "image/webp": string;
                    "text/vtt": string;
                    "video/iso.segment": string;
                    "video/mp2t": string;
                    "video/mp4": string;
                    "video/webm": string;
                };
            };
            /** @description The requested byte range. */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "multipart/byteranges": string;
                    "video/mp4": string;
                };
            };
            /** @description Fetch it from the blob store's own signed URL (`Location`). */
            307: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid playback URL (`code`: signature_invalid, url_expired) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description File not found (`code`: file_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Range not satisfiable (`code`: range_not_satisfiable) */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    media_head: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Path inside the video's folder. */
                path: string;
                /** @description The signature from the playback links. */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                    "application/vnd.apple.mpegurl": string;
                    "audio/mp4": string;
                    "image/jpeg": string;
                    "image/png": string;
                    "image/webp": string;
                    "text/vtt": string;
                    "video/iso.segment": string;
                    "video/mp2t": string;
                    "video/mp4": string;
                    "video/webm": string;
                };
            };
            /** @description The requested byte range. */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "multipart/byteranges": string;
                    "video/mp4": string;
                };
            };
            /** @description Fetch it from the blob store's own signed URL (`Location`). */
            307: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid playback URL (`code`: signature_invalid, url_expired) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description File not found (`code`: file_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Range not satisfiable (`code`: range_not_satisfiable) */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Invalid request (`code`: invalid_request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=1.0.0; charset=utf-8": unknown;
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponseSchema"];
                };
            };
            /** @description Not ready (`code`: not_ready) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
}
