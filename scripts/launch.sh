#!/usr/bin/env bash
# Starts tp-manager and the supervisor (or the one named) in the background, detached from this terminal.
# Usage: scripts/launch.sh [tp-manager|supervisor]   (ecr launch: packages/cli)
# Each program's console output is appended to <data>/logs/<name>.out. A program that stops during its start
# is reported in one line (its reason) and the exit status is 1. A running program is never started twice.
set -u
# shellcheck source-path=SCRIPTDIR source=lib/ecr.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/ecr.sh"
ecr_run launch "$@"
