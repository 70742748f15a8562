#!/usr/bin/env bash
# Installs the system programs the test suite drives for real: Chromium (HTML report
# in a real browser), cmark-gfm (independent Markdown renderer), zsh and dash (other
# shells), openssh-server (a real ssh target on loopback). Idempotent; Debian/Ubuntu.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v cmark-gfm >/dev/null 2>&1 || need+=(cmark-gfm)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v dash >/dev/null 2>&1 || need+=(dash)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system-deps: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
