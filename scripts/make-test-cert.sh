#!/usr/bin/env bash
# Makes a self-signed code-signing test certificate (RSA 2048, SHA-256) in DIR, once: xidlab-test.crt and its key.
# The key is made here and never committed (.gitignore). Usage: make-test-cert.sh DIR
set -euo pipefail
dir="${1:?usage: make-test-cert.sh DIR}"
mkdir -p "$dir"
[ -f "$dir/xidlab-test.crt" ] && [ -f "$dir/xidlab-test.key" ] && exit 0
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 \
    -keyout "$dir/xidlab-test.key" -out "$dir/xidlab-test.crt" \
    -subj "/CN=xidlab test signing (not trusted)" \
    -addext "extendedKeyUsage=codeSigning" -addext "keyUsage=digitalSignature" 2>/dev/null
chmod 600 "$dir/xidlab-test.key"
echo "make-test-cert.sh: made $dir/xidlab-test.crt"
