#!/usr/bin/env bash
# Watchdog, run by cron every 2 minutes (or every minute): starts whichever program is missing; restarts the
# supervisor when it no longer answers GET /health. Silent when all is well (cron mails any output); otherwise
# one line per action, also appended to <data>/logs/always-up.log. Two runs at the same moment are harmless:
# the second one finds the lock taken and exits quietly.
#   crontab -e:   */2 * * * * /opt/ecr/scripts/always-up.sh
set -u
ECR_PROG=always-up
ECR_USAGE="usage: scripts/always-up.sh [-h|--help]
The watchdog (cron, every 2 minutes): starts whichever program is missing, restarts a supervisor that no
longer answers GET /health. Silent when all is well. Data directory: \$ECR_DATA_DIR, else data/ beside scripts/."
# shellcheck source-path=SCRIPTDIR source=lib/ecr.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/ecr.sh"

ecr_args none "$@"
ecr_init_paths
ecr_find_node
ECR_TRACE_FILE=$ECR_LOGS/always-up.log
ecr_lock try || exit 0
# The daily maintenance is restarting the programs itself (a release switch): not ours to judge now.
ecr_switch_busy && exit 0

# A supervisor younger than this may still be opening its port: not judged yet.
grace_s=${ECR_HEALTH_GRACE_S:-30}

missing=()
for name in "${ECR_NAMES[@]}"; do
  ecr_trim_out "$name"
  if ! pid=$(ecr_running_pid "$name"); then
    missing+=("$name")
    continue
  fi
  [[ $name == supervisor ]] || continue # tp-manager: alive by its pid
  (($(ecr_age_s "$pid") >= grace_s)) || continue
  ecr_command supervisor health-check
  reason=$(cd "$ECR_CWD" && "${ECR_CMD[@]}" 2>&1)
  case $? in
    0) ;;
    2) say "always-up: cannot check the supervisor's health: $reason" ;;
    # The supervisor answers but cannot take payments (tp-manager, its journal): restarting it would not help.
    3) say "always-up: supervisor (pid $pid) $reason" ;;
    *)
      ecr_stop_pid supervisor "$pid"
      say "always-up: supervisor (pid $pid) $reason: $ECR_STOP_HOW"
      missing+=(supervisor)
      ;;
  esac
done
((${#missing[@]} > 0)) || exit 0
ecr_switch_busy && exit 0
ecr_start "always-up: " "${missing[@]}"
