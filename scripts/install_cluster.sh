#!/usr/bin/env bash
# Debian's PostgreSQL, Redis and nginx for `make cluster` and its tests (README, "Several Rasa
# processes"). Installed without starting their system services: the cluster runs its own
# copies, on its own ports, with its data under var/.
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} = 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Missing for the cluster: run 'sudo apt-get install -y ${missing[*]}'." >&2
  exit 1
fi
echo "Installing Debian's ${missing[*]}..."
# Debian starts a package's service on install (port 80, 5432, 6379); a policy-rc.d that says
# "no" keeps them stopped, as on a container image. Ours goes away afterwards.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
  >/dev/null
