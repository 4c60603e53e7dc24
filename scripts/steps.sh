# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the README's two commands: each step prints one line, and what
# its commands print (apt, CMake, the compiler) goes to a log file, shown in
# full only when the step fails.
#   KQ1_LOG=build/setup.log; . scripts/steps.sh; step "building" cmake --build build

: "${KQ1_LOG:?KQ1_LOG names the log file}"
mkdir -p "$(dirname "$KQ1_LOG")"
: > "$KQ1_LOG"
export KQ1_LOG

# step WHAT COMMAND...: runs COMMAND, its output into the log; on failure
# prints that output, says where the log is, and exits with its status.
step() {
    step_what=$1
    shift
    echo "$step_what..."
    step_out=$(mktemp)
    step_status=0
    "$@" >"$step_out" 2>&1 || step_status=$?
    { echo "== $step_what: $*"; cat "$step_out"; } >> "$KQ1_LOG"
    if [ "$step_status" -ne 0 ]; then
        cat "$step_out" >&2
        rm -f "$step_out"
        echo "$step_what failed (exit $step_status); everything is in $KQ1_LOG" >&2
        exit "$step_status"
    fi
    rm -f "$step_out"
}
