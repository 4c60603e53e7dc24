#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs Wireshark's own source checkers over every dissector source of the
# plugin, as Wireshark's pre-commit hook and CI run them over its dissectors:
# checkAPIs.pl, checkhf.pl, checkfiltername.pl, fix-encoding-args.pl,
# check_typed_item_calls.py and check_tfs.py. Any finding fails.
#
# The checkers come from the Debian source package of the installed
# Wireshark (the tools of the very version the plugin builds against),
# fetched with a private apt configuration (no change to the system's) into
# a cache folder: $KQ1_LINT_CACHE, default ~/.cache/kq1-lint. Nothing of
# Wireshark is copied into this repository.
#
# Usage: scripts/lint.sh [FILE...]   (default: every .c and .h under plugin/)
# Exit status: 0 clean, 1 findings, 2 a tool missing, 77 the source package
# cannot be downloaded (skipped).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${KQ1_LINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kq1-lint}

for tool in perl python3 apt-get dpkg-query tar; do
    command -v "$tool" >/dev/null || {
        echo "lint: $tool is missing (scripts/install-deps.sh test installs it)" >&2
        exit 2
    }
done

# The source version (a binary rebuild such as 4.6.9-1+b1 comes from 4.6.9-1).
version=$(dpkg-query -W -f '${source:Version}' libwireshark-dev 2>/dev/null) || {
    echo "lint: libwireshark-dev is not installed (scripts/install-deps.sh build)" >&2
    exit 2
}
tools_dir="$cache/$version"

# --- fetch the checkers once per Wireshark version -------------------------
if [ ! -f "$tools_dir/.complete" ]; then
    echo "lint: fetching Wireshark $version's checkers (Debian source package) into $tools_dir"
    rm -rf "$tools_dir"
    apt_dir="$tools_dir/apt"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts" "$apt_dir/cache/archives/partial" "$tools_dir/download"
    # The system's package sources, as source sources.
    : > "$apt_dir/sources.list"
    if [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb \(.*\)$/deb-src \1/p' /etc/apt/sources.list >> "$apt_dir/sources.list"
    fi
    for f in /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && sed -n 's/^deb \(.*\)$/deb-src \1/p' "$f" >> "$apt_dir/sources.list"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && sed 's/^Types:.*$/Types: deb-src/' "$f" > "$apt_dir/parts/$(basename "$f")"
    done
    apt="apt-get -q -o Dir::Etc::sourcelist=$apt_dir/sources.list -o Dir::Etc::sourceparts=$apt_dir/parts
         -o Dir::State::lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache -o Debug::NoLocking=1
         -o APT::Sandbox::User=$(id -un)"
    $apt update >/dev/null
    if ! (cd "$tools_dir/download" && $apt source --download-only "wireshark=$version" >/dev/null); then
        # Exit code 77: ctest reports the test as skipped, not passed.
        echo "lint: SKIPPED: no wireshark source package $version in the system's package sources" \
             "(read as deb-src): Wireshark's checkers of this version cannot be fetched here" >&2
        rm -rf "$tools_dir"
        exit 77
    fi
    orig=$(ls "$tools_dir"/download/wireshark_*.orig.tar.* | head -n 1)
    mkdir -p "$tools_dir/src"
    # Only the checkers and the one table check_tfs.py compares against.
    tar -xf "$orig" -C "$tools_dir/src" --strip-components=1 --wildcards \
        '*/tools/checkAPIs.pl' '*/tools/checkhf.pl' '*/tools/checkfiltername.pl' \
        '*/tools/fix-encoding-args.pl' '*/tools/check_typed_item_calls.py' '*/tools/check_tfs.py' \
        '*/epan/tfs.c'
    rm -rf "$apt_dir" "$tools_dir/download"
    touch "$tools_dir/.complete"
fi
src="$tools_dir/src"

# --- the files: every C source and header of the dissector -----------------
if [ $# -gt 0 ]; then
    files=$(for f in "$@"; do (cd "$(dirname "$f")" && echo "$(pwd)/$(basename "$f")"); done)
else
    files=$(find "$repo/plugin" -name '*.[ch]' | sort)
fi
c_files=$(echo "$files" | grep '\.c$' || true)

failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# run NAME COMMAND...: a checker found something when it exits non-zero or
# says anything beyond its own preamble and a zero count ("0 warnings"): the
# Perl checkers print nothing when clean, the Python ones list the files they
# examined first.
run() {
    name=$1
    shift
    status=0
    (cd "$src" && "$@") > "$out" 2>&1 || status=$?
    said=$(awk '/^Examining:$/ { skip = 2 } skip > 0 { skip--; next } !/^(0 [a-z ]+|[[:space:]]*)$/' "$out")
    if [ "$status" -ne 0 ] || [ -n "$said" ]; then
        echo "lint: $name (exit $status):"
        sed 's/^/    /' "$out"
        failed=1
    else
        echo "lint: $name: clean"
    fi
}

file_args=$(for f in $c_files; do printf -- '--file %s ' "$f"; done)
# shellcheck disable=SC2086
{
    run "checkAPIs.pl -p --group dissectors-prohibited --group dissectors-restricted" \
        perl tools/checkAPIs.pl -p --group dissectors-prohibited --group dissectors-restricted $files
    run "checkhf.pl" perl tools/checkhf.pl $c_files
    run "checkfiltername.pl" perl tools/checkfiltername.pl $c_files
    run "fix-encoding-args.pl" perl tools/fix-encoding-args.pl $c_files
    run "check_typed_item_calls.py --consecutive --label --mask --missing-items" \
        python3 tools/check_typed_item_calls.py --consecutive --label --mask --missing-items $file_args
    run "check_tfs.py" python3 tools/check_tfs.py $file_args
}

if [ "$failed" -ne 0 ]; then
    echo "lint: Wireshark's checkers found something (above)" >&2
    exit 1
fi
echo "lint: all of Wireshark's checkers are silent on $(echo "$files" | wc -l) files"
