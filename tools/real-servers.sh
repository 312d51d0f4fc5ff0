#!/usr/bin/env bash
# Real Triton, TorchServe and TF Serving on what `models export` wrote (deploy/compose.yaml), and the SERVINGBENCH_*
# lines that point the suite's unchanged scenarios at them. docs/real-servers.md has the whole path and says what
# has been checked (the files and this script's logic) and what has never been run (the servers themselves).
#
#   tools/real-servers.sh up [--export DIR] [--gpu] [--timeout SECONDS]
#       starts each server that has something to serve, waits until every model it serves is ready, prints the lines
#   tools/real-servers.sh env [--host HOST]
#       prints the lines for servers on HOST (default 127.0.0.1), starting nothing
#   tools/real-servers.sh down
#       stops and removes the containers
#
# The export folder: --export, else $SERVINGBENCH_EXPORT, else export/ in $SERVINGBENCH_MODELS or models/.
# Needs Docker with Compose (`docker compose`, or the older `docker-compose`) and curl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
compose_file="$root/deploy/compose.yaml"
project=servingbench

fail() { echo "real-servers: $1" >&2; exit "${2:-2}"; }

usage() {
  sed -n '6,11p' "$0" | sed 's/^# \{0,1\}//'
}

# The SERVINGBENCH_* variables the suite reads (README, "Benchmarking real servers"), one per framework and protocol,
# at each framework's default port. Served model names are the catalogue's, so no _MODEL_ variable is needed.
address_lines() {
  local host=$1 frameworks=$2
  [[ $frameworks == *triton* ]] && printf 'export SERVINGBENCH_TRITON_REST=http://%s:8000\nexport SERVINGBENCH_TRITON_GRPC=http://%s:8001\n' "$host" "$host"
  [[ $frameworks == *torchserve* ]] && printf 'export SERVINGBENCH_TORCHSERVE_REST=http://%s:8080\nexport SERVINGBENCH_TORCHSERVE_GRPC=http://%s:7070\n' "$host" "$host"
  [[ $frameworks == *tfserving* ]] && printf 'export SERVINGBENCH_TFSERVING_REST=http://%s:8501\nexport SERVINGBENCH_TFSERVING_GRPC=http://%s:8500\n' "$host" "$host"
  return 0
}

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -p "$project" "${compose_files[@]}" "$@"
  elif command -v docker-compose >/dev/null; then
    docker-compose -p "$project" "${compose_files[@]}" "$@"
  else
    fail "neither 'docker compose' nor 'docker-compose' is available (install Docker with the Compose plugin)"
  fi
}

default_export() {
  if [[ -n ${SERVINGBENCH_EXPORT:-} ]]; then echo "$SERVINGBENCH_EXPORT"
  elif [[ -n ${SERVINGBENCH_MODELS:-} ]]; then echo "$SERVINGBENCH_MODELS/export"
  else echo "$root/models/export"; fi
}

# Models each server will serve, from the export: Triton's model folders, TorchServe's archives, and the TF Serving
# models that have a SavedModel version folder.
triton_models() { find "$export_dir/triton" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort; }
torchserve_models() { find "$export_dir/torchserve/model-store" -maxdepth 1 -name '*.mar' -printf '%f\n' 2>/dev/null | sed 's/\.mar$//' | sort; }
tfserving_models() {
  local folder
  for folder in "$export_dir"/tfserving/*/; do
    compgen -G "$folder[0-9]*/saved_model.pb" >/dev/null && basename "$folder"
  done
  return 0
}

# One readiness probe per framework and model: 0 when the model answers as ready.
ready() {
  local framework=$1 model=$2
  case $framework in
    triton) curl -fsS -o /dev/null "http://127.0.0.1:8000/v2/models/$model/ready" 2>/dev/null ;;
    torchserve) curl -fsS "http://127.0.0.1:8081/models/$model" 2>/dev/null | grep -q '"status": *"READY"' ;;
    tfserving) curl -fsS "http://127.0.0.1:8501/v1/models/$model" 2>/dev/null | grep -q '"state": *"AVAILABLE"' ;;
  esac
}

up() {
  local timeout=900 gpu=0
  export_dir=$(default_export)
  while (( $# > 0 )); do
    case $1 in
      --export) [[ $# -ge 2 ]] || fail "--export needs a folder"; export_dir=$2; shift 2 ;;
      --gpu) gpu=1; shift ;;
      --timeout) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || fail "--timeout needs a whole number of seconds"; timeout=$2; shift 2 ;;
      *) fail "up: unknown option '$1' (see tools/real-servers.sh help)" ;;
    esac
  done
  [[ -d $export_dir ]] || fail "--export: '$export_dir' does not exist; write it first: dotnet run -c Release --project benchmarks/ServingBench -- models export"
  export_dir="$(cd "$export_dir" && pwd)"
  command -v curl >/dev/null || fail "curl is not installed (apt-get install curl)"
  command -v docker >/dev/null || fail "docker is not installed (Docker Engine with the Compose plugin)" 1
  docker info >/dev/null 2>&1 || fail "no Docker engine answers ('docker info' failed): start it, or run this where Docker runs" 1
  (( gpu )) && compose_files+=(-f "$root/deploy/compose.gpu.yaml")

  local -A serves=()
  local services=() framework skipped=()
  serves[triton]=$(triton_models)
  serves[torchserve]=$(torchserve_models)
  serves[tfserving]=$(tfserving_models)
  for framework in triton torchserve tfserving; do
    if [[ -n ${serves[$framework]} ]]; then services+=("$framework"); else skipped+=("$framework"); fi
  done
  (( ${#services[@]} > 0 )) || fail "'$export_dir' holds nothing any server can serve; run models export"
  for framework in "${skipped[@]}"; do
    case $framework in
      tfserving) echo "tfserving: not started: no SavedModel in $export_dir/tfserving/<model>/1/ (the README.md in each model's folder says what to supply)" ;;
      *) echo "$framework: not started: the export has nothing for it (models export --framework all)" ;;
    esac
  done

  # TF Serving reads its batching file only with --enable_batching, and refuses the file without it.
  if [[ -f $export_dir/tfserving/batching_parameters.txt ]]; then
    export TFSERVING_ENABLE_BATCHING=true TFSERVING_BATCHING_PARAMETERS=/models/batching_parameters.txt
  fi
  SERVINGBENCH_EXPORT="$export_dir" compose up -d "${services[@]}"

  # Loading takes minutes: BART's sessions, and TorchServe installs onnxruntime into each model's worker first.
  local deadline=$(( SECONDS + timeout )) waiting=() model
  for framework in "${services[@]}"; do
    for model in ${serves[$framework]}; do waiting+=("$framework/$model"); done
  done
  echo "waiting up to ${timeout}s for ${#waiting[@]} models: ${waiting[*]}"
  while (( ${#waiting[@]} > 0 )); do
    local still=() entry
    for entry in "${waiting[@]}"; do
      if ready "${entry%%/*}" "${entry#*/}"; then echo "ready: $entry"; else still+=("$entry"); fi
    done
    waiting=("${still[@]}")
    (( ${#waiting[@]} == 0 )) && break
    if (( SECONDS >= deadline )); then
      echo "real-servers: not ready after ${timeout}s: ${waiting[*]}" >&2
      echo "  their logs: SERVINGBENCH_EXPORT='$export_dir' docker compose -p $project -f deploy/compose.yaml logs --tail 50 <service>" >&2
      exit 1
    fi
    sleep $(( deadline - SECONDS < 5 ? deadline - SECONDS : 5 ))
  done

  echo
  echo "# Every model is ready. Paste these lines (or eval \"\$(tools/real-servers.sh env)\"), then run the suite unchanged:"
  address_lines 127.0.0.1 "${services[*]}"
  echo "# metrics: Triton http://127.0.0.1:8002/metrics, TorchServe http://127.0.0.1:8082/metrics, TF Serving http://127.0.0.1:8501/monitoring/prometheus/metrics"
}

compose_files=(-f "$compose_file")
command=${1:-help}
(( $# > 0 )) && shift
case $command in
  up) up "$@" ;;
  env)
    host=127.0.0.1
    if (( $# > 0 )); then
      [[ $1 == --host && $# -ge 2 && -n $2 ]] || fail "env: expected --host HOST, got '$*'"
      host=$2
    fi
    address_lines "$host" "triton torchserve tfserving" ;;
  down)
    docker info >/dev/null 2>&1 || fail "no Docker engine answers ('docker info' failed)" 1
    SERVINGBENCH_EXPORT="$(default_export)" compose down ;;
  help|-h|--help) usage ;;
  *) fail "unknown command '$command' (up, env, down or help)" ;;
esac
