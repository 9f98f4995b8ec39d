"""The gateway: Echo's REST API, the projector of worker events, the outbox relay and the
reconciler. `python -m services.gateway` runs it; `create_app` builds the ASGI app."""
