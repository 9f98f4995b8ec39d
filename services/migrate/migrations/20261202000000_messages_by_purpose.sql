-- Messages by purpose (issue 5): jobs are dispatched by commands on their kind's subject,
-- and the probe is stored once.

-- The reconciler no longer compares stream positions: a pending job is queued while its
-- kind's command consumer has undelivered commands.
alter table public.video_jobs drop column if exists dispatch_seq;

-- The probe is kept once, as jsonb; the REST schema computes the flat fields from it.
-- Only the keys are queried, so no other column is needed.
alter table public.video_metadata
  drop column if exists container_format,
  drop column if exists duration_seconds,
  drop column if exists size_bytes,
  drop column if exists bit_rate,
  drop column if exists video_codec,
  drop column if exists width,
  drop column if exists height,
  drop column if exists frame_rate,
  drop column if exists audio_codec,
  drop column if exists audio_channels,
  drop column if exists audio_sample_rate;

-- Unpublished dispatches of the previous release (a `VideoUploadedEvent` doubling as the
-- command, with `dispatch_attempt`) become one `JobRequestedCommand` per job, so a crash
-- just before the upgrade loses nothing. The upload's fact stays, without the attempt.
insert into public.event_outbox (id, subject, payload, created_at)
select
  format('job:%s:requested:%s', job ->> 'job_id', coalesce(o.payload ->> 'dispatch_attempt', '1')),
  format('echo.jobs.%s.requested', job ->> 'kind'),
  jsonb_build_object(
    'event_id', gen_random_uuid(),
    'occurred_at', o.payload -> 'occurred_at',
    'schema_version', 1,
    'video_id', o.payload -> 'video_id',
    'owner_id', o.payload -> 'owner_id',
    'job_id', job -> 'job_id',
    'kind', job -> 'kind',
    'attempt', coalesce((o.payload ->> 'dispatch_attempt')::int, 1),
    'event_type', 'job.requested',
    'source', o.payload -> 'source',
    'original_filename', o.payload -> 'original_filename'
  ),
  o.created_at
from public.event_outbox o
cross join lateral jsonb_array_elements(o.payload -> 'jobs') as job
where o.published_at is null
  and o.payload ->> 'event_type' = 'video.uploaded'
  and o.payload ? 'dispatch_attempt'
on conflict (id) do nothing;

delete from public.event_outbox where published_at is null and id like 'dispatch:%';

update public.event_outbox set payload = payload - 'dispatch_attempt'
where published_at is null and payload ? 'dispatch_attempt';
