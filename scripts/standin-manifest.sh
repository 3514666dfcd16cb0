#!/usr/bin/env bash
# Prints what a stand-in box's root filesystem is made of, for scripts/build-standin-box.sh to keep inside the box
# (/etc/xidlab-standin.manifest) and beside it in the cache: which Debian, the kernel that boots, the JRE, and
# every installed package's version (the chroot's dpkg database). A box is rebuilt from whatever the mirror serves
# on the day; the manifest is how two boxes, or a box and a guest, are told apart (`xidlab lab doctor` shows it).
#
#   scripts/standin-manifest.sh ROOT RECIPE MIRROR
#
# ROOT is the root filesystem, RECIPE the box's recipe key, MIRROR where its packages came from. The format is one
# "field value" a line: the header fields, then one "package NAME VERSION" line per installed package; lines
# starting with # are comments. The kernel is the newest /boot/vmlinuz-* (the one the box's boot loader boots).
# Exit 3 when ROOT has no kernel, no dpkg database or no JRE package.
set -euo pipefail
export LC_ALL=C

[ "$#" -eq 3 ] || { echo "usage: standin-manifest.sh ROOT RECIPE MIRROR" >&2; exit 2; }
root=$1 recipe=$2 mirror=$3
me=standin-manifest.sh
jre=openjdk-17-jre-headless

[ -d "$root/var/lib/dpkg" ] || { echo "$me: no dpkg database in $root/var/lib/dpkg" >&2; exit 3; }
release=$(for f in "$root"/boot/vmlinuz-*; do [ ! -f "$f" ] || echo "${f##*/vmlinuz-}"; done | sort -V | tail -1)
[ -n "$release" ] || { echo "$me: no kernel (vmlinuz-*) in $root/boot" >&2; exit 3; }

# Installed packages only ("ii"): removed ones keep their configuration in the database.
packages=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${binary:Package} ${Version}\n' \
    | awk '$1 == "ii" { print $2, $3 }')
version_of() {
    awk -v p="$1" '$1 == p || $1 == p ":amd64" { print $2 }' <<<"$packages"
}
kernel_version=$(version_of "linux-image-$release")
jre_version=$(version_of "$jre")
[ -n "$jre_version" ] || { echo "$me: $jre is not installed in $root" >&2; exit 3; }

echo "# What the xidlab stand-in box is made of (scripts/standin-manifest.sh): header fields, then the packages."
echo "recipe $recipe"
echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
# A user:password in the URL stays out of the record.
echo "mirror $(sed -E 's#^([a-z+]+://)[^/@]*@#\1#' <<<"$mirror")"
echo "debian $(cat "$root/etc/debian_version" 2>/dev/null || echo unknown)"
echo "kernel $release ${kernel_version:-unpackaged}"
echo "jre $jre $jre_version"
echo "packages $(wc -l <<<"$packages")"
awk '{ print "package " $0 }' <<<"$packages"
