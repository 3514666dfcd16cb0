#!/usr/bin/env bash
# Builds a container image with vagrant and vagrant-libvirt from Debian's packages, for XIDLAB_VAGRANT=container on
# hosts where no image registry is reachable. The whole root filesystem is made on the host (debootstrap, then the
# packages installed into it with apt in a chroot) and handed to the engine with docker import: nothing runs inside
# a container, so the build needs no network in the engine (Docker's bridge may be off, dockerd --bridge=none).
# The packages come from the host's own Debian mirror (scripts/debian-mirror.sh). The image is tagged with the
# recipe's hash (this script and the mirror script: rebuilt when either changes) and as
# xidlab/vagrant-libvirt:local, which the tests use.
#
#   scripts/build-vagrant-image.sh            prints the image name
#
# Needs root (debootstrap, chroot, a proc mount), debootstrap, and a running Docker engine.
set -euo pipefail

here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
key="$(cat "$here/build-vagrant-image.sh" "$here/debian-mirror.sh" | sha256sum | cut -c1-12)"
image="xidlab/vagrant-libvirt:$key"

command -v docker >/dev/null || { echo "build-vagrant-image.sh: no docker client (apt-get install docker.io)" >&2; exit 3; }
docker info >/dev/null 2>&1 || { echo "build-vagrant-image.sh: no Docker engine is running (start dockerd)" >&2; exit 3; }
if docker image inspect "$image" >/dev/null 2>&1; then
    docker tag "$image" xidlab/vagrant-libvirt:local
    echo "$image"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "build-vagrant-image.sh: needs root (debootstrap, chroot)" >&2; exit 3; }
command -v debootstrap >/dev/null || { echo "build-vagrant-image.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 3; }
mirror="$(bash "$here/debian-mirror.sh")"

work="$(mktemp -d)"
rootfs="$work/rootfs"
cleanup() {
    # Never remove a tree with the host's /proc still mounted in it.
    if mountpoint -q "$rootfs/proc" 2>/dev/null && ! umount "$rootfs/proc"; then
        echo "build-vagrant-image.sh: could not unmount $rootfs/proc; left $work in place" >&2
        return
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "build-vagrant-image.sh: debootstrap bookworm from $mirror (a few minutes)" >&2
# ca-certificates from the start: apt in the chroot needs it for an https mirror.
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; echo "build-vagrant-image.sh: debootstrap failed" >&2; exit 3; }

echo "build-vagrant-image.sh: installing vagrant and vagrant-libvirt into it" >&2
mount -t proc proc "$rootfs/proc"
# No package's service starts in the chroot (it would run on the host).
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
{ chroot "$rootfs" apt-get update -qq \
    && chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        vagrant vagrant-libvirt libvirt-clients openssh-client rsync ca-certificates; } >"$work/apt.log" 2>&1 \
    || { tail -20 "$work/apt.log" >&2; echo "build-vagrant-image.sh: installing the packages failed" >&2; exit 3; }
umount "$rootfs/proc"
rm -f "$rootfs/usr/sbin/policy-rc.d"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb

tar -C "$rootfs" -c . | docker import \
    --change 'ENV VAGRANT_HOME=/.vagrant.d' \
    --change 'ENV LIBVIRT_DEFAULT_URI=qemu:///system' \
    --change 'CMD ["sleep", "infinity"]' \
    - "$image" >/dev/null
docker tag "$image" xidlab/vagrant-libvirt:local
echo "$image"
