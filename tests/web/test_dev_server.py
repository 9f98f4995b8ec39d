"""The launcher's web server: static files, `/config.json`, and the dev sign-in token."""

import uuid
from pathlib import Path

import httpx
import jwt

from services.devstack.ports import free_port
from services.devstack.web import WebApp

SECRET = "dev-secret-" + "x" * 32


def test_it_serves_the_app_its_config_and_a_demo_token(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>Echo</title>")
    user = uuid.uuid4()
    app = WebApp(
        tmp_path,
        port=free_port(),
        gateway_url="http://127.0.0.1:8000",
        notifier_url="http://127.0.0.1:8003",
        jwt_secret=SECRET,
        demo_user=user,
    ).start()
    try:
        assert "Echo" in httpx.get(f"{app.url}/").text
        assert httpx.get(f"{app.url}/config.json").json() == {
            "gatewayUrl": "http://127.0.0.1:8000",
            "notifierUrl": "http://127.0.0.1:8003",
            "devSignIn": True,
        }
        body = httpx.post(f"{app.url}/dev/token").json()
        claims = jwt.decode(
            body["access_token"], SECRET, algorithms=["HS256"], audience="authenticated"
        )
        assert (claims["sub"], body["user_id"]) == (str(user), str(user))
    finally:
        app.stop()
