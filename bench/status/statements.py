"""Counting the SQL statements Postgres runs, from its own statement log.

The embedded Postgres (pgserver wheel) ships without `pg_stat_statements`, so every
statement is logged (`log_statement = all`, set with `ALTER SYSTEM` and a reload) and
the log is counted between two offsets. Each line names the client's
`application_name`, so the benchmark's own queries (`echo-bench`) are left out.
A statement is one `statement:` or `execute <name>:` line: BEGIN and COMMIT count.
Empty queries (psycopg_pool's connection check on every checkout) are kept apart as
`(empty)`: a round trip, but no SQL.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg

BENCH_APPLICATION = "echo-bench"
EMPTY = "(empty)"
_ENTRY_START = re.compile(r"^\d{4}-\d\d-\d\d ")
_LINE = re.compile(r"app=(?P<app>\S*) LOG:  (?:statement|execute [^:]*): (?P<sql>.*)")


def connect(database_url: str) -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection the statement count leaves out."""
    return psycopg.connect(database_url, autocommit=True, application_name=BENCH_APPLICATION)


def log_every_statement(database_url: str) -> None:
    with connect(database_url) as conn:
        conn.execute("alter system set log_statement = 'all'")
        conn.execute("alter system set log_line_prefix = '%m [%p] app=%a '")
        conn.execute("select pg_reload_conf()")


@dataclass(frozen=True)
class Statements:
    """Statements run between two points, by their first word (BEGIN, INSERT, ...)."""

    by_verb: Counter[str]

    @property
    def total(self) -> int:
        """Statements, empty queries left out."""
        return sum(count for verb, count in self.by_verb.items() if verb != EMPTY)

    def describe(self) -> str:
        return ", ".join(f"{verb} {count}" for verb, count in self.by_verb.most_common())


class StatementLog:
    """Offsets in the server's log, and the statements between them."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def mark(self) -> int:
        return self._path.stat().st_size

    def between(self, start: int, end: int) -> Statements:
        with self._path.open("rb") as log:
            log.seek(start)
            text = log.read(end - start).decode(errors="replace")
        verbs: Counter[str] = Counter()
        lines = text.splitlines()
        for index, line in enumerate(lines):
            found = _LINE.search(line)
            if found is None or found["app"] == BENCH_APPLICATION:
                continue
            verbs[_verb(found["sql"], lines[index + 1 : index + 4])] += 1
        return Statements(verbs)


def _verb(sql: str, following: list[str]) -> str:
    """The statement's first word; a statement may start on the next line of the log."""
    for text in (sql, *following):
        if text is not sql and _ENTRY_START.match(text):
            break  # the next log entry: this statement was empty
        words = text.split(maxsplit=1)
        if words:
            return words[0].upper()
    return EMPTY
