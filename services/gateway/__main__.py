"""`python -m services.gateway`: serve the gateway with uvicorn."""

import uvicorn
from pydantic import ValidationError

from services.common.logging import configure_logging
from services.gateway.app import create_app
from services.gateway.settings import GatewayConfig


def main() -> None:
    try:
        config = GatewayConfig.load()
    except ValidationError as error:
        raise SystemExit(
            f"gateway configuration is invalid:\n{error}\n"
            "(a field `name` is read from ECHO_NAME, or ECHO_GATEWAY_NAME for the gateway's own)"
        ) from error
    configure_logging("gateway", config.bus.log_level, config.bus.log_json)
    uvicorn.run(
        create_app(config),
        host=config.gateway.host,
        port=config.gateway.port,
        # Our handler formats (and redacts) uvicorn's records; its access log is off
        # because request lines are noise here and must never carry credentials.
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(config.gateway.shutdown_grace_seconds),
    )


if __name__ == "__main__":
    main()
