"""The status benchmark's figures, as a table and as JSON."""

import dataclasses
from typing import Any

from rich.table import Table

from bench.status.scenario import Round


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(rounds: list[Round]) -> Table:
    """One column per round (release, jobs x seconds), one row per measure."""
    view = Table(
        title="status path: per progress tick, per state change, per job",
        caption="SQL: statements in Postgres's log (BEGIN/COMMIT included) during the phase, "
        "minus the idle background rate; latency: worker publish -> WebSocket receipt",
    )
    view.add_column("measure")
    for r in rounds:
        view.add_column(
            f"{r.release}\n{r.settings.jobs} jobs x {r.settings.seconds} s", justify="right"
        )
    rows: list[tuple[str, list[str]]] = [
        ("SQL statements / progress tick", [_number(r.statements_per_tick, 2) for r in rounds]),
        ("SQL statements / started", [_number(r.statements_per_started) for r in rounds]),
        ("SQL statements / completed", [_number(r.statements_per_completed) for r in rounds]),
        ("SQL in the progress phase", [_verbs(r, "progress") for r in rounds]),
        ("outbox rows / job, upload", [_kinds(r.upload_outbox_rows, r) for r in rounds]),
        ("outbox rows / job, worker events", [f"{r.outbox_rows_per_job:.1f}" for r in rounds]),
        ("  by type / job", [_kinds(r.outbox_rows, r) for r in rounds]),
        ("ticks received / published", [f"{len(r.latencies)}/{r.ticks_published}" for r in rounds]),
        ("tick latency p50 ms", [_number(r.latency_ms(0.50)) for r in rounds]),
        ("tick latency p99 ms", [_number(r.latency_ms(0.99)) for r in rounds]),
        ("idle SQL statements / s", [_idle(r) for r in rounds]),
        ("phases finished in time", [_finished(r) for r in rounds]),
        ("stopped early by", [r.error or "-" for r in rounds]),
    ]
    for name, cells in rows:
        view.add_row(name, *cells)
    return view


def _verbs(r: Round, phase: str) -> str:
    done = r.phases.get(phase)
    return "-" if done is None else done.statements.describe()


def _idle(r: Round) -> str:
    return "-" if r.idle is None else f"{r.idle.statements.total / r.idle.seconds:.2f}"


def _finished(r: Round) -> str:
    return ", ".join(f"{name} {'yes' if done else 'NO'}" for name, done in r.complete.items())


def _kinds(rows: dict[str, int], r: Round) -> str:
    jobs = r.settings.jobs
    return "\n".join(f"{kind} {count / jobs:.1f}" for kind, count in sorted(rows.items()))


def as_json(r: Round) -> dict[str, Any]:
    return {
        "release": r.release,
        "settings": dataclasses.asdict(r.settings),
        "statements_per_progress_tick": r.statements_per_tick,
        "statements_per_started": r.statements_per_started,
        "statements_per_completed": r.statements_per_completed,
        "outbox_rows_per_job": r.outbox_rows_per_job,
        "outbox_rows": r.outbox_rows,
        "upload_outbox_rows": r.upload_outbox_rows,
        "ticks_published": r.ticks_published,
        "ticks_received": len(r.latencies),
        "latency_ms": {"p50": r.latency_ms(0.50), "p99": r.latency_ms(0.99)},
        "phases_complete": r.complete,
        "error": r.error,
        "phases": {
            name: {
                "seconds": phase.seconds,
                "statements": dict(phase.statements.by_verb),
                "background_subtracted": phase.background,
            }
            for name, phase in ({"idle": r.idle} | r.phases).items()
            if phase is not None
        },
    }
