"""`python -m services.migrate`: apply SQL migrations, then declare streams and consumers.

Configuration comes from the environment like every service's (`ECHO_DATABASE_URL`,
`ECHO_NATS_URL`, `ECHO_NATS_STREAM_REPLICAS`, each consumer's tuning). `--skip-database`
or `--skip-bus` runs one half only.
"""

import argparse
import asyncio
import logging
import sys

import nats
import nats.errors
import psycopg
from nats.errors import NoServersError
from pydantic import ValidationError

from services.common.logging import configure_logging
from services.common.settings import BusSettings, DatabaseSettings, EchoSettings
from services.migrate.bus import migrate_bus
from services.migrate.database import apply_migrations

logger = logging.getLogger("services.migrate")


async def _connection_error(error: Exception) -> None:
    # nats-py logs a traceback per failed attempt by default; the outcome is reported once.
    logger.debug("NATS connection attempt failed: %s", error)


async def _migrate_bus(settings: BusSettings) -> None:
    connection = await nats.connect(
        settings.nats_servers, max_reconnect_attempts=3, error_cb=_connection_error
    )
    try:
        await migrate_bus(connection.jetstream(), settings.nats_stream_replicas)
    finally:
        await connection.drain()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--skip-database", action="store_true", help="do not touch Postgres")
    parser.add_argument("--skip-bus", action="store_true", help="do not touch NATS")
    args = parser.parse_args()
    echo = EchoSettings()
    configure_logging("migrate", echo.log_level, echo.log_json)
    try:
        if not args.skip_database:
            dsn = DatabaseSettings().database_url.get_secret_value()
            for name in apply_migrations(dsn):
                print(f"applied {name}")
        if not args.skip_bus:
            asyncio.run(_migrate_bus(BusSettings()))
            print("streams and consumers declared")
    # An init job's log should say which dependency is missing, not show a traceback.
    except ValidationError as error:
        logger.error("configuration is incomplete: %s", error)
        return 2
    except FileNotFoundError as error:
        logger.error("the SQL migrations are missing from this installation: %s", error)
        return 2
    except psycopg.OperationalError as error:
        logger.error("Postgres is unreachable: %s", error)
        return 1
    except (OSError, NoServersError, nats.errors.TimeoutError) as error:
        logger.error("NATS is unreachable: %s", error or type(error).__name__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
