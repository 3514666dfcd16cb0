#!/usr/bin/env bash
# The README's test command. As root on Debian/Ubuntu it installs the packages the tests need when they are
# missing, builds the stand-in guest box and the vagrant container image once per recipe (cached), makes a network
# namespace of its own for the VM lab's tests and starts virtlogd, libvirtd and dockerd inside it, runs the whole
# Maven build with its tests (the integration tests' JVM inside the namespace, through scripts/netns/bin/java), and on
# the way out stops what it started, by PID, and removes the namespace. Tests whose tool or service is missing
# skip with a visible reason. The services' logs are kept in target/test-services/.
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
    dnsmasq-base iptables ebtables iproute2       # real VMs for the VM lab's tests (the stand-in guest)
    debootstrap extlinux syslinux-common fdisk e2fsprogs   # building the stand-in box and the vagrant image
    docker.io                                     # vagrant in a container through Testcontainers
    shellcheck                                    # the lint of every shell script (ShellcheckTest)
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

# The VM lab's tests reach their guest on libvirt's management network; that network, libvirtd and dockerd live
# in this run's own namespace (only its loopback), so no test packet goes to an address of this machine's default
# namespace. Services already running outside it are left alone: the VM tests then skip and say why.
netns="xidlab-test-$$"
logs="$PWD/target/test-services"
pids=()
names=()
started() {   # started NAME: whether this run started NAME (and so may stop it and what it made)
    local n
    for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}
cleanup() {
    local status=$?
    if started libvirtd && virsh -q -c qemu:///system version >/dev/null 2>&1; then
        # Machines a killed test left behind, then the networks of the libvirtd this run started; a libvirtd that
        # ran before this run, and its machines and networks, are left alone.
        for dom in $(virsh -q -c qemu:///system list --all --name 2>/dev/null | grep '^xidlab-it-' || true); do
            virsh -q -c qemu:///system destroy "$dom" >/dev/null 2>&1 || true
            virsh -q -c qemu:///system undefine "$dom" --remove-all-storage >/dev/null 2>&1 || true
        done
        for net in $(virsh -q -c qemu:///system net-list --name 2>/dev/null); do
            virsh -q -c qemu:///system net-destroy "$net" >/dev/null 2>&1 || true
        done
    fi
    # Each by the PID this run started it with (ip netns exec and nsenter exec the daemon, so it is the daemon's
    # own), newest first, never by name; SIGKILL only to one that is still there after 10 s.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        echo "test.sh: stopping ${names[i]} (pid ${pids[i]})"
        kill "${pids[i]}" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "${pids[i]}" 2>/dev/null; then
            echo "test.sh: ${names[i]} (pid ${pids[i]}) did not stop in 10 s: killing it"
            kill -9 "${pids[i]}" 2>/dev/null || true
        fi
        wait "${pids[i]}" 2>/dev/null || true
    done
    if ip netns list 2>/dev/null | grep -qw "$netns"; then
        ip netns delete "$netns" || true
    fi
    exit "$status"
}
trap cleanup EXIT

start() {   # start NAME COMMAND...: runs COMMAND (which enters the namespace) unless a process NAME runs; keeps its PID
    local name=$1; shift
    if pgrep -x "$name" >/dev/null; then
        echo "test.sh: $name already runs (pid $(pgrep -x "$name" | head -1)), outside this run's namespace: left alone"
        return 0
    fi
    echo "test.sh: starting $name in network namespace $netns (log: $logs/$name.log)"
    "$@" >"$logs/$name.log" 2>&1 &
    pids+=("$!")
    names+=("$name")
}

if $root && command -v ip >/dev/null; then
    mkdir -p "$logs"
    ip netns add "$netns"
    ip netns exec "$netns" ip link set lo up
    export XIDLAB_TEST_NETNS="$netns"
    if command -v libvirtd >/dev/null; then
        # ip netns exec also mounts the namespace's own /sys, where libvirtd finds the bridges it makes.
        start virtlogd ip netns exec "$netns" virtlogd
        start libvirtd ip netns exec "$netns" libvirtd
        for _ in $(seq 1 40); do virsh -q -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.5; done
    fi
    if command -v dockerd >/dev/null; then
        # No bridge and no iptables of its own: the vagrant container shares the namespace's network.
        # nsenter changes only the network namespace: dockerd needs the host's /sys (its cgroups), which ip netns
        # exec would hide.
        start dockerd nsenter --net="/run/netns/$netns" dockerd --bridge=none --iptables=false
        for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    fi
    # The stand-in guest box, built once per recipe and added to vagrant when it changed.
    if command -v vagrant >/dev/null && command -v debootstrap >/dev/null; then
        box=$(bash scripts/build-standin-box.sh)
        added="${XIDLAB_CACHE:-$HOME/.cache/xidlab}/standin-box-added"
        if [ "$(cat "$added" 2>/dev/null)" != "$box" ] || ! vagrant box list 2>/dev/null | grep -q '^xidlab/standin-linux '; then
            VAGRANT_CHECKPOINT_DISABLE=1 vagrant box add --force --name xidlab/standin-linux "$box" >/dev/null
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
# needs no address (the container shares the namespace's network).
export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-localhost}
# And its start-up checks (can files be mounted?) run a pulled image too.
export TESTCONTAINERS_CHECKS_DISABLE=${TESTCONTAINERS_CHECKS_DISABLE:-true}
mvn -B verify -Dxidlab.it.jvm="$PWD/scripts/netns/bin/java"
