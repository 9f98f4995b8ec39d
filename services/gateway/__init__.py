"""The gateway, in two halves over one database.

- `api/`: the REST API for the frontend (routes, dependencies, problems, views, uploads);
- `pipeline/`: the bus side (projector of worker state events, job state machine,
  outbox relay, progress sampler, reconciler, their background loops);
- `db/`: the pool and every SQL statement both halves run.

`python -m services.gateway` runs it; `app.create_app` builds the ASGI app.
"""
