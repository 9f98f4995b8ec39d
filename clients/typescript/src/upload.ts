/** Resumable uploads over tus (`/api/uploads`), with progress callbacks.
 *
 * The gateway's upload id is the video's id: when the last chunk is stored the video and
 * its jobs exist. In a browser, tus-js-client remembers unfinished uploads in
 * localStorage (by file fingerprint), and `uploadVideo` resumes one it finds: choosing
 * the same file again after a dropped connection or a closed tab sends only what is left.
 */
import { Upload } from "tus-js-client";

import { resolveToken, type TokenSource } from "./token.js";

/** What tus-js-client can read: a `File`/`Blob` in browsers; a `Buffer` or readable
 * stream in Node. */
export type UploadSource = ConstructorParameters<typeof Upload>[0];

export interface UploadProgress {
  bytesUploaded: number;
  bytesTotal: number;
  /** 0 to 100. */
  percent: number;
}

export interface UploadVideoOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  token: TokenSource;
  file: UploadSource;
  /** Shown in lists; the gateway uses the file name when absent. */
  title?: string;
  filename?: string;
  /** The MIME type, e.g. `video/mp4`. */
  filetype?: string;
  /** Bytes per PATCH (default 8 MiB); `Infinity` sends the file in one request. */
  chunkSize?: number;
  /** Wait before each retry after a network error, in ms (tus-js-client's `retryDelays`). */
  retryDelays?: number[];
  onProgress?: (progress: UploadProgress) => void;
  /** Stop sending; the upload stays resumable on the server until it expires. */
  signal?: AbortSignal;
}

export interface UploadedVideo {
  /** The new video's id (also the upload's id). */
  videoId: string;
  /** Where the upload lives (`/api/uploads/<id>`). */
  uploadUrl: string;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;

/** Upload `file`, resuming an unfinished upload of the same file when one is known. */
export async function uploadVideo(options: UploadVideoOptions): Promise<UploadedVideo> {
  const metadata: Record<string, string> = {};
  if (options.title) metadata.title = options.title;
  if (options.filename) metadata.filename = options.filename;
  if (options.filetype) metadata.filetype = options.filetype;

  return await new Promise<UploadedVideo>((resolve, reject) => {
    const upload: Upload = new Upload(options.file, {
      endpoint: `${options.baseUrl.replace(/\/$/, "")}/api/uploads`,
      metadata,
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK,
      retryDelays: options.retryDelays ?? [0, 1000, 3000, 5000, 10000],
      removeFingerprintOnSuccess: true,
      // Headers are set per request, so a token refreshed meanwhile is the one sent.
      onBeforeRequest: async (request) => {
        request.setHeader("Authorization", `Bearer ${await resolveToken(options.token)}`);
      },
      onProgress: (bytesUploaded, bytesTotal) => {
        const percent = bytesTotal > 0 ? (bytesUploaded / bytesTotal) * 100 : 100;
        options.onProgress?.({ bytesUploaded, bytesTotal, percent });
      },
      onError: (error) => reject(error),
      onSuccess: () => {
        const uploadUrl = upload.url ?? "";
        const videoId = uploadUrl.split("/").filter(Boolean).pop() ?? "";
        resolve({ videoId, uploadUrl });
      },
    });
    options.signal?.addEventListener(
      "abort",
      () => {
        void upload.abort().then(() => reject(options.signal?.reason ?? new Error("aborted")));
      },
      { once: true },
    );
    void upload
      .findPreviousUploads()
      .then((previous) => {
        const last = previous[0];
        if (last) upload.resumeFromPreviousUpload(last);
        upload.start();
      })
      .catch(reject);
  });
}
