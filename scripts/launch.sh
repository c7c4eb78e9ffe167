#!/usr/bin/env bash
# Starts tp-manager and the supervisor (or the one named) in the background, detached from this terminal.
# Usage: scripts/launch.sh [tp-manager|supervisor]
# Each program's console output is appended to <data>/logs/<name>.out. A program that stops during its start
# is reported in one line (its reason) and the exit status is 1. A running program is never started twice.
set -u
ECR_PROG=launch
ECR_USAGE="usage: scripts/launch.sh [tp-manager|supervisor] [-h|--help]
Starts both programs (or the one named) in the background; a running program is not started twice.
Data directory: \$ECR_DATA_DIR, else data/ beside scripts/. Node: \$ECR_NODE, else the PATH."
# shellcheck source-path=SCRIPTDIR source=lib/ecr.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/ecr.sh"

ecr_args names "$@"
names=("${ECR_NAMES[@]}")
((${#ECR_ARG_NAMES[@]} == 0)) || names=("${ECR_ARG_NAMES[@]}")

ecr_init_paths
ecr_find_node
ecr_lock wait
ecr_wait_switch

to_start=()
for name in "${names[@]}"; do
  if pid=$(ecr_running_pid "$name"); then
    say "$name: already running (pid $pid): not starting a second copy (scripts/stop.sh $name stops it)"
  else
    to_start+=("$name")
  fi
done
((${#to_start[@]} > 0)) || exit 0

status=0
ecr_start "" "${to_start[@]}" || status=1
say "logs: $ECR_LOGS"
exit $status
