#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each and prints, per
# target, the executions, the coverage libFuzzer reached, and what it found.
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]      (default: 30 s each, all)
#
# CAREKEY_FUZZ_RUNS=N stops each target after N executions instead (SECONDS
# is then the most it may take): `CAREKEY_FUZZ_RUNS=10000000 bash
# fuzz/run.sh 86400 codes` is the long run the evidence asks for.
#
# CAREKEY_FUZZ_PROFILE=dev builds without optimisation: 6 minutes instead of
# 16 on 2 cores, but 10 to 40 times fewer executions per second; the test
# command uses it for its short run, long runs keep the default (release).
#
# Needs the nightly toolchain (libFuzzer's instrumentation and AddressSanitizer
# are nightly-only) and cargo-fuzz, which it installs from crates.io when
# missing. A crash, a timeout (an input slower than 10 s, 120 s unoptimised) or running out of
# memory (over 2 GiB) fails the run: libFuzzer saves the input under
# fuzz/artifacts/<target>/; fix the bug, then copy the input into
# fuzz/regressions/<target>/, where carekey-core's tests replay it on stable
# (`cargo test -p carekey-core fuzzing`). The corpus grows in fuzz/corpus/
# (not committed); fuzz/seed.py writes its seeds first.
#
# The figures also go to fuzz/report.tsv (target, seconds, executions,
# per second, coverage, features, corpus, outcome).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true

if ! rustup run nightly rustc --version > /dev/null 2>&1; then
    echo "fuzz: the nightly toolchain is missing (rustup toolchain install nightly); libFuzzer needs it" >&2
    exit 1
fi
if ! cargo fuzz --version > /dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version 0.13.2
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no fuzz target found (cargo fuzz list)" >&2
    exit 1
fi

python3 fuzz/seed.py
mkdir -p fuzz/artifacts

# The release profile is tuned for a small app binary (thin LTO, size);
# fuzzing wants speed and a quicker build.
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3
# The per-input timeout catches hangs and pathological inputs. The
# unoptimised build is 10 to 40 times slower, and its first use of a
# country's phone-number rules (phonenumber compiles their regexes then)
# took 12 s under AddressSanitizer on a busy machine: it gets 120 s.
case "${CAREKEY_FUZZ_PROFILE:-release}" in
    release) build=(--release --codegen-units 16); timeout=10 ;;
    dev) build=(--dev); timeout=120 ;;
    *) echo "fuzz: CAREKEY_FUZZ_PROFILE is release or dev" >&2; exit 1 ;;
esac
if ! cargo +nightly fuzz build "${build[@]}" > fuzz/artifacts/build.log 2>&1; then
    tail -n 40 fuzz/artifacts/build.log >&2
    echo "fuzz: the build failed (fuzz/artifacts/build.log)" >&2
    exit 1
fi

runs=()
if [ -n "${CAREKEY_FUZZ_RUNS:-}" ]; then
    runs=(-runs="$CAREKEY_FUZZ_RUNS")
fi

report=fuzz/report.tsv
printf 'target\tseconds\texecutions\tper_second\tcoverage\tfeatures\tcorpus\toutcome\n' > "$report"
failed=0
for target in "${targets[@]}"; do
    log="fuzz/artifacts/$target.log"
    mkdir -p "fuzz/artifacts/$target"
    # libFuzzer runs LeakSanitizer after every input that allocated more
    # than it freed. api_body's harness keeps a whole server whose pools and
    # caches outlive each input, so that was nearly every input, each a scan
    # of a 600 MiB heap: 6.5 times fewer executions. Nothing is leaked there
    # (those allocations stay reachable); memory growing per request is what
    # the soak (tests/soak.sh) measures.
    leaks=()
    [ "$target" = api_body ] && leaks=(-detect_leaks=0)
    set +e
    cargo +nightly fuzz run "${build[@]}" "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" "${runs[@]}" "${leaks[@]}" -timeout="$timeout" \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 > "$log" 2>&1
    status=$?
    set -e
    # A run that died early has none of these lines: the outcome says why.
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    coverage=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    features=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$last")
    if [ "$status" -eq 0 ]; then
        outcome=ok
    else
        failed=1
        found=$(grep -oE 'SUMMARY: .*|deadly signal|ERROR: libFuzzer: [a-z-]+' "$log" | head -n 1 || true)
        outcome="FAILED (${found:-exit $status}; see $log and fuzz/artifacts/$target/)"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "${executions:-0}" \
        "${per_second:-0}" "${coverage:-0}" "${features:-0}" "${corpus:-0}" "$outcome" >> "$report"
done
python3 - "$report" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
for row in rows:
    print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
PY
if [ "$failed" -ne 0 ]; then
    echo "fuzz: a target failed; its input is under fuzz/artifacts/<target>/" >&2
    exit 1
fi
