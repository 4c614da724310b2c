#!/usr/bin/env bash
# Downloads real code from the package registries into corpus/ (git-ignored) for benchmarks and
# false-positive hunting. Nothing here is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p corpus/dl corpus/python corpus/javascript
pip download --quiet --no-binary :all: --no-deps -d corpus/dl \
  django==5.1.4 sqlalchemy==2.0.36 flask==3.1.0 werkzeug==3.1.3 jinja2==3.1.4 requests==2.32.3
for f in corpus/dl/*.tar.gz; do tar -xzf "$f" -C corpus/python; done
(cd corpus/dl && npm pack --silent express@4.21.2 lodash@4.17.21 typescript@5.7.2 webpack@5.97.1 \
  @babel/core@7.26.0 eslint@9.17.0 three@0.171.0 >/dev/null)
for f in corpus/dl/*.tgz; do
  d="corpus/javascript/$(basename "$f" .tgz)"
  mkdir -p "$d" && tar -xzf "$f" -C "$d"
done
echo "corpus ready:"
for d in corpus/python corpus/javascript; do
  printf '  %s: %s files\n' "$d" "$(find "$d" -type f \( -name '*.py' -o -name '*.js' -o -name '*.ts' -o -name '*.mjs' -o -name '*.cjs' \) | wc -l)"
done
