"""The images' HEALTHCHECK: exit 0 when the service's `/healthz` answers 2xx on loopback.

Usage: `python /opt/echo/healthcheck.py ECHO_GATEWAY_PORT [/healthz]`. The port is read
from the named variable, the one the service itself binds to, so a changed port needs no
second setting. Standard library only: the slim images carry no curl.
"""

import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    """Probe `http://127.0.0.1:$<port variable><path>`; 0 when healthy, 1 otherwise."""
    if len(argv) not in (2, 3):
        print("usage: healthcheck.py PORT_VARIABLE [PATH]", file=sys.stderr)
        return 2
    port = os.environ.get(argv[1], "")
    path = argv[2] if len(argv) == 3 else "/healthz"
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 0 if 200 <= response.status < 300 else 1
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
