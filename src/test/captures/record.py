#!/usr/bin/env python3
"""Records one kernel-made capture and the kernel's own state changes (docs/captures.md, "Judged by the
real kernel"). Run as root inside a fresh network namespace (make-kernel-captures.sh does that):

    unshare -n python3 record.py OUT_DIR NAME (--pkt SCRIPT.pkt | --scenario NAME) [--iface lo|any] [--sll1] [--pcapng]

It writes OUT_DIR/NAME.pcap (or .pcapng) and OUT_DIR/NAME.kernel:
  - `sk NS SKADDR LOCAL REMOTE OLD NEW` for every sock:inet_sock_set_state event of a TCP socket in this
    namespace (bpftrace, states.bt; NS is CLOCK_MONOTONIC nanoseconds, states are Linux's numbers);
  - `twt NS TIMER start|cancel|expire` for the time-wait mini-sockets' timer (tw_timer_handler), which
    catches a mini-socket too short-lived for the poll below;
  - `tw NS LOCAL REMOTE ST` whenever a time-wait mini-socket appears, changes sub-state (ST 05 = FIN_WAIT2,
    06 = TIME_WAIT) or disappears (ST --) in /proc/net/tcp{,6} (polled every 2 ms; the tracepoint does not
    report TIME_WAIT, which Linux keeps in a separate mini-socket).
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
def find_packetdrill():
    """$PACKETDRILL, else shared/tools/packetdrill beside the repository (or its worktree's parent)."""
    if os.environ.get("PACKETDRILL"):
        return os.environ["PACKETDRILL"]
    repo = os.path.abspath(os.path.join(HERE, "../../.."))
    for up in (os.path.dirname(repo), os.path.dirname(os.path.dirname(repo))):
        candidate = os.path.join(up, "shared/tools/packetdrill/packetdrill")
        if os.path.exists(candidate):
            return candidate
    raise SystemExit("packetdrill not found: set PACKETDRILL")


def proc_addr(hexaddr):
    addr, port = hexaddr.split(":")
    port = int(port, 16)
    if len(addr) == 8:
        ip = socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr)[::-1])
        return "%s:%d" % (ip, port)
    raw = b"".join(bytes.fromhex(addr[i:i + 8])[::-1] for i in range(0, 32, 8))
    return "[%s]:%d" % (socket.inet_ntop(socket.AF_INET6, raw), port)


class TimeWaitPoller(threading.Thread):
    """Follows the time-wait mini-sockets (timer code 3) of this namespace."""

    def __init__(self, out):
        super().__init__(daemon=True)
        self.out = out
        self.stop = threading.Event()
        self.seen = {}

    def poll(self):
        current = {}
        for f in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(f) as fh:
                    next(fh)
                    for line in fh:
                        col = line.split()
                        if col[5].split(":")[0] == "03":
                            current[(proc_addr(col[1]), proc_addr(col[2]))] = col[3]
            except FileNotFoundError:
                pass
        now = time.monotonic_ns()  # after the read: an observation is never stamped before it was made
        for key, st in current.items():
            if self.seen.get(key) != st:
                self.out.append("tw %d %s %s %s" % (now, key[0], key[1], st))
        for key in list(self.seen):
            if key not in current:
                self.out.append("tw %d %s %s --" % (now, key[0], key[1]))
        self.seen = current

    def run(self):
        while not self.stop.is_set():
            self.poll()
            time.sleep(0.002)


def run_packetdrill(pkt, tmp):
    """Runs a copy of the script that waits 50 ms after its last line and then notes the time (both
    clocks): the kernel's state at the script's end is then visible before packetdrill tears down."""
    work = tmp + ".pd"
    os.makedirs(os.path.join(work, "s"), exist_ok=True)
    common = os.path.join(os.path.dirname(os.path.dirname(pkt)), "common")
    if os.path.isdir(common) and not os.path.exists(os.path.join(work, "common")):
        os.symlink(common, os.path.join(work, "common"))
    copy = os.path.join(work, "s", os.path.basename(pkt))
    marker = os.path.abspath(tmp + ".end")
    with open(pkt) as src, open(copy, "w") as dst:
        dst.write(src.read().rstrip("\n") + "\n")
        dst.write("+.05 `python3 -c 'import time; print(time.monotonic_ns(), time.time_ns())' > %s;"
                  " cat /proc/net/tcp /proc/net/tcp6 >> %s`\n" % (marker, marker))
    try:
        r = subprocess.run([find_packetdrill(), "--tolerance_usecs=15000", os.path.basename(copy)],
                           cwd=os.path.dirname(copy), capture_output=True, text=True, timeout=120)
    finally:
        subprocess.run(["rm", "-rf", work])
    if r.returncode != 0 or not os.path.exists(marker):
        return "packetdrill failed: " + (r.stderr or r.stdout)[-400:]
    return None


def wait_for(path, text, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open(path) as fh:
                if text in fh.read():
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    raise SystemExit("timed out waiting for %r in %s" % (text, path))


def main():
    args = sys.argv[1:]
    out_dir, name = args[0], args[1]
    rest = args[2:]
    pkt = scenario = None
    iface = "any"
    sll1 = pcapng = False
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--pkt":
            pkt = os.path.abspath(rest[i + 1]); i += 2
        elif a == "--scenario":
            scenario = rest[i + 1]; i += 2
        elif a == "--iface":
            iface = rest[i + 1]; i += 2
        elif a == "--sll1":
            sll1 = True; i += 1
        elif a == "--pcapng":
            pcapng = True; i += 1
        else:
            raise SystemExit("unknown argument " + a)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "addr", "add", "127.0.0.2/8", "dev", "lo"], check=False, stderr=subprocess.DEVNULL)
    inum = os.stat("/proc/self/ns/net").st_ino
    tmp = os.path.join(out_dir, "." + name)
    bt_out = open(tmp + ".bt", "w")
    bt = subprocess.Popen(["bpftrace", os.path.join(HERE, "states.bt"), str(inum)], stdout=bt_out,
                          stderr=subprocess.STDOUT)
    wait_for(tmp + ".bt", "Attaching")
    tw_lines = []
    poller = TimeWaitPoller(tw_lines)
    poller.start()
    td_err = open(tmp + ".td", "w")
    cmd = ["tcpdump", "-Z", "root", "--immediate-mode", "-U", "-n", "-i", iface, "-s", "262144",
           "-w", tmp + ".pcap", "tcp"]
    if sll1:
        cmd[cmd.index("-i"):cmd.index("-i")] = ["-y", "LINUX_SLL"]
    td = subprocess.Popen(cmd, stderr=td_err)
    wait_for(tmp + ".td", "listening on")
    time.sleep(0.2)
    failed = None
    try:
        if pkt:
            failed = run_packetdrill(pkt, tmp)
        else:
            import scenarios
            getattr(scenarios, scenario.replace("-", "_"))()
    finally:
        time.sleep(0.3)
        poller.stop.set()
        poller.join()
        poller.poll()
        td.send_signal(signal.SIGINT)
        td.wait(60)
        bt.send_signal(signal.SIGINT)
        try:
            bt.wait(60)
        except subprocess.TimeoutExpired:
            bt.kill()
            bt.wait()
        bt_out.close()
        td_err.close()
    if failed:
        raise SystemExit(name + ": " + failed)
    with open(tmp + ".bt") as fh:
        sk_lines = [l.strip() for l in fh if l.startswith("sk ") or l.startswith("twt ")]
    lines = sk_lines + tw_lines
    end = None
    if pkt:
        # packetdrill's teardown after the script (it resets or closes what is left) is not part of
        # the situation: the capture and the record stop where the script ended
        with open(tmp + ".end") as fh:
            mono, real = (int(x) for x in fh.readline().split())
            snapshot = fh.read().splitlines()
        end = mono
        lines = [l for l in lines if int(l.split()[1]) <= mono]
        # the time-wait mini-sockets alive at the end, from the snapshot taken then (the poller may
        # lag on a busy machine)
        alive = {}
        for l in lines:
            f = l.split()
            if f[0] == "tw":
                alive[(f[2], f[3])] = f[4]
        for row in snapshot:
            col = row.split()
            if len(col) > 5 and col[0] != "sl" and col[5].split(":")[0] == "03":
                key = (proc_addr(col[1]), proc_addr(col[2]))
                if alive.get(key) != col[3]:
                    lines.append("tw %d %s %s %s" % (mono, key[0], key[1], col[3]))
        cut = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(real // 10**9)) + ".%09d" % (real % 10**9)
        subprocess.run(["editcap", "-B", cut, tmp + ".pcap", tmp + ".cut.pcap"], check=True,
                       env=dict(os.environ, TZ="UTC"))
        os.replace(tmp + ".cut.pcap", tmp + ".pcap")
        os.remove(tmp + ".end")
    lines.sort(key=lambda l: int(l.split()[1]))
    ext = ".pcap"
    if pcapng:
        subprocess.run(["editcap", "-F", "pcapng", tmp + ".pcap", tmp + ".pcapng"], check=True)
        os.remove(tmp + ".pcap")
        ext = ".pcapng"
    os.replace(tmp + ext, os.path.join(out_dir, name + ext))
    with open(os.path.join(out_dir, name + ".kernel"), "w") as fh:
        fh.write("# %s on Linux %s: sock:inet_sock_set_state and time-wait sockets (src/test/captures/record.py)\n"
                 % (name, os.uname().release))
        for l in lines:
            fh.write(l + "\n")
        if end is not None:
            fh.write("end %d\n" % end)
    for f in (tmp + ".bt", tmp + ".td"):
        os.remove(f)
    print("recorded %s: %d state changes, %d time-wait observations" % (name, len(sk_lines), len(tw_lines)))


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
