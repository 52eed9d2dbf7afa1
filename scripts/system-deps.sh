#!/usr/bin/env bash
# Checks for the Debian packages OneWindow needs; installs them when run as root on Debian,
# otherwise stops with the exact command to run.
set -euo pipefail

PACKAGES=(chromium fonts-noto-core fonts-freefont-ttf fontconfig gettext softhsm2 opensc
  poppler-utils libnss3-tools qpdf wrk zip zbar-tools libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 nodejs npm)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    # Node.js and npm may come from elsewhere than Debian; accept them on the PATH.
    case "$package" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "OneWindow needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo sh -c '$line'" >&2
  exit 1
fi
