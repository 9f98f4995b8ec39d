"""Applying the SQL migrations shipped in this package (`services/migrate/migrations/`,
plain SQL that `supabase db push` also accepts).

Files run in name order, each once, inside a transaction, under an advisory
lock so concurrent starters do not race.
"""

import logging
from importlib.resources import files
from pathlib import Path

import psycopg

logger = logging.getLogger(__name__)

# Package data, so an installed image finds them without the source tree around it.
DEFAULT_MIGRATIONS_DIR = Path(str(files("services.migrate") / "migrations"))
_LOCK_ID = 0x6563686F  # "echo"


def apply_migrations(dsn: str, directory: Path = DEFAULT_MIGRATIONS_DIR) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied now."""
    files = sorted(directory.glob("*.sql"))
    if not files:
        raise FileNotFoundError(f"no migrations in {directory}")
    applied_now: list[str] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            conn.execute(
                "create table if not exists public.echo_schema_migrations ("
                " name text primary key, applied_at timestamptz not null default now())"
            )
            conn.execute("alter table public.echo_schema_migrations enable row level security")
            done = {row[0] for row in conn.execute("select name from echo_schema_migrations")}
            for path in files:
                if path.name in done:
                    continue
                with conn.transaction():
                    conn.execute(path.read_text().encode())
                    conn.execute(
                        "insert into echo_schema_migrations (name) values (%s)", (path.name,)
                    )
                logger.info("applied migration %s", path.name)
                applied_now.append(path.name)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (_LOCK_ID,))
    return applied_now
