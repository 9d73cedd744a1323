"""Errors in OpenAI's format: `{"error": {"message", "type", "param", "code"}}`.

Every failure the server answers, from a malformed body to a full queue, goes through
`APIError`, so OpenAI clients (the official `openai` package, the editor's RemoteBackend)
show the message instead of a generic HTTP status.
"""

from __future__ import annotations

from typing import Any

#: OpenAI's error types by status (their API uses "invalid_request_error" for most 4xx).
_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    503: "server_error",
}


class APIError(Exception):
    """A request that fails with `status` and an OpenAI-style error body.

    `param` names the request field at fault (None when none is), `code` is a short
    machine-readable reason ("invalid_api_key", "context_length_exceeded", ...), and
    `headers` are extra response headers (`Retry-After` on 503).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type_: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.type = type_ or _TYPES.get(
            status, "server_error" if status >= 500 else "invalid_request_error"
        )
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The JSON body OpenAI sends for this error."""
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def bad_request(message: str, param: str | None = None, code: str | None = None) -> APIError:
    """A 400 invalid_request_error naming the field at fault."""
    return APIError(400, message, param=param, code=code)


def error_response(exc: APIError) -> Any:
    """A Starlette JSONResponse carrying `exc` (Starlette imported lazily, as everywhere here)."""
    from starlette.responses import JSONResponse

    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)
