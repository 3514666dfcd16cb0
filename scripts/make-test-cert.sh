#!/usr/bin/env bash
# Makes a self-signed test certificate for code signing (RSA 2048, SHA-256) in DIR, once: xidlab-test.crt and its
# key. A leaf certificate, as New-SelfSignedCertificate -Type CodeSigningCert makes on Windows: basicConstraints
# CA:FALSE, keyUsage digitalSignature, extendedKeyUsage codeSigning only. (openssl req -x509 with the default config
# makes a CA certificate, which is the wrong kind to sign a driver with.) A certificate left by an older version of
# this script that is not such a leaf is made again. The key is made here and never committed (.gitignore).
# Usage: make-test-cert.sh DIR
set -euo pipefail
dir="${1:?usage: make-test-cert.sh DIR}"
mkdir -p "$dir"
crt="$dir/xidlab-test.crt"
if [ -f "$crt" ] && [ -f "$dir/xidlab-test.key" ] &&
   openssl x509 -in "$crt" -noout -ext basicConstraints,extendedKeyUsage 2>/dev/null | grep -q "CA:FALSE" &&
   openssl x509 -in "$crt" -noout -ext extendedKeyUsage 2>/dev/null | grep -q "Code Signing"; then
    exit 0
fi
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
cat > "$config" <<'CONF'
[req]
distinguished_name = subject
x509_extensions = leaf
prompt = no

[subject]
CN = xidlab test signing (not trusted)

[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CONF
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 -config "$config" \
    -keyout "$dir/xidlab-test.key" -out "$crt" 2>/dev/null
chmod 600 "$dir/xidlab-test.key"
echo "make-test-cert.sh: made $crt"
