# Sourced by deploy/smoke-test.sh: podman as it works on the CI machines (docs/operations.md "Image").
# crun fails there (hybrid cgroups, rlimits not permitted): runc, cgroupfs, no default ulimits, host network.
TCPLAB_PODMAN_CONF="${TCPLAB_PODMAN_CONF:-${TMPDIR:-/tmp}/tcplab-containers.conf}"
printf '[containers]\ndefault_ulimits = []\n' > "$TCPLAB_PODMAN_CONF"
export CONTAINERS_CONF="$TCPLAB_PODMAN_CONF"
P=(podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs)

# The Dockerfile's base, debian:bookworm-slim, made from Debian's packages (there is no Docker Hub here):
# debootstrap minbase, without the package lists, caches and docs that -slim leaves out too. Once per machine.
ensure_base_image() {
  if "${P[@]}" image exists docker.io/library/debian:bookworm-slim; then
    return 0
  fi
  local root
  root="$(mktemp -d "${TMPDIR:-/tmp}/tcplab-rootfs.XXXXXX")"
  echo "smoke: debootstrap bookworm (minbase) into $root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; return 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/*
  tar -C "$root" -c . | "${P[@]}" import - localhost/debian:bookworm
  "${P[@]}" tag localhost/debian:bookworm docker.io/library/debian:bookworm-slim
  rm -rf "$root" "$root.log"
}
