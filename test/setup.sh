#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real, once: python3-consul (a real client),
# nginx-light and chromium (the workshop end to end), openssl (TLS test certificates).
set -euo pipefail
need=()
/usr/bin/python3 -c "import consul" 2>/dev/null || need+=(python3-consul)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "test/setup.sh: need root to apt-get install ${need[*]}" >&2; exit 1; fi
  echo "test/setup.sh: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
