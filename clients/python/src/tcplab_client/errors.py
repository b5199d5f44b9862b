"""The exceptions the client raises.

Every error answered by the server carries its RFC 9457 problem details and is a :class:`ProblemError`;
the status picks the subclass, so callers catch what they can act on::

    try:
        sim = lab.simulation(profile="linux")
    except RateLimited as err:        # 429: a limit; err.limit names it, err.retry_after says when (or None)
        ...
    except TcplabError:               # anything else from this package
        ...

::

    TcplabError
    ├── TransportError            the server could not be reached (connection refused, reset, timeout)
    ├── StreamError               the WebSocket stream failed after its handshake
    └── ProblemError              an HTTP error status with its problem+json
        ├── BadRequest            400: malformed or invalid; detail names the field
        │   └── InvalidScenario   400 for a scenario document; problems lists every mistake
        ├── NotFound              404: unknown simulation, pair or scenario (or journal expired)
        ├── MethodNotAllowed      405
        ├── NotAcceptable         406
        ├── Conflict              409: refused by the simulated socket API (errno)
        ├── PayloadTooLarge       413
        ├── UnsupportedMediaType  415
        ├── RateLimited           429: a limit (limit, retry_after)
        ├── ServerError           5xx
        │   └── ServiceUnavailable  503: not applied; retryable says it may simply be sent again
        └── (other statuses are ProblemError itself)
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type

__all__ = [
    "TcplabError",
    "TransportError",
    "StreamError",
    "ProblemError",
    "BadRequest",
    "InvalidScenario",
    "NotFound",
    "MethodNotAllowed",
    "NotAcceptable",
    "Conflict",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "RateLimited",
    "ServerError",
    "ServiceUnavailable",
    "problem_error",
]


class TcplabError(Exception):
    """Base class of every exception this package raises."""


class TransportError(TcplabError):
    """The request did not get an HTTP answer: connection refused or reset, DNS failure, timeout.

    ``method`` and ``path`` say which request; the underlying exception is ``__cause__``.
    """

    def __init__(self, method: str, path: str, message: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"{method} {path}: {message}")


class StreamError(TcplabError):
    """The WebSocket stream of a simulation failed after its handshake (``code``: the close code, if any)."""

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        self.code = code
        super().__init__(message)


class ProblemError(TcplabError):
    """An HTTP error status with the server's RFC 9457 problem details.

    Attributes: ``status`` (HTTP status), ``title``, ``detail`` (what was wrong, in words), ``problem``
    (the whole problem+json body as a dict, with extra members such as ``limit`` or ``errno``),
    ``method`` and ``path`` of the request, and ``headers`` of the answer.
    """

    def __init__(self, method: str, path: str, status: int, problem: Any,
                 headers: Optional[Mapping[str, str]] = None) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.problem: Dict[str, Any] = problem if isinstance(problem, dict) else {"detail": str(problem)}
        self.title: Optional[str] = self.problem.get("title")
        self.detail: Optional[str] = self.problem.get("detail")
        self.headers: Dict[str, str] = dict(headers or {})
        super().__init__(f"{method} {path} -> {status} {self.title or ''}: {self.detail or ''}".strip())

    def __reduce__(self):  # picklable (e.g. across multiprocessing)
        return (type(self), (self.method, self.path, self.status, self.problem, self.headers))


class BadRequest(ProblemError):
    """400: the request is malformed or invalid; ``detail`` names the field, ``errors`` lists validation errors."""

    @property
    def errors(self) -> list:
        """Validation errors as ``[{field, message, rejected}]`` (empty when the server sent none)."""
        return list(self.problem.get("errors") or [])


class InvalidScenario(BadRequest):
    """400 for a scenario document: ``problems`` lists every mistake as ``{file, step, field, message}``."""

    @property
    def problems(self) -> list:
        """Every mistake of the document as ``{file, step, field, message}``."""
        return list(self.problem.get("problems") or [])


class NotFound(ProblemError):
    """404: unknown simulation, pair or scenario; also a simulation deleted or whose journal expired."""


class MethodNotAllowed(ProblemError):
    """405: the route does not take this method."""


class NotAcceptable(ProblemError):
    """406: the route cannot answer in the media type asked for."""


class Conflict(ProblemError):
    """409: the simulation refused the request as a socket API would; ``errno`` names why (e.g. EADDRINUSE)."""

    @property
    def errno(self) -> Optional[str]:
        """The errno name the simulated socket API answered, e.g. ``"EADDRINUSE"``."""
        return self.problem.get("errno")


class PayloadTooLarge(ProblemError):
    """413: the request body is above the server's limit."""


class UnsupportedMediaType(ProblemError):
    """415: the body's content type is not one this route reads."""


class RateLimited(ProblemError):
    """429: a limit was reached. ``limit`` names it (``requestsPerSecond``, ``maxSimulationsPerClient``, …).

    ``retry_after`` is the number of seconds the server asked to wait (``Retry-After``), or None when waiting
    does not help (a count limit: delete a simulation you no longer need, see :meth:`Lab.my_simulations`).
    The client already waited and retried ``Retry-After`` answers as often as its ``retries`` allowed.
    """

    @property
    def limit(self) -> Optional[str]:
        """The name of the limit, e.g. ``"requestsPerSecond"``."""
        return self.problem.get("limit")

    @property
    def retry_after(self) -> Optional[float]:
        """Seconds to wait before trying again, or None."""
        return retry_after_seconds(self.headers, self.problem)


class ServerError(ProblemError):
    """5xx: the server failed on this request."""


class ServiceUnavailable(ServerError):
    """503: the request was not applied. When ``retryable`` is true it may simply be sent again (after
    ``retry_after`` seconds); the client has already done so as often as its ``retries`` allowed."""

    @property
    def retryable(self) -> bool:
        """True when the server says the request may be sent again unchanged."""
        return bool(self.problem.get("retryable"))

    @property
    def retry_after(self) -> Optional[float]:
        """Seconds to wait before trying again, or None."""
        return retry_after_seconds(self.headers, self.problem)


_BY_STATUS: Dict[int, Type[ProblemError]] = {
    400: BadRequest,
    404: NotFound,
    405: MethodNotAllowed,
    406: NotAcceptable,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    429: RateLimited,
    503: ServiceUnavailable,
}


def problem_error(method: str, path: str, status: int, problem: Any,
                  headers: Optional[Mapping[str, str]] = None) -> ProblemError:
    """The exception for an error answer: the subclass of :class:`ProblemError` that fits ``status``."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else ProblemError
    if cls is BadRequest and isinstance(problem, dict) and "problems" in problem:
        cls = InvalidScenario
    return cls(method, path, status, problem, headers)


def retry_after_seconds(headers: Mapping[str, str], problem: Mapping[str, Any]) -> Optional[float]:
    """``Retry-After`` in seconds (delta-seconds form; an HTTP date counts from now), else the problem's
    ``retryAfterSeconds``, else None."""
    value = None
    for key, v in headers.items():
        if key.lower() == "retry-after":
            value = v
            break
    if value is not None:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            from email.utils import parsedate_to_datetime
            import datetime

            try:
                when = parsedate_to_datetime(value)
                now = datetime.datetime.now(when.tzinfo)
                return max(0.0, (when - now).total_seconds())
            except (TypeError, ValueError):
                pass
    seconds = problem.get("retryAfterSeconds") if isinstance(problem, Mapping) else None
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
        return max(0.0, float(seconds))
    return None
