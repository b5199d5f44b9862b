"""One keep-alive HTTP session with retries (internal; use :class:`tcplab_client.Lab`)."""

from __future__ import annotations

import json
import logging
import random
import time
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

import requests
from requests.adapters import HTTPAdapter

from .errors import TransportError, problem_error, retry_after_seconds

log = logging.getLogger("tcplab_client")

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
USER_AGENT = "tcplab-client-python"


class Transport:
    """Sends requests over one ``requests.Session``: its connection pool keeps the TCP connection open
    between calls (one connection, not one per call), and its cookie jar keeps the owner key the server
    gives (``tcplab_owner``), so :meth:`Lab.my_simulations` lists what this client made.

    Retries: an answer that says the request was not applied and when to try again — 429 with
    ``Retry-After``, 503 with ``retryable: true`` — is sent again after the time asked for, at most
    ``retries`` times and ``max_wait`` seconds of waiting in total. A connection that could not be opened
    is tried again the same way; a connection lost mid-request only for idempotent methods.
    """

    def __init__(self, base_url: str, timeout: float = 60.0, retries: int = 5, max_wait: float = 60.0,
                 session: Optional[requests.Session] = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.session = session if session is not None else requests.Session()
        # one connection per host is enough for a sequential client; a few more for threads
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.retried = 0  # how many times a request was sent again (for tests and curiosity)

    def close(self) -> None:
        """Closes the pooled connections (the client's side closes first)."""
        self.session.close()

    def request(self, method: str, path: str, body: Any = None, *, params: Optional[Mapping[str, Any]] = None,
                content_type: str = "application/json", accept: str = "application/json, application/problem+json",
                raw: bool = False) -> Tuple[Any, requests.Response]:
        """Sends one request, retrying as described above; answers ``(decoded body, response)``.

        ``body``: a dict/list (sent as JSON), a str or bytes (sent as is with ``content_type``), or None.
        ``raw``: answer the body as bytes instead of decoding JSON. Errors raise :class:`ProblemError`
        subclasses or :class:`TransportError`.
        """
        method = method.upper()
        data: Optional[bytes] = None
        headers = {"Accept": accept}
        if body is not None:
            if isinstance(body, bytes):
                data = body
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = content_type
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        url = self.base_url + path
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self.session.request(method, url, data=data, headers=headers, params=query or None,
                                            timeout=self.timeout)
            except requests.ConnectionError as err:
                wait = _backoff(attempt)
                unsent = _not_sent(err)
                if (unsent or method in IDEMPOTENT) and attempt <= self.retries and waited + wait <= self.max_wait:
                    log.info("%s %s: %s; trying again in %.1f s", method, path, err, wait)
                    self.sleep(wait)
                    waited += wait
                    self.retried += 1
                    continue
                raise TransportError(method, path, str(err)) from err
            except requests.Timeout as err:
                raise TransportError(method, path, f"no answer within {self.timeout} s") from err
            except requests.RequestException as err:
                raise TransportError(method, path, str(err)) from err
            if resp.status_code < 400:
                if raw:
                    return resp.content, resp
                if not resp.content:
                    return None, resp
                ctype = resp.headers.get("Content-Type", "")
                if "json" in ctype:
                    return resp.json(), resp
                return resp.text, resp
            problem = _problem(resp)
            wait = _retry_wait(method, resp, problem)
            if wait is not None and attempt <= self.retries and waited + wait <= self.max_wait:
                log.info("%s %s -> %d (%s); trying again in %.1f s", method, path, resp.status_code,
                         problem.get("limit") or problem.get("title") or "", wait)
                resp.close()
                self.sleep(wait)
                waited += wait
                self.retried += 1
                continue
            raise problem_error(method, path, resp.status_code, problem, resp.headers)


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _problem(resp: requests.Response) -> Dict[str, Any]:
    try:
        body = resp.json()
        if isinstance(body, dict):
            return body
        return {"detail": str(body)[:500]}
    except ValueError:
        return {"status": resp.status_code, "detail": resp.text[:500] or resp.reason}


def _retry_wait(method: str, resp: requests.Response, problem: Mapping[str, Any]) -> Optional[float]:
    """Seconds to wait before sending again, or None when this answer must not be retried."""
    status = resp.status_code
    after = retry_after_seconds(resp.headers, problem)
    if status == 429 and after is not None:
        return after  # a rate or CPU-time refusal: nothing was done, the server says when
    if status == 503:
        if problem.get("retryable") is True:
            return 1.0 if after is None else after
        if after is not None and method in IDEMPOTENT:
            return after
    return None


def _backoff(attempt: int) -> float:
    return min(5.0, 0.2 * (2 ** (attempt - 1))) * (0.75 + random.random() / 2)


def _not_sent(err: requests.ConnectionError) -> bool:
    """True when the connection could not even be opened, so the request cannot have been applied."""
    reason: Union[BaseException, None] = err.args[0] if err.args else None
    reason = getattr(reason, "reason", reason)
    try:
        from urllib3.exceptions import NewConnectionError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(reason, NewConnectionError)
