// The job store's ordering rules, without a server.
import assert from "node:assert/strict";
import { test } from "node:test";

import { JobStatusStore } from "../src/jobs.js";
import type { JobStatusUpdate } from "../src/index.js";

const JOB = "00000000-0000-4000-8000-000000000003";
const VIDEO = "00000000-0000-4000-8000-000000000002";

function status(version: number, value: JobStatusUpdate["status"]): JobStatusUpdate {
  return {
    type: "job.status",
    job_id: JOB,
    video_id: VIDEO,
    kind: "transcode",
    status: value,
    progress: value === "completed" ? 100 : 0,
    eta_seconds: null,
    error_code: null,
    error_message: null,
    video_status: value,
    version,
    occurred_at: new Date().toISOString(),
    sequence: version,
  };
}

test("an older status and late progress do not undo a newer state", () => {
  const store = new JobStatusStore();
  assert.equal(store.apply(status(2, "processing")), true);
  assert.equal(
    store.apply({
      type: "job.progress",
      job_id: JOB,
      video_id: VIDEO,
      kind: "transcode",
      status: "processing",
      phase: "transcoding",
      progress: 40,
      eta_seconds: 3,
      error_message: null,
      occurred_at: new Date().toISOString(),
      sequence: 2,
    }),
    true,
  );
  assert.equal(store.get(JOB)?.phase, "transcoding");
  assert.equal(store.apply(status(3, "completed")), true);
  assert.equal(store.apply(status(1, "pending")), false);
  assert.equal(store.get(JOB)?.status, "completed");
  store.apply({ type: "snapshot.start", reason: "connect", sequence: 3 });
  store.apply({ type: "snapshot.end", jobs: 0, sequence: 3 });
  assert.equal(store.get(JOB), undefined, "a snapshot without the job drops it");
});
