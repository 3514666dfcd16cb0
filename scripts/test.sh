#!/usr/bin/env bash
# The README's test command. As root on Debian/Ubuntu it installs the packages the tests need when they are
# missing, starts the services they need (virtlogd and libvirtd for real VMs, dockerd for the vagrant container)
# when they are not running, builds the stand-in guest box and the vagrant container image once per machine
# (cached), runs the whole Maven build with its tests, and stops the services it started. Tests whose tool or
# service is still missing skip with a visible reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
    openjdk-17-jdk-headless maven gcc make        # the CLI, the kernel model library, the ABI probe
    gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev     # the driver cross-build
    osslsigncode openssl                          # test-signing the driver
    wine wine64                                   # the Wine smoke test of the real driver binary (wine: the commands)
    chromium                                      # rendering report.html in a real browser
    vagrant vagrant-libvirt                       # the VM lab's Vagrant, and vagrant validate of the Vagrantfiles
    libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils
    dnsmasq-base iptables ebtables                # real VMs for the VM lab's tests (the stand-in guest)
    debootstrap extlinux syslinux-common fdisk e2fsprogs   # building the stand-in box and the vagrant image
    docker.io                                     # vagrant in a container through Testcontainers
)

root=false
[ "$(id -u)" -eq 0 ] && root=true

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if $root; then
        echo "test.sh: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "test.sh: not root, cannot install ${missing[*]}: the tests that need them will be skipped" >&2
    fi
fi

# Services this run started, stopped again on the way out (in reverse), and libvirt networks it brought up.
started=()
networks_before=""
stop_started() {
    local status=$?
    if [ -n "$networks_before" ] || [ ${#started[@]} -gt 0 ]; then
        for net in $(virsh -q -c qemu:///system net-list --name 2>/dev/null); do
            grep -qx "$net" <<<"$networks_before" || virsh -q -c qemu:///system net-destroy "$net" >/dev/null 2>&1 || true
        done
    fi
    for ((i = ${#started[@]} - 1; i >= 0; i--)); do
        echo "test.sh: stopping ${started[i]}"
        pkill -x "${started[i]}" 2>/dev/null || true
    done
    exit "$status"
}
trap stop_started EXIT

start() {   # start NAME COMMAND...: runs COMMAND unless a process NAME is running, and remembers it
    local name=$1; shift
    pgrep -x "$name" >/dev/null && return 0
    echo "test.sh: starting $name"
    "$@" && started+=("$name")
}

if $root; then
    if command -v libvirtd >/dev/null; then
        start virtlogd virtlogd -d
        start libvirtd libvirtd -d
        for _ in $(seq 1 20); do virsh -q -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.5; done
        networks_before=$(virsh -q -c qemu:///system net-list --name 2>/dev/null || true)
        networks_before=${networks_before:-none}
    fi
    if command -v dockerd >/dev/null; then
        start dockerd sh -c 'dockerd >/var/log/xidlab-dockerd.log 2>&1 &'
        for _ in $(seq 1 40); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    fi
    # The stand-in guest box, built once per recipe and added to vagrant when it changed.
    if command -v vagrant >/dev/null && command -v debootstrap >/dev/null; then
        box=$(bash scripts/build-standin-box.sh)
        added="${XIDLAB_CACHE:-$HOME/.cache/xidlab}/standin-box-added"
        if [ "$(cat "$added" 2>/dev/null)" != "$box" ] || ! vagrant box list 2>/dev/null | grep -q '^xidlab/standin-linux '; then
            vagrant box add --force --name xidlab/standin-linux "$box" >/dev/null
            # vagrant-libvirt uploads a box's image into the pool once per image file; older ones are dead weight.
            for vol in $(virsh -q -c qemu:///system vol-list default 2>/dev/null | awk '{print $1}' \
                         | grep '^xidlab-VAGRANTSLASH-standin-linux_vagrant_box_image_' || true); do
                virsh -q -c qemu:///system vol-delete --pool default "$vol" >/dev/null 2>&1 || true
            done
            echo "$box" >"$added"
        fi
    fi
    if docker info >/dev/null 2>&1; then
        bash scripts/build-vagrant-image.sh >/dev/null
    fi
fi

# Testcontainers: its Ryuk reaper image cannot be pulled here; the tests remove their containers themselves.
export TESTCONTAINERS_RYUK_DISABLED=true
# It would also pull and run an image to find the Docker host's address when it runs inside a container; the lab
# needs no address (the container shares the host network).
export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-localhost}
# And its start-up checks (can files be mounted?) run a pulled image too.
export TESTCONTAINERS_CHECKS_DISABLE=${TESTCONTAINERS_CHECKS_DISABLE:-true}
mvn -B verify
