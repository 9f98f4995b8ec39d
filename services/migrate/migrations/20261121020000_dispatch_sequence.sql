-- Where each job's latest dispatch sits in stream ECHO_VIDEOS. The reconciler compares it
-- with the worker consumer's delivered position: a job whose dispatch is still queued
-- behind others is waiting, not lost, and is neither re-dispatched nor failed.
alter table public.video_jobs add column if not exists dispatch_seq bigint;
