"""`python -m services.migrate`: apply SQL migrations, then declare streams and consumers.

Configuration comes from the environment like every service's (`ECHO_DATABASE_URL`,
`ECHO_NATS_URL`, `ECHO_NATS_STREAM_REPLICAS`, each consumer's tuning). `--skip-database`
or `--skip-bus` runs one half only.
"""

import argparse
import asyncio

import nats

from services.common.logging import configure_logging
from services.common.settings import BusSettings, DatabaseSettings, EchoSettings
from services.migrate.bus import migrate_bus
from services.migrate.database import apply_migrations


async def _migrate_bus(settings: BusSettings) -> None:
    connection = await nats.connect(settings.nats_servers, max_reconnect_attempts=3)
    try:
        await migrate_bus(connection.jetstream(), settings.nats_stream_replicas)
    finally:
        await connection.drain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--skip-database", action="store_true", help="do not touch Postgres")
    parser.add_argument("--skip-bus", action="store_true", help="do not touch NATS")
    args = parser.parse_args()
    echo = EchoSettings()
    configure_logging("migrate", echo.log_level, echo.log_json)
    if not args.skip_database:
        dsn = DatabaseSettings().database_url.get_secret_value()
        for name in apply_migrations(dsn):
            print(f"applied {name}")
    if not args.skip_bus:
        asyncio.run(_migrate_bus(BusSettings()))
        print("streams and consumers declared")


if __name__ == "__main__":
    main()
