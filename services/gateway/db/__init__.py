"""The gateway's Postgres half: the pool, the row types, and every SQL statement it runs.

Nothing here knows about HTTP or the bus; callers own the transactions.
"""
