#!/usr/bin/env bash
# Runs one AFL++ target for a while and prints its numbers (see README.md).
#
#   bash fuzz/run.sh TARGET [SECONDS]     default 600 s
#
# Builds the targets (cargo afl build --release), fuzzes from fuzz/corpus/TARGET into
# fuzz/out/TARGET (git-ignored), then prints run time, executions, corpus, coverage and
# crashes from AFL++'s fuzzer_stats.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: run.sh TARGET [SECONDS]}
seconds=${2:-600}
cargo afl build --release --bin "$target"
mkdir -p out
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# -V: stop after SECONDS; -t: a single input may take up to 2 s (the doc pages).
cargo afl fuzz -V "$seconds" -t 2000 -i "corpus/$target" -o "out/$target" \
  "target/release/$target" > "out/$target.log" 2>&1 || true
stats="out/$target/default/fuzzer_stats"
for key in run_time execs_done execs_per_sec corpus_count bitmap_cvg edges_found total_edges saved_crashes saved_hangs; do
  grep "^$key " "$stats" || true
done
