#!/usr/bin/env bash
# Debian packages the full test suite needs beyond Python: headless Chromium (browser tests of the
# Dagster UI and of the periodic report), a PostgreSQL server (the `postgres` dbt target) and a Java
# runtime (Spark local mode, the `spark` dbt target).
# Idempotent; `make test` skips the tests whose program is missing and says so.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
