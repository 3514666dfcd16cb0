#!/usr/bin/env bash
# The README's test command: installs the Debian packages the tests need when they are missing (as root), then
# runs the whole Maven test suite. Tests whose tool is still missing skip with a visible reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
    openjdk-17-jdk-headless maven gcc make        # the CLI, the kernel model library, the ABI probe
    gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev     # the driver cross-build
    osslsigncode openssl                          # test-signing the driver
    wine wine64                                   # the Wine smoke test of the real driver binary (wine: the commands)
    chromium                                      # rendering report.html in a real browser
    vagrant vagrant-libvirt                       # vagrant validate of the Windows guest's Vagrantfile
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "test.sh: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "test.sh: not root, cannot install ${missing[*]}: the tests that need them will be skipped" >&2
    fi
fi

exec mvn -B verify
