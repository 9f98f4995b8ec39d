"""The worker kit: everything a worker service is, except its work function and settings.

A worker's `app.py` is `worker_app(kind, settings, work=...)`; its work is a plain
sync function of a `JobContext` returning the job's result (or raising `MediaError`).
"""

from services.common.worker.app import SERVICE_NAMES, worker_app
from services.common.worker.context import JobCancelledError, JobContext, JobWork
from services.common.worker.metrics import JobOutcome, WorkerMetrics
from services.common.worker.serve import serve
from services.common.worker.settings import WorkerSettings

__all__ = [
    "SERVICE_NAMES",
    "JobCancelledError",
    "JobContext",
    "JobOutcome",
    "JobWork",
    "WorkerMetrics",
    "WorkerSettings",
    "serve",
    "worker_app",
]
