#!/usr/bin/env bash
# Stops tp-manager and the supervisor (or the one named) with their whole process trees: a stop request and
# SIGTERM, then SIGKILL after ECR_STOP_WAIT_S (8) seconds. Usage: scripts/stop.sh [tp-manager|supervisor]
# (ecr stop: packages/cli)
set -u
# shellcheck source-path=SCRIPTDIR source=lib/ecr.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/ecr.sh"
ecr_run stop "$@"
