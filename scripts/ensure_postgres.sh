#!/usr/bin/env bash
# Install Debian's PostgreSQL server binaries when they are missing. The history tests start their own
# throw-away server from them (scripts/pg_server.py); nothing here creates, starts or configures a server.
set -euo pipefail
found() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; }
if found; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin/postgres): run" \
       "'sudo apt-get install postgresql-15' (needs root), then run the tests again" >&2
  exit 1
fi
# Installing the package must not start the cluster it creates: refuse service starts while it installs.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
package=postgresql-15
if ! apt-cache show "$package" >/dev/null 2>&1; then
  package=postgresql  # another Debian release: its own supported version
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=120 "$package" >/dev/null
if ! found; then
  echo "installed $package but /usr/lib/postgresql/*/bin/postgres is still missing" >&2
  exit 1
fi
