-- Resumable uploads and the audit of job attempts (issue 8).

-- A tus upload in progress: where it stands, what the client said about it, when it
-- expires. Its bytes live in a staging blob (`staging_key`); the row goes when the
-- upload is finished (it becomes a video with the same id), refused, terminated or swept.
create table if not exists public.uploads (
  id uuid primary key,
  owner_id uuid not null,
  length bigint not null check (length >= 0),
  "offset" bigint not null default 0 check ("offset" >= 0 and "offset" <= length),
  metadata jsonb not null default '{}',
  title text not null check (char_length(title) between 1 and 300),
  filename text not null,
  content_type text,
  staging_key text not null,
  -- Set once the first bytes were probed and found to be audio or video.
  validated boolean not null default false,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists uploads_owner_idx on public.uploads (owner_id);
create index if not exists uploads_expiry_idx on public.uploads (expires_at);

-- Every earlier attempt of a retried job, as it ended.
create table if not exists public.job_attempts (
  job_id uuid not null references public.video_jobs (id) on delete cascade,
  attempt integer not null check (attempt >= 1),
  owner_id uuid not null,
  status public.processing_status not null,
  error_code text,
  error_message text,
  started_at timestamptz,
  ended_at timestamptz,
  retried_at timestamptz not null default now(),
  primary key (job_id, attempt)
);

alter table public.uploads enable row level security;
alter table public.job_attempts enable row level security;

drop policy if exists uploads_select_own on public.uploads;
create policy uploads_select_own on public.uploads
  for select to authenticated using ((select auth.uid()) = owner_id);
drop policy if exists job_attempts_select_own on public.job_attempts;
create policy job_attempts_select_own on public.job_attempts
  for select to authenticated using ((select auth.uid()) = owner_id);

revoke all on public.uploads, public.job_attempts from anon;
grant select on public.uploads, public.job_attempts to authenticated;
