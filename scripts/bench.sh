#!/usr/bin/env bash
# Scan-speed and peak-memory benchmark over real corpora (see docs/benchmarks.md).
# Usage: scripts/bench.sh DIR [DIR...]   (run scripts/fetch-corpus.sh first for the standard corpora)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/rampart
printf '| corpus | files | lines | wall time | lines/s | peak RSS |\n|---|---|---|---|---|---|\n'
for dir in "$@"; do
  out=$(mktemp)
  # Warm the page cache so the figure measures analysis, not the disk.
  "$bin" scan "$dir" --format json --fail-on none --no-progress >/dev/null
  /usr/bin/time -f '%e %M' -o "$out.time" "$bin" scan "$dir" --format json --fail-on none --no-progress >"$out"
  read -r secs kib <"$out.time"
  files=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["stats"]["files_scanned"])' "$out")
  lines=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["stats"]["lines"])' "$out")
  rate=$(python3 -c "print(f'{int($lines / max($secs, 0.01)):,}')")
  printf '| %s | %s | %s | %ss | %s | %s MiB |\n' "$dir" "$files" "$lines" "$secs" "$rate" "$((kib / 1024))"
  rm -f "$out" "$out.time"
done
