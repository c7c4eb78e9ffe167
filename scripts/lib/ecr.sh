# shellcheck shell=bash
# Shared helpers of launch.sh, stop.sh and always-up.sh (bash; sourced, never run on its own).
#
# The two programs run detached, each in its own session and process group, so that stopping one stops its
# whole tree and nothing else. Each program writes <data>/run/<name>.pid itself; the launcher writes the same
# file at once so that no second copy can slip in while the first is still loading. All three scripts take
# one lock (<data>/run/always-up.lock), so a cron run and a technician's launch never race.

ECR_NAMES=(tp-manager supervisor)
# node flags of both programs: NODE_RUNTIME_FLAGS in packages/common/src/process-main.ts (keep in step).
ECR_NODE_FLAGS=(--max-semi-space-size=1)
ECR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)

# The script's name, prefixed to messages that are not about one program ("always-up: ...").
ECR_PROG=${ECR_PROG:-ecr}
# When set, every message is also appended to this file (always-up keeps a trace: cron mail is often unread).
ECR_TRACE_FILE=

say() {
  printf '%s\n' "$*"
  if [[ -n $ECR_TRACE_FILE ]]; then
    printf '%s %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$*" >>"$ECR_TRACE_FILE" 2>/dev/null || true
  fi
}

die() {
  say "$ECR_PROG: $*" >&2
  exit 1
}

# --- arguments --------------------------------------------------------------------------------------------

# Prints a usage mistake and the usage (ECR_USAGE, set by the script) on stderr; exit status 2.
ecr_usage_error() {
  printf '%s: %s\n%s\n' "$ECR_PROG" "$1" "$ECR_USAGE" >&2
  exit 2
}

# ecr_args names|none "$@": the scripts' arguments, all read before anything is done. -h or --help prints
# ECR_USAGE on stdout and exits 0 (nothing started, nothing written); an unknown option or argument exits 2
# with the usage on stderr. "names": launch and stop take at most one program's name, set in ECR_ARG_NAMES
# (empty: both programs).
ecr_args() {
  local takes=$1
  shift
  ECR_ARG_NAMES=()
  while (($# > 0)); do
    case $1 in
      -h | --help)
        printf '%s\n' "$ECR_USAGE"
        exit 0
        ;;
      -*) ecr_usage_error "unknown option '$1'" ;;
      *)
        [[ $takes == names ]] || ecr_usage_error "unexpected argument '$1'"
        ((${#ECR_ARG_NAMES[@]} == 0)) || ecr_usage_error "one program at most, got '${ECR_ARG_NAMES[0]}' and '$1'"
        ecr_check_name "$1"
        ECR_ARG_NAMES=("$1")
        ;;
    esac
    shift
  done
}

# --- where things are -------------------------------------------------------------------------------------

# The data directory: ECR_DATA_DIR when set (relative to the current directory, as the programs take it),
# else data/ at the delivery root. Exported as an absolute path so the programs, started from the root, agree.
ecr_init_paths() {
  local dir=${ECR_DATA_DIR:-}
  dir=${dir#"${dir%%[![:space:]]*}"}
  dir=${dir%"${dir##*[![:space:]]}"}
  if [[ -z $dir ]]; then
    dir=$ECR_ROOT/data
  elif [[ $dir != /* ]]; then
    dir=$PWD/$dir
  fi
  [[ -d $dir ]] || die "data directory $dir does not exist: create it with a config.txt, or set ECR_DATA_DIR"
  ECR_DATA=$(cd "$dir" && pwd -P)
  export ECR_DATA_DIR=$ECR_DATA
  ECR_RUN=$ECR_DATA/run
  ECR_LOGS=$ECR_DATA/logs
  mkdir -p "$ECR_RUN" "$ECR_LOGS" 2>/dev/null || die "cannot create $ECR_RUN and $ECR_LOGS: check the owner of $ECR_DATA"
}

# Node.js: ECR_NODE, else the PATH, else the usual places (cron's PATH is only /usr/bin:/bin).
ecr_find_node() {
  local candidate
  for candidate in "${ECR_NODE:-}" "$(command -v node 2>/dev/null)" /usr/local/bin/node /usr/bin/node /opt/node/bin/node; do
    if [[ -n $candidate && -x $candidate ]]; then
      ECR_NODE_BIN=$candidate
      return 0
    fi
  done
  # nvm installs: the newest one.
  # shellcheck disable=SC2012
  candidate=$(ls -d "${HOME:-/nonexistent}"/.nvm/versions/node/v*/bin/node 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $candidate && -x $candidate ]]; then
    ECR_NODE_BIN=$candidate
    return 0
  fi
  die "node not found: install Node.js (24 LTS; 20 or later), or set ECR_NODE to its path (e.g. ECR_NODE=/usr/local/bin/node)"
}

ecr_check_name() {
  local name
  for name in "${ECR_NAMES[@]}"; do
    [[ $1 == "$name" ]] && return 0
  done
  ecr_usage_error "unknown program '$1': expected tp-manager or supervisor (or nothing for both)"
}

# Where the programs run from: <data>/releases/current when the daily maintenance installed a release there
# (packages/supervisor/src/maintenance/README.md), else this delivery.
ecr_program_root() {
  local current=$ECR_DATA/releases/current
  if [[ -d $current/packages ]]; then
    (cd "$current" && pwd -P)
  else
    printf '%s\n' "$ECR_ROOT"
  fi
}

# The command line of a program (ECR_CMD) and where it runs (ECR_CWD): compiled JavaScript when
# packages/<name>/dist/<entry>.js exists, else the TypeScript sources through tsx. ECR_RUNTIME=compiled|source
# forces one. The entry is main (the program) unless named (health-check: the watchdog's probe).
ecr_command() {
  local name=$1 entry=${2:-main} root compiled source runtime=${ECR_RUNTIME:-auto}
  root=$(ecr_program_root)
  compiled=$root/packages/$name/dist/$entry.js
  source=$root/packages/$name/src/$entry.ts
  case $runtime in
    auto) if [[ -f $compiled ]]; then runtime=compiled; else runtime=source; fi ;;
    compiled | source) ;;
    *) die "ECR_RUNTIME=$runtime is not a runtime: expected compiled, source, or nothing (compiled when built)" ;;
  esac
  ECR_CWD=$root
  if [[ $runtime == compiled ]]; then
    [[ -f $compiled ]] || die "$compiled is missing: run npm run build first"
    ECR_CMD=("$ECR_NODE_BIN" "${ECR_NODE_FLAGS[@]}" "$compiled")
  else
    [[ -f $source ]] || die "$source is missing: this delivery is incomplete"
    [[ -e $root/node_modules/tsx ]] || die "tsx is not installed in $root: run npm ci (or npm run build to use compiled JavaScript)"
    ECR_CMD=("$ECR_NODE_BIN" "${ECR_NODE_FLAGS[@]}" --conditions=source --import tsx "$source")
  fi
}

# True while the daily maintenance's switch runner stops and starts the programs (run/maintenance-switch.pid
# names a live switch-runner): the scripts leave the programs alone meanwhile. Sets ECR_SWITCH_PID.
ecr_switch_busy() {
  local args
  ECR_SWITCH_PID=$(head -n 1 "$ECR_RUN/maintenance-switch.pid" 2>/dev/null | tr -dc '0-9')
  [[ -n $ECR_SWITCH_PID ]] || return 1
  args=$(ps -o args= -p "$ECR_SWITCH_PID" 2>/dev/null) || return 1
  [[ $args == *switch-runner* ]]
}

# Waits up to ECR_LOCK_WAIT_S (60) for a release switch to end (launch, stop).
ecr_wait_switch() {
  local i limit=$((${ECR_LOCK_WAIT_S:-60} * 5))
  for ((i = 0; i < limit; i++)); do
    ecr_switch_busy || return 0
    ((i == 0)) && say "$ECR_PROG: the daily maintenance is switching releases (pid $ECR_SWITCH_PID): waiting for it"
    sleep 0.2
  done
  die "the daily maintenance is still switching releases (pid $ECR_SWITCH_PID) after ${ECR_LOCK_WAIT_S:-60} s: try again later"
}

# --- the lock ---------------------------------------------------------------------------------------------

# ecr_lock wait|try: takes <data>/run/always-up.lock on fd 9. "try" returns 1 at once if it is taken.
# The programs never inherit fd 9 (see ecr_start), so the lock ends with the script.
ecr_lock() {
  command -v flock >/dev/null 2>&1 || die "flock not found: install util-linux"
  exec 9>>"$ECR_RUN/always-up.lock" || die "cannot open $ECR_RUN/always-up.lock"
  if [[ $1 == try ]]; then
    flock -n 9
  else
    flock -w "${ECR_LOCK_WAIT_S:-60}" 9 || die "another launch, stop or always-up still holds $ECR_RUN/always-up.lock after ${ECR_LOCK_WAIT_S:-60} s"
  fi
}

# --- which process is which -------------------------------------------------------------------------------

ecr_pid_file() { printf '%s/%s.pid\n' "$ECR_RUN" "$1"; }

# True when <pid> is alive (not a zombie) and its command line is program <name>: a pid file can outlive its
# process and the pid be reused by anything.
ecr_is_program() {
  local pid=$1 name=$2 line stat args
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  line=$(ps -o stat= -o args= -p "$pid" 2>/dev/null) || return 1
  read -r stat args <<<"$line"
  [[ -n $stat && $stat != Z* ]] || return 1
  [[ $args == *"packages/$name/dist/main.js"* || $args == *"packages/$name/src/main.ts"* ]]
}

# True when <pid> (command line <args>) belongs to this data directory: its environment names it, or names
# none and it runs from this delivery, whose default data directory this is. Linux /proc; elsewhere, never.
ecr_uses_this_data() {
  local environ value
  environ=$(tr '\0' '\n' 2>/dev/null </proc/"$1"/environ) || return 1
  [[ -n $environ ]] || return 1
  value=$(sed -n 's/^ECR_DATA_DIR=//p' <<<"$environ" | head -n 1)
  if [[ -z $value ]]; then
    [[ $ECR_DATA == "$ECR_ROOT/data" && $2 == *"$ECR_ROOT/packages/"* ]]
  else
    [[ $value == "$ECR_DATA" || $(cd "$value" 2>/dev/null && pwd -P) == "$ECR_DATA" ]]
  fi
}

# Prints the pid of the running program <name> of this data directory and returns 0, or returns 1.
# The pid file comes first; a process of ours without one (its file deleted by hand) is found by its command
# line and environment (it may run from a release in <data>/releases), and its pid file written again. A stale pid file is removed.
ecr_running_pid() {
  local name=$1 file pid candidate args
  file=$(ecr_pid_file "$name")
  pid=$(head -n 1 "$file" 2>/dev/null | tr -dc '0-9')
  if [[ -n $pid ]] && ecr_is_program "$pid" "$name"; then
    printf '%s\n' "$pid"
    return 0
  fi
  [[ -e $file ]] && rm -f "$file"
  while read -r candidate args; do
    [[ $candidate == "$$" ]] && continue
    [[ $args == *"packages/$name/"* ]] || continue
    if ecr_is_program "$candidate" "$name" && ecr_uses_this_data "$candidate" "$args"; then
      printf '%s\n' "$candidate" >"$file"
      printf '%s\n' "$candidate"
      return 0
    fi
  done < <(ps -e -o pid= -o args= 2>/dev/null)
  return 1
}

# Seconds since <pid> started (a large number when ps cannot tell).
ecr_age_s() {
  local age
  age=$(ps -o etimes= -p "$1" 2>/dev/null | tr -dc '0-9')
  printf '%s\n' "${age:-999999}"
}

# --- starting ---------------------------------------------------------------------------------------------

ecr_file_size() { if [[ -f $1 ]]; then wc -c <"$1" | tr -dc '0-9'; else echo 0; fi; }

# Keeps <data>/logs/<name>.out under ECR_OUT_MAX_BYTES (10 MB): the daily logs hold the history, the .out file
# is for what a program says before its logger runs or when it crashes. The programs append (O_APPEND), so
# truncating under a running one is safe; the previous content is kept as <name>.out.1.
ecr_trim_out() {
  local out=$ECR_LOGS/$1.out
  (($(ecr_file_size "$out") > ${ECR_OUT_MAX_BYTES:-10485760})) || return 0
  cp -f "$out" "$out.1" 2>/dev/null && : >"$out"
}

# ecr_spawn <name>: starts the program detached (spawn-detached.js: own session and process group, stdin from
# /dev/null, output appended to <data>/logs/<name>.out, pid file written at once); sets ECR_PID, ECR_OUT_OFFSET.
ecr_spawn() {
  local name=$1 spawned
  ecr_command "$name"
  ecr_trim_out "$name"
  spawned=$("$ECR_NODE_BIN" "$ECR_ROOT/scripts/lib/spawn-detached.js" "$ECR_LOGS/$name.out" "$(ecr_pid_file "$name")" \
    "=== $(date '+%Y-%m-%dT%H:%M:%S%z'): $ECR_PROG starting $name from $ECR_CWD" "$ECR_CWD" "${ECR_CMD[@]}" 9>&-) || return 1
  read -r ECR_PID ECR_OUT_OFFSET <<<"$spawned"
  [[ $ECR_PID =~ ^[0-9]+$ ]]
}

# ecr_start <prefix> <name>...: starts the named programs together, then waits until each says it is ready,
# stops (its reason in one line), or ECR_START_WAIT_S (20) pass. One line per program. Returns 1 if any stopped.
ecr_start() {
  local prefix=$1 name status=0 line
  shift
  local -a waiting=()
  for name in "$@"; do
    if ecr_spawn "$name"; then
      waiting+=("$name" "$ECR_PID" "$ECR_OUT_OFFSET")
    else
      say "$prefix$name: could not be started; see $ECR_LOGS/$name.out"
      status=1
    fi
  done
  ((${#waiting[@]} > 0)) || return $status
  # The waiter's exit status comes as a last line: a process substitution's status is not otherwise at hand.
  local waited=
  while IFS= read -r line; do
    if [[ $line == ecr-await-exit=* ]]; then waited=${line#*=}; else say "$line"; fi
  done < <("$ECR_NODE_BIN" "$ECR_ROOT/scripts/lib/await-start.js" "$ECR_DATA" "${ECR_START_WAIT_S:-20}" "$prefix" "${waiting[@]}" 9>&-; echo "ecr-await-exit=$?")
  [[ $waited == 0 ]] || status=1
  return $status
}

# --- stopping ---------------------------------------------------------------------------------------------

# The live (non-zombie) members of process group <pgid>.
ecr_group_members() {
  ps -e -o pid= -o pgid= -o stat= 2>/dev/null | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'
}

# <pid> and all its live descendants.
ecr_tree() {
  ps -e -o pid= -o ppid= -o stat= 2>/dev/null | awk -v root="$1" '
    $3 !~ /^Z/ { parent[$1] = $2; alive[$1] = 1 }
    END {
      for (p in alive) {
        for (q = p; q != "" && q > 1; q = parent[q]) if (q == root) { print p; break }
      }
    }'
}

# The live members of what ecr_stop_pid signals: "group <pgid>" or "tree <pid>...".
ecr_alive() {
  local mode=$1 p
  shift
  if [[ $mode == group ]]; then
    ecr_group_members "$1"
    return
  fi
  for p in "$@"; do
    [[ $(ps -o stat= -p "$p" 2>/dev/null) =~ ^[^Z] ]] && echo "$p"
  done
}

# ecr_stop_pid <name> <pid>: SIGTERM to its process group (or, for a program that does not lead its group,
# e.g. one started by npm start, to its tree), up to ECR_STOP_WAIT_S (8) seconds, then SIGKILL to whatever is
# left. Sets ECR_STOP_HOW to "stopped" or "killed (...)".
ecr_stop_pid() {
  local name=$1 pid=$2 pgid i limit left file
  local -a target
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -dc '0-9')
  if [[ $pgid == "$pid" ]]; then
    target=(group "$pgid")
    kill -TERM -- "-$pgid" 2>/dev/null
    kill -CONT -- "-$pgid" 2>/dev/null # a suspended process cannot act on SIGTERM
  else
    # shellcheck disable=SC2207
    target=(tree $(ecr_tree "$pid"))
    kill -TERM "${target[@]:1}" 2>/dev/null
    kill -CONT "${target[@]:1}" 2>/dev/null
  fi
  # shellcheck disable=SC2034 # read by the scripts
  ECR_STOP_HOW=stopped
  limit=$((${ECR_STOP_WAIT_S:-8} * 10))
  for ((i = 0; i < limit; i++)); do
    left=$(ecr_alive "${target[@]}")
    [[ -z $left ]] && break
    sleep 0.1
  done
  if [[ -n $left ]]; then
    # shellcheck disable=SC2034
    ECR_STOP_HOW="killed (no clean stop within ${ECR_STOP_WAIT_S:-8} s)"
    [[ ${target[0]} == group ]] && kill -KILL -- "-$pgid" 2>/dev/null
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
    for ((i = 0; i < 30; i++)); do
      [[ -z $(ecr_alive "${target[@]}") ]] && break
      sleep 0.1
    done
  fi
  file=$(ecr_pid_file "$name")
  [[ $(head -n 1 "$file" 2>/dev/null) == "$pid" ]] && rm -f "$file"
  return 0
}
