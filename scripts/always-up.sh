#!/usr/bin/env bash
# Watchdog, run by cron every 2 minutes (or every minute): starts whichever program is missing; restarts the
# supervisor when it no longer answers GET /health. Silent when all is well (cron mails any output); otherwise
# one line per action, also appended to <data>/logs/always-up.log. Two runs at the same moment are harmless:
# the second one finds the lock taken and exits quietly. (ecr always-up: packages/cli)
#   crontab -e:   */2 * * * * /opt/ecr/scripts/always-up.sh
set -u
# shellcheck source-path=SCRIPTDIR source=lib/ecr.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/ecr.sh"
ecr_run always-up "$@"
