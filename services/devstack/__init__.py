"""The embedded default: NATS and Postgres from wheels, blobs on disk, four services.

Not a service itself: it starts the platform on one machine for development
(`scripts/dev.sh`) and for the end-to-end tests, the same way in both.
"""
