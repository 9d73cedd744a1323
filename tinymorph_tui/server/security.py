"""Who may talk to the server: bind checks, bearer keys, Host and Origin checks.

The threat model is a writer's GPU box. By default the server listens on loopback only and
is reached through an SSH tunnel. Binding any other address exposes it, so that needs an
API key. On top of that:

- the key is compared in constant time (`hmac.compare_digest`), never logged or echoed;
- on a loopback bind the Host header must name loopback: a web page using DNS rebinding
  (evil.example resolving to 127.0.0.1) then cannot reach the server from a browser;
- a browser request from an origin that CORS was not configured for is refused outright
  (403), not only unreadable: otherwise a page could still make the GPU generate.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from tinymorph_tui.server.errors import APIError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Host names that always mean this machine.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class ServerSettings:
    """How the HTTP layer guards and limits requests.

    `api_key`: the bearer token every request must carry (None: no key, loopback only).
    `max_body_bytes`: the largest request body (413 beyond). `cors_origins`: browser
    origins allowed to call the API (none by default). `allowed_hosts`: Host header names
    accepted (None: any, as on a public bind protected by the key).
    """

    api_key: str | None = None
    max_body_bytes: int = 1 << 20
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_NAMES


def is_loopback_host(host: str) -> bool:
    """Whether `host` (an address or a name) means only this machine.

    A name counts as loopback only when every address it resolves to is loopback.
    """
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addrs = {str(info[4][0]).split("%")[0] for info in infos}  # drop an IPv6 zone id
    return bool(addrs) and all(ipaddress.ip_address(a).is_loopback for a in addrs)


def bind_refusal(host: str, api_key: str | None, key_env: str) -> str | None:
    """Why binding `host` is refused (one line), or None when it is allowed."""
    if is_loopback_host(host) or api_key:
        return None
    return (
        f"refusing to listen on {host}: it is reachable from other machines and no API key "
        f"is set. Set {key_env} (e.g. `export {key_env}=$(openssl rand -hex 24)`) or keep "
        "the default --host 127.0.0.1 and use an SSH tunnel"
    )


def allowed_hosts_for(host: str) -> tuple[str, ...] | None:
    """Host headers to accept when bound to `host` (None: any, for a non-loopback bind)."""
    if not is_loopback_host(host):
        return None
    bare = host.strip().strip("[]").lower()
    return tuple(dict.fromkeys((*LOOPBACK_NAMES, bare)))


def key_matches(header: str | None, api_key: str) -> bool:
    """Whether an Authorization header carries `Bearer <api_key>` (constant-time compare)."""
    if not header:
        return False
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode("utf-8"), api_key.encode("utf-8"))


def _host_name(value: str) -> str:
    """The name part of a Host header ("[::1]:8741" -> "::1", "localhost:8741" -> "localhost")."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


class GuardMiddleware:
    """ASGI middleware: Host check, Origin check, bearer key; errors in OpenAI's format.

    CORS preflights (OPTIONS from an allowed origin) pass without a key so that Starlette's
    CORS middleware, inside this one, can answer them.
    """

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        error = self._check(scope, headers)
        if error is not None:
            await _send_error(send, error)
            return
        await self.app(scope, receive, send)

    def _check(self, scope: Scope, headers: dict[str, str]) -> APIError | None:
        s = self.settings
        if s.allowed_hosts is not None:
            name = _host_name(headers.get("host", ""))
            if name not in s.allowed_hosts:
                return APIError(
                    403,
                    f"Host {headers.get('host', '')!r} is not this server's loopback name "
                    "(use http://localhost:PORT, e.g. through an SSH tunnel)",
                    code="host_not_allowed",
                )
        origin = headers.get("origin")
        if origin is not None and origin not in s.cors_origins and "*" not in s.cors_origins:
            return APIError(
                403,
                f"requests from the web origin {origin!r} are not allowed (see --cors-origin)",
                code="origin_not_allowed",
            )
        if scope["method"] == "OPTIONS" and origin is not None:
            return None  # a CORS preflight carries no credentials by design
        if s.api_key is not None and not key_matches(headers.get("authorization"), s.api_key):
            given = "authorization" in headers
            return APIError(
                401,
                "incorrect API key"
                if given
                else "an API key is required (Authorization: Bearer KEY)",
                code="invalid_api_key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return None


async def _send_error(send: Send, error: APIError) -> None:
    body = json.dumps(error.body()).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in error.headers.items()
    ]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
