"""`python -m services.notifier`: serve live job status until stopped."""

from services.common.logging import configure_logging
from services.common.settings import AuthSettings, BusSettings
from services.notifier.app import create_app
from services.notifier.server import NotifierServer
from services.notifier.settings import NotifierSettings


def main() -> None:
    settings = NotifierSettings()
    bus = BusSettings()
    configure_logging("notifier", bus.log_level, bus.log_json)
    NotifierServer(create_app(settings, bus, AuthSettings()), settings).run()


if __name__ == "__main__":
    main()
