// The client against the real platform, started by tests/clients/test_typescript_client.py
// (the Python suite's `stack` fixture), which passes its URLs and a token:
//   ECHO_GATEWAY_URL, ECHO_NOTIFIER_URL, ECHO_TOKEN, ECHO_SAMPLE_VIDEO.
// Without them (`npm test` alone) these tests are skipped, saying so.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, test } from "node:test";

import {
  createRestClient,
  EchoProblemError,
  expectData,
  JobStatusStore,
  LiveStatus,
  uploadVideo,
  type LiveMessage,
  type LiveTransport,
  type UploadProgress,
} from "../src/index.js";

const env = {
  gateway: process.env.ECHO_GATEWAY_URL,
  notifier: process.env.ECHO_NOTIFIER_URL,
  token: process.env.ECHO_TOKEN,
  sample: process.env.ECHO_SAMPLE_VIDEO,
};
const skip =
  env.gateway && env.notifier && env.token && env.sample
    ? false
    : "needs the platform: run it through tests/clients (ECHO_GATEWAY_URL, ... unset)";
const TIMEOUT_MS = 120_000;

/** Open a live connection; resolve when `done` holds for the messages seen so far. */
function watch(
  transport: LiveTransport,
  done: (messages: LiveMessage[], store: JobStatusStore) => boolean,
  since?: number,
): Promise<{ messages: LiveMessage[]; store: JobStatusStore; sequence: number | undefined }> {
  const store = new JobStatusStore();
  const messages: LiveMessage[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      live.close();
      reject(new Error(`timed out; saw ${JSON.stringify(messages.map((m) => m.type))}`));
    }, TIMEOUT_MS);
    const live = new LiveStatus({
      baseUrl: env.notifier ?? "",
      token: async () => env.token ?? "",
      transport,
      ...(since === undefined ? {} : { since }),
      onMessage: (message) => {
        messages.push(message);
        store.apply(message);
        if (done(messages, store)) {
          clearTimeout(timer);
          live.close();
          resolve({ messages, store, sequence: live.sequence });
        }
      },
    });
  });
}

/** Every message a connection resuming after `since` receives in `ms`. */
async function collect(transport: LiveTransport, ms: number, since?: number): Promise<LiveMessage[]> {
  const messages: LiveMessage[] = [];
  const live = new LiveStatus({
    baseUrl: env.notifier ?? "",
    token: env.token ?? "",
    transport,
    ...(since === undefined ? {} : { since }),
    onMessage: (message) => messages.push(message),
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  live.close();
  return messages;
}

describe("against the platform", { skip }, () => {
  const rest = createRestClient({ baseUrl: env.gateway ?? "", token: env.token ?? "" });

  test("REST calls are typed and problems are errors", async () => {
    const me = expectData(await rest.GET("/api/me"));
    assert.equal(typeof me.user_id, "string");
    const anonymous = createRestClient({ baseUrl: env.gateway ?? "", token: "not-a-token" });
    const refused = await anonymous.GET("/api/videos");
    assert.throws(
      () => expectData(refused),
      (error: unknown) => error instanceof EchoProblemError && error.status === 401,
    );
  });

  test("an upload reports progress, and its jobs complete live on both transports", async () => {
    const file = readFileSync(env.sample ?? "");
    const progress: UploadProgress[] = [];
    const { videoId } = await uploadVideo({
      baseUrl: env.gateway ?? "",
      token: env.token ?? "",
      file,
      filename: basename(env.sample ?? "clip.mp4"),
      filetype: "video/mp4",
      title: "From the TypeScript client",
      chunkSize: Math.ceil(file.length / 4),
      onProgress: (p) => progress.push(p),
    });
    assert.ok(progress.length >= 4, `progress reported ${progress.length} times`);
    assert.equal(progress.at(-1)?.percent, 100);

    const video = expectData(
      await rest.GET("/api/videos/{video_id}", { params: { path: { video_id: videoId } } }),
    );
    assert.equal(video.id, videoId);
    const jobIds = video.jobs.map((job) => job.id);
    assert.ok(jobIds.length >= 2);

    const finished = (_: LiveMessage[], store: JobStatusStore): boolean =>
      jobIds.every((id) => store.get(id)?.status === "completed");
    const viaWebSocket = globalThis.WebSocket
      ? await watch("websocket", finished)
      : undefined;
    const viaSse = await watch("sse", finished);
    for (const seen of [viaWebSocket, viaSse]) {
      if (seen) assert.ok(seen.sequence && seen.sequence > 0, "a resume point was kept");
    }

    // Resuming from the last sequence replays nothing older: no snapshot, no old status.
    const resumed = await collect("sse", 2_000, viaSse.sequence);
    assert.ok(!resumed.some((m) => m.type === "snapshot.start"), JSON.stringify(resumed));
    for (const message of resumed) {
      if (message.type === "job.status") assert.ok(message.sequence > (viaSse.sequence ?? 0));
    }
  });
});
