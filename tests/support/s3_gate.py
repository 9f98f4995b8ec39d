"""An S3 API server for tests: moto's, behind a gate that checks presigned URLs.

    python -m tests.support.s3_gate --port PORT

moto speaks the S3 HTTP API (multipart uploads, ranges, listings) but accepts any
presigned URL: it checks neither the signature nor the expiry. The gate checks
them the way S3 does (SigV4 query authentication: the signature covers the
method, path and every parameter, and `X-Amz-Date + X-Amz-Expires` bounds its
life), refuses requests that carry no credentials at all, and passes the rest to
moto. The one access key it accepts comes from `ECHO_S3_GATE_ACCESS_KEY_ID` and
`ECHO_S3_GATE_SECRET_ACCESS_KEY`. Header-signed requests are passed through
without checking their signature (moto's own check cannot coexist with presigned
URLs); what they prove is done by the S3 client library's own tests.
"""

import argparse
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MAX_PRESIGN_SECONDS = 7 * 24 * 3600


class PresignGate:
    """WSGI middleware: verify SigV4 presigned requests, refuse anonymous ones."""

    def __init__(self, app: WsgiApp, access_key_id: str, secret_access_key: str) -> None:
        self.app = app
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        params = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if any(name == "X-Amz-Signature" for name, _ in params):
            problem = self.verify(environ, params)
            if problem is not None:
                return _deny(start_response, *problem)
            # moto sees a plain authenticated request for the same object (it reads the
            # Authorization header to tell who asks, without checking it).
            query = dict(params)
            environ["QUERY_STRING"] = "&".join(
                f"{quote(k, safe='')}={quote(v, safe='')}"
                for k, v in params
                if not k.startswith("X-Amz-")
            )
            environ["HTTP_AUTHORIZATION"] = (
                f"AWS4-HMAC-SHA256 Credential={query['X-Amz-Credential']}, "
                f"SignedHeaders={query['X-Amz-SignedHeaders']}, "
                f"Signature={query['X-Amz-Signature']}"
            )
            environ["HTTP_X_AMZ_DATE"] = query["X-Amz-Date"]
            environ["HTTP_X_AMZ_CONTENT_SHA256"] = "UNSIGNED-PAYLOAD"
            return self.app(environ, start_response)
        if "HTTP_AUTHORIZATION" not in environ:
            return _deny(start_response, "AccessDenied", "Anonymous access is not allowed.")
        return self.app(environ, start_response)

    def verify(
        self, environ: dict[str, Any], params: list[tuple[str, str]]
    ) -> tuple[str, str] | None:
        """None when the presigned request is valid now, else S3's error code and message."""
        query = dict(params)
        try:
            algorithm = query["X-Amz-Algorithm"]
            key_id, date, region, service, terminal = query["X-Amz-Credential"].split("/")
            amz_date = query["X-Amz-Date"]
            expires = int(query["X-Amz-Expires"])
            signed_headers = query["X-Amz-SignedHeaders"]
            signature = query["X-Amz-Signature"]
            signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except (KeyError, ValueError):
            return "AuthorizationQueryParametersError", "Malformed presigned URL."
        if algorithm != "AWS4-HMAC-SHA256" or terminal != "aws4_request" or service != "s3":
            return "AuthorizationQueryParametersError", "Unsupported signing scheme."
        if key_id != self.access_key_id:
            return "InvalidAccessKeyId", "The access key does not exist."
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            return "AuthorizationQueryParametersError", "X-Amz-Expires out of range."
        if datetime.now(UTC) > signed_at + timedelta(seconds=expires):
            return "AccessDenied", "Request has expired"
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
        canonical_query = "&".join(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, v in sorted(params)
            if k != "X-Amz-Signature"
        )
        headers = "".join(
            f"{name}:{_header(environ, name)}\n" for name in signed_headers.split(";")
        )
        canonical_request = "\n".join(
            [
                environ["REQUEST_METHOD"],
                raw_uri.split("?", 1)[0],
                canonical_query,
                headers,
                signed_headers,
                "UNSIGNED-PAYLOAD",
            ]
        )
        scope = f"{date}/{region}/{service}/aws4_request"
        string_to_sign = "\n".join(
            [algorithm, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
        )
        key = f"AWS4{self.secret_access_key}".encode()
        for part in (date, region, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return "SignatureDoesNotMatch", "The request signature does not match."
        return None


def _header(environ: dict[str, Any], name: str) -> str:
    if name == "host":
        return str(environ.get("HTTP_HOST", "")).strip()
    return str(environ.get("HTTP_" + name.upper().replace("-", "_"), "")).strip()


def _deny(start_response: StartResponse, code: str, message: str) -> list[bytes]:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    start_response(
        "403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    )
    return [body]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = PresignGate(
        DomainDispatcherApplication(create_backend_app),
        os.environ["ECHO_S3_GATE_ACCESS_KEY_ID"],
        os.environ["ECHO_S3_GATE_SECRET_ACCESS_KEY"],
    )
    make_server(args.host, args.port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
