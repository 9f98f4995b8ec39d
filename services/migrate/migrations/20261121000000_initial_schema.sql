-- Echo's initial schema: videos, their processing jobs and their technical metadata.
-- Runs unchanged on Supabase (`supabase db push`) and on plain Postgres; every
-- statement is idempotent so re-applying it changes nothing.

-- Supabase's roles and the part of its `auth` schema the policies use. On
-- Supabase all of this exists already and is left untouched.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

create schema if not exists auth;

do $$
begin
  if to_regprocedure('auth.uid()') is null then
    -- Same definition as Supabase's: the `sub` claim of the request's JWT.
    create function auth.uid() returns uuid
      language sql stable
      as $fn$
        select nullif(
          coalesce(
            current_setting('request.jwt.claim.sub', true),
            (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
          ),
          ''
        )::uuid
      $fn$;
    grant usage on schema auth to anon, authenticated, service_role;
    grant execute on function auth.uid() to anon, authenticated, service_role;
  end if;
end
$$;

do $$
begin
  if not exists (select 1 from pg_type where typname = 'processing_status') then
    create type public.processing_status as enum ('pending', 'processing', 'completed', 'failed');
  end if;
  if not exists (select 1 from pg_type where typname = 'job_kind') then
    create type public.job_kind as enum ('transcode', 'metadata');
  end if;
end
$$;

create table if not exists public.videos (
  id uuid primary key,
  owner_id uuid not null,
  title text not null check (char_length(title) between 1 and 300),
  description text check (char_length(description) <= 10000),
  tags text[] not null default '{}',
  original_filename text not null,
  content_type text,
  size_bytes bigint not null check (size_bytes >= 0),
  checksum_sha256 text not null,
  source_key text not null,
  status public.processing_status not null default 'pending',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists videos_owner_created_idx
  on public.videos (owner_id, created_at desc, id desc);

create table if not exists public.video_jobs (
  id uuid primary key,
  video_id uuid not null references public.videos (id) on delete cascade,
  owner_id uuid not null,
  kind public.job_kind not null,
  status public.processing_status not null default 'pending',
  progress real not null default 0 check (progress between 0 and 100),
  eta_seconds real check (eta_seconds >= 0),
  attempts integer not null default 0,
  dispatch_count integer not null default 1,
  error_code text,
  error_message text,
  retriable boolean,
  result jsonb,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  -- Last sign of life from a worker (or the last dispatch); the reconciler's clock.
  last_event_at timestamptz not null default now(),
  unique (video_id, kind)
);
create index if not exists video_jobs_owner_status_idx
  on public.video_jobs (owner_id, status, created_at desc, id desc);
create index if not exists video_jobs_open_idx
  on public.video_jobs (last_event_at) where status in ('pending', 'processing');

create table if not exists public.video_metadata (
  video_id uuid primary key references public.videos (id) on delete cascade,
  owner_id uuid not null,
  container_format text not null,
  duration_seconds double precision,
  size_bytes bigint not null,
  bit_rate bigint,
  video_codec text,
  width integer,
  height integer,
  frame_rate double precision,
  audio_codec text,
  audio_channels integer,
  audio_sample_rate integer,
  probe jsonb not null,
  poster_key text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Transactional outbox: events are recorded in the same transaction as the rows
-- they describe and published afterwards, with `id` as the `Nats-Msg-Id`.
create table if not exists public.event_outbox (
  id text primary key,
  subject text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index if not exists event_outbox_unpublished_idx
  on public.event_outbox (created_at) where published_at is null;

-- Worker events already projected, so a redelivered event changes nothing.
create table if not exists public.projected_events (
  event_id uuid primary key,
  projected_at timestamptz not null default now()
);

-- Row-level security: a user reads only their own rows (supabase-js included).
alter table public.videos enable row level security;
alter table public.video_jobs enable row level security;
alter table public.video_metadata enable row level security;
alter table public.event_outbox enable row level security;
alter table public.projected_events enable row level security;

drop policy if exists videos_select_own on public.videos;
create policy videos_select_own on public.videos
  for select to authenticated using ((select auth.uid()) = owner_id);
drop policy if exists videos_update_own on public.videos;
create policy videos_update_own on public.videos
  for update to authenticated
  using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);
drop policy if exists videos_delete_own on public.videos;
create policy videos_delete_own on public.videos
  for delete to authenticated using ((select auth.uid()) = owner_id);

drop policy if exists video_jobs_select_own on public.video_jobs;
create policy video_jobs_select_own on public.video_jobs
  for select to authenticated using ((select auth.uid()) = owner_id);

drop policy if exists video_metadata_select_own on public.video_metadata;
create policy video_metadata_select_own on public.video_metadata
  for select to authenticated using ((select auth.uid()) = owner_id);

revoke all on public.videos, public.video_jobs, public.video_metadata from anon;
revoke all on public.event_outbox, public.projected_events from anon, authenticated;
grant usage on schema public to authenticated;
grant usage on type public.processing_status, public.job_kind to authenticated;
grant select, update, delete on public.videos to authenticated;
grant select on public.video_jobs, public.video_metadata to authenticated;
