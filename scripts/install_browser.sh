#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver for the widget's browser test (no browser download).
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium is missing: run 'sudo apt-get install -y chromium chromium-driver'." >&2
  exit 1
fi
echo "Installing Debian's chromium and chromium-driver..."
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
