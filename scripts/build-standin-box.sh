#!/usr/bin/env bash
# Builds the stand-in guest box for the VM lab: a Debian 12 libvirt box (Linux kernel, OpenSSH, a JRE) that the
# VM lab's host side drives exactly as it drives the Windows guest. It exists so that the host side (Vagrant,
# libvirt, the SSH transport, crash and reboot detection, evidence) runs against a real hypervisor on machines
# that have no Windows box. It is never a Windows kernel: the guest's xidlab runs the kernel model and panics
# the real Linux kernel when the model bugchecks.
#
#   scripts/build-standin-box.sh [CACHE_DIR]
#
# Prints the path of the box file. The box is cached in CACHE_DIR (default $XIDLAB_CACHE or ~/.cache/xidlab)
# under a name derived from its recipe (this script and the scripts it runs), so a changed recipe builds a new box
# and an unchanged one is built once per machine. Beside it, NAME.manifest says what it is made of (kernel, JRE,
# every package's version; scripts/standin-manifest.sh), as /etc/xidlab-standin.manifest does inside it. The
# packages come from the host's own Debian mirror (scripts/debian-mirror.sh). Needs root (debootstrap, a loop
# mount) and debootstrap, extlinux, qemu-utils, fdisk.
set -euo pipefail

here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
# Everything that decides what goes into the box. (vagrant/standin/Vagrantfile is not: it only starts the box.)
recipe=("$here/build-standin-box.sh" "$here/debian-mirror.sh" "$here/standin-manifest.sh")
cache="${1:-${XIDLAB_CACHE:-$HOME/.cache/xidlab}}"
key="$(cat "${recipe[@]}" | sha256sum | cut -c1-12)"
box="$cache/xidlab-standin-$key.box"
manifest="$cache/xidlab-standin-$key.manifest"

if [ -f "$box" ] && [ -f "$manifest" ]; then
    echo "$box"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "build-standin-box.sh: needs root (debootstrap and a loop mount)" >&2; exit 3; }
for tool in debootstrap extlinux qemu-img sfdisk mkfs.ext4 losetup; do
    command -v "$tool" >/dev/null || { echo "build-standin-box.sh: $tool is missing (apt-get install debootstrap extlinux qemu-utils fdisk e2fsprogs mount)" >&2; exit 3; }
done
mbr=/usr/lib/EXTLINUX/mbr.bin
[ -f "$mbr" ] || mbr=/usr/lib/syslinux/mbr/mbr.bin
insecure_key=""
for k in /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub; do
    if [ -f "$k" ]; then insecure_key=$k; break; fi
done
[ -n "$insecure_key" ] || { echo "build-standin-box.sh: vagrant's insecure public key is missing (apt-get install vagrant)" >&2; exit 3; }
mirror="$(bash "$here/debian-mirror.sh")"

mkdir -p "$cache"
work="$(mktemp -d "$cache/standin-build.XXXXXX")"
loop=""
cleanup() {
    mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"
    [ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

echo "build-standin-box.sh: debootstrap bookworm from $mirror (a few minutes)" >&2
debootstrap --variant=minbase \
    --include=linux-image-amd64,systemd-sysv,udev,openssh-server,sudo,initramfs-tools,kmod,procps,iproute2,openjdk-17-jre-headless \
    bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; echo "build-standin-box.sh: debootstrap failed" >&2; exit 3; }

root="$work/rootfs"
echo standin >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 standin\n' >"$root/etc/hosts"
echo 'LABEL=standin-root / ext4 errors=remount-ro 0 1' >"$root/etc/fstab"
# systemd-networkd's DHCP client: a reboot answers sooner than with ifupdown's (the boot is most of a crash run).
printf '[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n' >"$root/etc/systemd/network/20-eth0.network"
chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1
# Nothing the lab uses waits on these, and on a software CPU they cost most of a minute per boot.
for unit in e2scrub_reap.service e2scrub_all.timer getty-static.service getty@tty1.service apt-daily.timer \
            apt-daily-upgrade.timer systemd-networkd-wait-online.service; do
    chroot "$root" systemctl mask "$unit" >/dev/null 2>&1
done
# An initramfs with the modules this VM's hardware needs, not every module: less to unpack at every boot. (Named,
# not detected: detection in a chroot would see the build host's hardware.)
echo 'MODULES=list' >"$root/etc/initramfs-tools/conf.d/xidlab.conf"
printf 'virtio_pci\nvirtio_blk\nvirtio_net\next4\n' >>"$root/etc/initramfs-tools/modules"
chroot "$root" update-initramfs -u -k all >/dev/null 2>&1
# The panic device tells the hypervisor the moment the kernel panics: the host's first sign of a crash.
echo pvpanic-mmio >"$root/etc/modules-load.d/pvpanic.conf"
echo pvpanic-pci >>"$root/etc/modules-load.d/pvpanic.conf"
# Any oops is a crash, as any bugcheck is on Windows. And an NMI from the host (virsh inject-nmi, what the lab sends a
# hung guest) panics the kernel, as it bugchecks Windows (0x80 NMI_HARDWARE_FAILURE): the panic device reports it.
echo 'kernel.panic_on_oops = 1' >"$root/etc/sysctl.d/90-xidlab.conf"
echo 'kernel.unknown_nmi_panic = 1' >>"$root/etc/sysctl.d/90-xidlab.conf"
# A journal that outlives a panic, so `journalctl -b -1` shows the boot that crashed: kept on disk, and synced every
# second rather than every 5 minutes (what is in the page cache when the kernel panics is lost).
mkdir -p "$root/var/log/journal" "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=persistent\nSyncIntervalSec=1s\nSystemMaxUse=64M\n' >"$root/etc/systemd/journald.conf.d/xidlab.conf"
echo 'UseDNS no' >"$root/etc/ssh/sshd_config.d/xidlab.conf"
# The stand-in's own "crash dump directory": the guest's xidlab writes the kernel model's dump here, synced, before
# it panics the kernel (Windows keeps minidumps in %SystemRoot%\Minidump).
mkdir -p "$root/var/crash/xidlab" "$root/opt/xidlab"
# The guest-side stand-in lab panics the kernel it runs on: it refuses to unless this file says it is the stand-in.
echo 'xidlab stand-in guest: panicked on purpose by xidlab stress --lab standin' >"$root/etc/xidlab-standin"
chroot "$root" useradd --create-home --shell /bin/bash vagrant
echo 'vagrant:vagrant' | chroot "$root" chpasswd
echo 'vagrant ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/vagrant"
chmod 0440 "$root/etc/sudoers.d/vagrant"
install -d -m 0700 -o 1000 -g 1000 "$root/home/vagrant/.ssh"
install -m 0600 -o 1000 -g 1000 "$insecure_key" "$root/home/vagrant/.ssh/authorized_keys"
chroot "$root" chown -R vagrant:vagrant /opt/xidlab
# Smaller box: no package lists, caches, documentation or locales the guest never reads.
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*

# What the box is made of, inside it and (below) beside it; the kernel it names is the one the box boots.
bash "$here/standin-manifest.sh" "$root" "$key" "$mirror" >"$root/etc/xidlab-standin.manifest"
release=$(sed -n 's/^kernel \([^ ]*\) .*/\1/p' "$root/etc/xidlab-standin.manifest")
if [ ! -f "$root/boot/vmlinuz-$release" ] || [ ! -f "$root/boot/initrd.img-$release" ]; then
    echo "build-standin-box.sh: no kernel and initrd for $release in the root filesystem" >&2
    exit 3
fi
mkdir -p "$root/boot/extlinux"
cat >"$root/boot/extlinux/extlinux.conf" <<EOF
DEFAULT standin
TIMEOUT 1
LABEL standin
    LINUX /boot/vmlinuz-$release
    INITRD /boot/initrd.img-$release
    APPEND root=LABEL=standin-root console=ttyS0 net.ifnames=0 panic=1 quiet
EOF

echo "build-standin-box.sh: disk image" >&2
raw="$work/disk.raw"
truncate -s 4G "$raw"
echo 'start=2048, type=83, bootable' | sfdisk -q "$raw"
loop=$(losetup --find --show --offset $((2048 * 512)) "$raw")
# extlinux reads ext4 without 64bit and metadata_csum only.
mkfs.ext4 -q -L standin-root -O ^64bit,^metadata_csum "$loop"
mkdir -p "$work/mnt"
mount "$loop" "$work/mnt"
cp -a "$root/." "$work/mnt/"
extlinux --install "$work/mnt/boot/extlinux" >/dev/null 2>&1
umount "$work/mnt"
losetup -d "$loop"
loop=""
dd if="$mbr" of="$raw" bs=440 count=1 conv=notrunc status=none

mkdir -p "$work/box"
qemu-img convert -c -O qcow2 "$raw" "$work/box/box.img"
echo '{"provider": "libvirt", "format": "qcow2", "virtual_size": 4}' >"$work/box/metadata.json"
cat >"$work/box/Vagrantfile" <<'EOF'
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |libvirt|
    libvirt.disk_bus = "virtio"
  end
end
EOF
tar -C "$work/box" -cf "$work/standin.box" metadata.json Vagrantfile box.img
# The manifest first: a box in the cache always has its manifest beside it.
cp "$root/etc/xidlab-standin.manifest" "$manifest"
mv "$work/standin.box" "$box"
# Older builds of the recipe are of no further use.
find "$cache" -maxdepth 1 \( -name 'xidlab-standin-*.box' -o -name 'xidlab-standin-*.manifest' \) \
    ! -name "$(basename "$box")" ! -name "$(basename "$manifest")" -delete
echo "$box"
