#!/usr/bin/env bash
# Runs a short, stated subset of the benchmarks on this tree and compares it with a baseline run of the same subset
# (report compare: a Mann–Whitney test per row, with a threshold the drift between the two runs can raise).
#
#   tools/regression-check.sh                          measure the subset and print the run folder: keep it as this
#                                                      runner's baseline
#   tools/regression-check.sh --baseline <run>         measure, then compare against <run> (an id under results/runs/
#                                                      or a run folder's path)
#   tools/regression-check.sh --base-ref <git ref>     measure <git ref> (checked out in a temporary worktree) and then
#                                                      this tree, back to back on this machine, and compare them
#
# Options: --filter GLOB (default: the ResNet50 tensor's Serialization rows, 56 rows, the codecs' headline payload),
# --threshold PCT (default 3%), and after `--` any BenchmarkDotNet option (e.g. --launchCount 3).
# Runs go where the app puts them: $SERVINGBENCH_RESULTS, else results/ (results/runs/ is git-ignored).
# Exit: 0 no row slower; 3 a row slower beyond its threshold; 1 a run failed or the runs cannot be compared; 2 bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

filter='*Serialization*resnet50-tensor*'
threshold='3%'
baseline=''
base_ref=''
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline=${2:?--baseline needs a run id or folder}; shift 2 ;;
    --base-ref) base_ref=${2:?--base-ref needs a git ref}; shift 2 ;;
    --filter) filter=${2:?--filter needs a glob}; shift 2 ;;
    --threshold) threshold=${2:?--threshold needs a percentage such as 3%}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "regression-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$baseline" ] && [ -n "$base_ref" ]; then
  echo "regression-check: --baseline and --base-ref exclude each other" >&2
  exit 2
fi

results=${SERVINGBENCH_RESULTS:-$root/results}
export SERVINGBENCH_RESULTS=$results
mkdir -p "$results/runs"

# Runs the subset in the tree $1 and prints the new run folder's path (the one folder that was not there before).
measure() {
  local tree=$1 before after run
  before=$(ls "$results/runs")
  (cd "$tree" && dotnet build -c Release benchmarks/ServingBench -v quiet -nologo >/dev/null)
  # A loaded machine can take BenchmarkDotNet past its 2-minute build timeout; the run itself is not timed by it.
  (cd "$tree" && dotnet run -c Release --no-build --project benchmarks/ServingBench -- \
      --filter "$filter" --buildTimeout 1200 "${extra[@]}" >&2) || { echo "regression-check: the run in $tree failed" >&2; return 1; }
  after=$(ls "$results/runs")
  run=$(comm -13 <(echo "$before" | sort) <(echo "$after" | sort) | tail -n 1)
  [ -n "$run" ] || { echo "regression-check: the run in $tree left no run folder in $results/runs" >&2; return 1; }
  echo "$results/runs/$run"
}

if [ -n "$base_ref" ]; then
  worktree=$(mktemp -d "${TMPDIR:-/tmp}/servingbench-base-XXXXXX")
  trap 'git -C "$root" worktree remove --force "$worktree" >/dev/null 2>&1 || true' EXIT
  git -C "$root" worktree add --detach "$worktree" "$base_ref" >/dev/null
  echo "regression-check: measuring $base_ref ($(git -C "$worktree" rev-parse --short HEAD)) with filter $filter" >&2
  baseline=$(measure "$worktree")
fi

echo "regression-check: measuring this tree ($(git rev-parse --short HEAD)$([ -n "$(git status --porcelain)" ] && echo ', dirty')) with filter $filter" >&2
candidate=$(measure "$root")
if [ -z "$baseline" ]; then
  echo "regression-check: no baseline given; keep this run as one: $candidate"
  exit 0
fi

set +e
dotnet run -c Release --no-build --project benchmarks/ServingBench -- report compare "$baseline" "$candidate" --threshold "$threshold"
status=$?
set -e
exit $status
