#!/usr/bin/env bash
# Makes the kernel-judged captures of src/test/resources/captures/kernel/ (docs/captures.md, "Judged by
# the real kernel"): each built-in scenario's situation played with real sockets, and each packetdrill
# teardown script, on this machine's kernel, in a fresh network namespace, with tcpdump capturing and the
# kernel's own state changes recorded (record.py). Needs root, unshare, bpftrace, tcpdump, iptables,
# editcap and packetdrill (shared/tools/packetdrill beside the repository, or $PACKETDRILL).
#   bash src/test/captures/make-kernel-captures.sh [UPSTREAM_DIR]
# UPSTREAM_DIR: the Linux developers' close/ and shutdown/ packetdrill tests (shared/packetdrill/upstream).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$repo/src/test/resources/captures/kernel
upstream=${1:-}
mkdir -p "$out"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

# one capture (tried twice: bpftrace can be slow to attach on a busy machine); RESUME=1 keeps those made
rec() {
  if [ "${RESUME:-}" = 1 ] && [ -e "$out/$1.kernel" ]; then return; fi
  unshare -n python3 "$here/record.py" "$out" "$@" || unshare -n python3 "$here/record.py" "$out" "$@" \
    || echo "NOT KEPT: $1 (it failed twice; see above)"
}

# the built-in scenarios with real sockets on loopback (Ethernet link type; a few in other formats)
rec active-close --scenario active-close --iface lo
rec active-close-v6 --scenario active-close-v6 --iface lo --pcapng
rec linger-default --scenario linger-default --iface any --sll1
rec server-active-close --scenario server-active-close --iface lo
rec lost-fin --scenario lost-fin --iface lo
rec lost-last-ack --scenario lost-last-ack --iface lo --pcapng
rec simultaneous-close --scenario simultaneous-close --iface lo
rec three-segment-close --scenario three-segment-close --iface lo
rec linger-abort --scenario linger-abort --iface lo
rec close-unread-data --scenario close-unread-data --iface lo
rec half-close --scenario half-close --iface lo
rec graceful-close --scenario graceful-close --iface any
rec close-wait-leak --scenario close-wait-leak --iface lo
rec fin-wait-1-zero-window --scenario fin-wait-1-zero-window --iface lo
rec linger-timeout --scenario linger-timeout --iface lo
rec rebind-time-wait --scenario rebind-time-wait --iface lo
rec busy-server-time-wait --scenario busy-server-time-wait --iface lo
rec closed-port --scenario closed-port --iface lo
[ "${SKIP_SLOW:-}" = 1 ] || rec fin-wait-2-timeout --scenario fin-wait-2-timeout --iface lo

# the project's packetdrill scripts and the upstream teardown tests (SLL2: tcpdump -i any sees the tun)
for f in "$repo"/src/test/resources/packetdrill/*.pkt; do
  rec "pd-$(basename "$f" .pkt)" --pkt "$f" --iface any
done
if [ -n "$upstream" ]; then
  for f in "$upstream"/close/*.pkt "$upstream"/shutdown/*.pkt; do
    name="upstream-$(basename "$(dirname "$f")")-$(basename "$f" .pkt)"
    # its last segment (the kernel's ACK of the peer's FIN) was missing from every tcpdump capture made
    # here (2026-12-06), though the kernel sent it (the script passes): a capture loss, not judged
    if [ "$name" = upstream-close-close-local-close-then-remote-fin ]; then echo "NOT KEPT: $name"; continue; fi
    rec "$name" --pkt "$f" --iface any
  done
fi
ls "$out" | wc -l
