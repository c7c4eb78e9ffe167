#!/usr/bin/env bash
# shellcheck shell=bash
# Shared by launch.sh, stop.sh and always-up.sh (sourced): find Node.js, then run the one command line that
# does the work, packages/cli (ecr launch | stop | always-up | status). Nothing else is decided here.

ECR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)

# Node.js: ECR_NODE, else the PATH, else the usual places (cron's PATH is only /usr/bin:/bin), else nvm's newest.
ecr_find_node() {
  local candidate
  for candidate in "${ECR_NODE:-}" "$(command -v node 2>/dev/null)" /usr/local/bin/node /usr/bin/node /opt/node/bin/node; do
    if [[ -n $candidate && -x $candidate ]]; then
      ECR_NODE_BIN=$candidate
      return 0
    fi
  done
  # shellcheck disable=SC2012
  candidate=$(ls -d "${HOME:-/nonexistent}"/.nvm/versions/node/v*/bin/node 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $candidate && -x $candidate ]]; then
    ECR_NODE_BIN=$candidate
    return 0
  fi
  printf '%s: node not found: install Node.js (24 LTS; 20 or later), or set ECR_NODE to its path (e.g. ECR_NODE=/usr/local/bin/node)\n' "$1" >&2
  exit 1
}

# ecr_run <command> [args...]: the CLI, compiled when built (packages/cli/dist/main.js) unless ECR_RUNTIME=source,
# else its sources through tsx: the same rule the CLI applies to the programs.
ecr_run() {
  ecr_find_node "$1"
  local compiled=$ECR_ROOT/packages/cli/dist/main.js
  if [[ ${ECR_RUNTIME:-} != source && (-f $compiled || ${ECR_RUNTIME:-} == compiled) ]]; then
    exec "$ECR_NODE_BIN" "$compiled" "$@"
  fi
  # tsx is found from the working directory: run from the root; a relative ECR_DATA_DIR is the caller's.
  export ECR_CALLER_DIR=$PWD
  cd "$ECR_ROOT" || exit 1
  exec "$ECR_NODE_BIN" --conditions=source --import tsx "$ECR_ROOT/packages/cli/src/main.ts" "$@"
}

# Run on its own (scripts/lib/ecr.sh status), it is the CLI itself.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -u
  ecr_run "$@"
fi
