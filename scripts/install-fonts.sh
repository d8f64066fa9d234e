#!/usr/bin/env bash
# Install the Debian font packages the synthetic engine renders with (listed once, in
# src/ocrforge/data/synth/font_packages.txt) and the word list it draws from.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
packages=$(grep -v '^\s*#' "$here/src/ocrforge/data/synth/font_packages.txt" | awk 'NF {print $1}')
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
sudo_if_needed apt-get update -qq
DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends \
  fontconfig wamerican $packages > /dev/null
echo "installed $(echo $packages | wc -w) font packages"
