#!/usr/bin/env bash
# Builds a container image with vagrant and vagrant-libvirt from Debian's packages, for XIDLAB_VAGRANT=container on
# hosts where no image registry is reachable: a base image from a debootstrap rootfs (docker import), then the
# packages installed on top. The image is tagged with this script's hash (rebuilt when the recipe changes) and
# as xidlab/vagrant-libvirt:local, which the tests use.
#
#   scripts/build-vagrant-image.sh            prints the image name
#
# Needs root (debootstrap), debootstrap, and a running Docker engine.
set -euo pipefail

script="$(readlink -f "${BASH_SOURCE[0]}")"
key="$(sha256sum "$script" | cut -c1-12)"
image="xidlab/vagrant-libvirt:$key"

command -v docker >/dev/null || { echo "build-vagrant-image.sh: no docker client (apt-get install docker.io)" >&2; exit 3; }
docker info >/dev/null 2>&1 || { echo "build-vagrant-image.sh: no Docker engine is running (start dockerd)" >&2; exit 3; }
if docker image inspect "$image" >/dev/null 2>&1; then
    docker tag "$image" xidlab/vagrant-libvirt:local
    echo "$image"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "build-vagrant-image.sh: needs root (debootstrap)" >&2; exit 3; }
command -v debootstrap >/dev/null || { echo "build-vagrant-image.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 3; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mirror="${XIDLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
echo "build-vagrant-image.sh: debootstrap bookworm from $mirror (a few minutes)" >&2
debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; echo "build-vagrant-image.sh: debootstrap failed" >&2; exit 3; }
rm -rf "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/var/cache/apt/archives/*.deb
base="xidlab/debian-bookworm:$key"
tar -C "$work/rootfs" -c . | docker import - "$base" >/dev/null

cat >"$work/Dockerfile" <<EOF
FROM $base
RUN apt-get update -qq \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
      vagrant vagrant-libvirt libvirt-clients openssh-client rsync ca-certificates >/dev/null \\
 && rm -rf /var/lib/apt/lists/*
ENV VAGRANT_HOME=/.vagrant.d LIBVIRT_DEFAULT_URI=qemu:///system
CMD ["sleep", "infinity"]
EOF
echo "build-vagrant-image.sh: installing vagrant and vagrant-libvirt in the image" >&2
docker build --network host -q -t "$image" "$work" >/dev/null
docker tag "$image" xidlab/vagrant-libvirt:local
docker image rm "$base" >/dev/null 2>&1 || true
echo "$image"
