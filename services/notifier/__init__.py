"""The notifier: relays each user's job status changes over WebSocket and SSE.

`python -m services.notifier` runs it; `create_app` builds the ASGI app.
"""
