#!/usr/bin/env bash
# Test-signs a driver with osslsigncode (Authenticode, SHA-256) and verifies the signature against the test
# certificate. On Windows the WDK's signtool (scripts/build-driver.ps1) stays the reference.
# Usage: sign-driver.sh UNSIGNED.sys SIGNED.sys CERTDIR
set -euo pipefail
in="${1:?usage: sign-driver.sh IN OUT CERTDIR}"; out="${2:?}"; certs="${3:?}"
rm -f "$out"        # osslsigncode refuses to overwrite
osslsigncode sign -certs "$certs/xidlab-test.crt" -key "$certs/xidlab-test.key" -h sha256 \
    -n "xidfilter minifilter (xidlab test build)" -in "$in" -out "$out" >/dev/null
osslsigncode verify -in "$out" -CAfile "$certs/xidlab-test.crt" >/dev/null
echo "sign-driver.sh: signed and verified $out"
