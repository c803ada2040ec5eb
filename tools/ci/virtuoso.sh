#!/usr/bin/env bash
# Install Virtuoso Open Source from Debian, start it on loopback with a known DBA password, wait
# until its SPARQL endpoint answers, and print the environment the tests read:
#
#   eval "$(bash tools/ci/virtuoso.sh)"   # sets ICCS_TEST_VIRTUOSO, ICCS_TEST_VIRTUOSO_USER/_PASSWORD
#
# Idempotent: a Virtuoso already answering on the port is reused. Needs root (apt-get) the first
# time. Everything it says for humans goes to stderr; stdout carries only the `export` lines.
# Options by environment: VIRTUOSO_PORT (8890), VIRTUOSO_ISQL_PORT (1111), VIRTUOSO_DBA_PASSWORD
# (iccs-test), VIRTUOSO_DIR (a fresh database folder, default /tmp/iccs-virtuoso).
set -euo pipefail
port="${VIRTUOSO_PORT:-8890}"
isql_port="${VIRTUOSO_ISQL_PORT:-1111}"
password="${VIRTUOSO_DBA_PASSWORD:-iccs-test}"
dir="${VIRTUOSO_DIR:-/tmp/iccs-virtuoso}"
endpoint="http://127.0.0.1:${port}/sparql"

say() { echo "virtuoso.sh: $*" >&2; }
answers() { curl -fsS -o /dev/null --max-time 5 "${endpoint}?query=ASK%7B%7D" 2>/dev/null; }

emit() {
  echo "export ICCS_TEST_VIRTUOSO=${endpoint}"
  echo "export ICCS_TEST_VIRTUOSO_USER=dba"
  echo "export ICCS_TEST_VIRTUOSO_PASSWORD=${password}"
}

if answers; then
  say "already answering at ${endpoint}"
  emit
  exit 0
fi

if ! command -v virtuoso-t >/dev/null 2>&1; then
  say "installing virtuoso-opensource (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  # The package asks for the DBA password through debconf: answer it beforehand.
  for v in virtuoso-opensource-7 virtuoso-opensource-6.1; do
    printf '%s %s/dba-password password %s\n%s %s/dba-password-again password %s\n' \
      "$v" "$v" "$password" "$v" "$v" "$password" | debconf-set-selections 2>/dev/null || true
  done
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends virtuoso-opensource curl >&2
  # The package starts its own server where it can (it does not in a container): stop it, we
  # run one of our own on a database folder we own.
  if command -v service >/dev/null 2>&1; then
    service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
  fi
fi
command -v curl >/dev/null 2>&1 || { apt-get install -y -qq curl >&2; }

# A fresh database of our own, listening on loopback only, with the DBA password set.
ini_src="$(ls /etc/virtuoso-opensource-*/virtuoso.ini 2>/dev/null | head -n1)"
[ -n "$ini_src" ] || { say "virtuoso.ini not found after install"; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
sed -e "s|^ServerPort[[:space:]]*=[[:space:]]*1111|ServerPort = 127.0.0.1:${isql_port}|" \
    -e "s|^ServerPort[[:space:]]*=[[:space:]]*8890|ServerPort = 127.0.0.1:${port}|" \
    -e "s|/var/lib/virtuoso-opensource-[0-9.]*/db/|${dir}/|g" \
    -e "s|^DirsAllowed[[:space:]]*=.*|DirsAllowed = ., ${dir}, /usr/share/virtuoso-opensource-7/vad|" \
    "$ini_src" > "$dir/virtuoso.ini"
say "starting virtuoso-t in ${dir}"
(cd "$dir" && virtuoso-t +configfile "$dir/virtuoso.ini" +wait >&2)

for _ in $(seq 1 120); do
  if answers; then
    # A new database has the DBA password "dba": set ours (over the loopback ISQL port).
    isql-vt "127.0.0.1:${isql_port}" dba dba "exec=user_set_password('dba', '${password}');" >&2 || \
      isql-vt "127.0.0.1:${isql_port}" dba "$password" "exec=select 1;" >/dev/null
    say "answering at ${endpoint}"
    emit
    exit 0
  fi
  sleep 1
done
say "Virtuoso did not answer at ${endpoint} within 120 s; see ${dir}/virtuoso.log"
tail -n 20 "$dir/virtuoso.log" >&2 2>/dev/null || true
exit 1
