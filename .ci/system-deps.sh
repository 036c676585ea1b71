#!/usr/bin/env bash
# Installs what the tests need when it is missing: Java (HermiT), Debian's Chromium and Node.js
# (the browser test), Virtuoso Open Source 7 (the remote-store tests start their own virtuoso-t,
# tests/virtuoso_server.py; noninteractive, so debconf asks no dba password), Apache Jena (ARQ and TDB2,
# libapache-jena-java: the tests' Fuseki stand-in, tests/jena_server.py), then playwright-core for
# tests/browser from its lock file (no browser download), and the web page's JavaScript packages
# (api/static/package-lock.json), bundled into api/static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
[ -f /usr/share/java/jena-arq.jar ] || missing+=(libapache-jena-java)
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)  # compiles tests/jena_server/*.java
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
browser_tests=tests/browser
if [ ! -d "$browser_tests/node_modules/playwright-core" ] || [ ! -d "$browser_tests/node_modules/axe-core" ] \
    || [ "$browser_tests/package-lock.json" -nt "$browser_tests/node_modules/.package-lock.json" ]; then
  echo "installing playwright-core and axe-core in $browser_tests"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -f "$browser_tests/package-lock.json" ]; then
    npm ci --prefix "$browser_tests" --no-audit --no-fund
  else
    npm install --prefix "$browser_tests" --no-audit --no-fund
  fi
fi
web=api/static
if [ ! -f "$web/vendor/.built" ] || [ "$web/package-lock.json" -nt "$web/vendor/.built" ] \
    || [ -n "$(find "$web/src" "$web/build.mjs" -newer "$web/vendor/.built" 2>/dev/null)" ]; then
  echo "building the web page's scripts in $web/vendor"
  [ -d "$web/node_modules/esbuild" ] && [ ! "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ] \
    || npm ci --prefix "$web" --no-audit --no-fund
  npm run --prefix "$web" --silent build
fi
