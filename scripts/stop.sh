#!/usr/bin/env bash
# Stops tp-manager and the supervisor (or the one named) with their whole process trees: SIGTERM, then SIGKILL
# after ECR_STOP_WAIT_S (8) seconds. Stale pid files are removed. Usage: scripts/stop.sh [tp-manager|supervisor]
set -u
ECR_PROG=stop
ECR_USAGE="usage: scripts/stop.sh [tp-manager|supervisor] [-h|--help]
Stops both programs (or the one named) with their process trees: SIGTERM, then SIGKILL after
\$ECR_STOP_WAIT_S (8) seconds. Data directory: \$ECR_DATA_DIR, else data/ beside scripts/."
# shellcheck source-path=SCRIPTDIR source=lib/ecr.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/ecr.sh"

# The supervisor first: it would otherwise log that tp-manager went away.
ecr_args names "$@"
names=(supervisor tp-manager)
((${#ECR_ARG_NAMES[@]} == 0)) || names=("${ECR_ARG_NAMES[@]}")

ecr_init_paths
ecr_lock wait
ecr_wait_switch

status=0
for name in "${names[@]}"; do
  if pid=$(ecr_running_pid "$name"); then
    ecr_stop_pid "$name" "$pid"
    if ecr_is_program "$pid" "$name"; then
      say "$name: could not be stopped (pid $pid)"
      status=1
    else
      say "$name: $ECR_STOP_HOW (pid $pid)"
    fi
  else
    say "$name: not running"
  fi
done
exit $status
