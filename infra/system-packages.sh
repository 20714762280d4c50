#!/usr/bin/env bash
# Installs the Debian packages the tests need when their programs are missing, saying so in one line;
# where it cannot (not root, no apt-get), one sentence and exit 1.
# Usage: infra/system-packages.sh PACKAGE...   (chromium, prometheus, redis-server, redis-sentinel, openssl)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run_dir="${FLOWWATCH_RUN_DIR:-$(dirname "$here")/.flowwatch}"
log="$run_dir/apt.log"

die() { echo "flowwatch infra: $*" >&2; exit 1; }

program_of() {
  case "$1" in
    chromium) echo /usr/bin/chromium ;;
    prometheus) echo /usr/bin/promtool ;;
    redis-server) echo /usr/bin/redis-server ;;
    redis-sentinel) echo /usr/bin/redis-sentinel ;;
    openssl) echo /usr/bin/openssl ;;
    *) die "no rule for package $1" ;;
  esac
}

missing=()
for package in "$@"; do
  [[ -x "$(program_of "$package")" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

[[ "$(id -u)" -eq 0 ]] \
  || die "the tests need Debian's ${missing[*]}, and installing needs root: run sudo apt-get install -y ${missing[*]}"
command -v apt-get >/dev/null 2>&1 \
  || die "the tests need ${missing[*]}, and this machine has no apt-get to install them; install them by hand"

echo "flowwatch infra: installing ${missing[*]} from Debian's packages (once, about a minute)..."
mkdir -p "$run_dir"
# A package's service is not started here: the tests start their own instances on ports of their own.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  own_policy=true
fi
status=0
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
  >"$log" 2>&1 || status=$?
if [[ "$own_policy" == true ]]; then rm -f "$policy"; fi
[[ "$status" -eq 0 ]] || die "apt-get could not install ${missing[*]}; see $log"
