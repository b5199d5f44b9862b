"""The package's public surface: docstrings, type hints, py.typed, the exception hierarchy."""

import inspect
import os

import tcplab_client
from tcplab_client import errors


def public_members(cls):
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            yield name, member.fget
        elif inspect.isfunction(member):
            yield name, member


def test_every_public_method_has_a_docstring_and_type_hints():
    missing_doc, missing_hints = [], []
    for name in tcplab_client.__all__:
        obj = getattr(tcplab_client, name)
        if not obj.__doc__:
            missing_doc.append(name)
        members = list(public_members(obj)) if inspect.isclass(obj) else [(name, obj)]
        for base in (inspect.getmro(obj)[1:] if inspect.isclass(obj) else []):
            if base.__module__.startswith("tcplab_client"):
                members += list(public_members(base))
        for member_name, fn in members:
            if not inspect.isfunction(fn):
                continue
            if not (fn.__doc__ or "").strip():
                missing_doc.append(f"{name}.{member_name}")
            sig = inspect.signature(fn)
            unannotated = [p for p in sig.parameters.values()
                           if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
            if unannotated or sig.return_annotation is inspect.Signature.empty:
                missing_hints.append(f"{name}.{member_name}")
    assert missing_doc == []
    assert missing_hints == []


def test_the_package_says_it_is_typed():
    assert os.path.exists(os.path.join(os.path.dirname(tcplab_client.__file__), "py.typed"))


def test_each_status_has_its_exception():
    cases = {400: errors.BadRequest, 404: errors.NotFound, 409: errors.Conflict, 413: errors.PayloadTooLarge,
             429: errors.RateLimited, 503: errors.ServiceUnavailable, 500: errors.ServerError, 418: errors.ProblemError}
    for status, cls in cases.items():
        err = errors.problem_error("GET", "/x", status, {"title": "t", "detail": "d"})
        assert type(err) is cls and isinstance(err, errors.TcplabError) and err.status == status
    scenario = errors.problem_error("POST", "/x", 400, {"detail": "d", "problems": [{"field": "f"}]})
    assert isinstance(scenario, errors.InvalidScenario) and scenario.problems == [{"field": "f"}]
    limited = errors.problem_error("GET", "/x", 429, {"limit": "requestsPerSecond"}, {"Retry-After": "3"})
    assert limited.limit == "requestsPerSecond" and limited.retry_after == 3.0


def test_the_reference_is_what_the_docstrings_say():
    import subprocess
    import sys

    tool = os.path.join(os.path.dirname(__file__), "..", "tools", "gendocs.py")
    done = subprocess.run([sys.executable, tool, "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
