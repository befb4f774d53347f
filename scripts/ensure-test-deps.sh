#!/usr/bin/env bash
# Makes sure the Debian packages the test suite uses are installed: Apache ZooKeeper 3.8 (with Java), its C and
# Python clients as compatibility references, nc for four-letter words, Chromium for the UI tests, openssl for TLS.
# Installs what is missing when it can (root, or sudo without a password); otherwise says what to run.
set -euo pipefail
packages=(zookeeper zookeeper-bin python3-kazoo python3-pure-sasl netcat-openbsd chromium openssl)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  echo "The test suite needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing test dependencies: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
