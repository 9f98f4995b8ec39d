"""The reference web app (`web/`), served by the dev launcher beside the platform.

`WebApp` is a small static server on loopback for `web/dist` (built with Vite by
`build_web_app`), plus two routes only the embedded default has:

- `GET /config.json`: where the gateway and the notifier are, so one build serves any
  port plan;
- `POST /dev/token`: an access token for the demo user (the dev sign-in). It exists only
  here, in the development launcher, never in the gateway: a deployment signs users in
  with Supabase Auth.

The gateway must allow the app's origin by CORS (`ECHO_GATEWAY_CORS_ORIGINS`), which the
launcher sets; the live connection is a WebSocket, which CORS does not govern.
"""

import json
import logging
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import UUID

from services.common.auth import mint_token

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
DEV_TOKEN_TTL_SECONDS = 12 * 3600


class WebAppUnavailableError(RuntimeError):
    """The app is not built and cannot be built here (no Node/npm)."""


def build_web_app(web_dir: Path = WEB_DIR) -> Path:
    """`web/dist`, built with Vite when missing or older than the app's or the client's
    sources (`npm ci` first if the app's dependencies are not installed)."""
    dist = web_dir / "dist"
    sources = [
        *web_dir.glob("src/**/*"),
        web_dir / "index.html",
        *(web_dir.parent / "clients/typescript/src").glob("**/*.ts"),
    ]
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0.0)
    index = dist / "index.html"
    if index.is_file() and index.stat().st_mtime >= newest:
        return dist
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        if index.is_file():
            logger.warning("web app may be stale: %s not found to rebuild it", missing)
            return dist
        raise WebAppUnavailableError(f"the web app needs {' and '.join(missing)} to build")
    for folder in (web_dir.parent / "clients/typescript", web_dir):
        if not (folder / "node_modules").is_dir():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, check=True)
    subprocess.run(["npx", "vite", "build", "--logLevel", "warn"], cwd=web_dir, check=True)
    return dist


class _Handler(SimpleHTTPRequestHandler):
    """Static files, `/config.json` and `POST /dev/token`; quiet unless something fails."""

    def __init__(
        self, *args: Any, config: dict[str, Any], mint: Callable[[], dict[str, Any]], **kw: Any
    ) -> None:
        self._config = config
        self._mint = mint
        super().__init__(*args, **kw)

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/config.json":
            self._json(self._config)
            return
        super().do_GET()

    def do_POST(self) -> None:
        if self.path == "/dev/token":
            self._json(self._mint())
            return
        self.send_error(HTTPStatus.NOT_FOUND)

    def _json(self, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)


class WebApp:
    """The app on `http://127.0.0.1:<port>`, in a thread of its own, until `stop()`."""

    def __init__(
        self,
        dist: Path,
        *,
        port: int,
        gateway_url: str,
        notifier_url: str,
        jwt_secret: str,
        demo_user: UUID,
    ) -> None:
        def mint() -> dict[str, Any]:
            token = mint_token(
                jwt_secret, demo_user, email="demo@echo.local", ttl_seconds=DEV_TOKEN_TTL_SECONDS
            )
            return {"access_token": token, "user_id": str(demo_user)}

        config = {"gatewayUrl": gateway_url, "notifierUrl": notifier_url, "devSignIn": True}
        handler = partial(_Handler, directory=str(dist), config=config, mint=mint)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "WebApp":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
