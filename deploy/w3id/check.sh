#!/usr/bin/env bash
# Check that a deployment (or w3id.org, once registered) answers the ICCS IRIs by content
# negotiation:  bash deploy/w3id/check.sh https://ICCS_HOST   (or http://127.0.0.1:8000)
set -euo pipefail
base="${1:?usage: check.sh BASE_URL}"
fail=0
check() {  # path accept expected-content-type
  got="$(curl -sSL -o /dev/null -w '%{http_code} %{content_type}' -H "Accept: $2" "$base$1")"
  case "$got" in
    "200 $3"*) echo "ok    $1 ($2): $got" ;;
    *) echo "FAIL  $1 ($2): $got, wanted 200 $3"; fail=1 ;;
  esac
}
check /1.0/category/0101 text/html text/html
check /1.0/category/0101 text/turtle text/turtle
check /1.0/category/0101 application/ld+json application/ld+json
check /1.0/tag/Cy text/turtle text/turtle
check / text/html text/html
check "/sparql?query=ASK%7B%7D" application/sparql-results+json application/sparql-results+json
exit $fail
