#!/usr/bin/env bash
# The production shape balances its Rasa servers with Debian's nginx.
set -euo pipefail
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing nginx-light from Debian's packages for the production shape..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
else
  echo "The production shape needs nginx (Debian: sudo apt-get install nginx-light)." >&2
  exit 1
fi
