"""Who may call the API: an API key, sent as a bearer token (or, from the web page, as a cookie its
images carry too), compared in constant time; and the browser origins allowed to call it (none unless given)."""

from __future__ import annotations

import hmac
import ipaddress
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

KEY_COOKIE = "ocrforge_api_key"
PROTECTED_PREFIX = "/v1/"  # the API; the web page, its files, /healthz and the API docs hold no data


class AccessError(ValueError):
    """A setting that would open the service wider than it should be; the message says what to do."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


def read_api_key(path: Path) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise AccessError(f"--api-key-file {path}: {err.strerror or err}") from None
    if len(key) < 16:
        raise AccessError(f"--api-key-file {path}: the key must be at least 16 characters (e.g. `openssl rand -hex 32`)")
    return key


def check_exposure(host: str, api_key: str | None, insecure: bool) -> None:
    """Loopback needs nothing; any other address needs a key, or the user saying --insecure out loud."""
    if not is_loopback(host) and api_key is None and not insecure:
        raise AccessError(f"--host {host} lets other machines in: give --api-key-file FILE, "
                          "or --insecure to serve without a key")


def require_api_key(app: FastAPI, api_key: str) -> None:
    expected = api_key.encode()

    @app.middleware("http")
    async def check_key(request: Request, call_next):
        if request.url.path.startswith(PROTECTED_PREFIX) and request.method != "OPTIONS":
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            given = token.strip() if scheme.lower() == "bearer" else request.cookies.get(KEY_COOKIE, "")
            if not hmac.compare_digest(given.encode(), expected):
                return JSONResponse({"error": "missing or wrong API key: send the header Authorization: Bearer KEY"},
                                    status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return await call_next(request)


def allow_origins(app: FastAPI, origins: list[str]) -> None:
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization"])
