#!/usr/bin/env python3
"""Runs every shell and Python snippet of the documentation against a live tcplab server.

    python3 src/test/python/doc_snippets.py http://localhost:8080            # from the repository root
    python3 src/test/python/doc_snippets.py http://localhost:8080 README.md  # one file

Which snippets: the fenced code blocks of README.md, docs/*.md and clients/python/README.md whose language is
``bash``/``sh``/``shell`` (run in one bash session per file, in document order, so a later block may use a
variable an earlier one set), ``python`` (each block on its own, with clients/python/src on PYTHONPATH) or
``console`` (a transcript: each ``$ `` command runs in one bash session per block, and every output line shown
under it must appear in what it printed, in order; ``…`` stands for any text, a UUID for any UUID, runs of
spaces for any spaces). ``localhost:8080`` in a snippet is the server under test. Other blocks (json, yaml, text,
none) are data and are not run.

A block that must not run says so in the line right before its fence:

    <!-- not run: the reason -->

Every such block is counted and listed with its reason. In bash blocks, ``curl`` fails on an HTTP error status
(``--fail-with-body``), so a snippet that calls a wrong route fails the run. Files the snippets write go to a
temporary folder that mirrors the repository (its top-level entries are symbolic links), so ``./clients/python``
and ``examples/`` resolve and the working tree stays clean.

Exit status 0 when every snippet ran as documented; the summary line is
``snippets: N run (B bash, P python, C console), S not run`` followed by the not-run list.
"""

import glob
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.*?)\s*-->\s*$")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SHELL = {"bash", "sh", "shell"}
RUNNABLE = SHELL | {"python", "console"}
TIMEOUT = 300


class Block:
    def __init__(self, path, line, lang, code, skip):
        self.path, self.line, self.lang, self.code, self.skip = path, line, lang, code, skip

    def where(self):
        return f"{self.path}:{self.line}"


def blocks(path):
    """The fenced blocks of a Markdown file, with the reason when the line before the fence says not to run."""
    lines = open(path, encoding="utf-8").read().splitlines()
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1).lower(), i
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        prev = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
        skip = NOT_RUN.match(prev.strip())
        found.append(Block(path, start + 1, lang, "\n".join(lines[start + 1:j]) + "\n",
                           skip.group(1) if skip else None))
        i = j + 1
    return found


def localise(code, base):
    host = base.split("://", 1)[1]
    return code.replace("http://localhost:8080", base).replace("localhost:8080", host)


def run_bash(script, cwd, env):
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def shell_session(file_blocks, base, cwd, env):
    """All bash blocks of one file in one session; answers None or a failure message."""
    parts = ["set -e -o pipefail",
             "curl() { command curl --fail-with-body --show-error \"$@\"; }"]
    for b in file_blocks:
        parts.append(f"printf '\\n>>> %s\\n' '{b.where()}' >&2")
        parts.append(localise(b.code, base))
    done = run_bash("\n".join(parts), cwd, env)
    if done.returncode != 0:
        last = [l for l in done.stderr.splitlines() if l.startswith(">>> ")]
        where = last[-1][4:] if last else "?"
        return (f"bash snippet at {where} failed with exit status {done.returncode}\n--- stdout (end)\n"
                f"{done.stdout[-3000:]}\n--- stderr (end)\n{done.stderr[-3000:]}")
    return None


def python_block(b, base, cwd, env, python):
    done = subprocess.run([python, "-c", localise(b.code, base)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    if done.returncode != 0:
        return f"python snippet at {b.where()} failed\n--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
    return None


def console_commands(code):
    """[(command, [expected output lines])] of a transcript: ``$ `` starts a command; it continues over the next
    lines while its single quotes are unbalanced or it ends with a backslash."""
    items, lines, i = [], code.splitlines(), 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise ValueError(f"transcript line {i + 1} is output before any command: {lines[i]!r}")
        cmd = lines[i][2:]
        i += 1
        while (cmd.count("'") % 2 == 1 or cmd.endswith("\\")) and i < len(lines):
            cmd += "\n" + lines[i]
            i += 1
        out = []
        while i < len(lines) and not lines[i].startswith("$ "):
            out.append(lines[i])
            i += 1
        items.append((cmd, out))
    return items


def pattern(line):
    """An expected output line as a regular expression over a whitespace-normalised actual line."""
    text = " ".join(line.split())
    parts = re.split(r"(…|" + UUID.pattern + ")", text)
    rx = ""
    for p in parts:
        if p == "…":
            rx += ".*?"
        elif UUID.fullmatch(p):
            rx += UUID.pattern
        else:
            rx += re.escape(p)
    return re.compile(rx)


def check_output(expected, actual):
    """None when every expected line matches an actual line, in order; else the first that does not."""
    lines = [" ".join(l.split()) for l in actual.splitlines()]
    k = 0
    for e in expected:
        if not e.strip():
            continue
        rx = pattern(e)
        while k < len(lines) and not rx.fullmatch(lines[k]):
            k += 1
        if k == len(lines):
            return e
        k += 1
    return None


def console_block(b, base, cwd, env):
    sep = "\x1e"
    items = console_commands(b.code)
    script = ["set -o pipefail"]
    for cmd, _ in items:
        script.append(localise(cmd, base))
        script.append(f"printf '\\n{sep}\\n'")
    done = run_bash("\n".join(script), cwd, env)
    outputs = done.stdout.split(f"\n{sep}\n")
    for n, (cmd, expected) in enumerate(items):
        actual = outputs[n] if n < len(outputs) else ""
        missing = check_output(expected, actual)
        if missing is not None:
            return (f"console snippet at {b.where()}: after\n  $ {cmd.splitlines()[0]}\nthe line\n  {missing}\n"
                    f"is not in what it printed:\n{actual[-3000:]}\n--- stderr\n{done.stderr[-2000:]}")
    return None


def mirror(repo):
    """A temporary folder whose top-level entries link to the repository's."""
    tmp = tempfile.mkdtemp(prefix="tcplab-snippets-")
    for name in os.listdir(repo):
        if name not in (".git", "target", "data"):
            os.symlink(os.path.join(repo, name), os.path.join(tmp, name))
    return tmp


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    base = argv[1].rstrip("/")
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    files = argv[2:] or (["README.md"] + sorted(glob.glob("docs/*.md", root_dir=repo))
                         + ["clients/python/README.md"])
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    cwd = mirror(repo)
    path = os.environ.get("PATH", "")
    if python == "/usr/bin/python3":  # snippets say python3: Debian's, where its python3-* packages are
        os.makedirs(os.path.join(cwd, ".bin"))
        os.symlink(python, os.path.join(cwd, ".bin", "python3"))
        path = os.path.join(cwd, ".bin") + os.pathsep + path
    env = dict(os.environ, PATH=path, PYTHONPATH=os.path.join(repo, "clients", "python", "src"), MPLBACKEND="Agg",
               HOME=cwd, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    counts = {"bash": 0, "python": 0, "console": 0}
    skipped, failures = [], []
    for rel in files:
        found = [b for b in blocks(os.path.join(repo, rel)) if b.lang in RUNNABLE]
        for b in found:
            b.path = rel
        for b in found:
            if b.skip is not None:
                skipped.append(b)
        shell = [b for b in found if b.lang in SHELL and b.skip is None]
        if shell:
            failure = shell_session(shell, base, cwd, env)
            counts["bash"] += len(shell)
            if failure:
                failures.append(failure)
        for b in found:
            if b.skip is not None:
                continue
            if b.lang == "python":
                counts["python"] += 1
                failure = python_block(b, base, cwd, env, python)
            elif b.lang == "console":
                counts["console"] += 1
                failure = console_block(b, base, cwd, env)
            else:
                continue
            if failure:
                failures.append(failure)
    total = sum(counts.values())
    print(f"snippets: {total} run ({counts['bash']} bash, {counts['python']} python, {counts['console']} console), "
          f"{len(skipped)} not run")
    for b in skipped:
        print(f"  not run: {b.where()} ({b.lang}): {b.skip or '(no reason given)'}")
    for f in failures:
        print("FAILED: " + f)
    unexplained = [b for b in skipped if not b.skip]
    return 1 if failures or unexplained or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
