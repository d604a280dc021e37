#!/usr/bin/env bash
# Set up everything briefing needs on Debian/Ubuntu: system packages and a virtualenv.
#   scripts/setup.sh          what building letters needs (Pango, HarfBuzz subsetting, fonts)
#   scripts/setup.sh --test   also what the tests need (poppler-utils, LibreOffice and its python3-uno,
#                             Chromium and its driver)
# Installs only what is missing, so a second run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
          fonts-dejavu-core fonts-dejavu-extra)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(poppler-utils libreoffice-writer-nogui hyphen-nl python3-uno)
  packages+=(chromium chromium-driver)  # briefing preview's browser tests (headless, Selenium)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"setup: briefing needs Python 3.11 or newer, this is {sys.version.split()[0]}")
PY

if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
extra=""
[[ "${1:-}" == "--test" ]] && extra="[test]"
# Reinstall only when pyproject.toml or constraints.txt changed since the last install.
# constraints.txt pins every package to the versions tested together (bash scripts/lock).
stamp=".venv/.briefing-installed${extra}"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" || constraints.txt -nt "$stamp" ]]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".${extra}"
  touch "$stamp"
fi
