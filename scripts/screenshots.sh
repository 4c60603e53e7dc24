#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Takes the README's four pictures in the real Wireshark GUI, on a virtual
# X display of its own (Xvfb), driven with xdotool, captured with ImageMagick:
#   docs/images/kq1-tree.png           the main window, display filter "kq1",
#                                      over samples/kq1-upon-request.pcapng,
#                                      frame 6 (a response to a key request,
#                                      two key files) selected, its Kq-1 tree
#                                      expanded
#   docs/images/kq1-statistics.png     Statistics > Kq-1 over
#                                      samples/kq1-analysis.pcapng
#   docs/images/kq1-srt.png            Statistics > Service Response Time > Kq-1
#                                      over samples/kq1-analysis.pcapng: rows
#                                      Key request and Key supply, all columns
#   docs/images/kq1-conversations.png  Statistics > Conversations over
#                                      samples/kq1-two-nodes.pcapng, its Kq-1
#                                      tab: QKDM-Alice-01 / 127.0.0.1:4162 and
#                                      QKDM-Bob-01 / 127.0.0.2:4162
# A developer tool, not part of the test suite. Run it from anywhere, as an
# ordinary user or as root, after building the plugin:
#   scripts/screenshots.sh [PLUGIN_DIR]
# PLUGIN_DIR is a plugin folder holding <major>.<minor>/epan/kq1.so; it
# defaults to build/plugins, where the build stages the plugin. It installs
# nothing: when a program is missing it names the Debian packages to install.
# As root, Wireshark would ignore PLUGIN_DIR, so the GUI runs as nobody with
# copies of the plugin and the captures; tshark -G plugins, run the same way,
# first proves that it loads that kq1.so. Wireshark runs with a fresh
# configuration in a temporary folder (your own profile is neither read nor
# changed); the Xvfb, Wireshark and that folder are removed on exit, whatever
# happens. It takes about 40 seconds.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ]; then
    plugin_dir=$(cd "$1" 2>/dev/null && pwd) || { echo "screenshots.sh: no folder $1" >&2; exit 2; }
else
    plugin_dir=$root/build/plugins
fi
images=$root/docs/images
tree_capture=$root/samples/kq1-upon-request.pcapng
tree_frame=6
stats_capture=$root/samples/kq1-analysis.pcapng   # also the one for the SRT picture
conv_capture=$root/samples/kq1-two-nodes.pcapng

# The main window's size; the layout is fixed by the recent files written
# below: packet list on top (gui.geometry_main_upper_pane pixels high), packet
# details below it over the full width, no bytes pane, status bar at the bottom.
main_width=1280 main_height=800
stats_width=860 stats_height=460
# The response time dialog opens at 587x459, which hides its columns from Min
# in Frame on; 1200 pixels show all eleven, up to Repeated Responses, and two
# rows need little height.
srt_width=1200 srt_height=300
# The Conversations dialog's own default size, made explicit: the clicks in
# it below (filter field, check box) are at places that depend on it.
conv_width=1280 conv_height=600

[ "$(id -u)" -eq 0 ] && as_root=1 || as_root=0

# What it needs: program, then the Debian package that has it.
# shellcheck source=/dev/null
. /etc/os-release 2>/dev/null || true
case ${VERSION_CODENAME:-} in
    bookworm|trixie) gui_package=wireshark-qt ;;   # Debian 12, 13
    *)               gui_package=wireshark ;;      # sid (and later releases)
esac
missing=""
need() {
    command -v "$1" >/dev/null 2>&1 || case " $missing " in *" $2 "*) ;; *) missing="$missing $2" ;; esac
}
need wireshark "$gui_package"
need tshark tshark
need Xvfb xvfb
need xdotool xdotool
need import imagemagick
need timeout coreutils
[ "$as_root" -eq 1 ] && need setpriv util-linux
if [ -n "$missing" ]; then
    missing=${missing# }
    [ "$as_root" -eq 1 ] && sudo="" || sudo="sudo "
    case $missing in *" "*) them=them ;; *) them=it ;; esac
    echo "screenshots.sh needs: $missing; install $them with: ${sudo}apt-get install $missing" >&2
    exit 1
fi
versions=""   # the <major>.<minor> folders that hold an epan/kq1.so
for plugin in "$plugin_dir"/*/epan/kq1.so; do
    [ -f "$plugin" ] && versions="$versions $(basename "$(dirname "$(dirname "$plugin")")")"
done
versions=${versions# }
if [ -z "$versions" ]; then
    echo "screenshots.sh: no <major>.<minor>/epan/kq1.so in $plugin_dir; build the plugin first (see README.md) or name a plugin folder" >&2
    exit 2
fi
for capture in "$tree_capture" "$stats_capture" "$conv_capture"; do
    [ -r "$capture" ] || { echo "screenshots.sh: cannot read $capture" >&2; exit 2; }
done

tmp=$(mktemp -d)
xvfb_pid="" ws_pid=""
stop() {   # stop PID: ends one process this script started, and waits for it
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || return 0
    n=0
    while kill -0 "$1" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    stop "$ws_pid"
    stop "$xvfb_pid"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "screenshots.sh: interrupted" >&2; exit 130' INT
trap 'echo "screenshots.sh: terminated" >&2; exit 143' TERM
trap 'echo "screenshots.sh: hung up" >&2; exit 129' HUP

log=$tmp/steps.log
: > "$log"
fail() {
    echo "screenshots.sh: $*" >&2
    if [ -s "$log" ]; then
        echo "-- its last output:" >&2
        tail -n 20 "$log" >&2
    fi
    exit 1
}

# A home of its own for Wireshark: no personal profile, plugins or recent files.
home=$tmp/home
mkdir -p "$home/.config/wireshark" "$home/xdg" "$tmp/out"
chmod 700 "$home/xdg"
cat > "$home/.config/wireshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $main_width
gui.geometry_main_height: $main_height
gui.geometry_main_maximized: FALSE
EOF
cat > "$home/.config/wireshark/recent" <<'EOF'
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: 140
column.width:
    %m, 45,
    %t, 95,
    %s, 80,
    %d, 80,
    %p, 60,
    %L, 55,
    %i, -1
EOF

if [ "$as_root" -eq 1 ]; then
    # Wireshark and tshark ignore WIRESHARK_PLUGIN_DIR as root: run them as
    # nobody, on copies that nobody can read, in a home that nobody owns.
    chmod 755 "$tmp"
    for version in $versions; do
        mkdir -p "$tmp/plugins/$version/epan"
        cp "$plugin_dir/$version/epan/kq1.so" "$tmp/plugins/$version/epan/kq1.so"
    done
    mkdir "$tmp/captures"
    cp "$tree_capture" "$stats_capture" "$conv_capture" "$tmp/captures/"
    tree_capture=$tmp/captures/$(basename "$tree_capture")
    stats_capture=$tmp/captures/$(basename "$stats_capture")
    conv_capture=$tmp/captures/$(basename "$conv_capture")
    chmod -R a+rX "$tmp/plugins" "$tmp/captures"
    chown -R nobody:nogroup "$home"
    loaded_from=$tmp/plugins
    as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    who="nobody"
else
    loaded_from=$plugin_dir
    as_user=""
    who="$(id -un)"
fi
display=""   # set once Xvfb runs
# run COMMAND...: runs it as the GUI's user, in the GUI's environment only;
# run_exec COMMAND... does the same in place of the (sub)shell that calls it.
run() {
    ( run_exec "$@" )
}
run_exec() {
    exec $as_user env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" XDG_CONFIG_HOME="$home/.config" \
        XDG_RUNTIME_DIR="$home/xdg" LC_ALL=C.UTF-8 LANG=C.UTF-8 DISPLAY="$display" \
        QT_QPA_PLATFORM=xcb NO_AT_BRIDGE=1 WIRESHARK_PLUGIN_DIR="$loaded_from" "$@"
}

echo "checking that tshark, run as $who, loads kq1.so from $plugin_dir..."
run tshark -G plugins > "$tmp/plugins.txt" 2>>"$log" || fail "tshark -G plugins failed"
loaded=$(awk -F '\t' '$1 ~ /^kq1\.so/ { print $4 }' "$tmp/plugins.txt")
case $loaded in
    "$loaded_from"/*/epan/kq1.so) ;;
    "") ws_version=$(run tshark --version 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+/) { split($i, v, "."); print v[1] "." v[2]; exit } }')
        fail "tshark, run as $who, loads no kq1.so from $plugin_dir (it has one for Wireshark $versions; Wireshark ${ws_version:-?} loads ${ws_version:-?}/epan/kq1.so, if built for it)" ;;
    *) fail "tshark, run as $who, loads $loaded, not the kq1.so from $plugin_dir" ;;
esac

# Where the Kq-1 item and its Keys and CommandCode items are in frame 6's
# tree, from tshark (the same tree the GUI shows): kq1_at is the Kq-1 item's
# place among the top-level items (0 is Frame), keys_at and command_at the
# places of Keys and CommandCode among the Kq-1 item's children (1 is the first).
run tshark -r "$tree_capture" -Y "frame.number == $tree_frame" -O kq1 > "$tmp/frame.txt" 2>>"$log" \
    || fail "tshark could not read $tree_capture"
# shellcheck disable=SC2046 # three numbers, split on purpose
set -- $(awk '
    /^[^ ]/ { top++; in_kq1 = /^Kq-1 /; if (in_kq1 && kq1 == "") kq1 = top - 1; next }
    in_kq1 && /^    [^ ]/ { child++
        if (/^    Keys:/ && keys == "") keys = child
        if (/^    CommandCode:/ && command == "") command = child }
    END { print kq1 " " keys " " command }' "$tmp/frame.txt")
[ $# -eq 3 ] || fail "frame $tree_frame of $tree_capture has no Kq-1 item with Keys and CommandCode (tshark -O kq1 shows: $(head -c 300 "$tmp/frame.txt"))"
kq1_at=$1 keys_at=$2 command_at=$3

echo "starting Xvfb..."
# -displayfd: Xvfb takes the first free display number and writes it once it
# accepts connections.
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp -noreset 3>"$tmp/display" >>"$log" 2>&1 &
xvfb_pid=$!
n=0
while [ ! -s "$tmp/display" ]; do
    kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb did not start"
    [ $n -lt 100 ] || fail "Xvfb did not start within 10 seconds"
    sleep 0.1; n=$((n + 1))
done
display=:$(head -n 1 "$tmp/display")
export DISPLAY="$display"
echo "Xvfb runs on display $display"

# press KEY N: presses KEY N times.
press() {
    keys="" n=0
    while [ "$n" -lt "$2" ]; do keys="$keys $1"; n=$((n + 1)); done
    # shellcheck disable=SC2086 # one argument per key
    [ -z "$keys" ] || xdotool key --delay 80 $keys
}
# start_wireshark ARGS...: starts the GUI, waits for its main window (titled
# after the capture file), puts it at 0,0 at its size, and sets $ws_pid, $window.
# The title is the file name alone: a dialog that -z opens ends in it too.
start_wireshark() {
    ( run_exec wireshark -o gui.packet_list_show_minimap:FALSE "$@" >>"$log" 2>&1 ) &
    ws_pid=$!   # the subshell, setpriv and env exec in turn: this is Wireshark's pid
    window=$(timeout 60 xdotool search --all --sync --onlyvisible --pid "$ws_pid" --name '^[^ ]+[.]pcapng$' 2>>"$log") || true
    window=$(echo "$window" | head -n 1)
    [ -n "$window" ] || fail "no Wireshark window within 60 seconds"
    xdotool windowmove "$window" 0 0 windowsize "$window" "$main_width" "$main_height"
    sleep 3   # reading the capture, applying -Y and -g
    kill -0 "$ws_pid" 2>/dev/null || fail "Wireshark exited"
}
# focus: without a window manager Qt takes the keyboard only after a click.
# This one is in the packet details pane (below the packet list, which ends
# about 240 pixels down, and above the status bar), two thirds of the way
# down the window: below the few top-level rows, in the empty part, so it
# selects nothing and leaves the keyboard in the packet details.
focus() {
    xdotool mousemove --window "$window" $((main_width / 2)) $((main_height * 2 / 3)) click 1
    sleep 0.5
}
# find_dialog TITLE: sets $dialog to the visible window of Wireshark's whose
# title matches the regular expression TITLE, waiting up to 20 seconds; empty
# when none shows.
find_dialog() {
    dialog=$(timeout 20 xdotool search --all --sync --onlyvisible --pid "$ws_pid" --name "$1" 2>>"$log") || true
    dialog=$(echo "$dialog" | head -n 1)
}
# shoot WINDOW NAME: writes WINDOW's picture, the window alone, to $tmp/out/NAME.
shoot() {
    import -silent -window "$1" -strip "$tmp/out/$2" >>"$log" 2>&1 || fail "import could not take $2"
    [ -s "$tmp/out/$2" ] || fail "import wrote no $2"
}

echo "opening $(basename "$tree_capture") with display filter kq1 at frame $tree_frame..."
start_wireshark -r "$tree_capture" -Y kq1 -g "$tree_frame"
echo "expanding the Kq-1 tree of frame $tree_frame..."
focus
# All top-level items are collapsed: Home selects Frame, Down goes to Kq-1;
# Right opens Kq-1 one level, so its children are one row each; Shift+Right
# (View > Expand Subtrees) opens Keys with all its key files; CommandCode gets
# one level (its bit fields); the JSON item stays closed. Ends on Kq-1.
xdotool key Home
press Down "$kq1_at"
xdotool key Right
press Down "$keys_at"
xdotool key shift+Right
press Up $((keys_at - command_at))
xdotool key Right
press Up "$command_at"
sleep 1
echo "writing docs/images/kq1-tree.png..."
shoot "$window" kq1-tree.png
stop "$ws_pid"; ws_pid=""

echo "opening $(basename "$stats_capture") and Statistics > Kq-1..."
start_wireshark -r "$stats_capture"
focus
# Alt+S opens the Statistics menu on its first item; Up wraps round to its
# last, Kq-1 (the plugin's stats tree; the Key Ledger is higher up). Wireshark
# 4.0 has no -z kq1,tree for its GUI, hence the menu.
xdotool key alt+s
sleep 0.7
xdotool key Up
sleep 0.3
xdotool key Return
# Its title is "Wireshark · Kq-1 · <file>"; [^ ]+ is the middle dot (and not "Key Ledger").
find_dialog "Kq-1 [^ ]+ $(basename "$stats_capture")$"
[ -n "$dialog" ] || fail "Statistics > Kq-1 did not open (is Kq-1 still the last item of the Statistics menu?)"
xdotool windowmove "$dialog" 0 0 windowsize "$dialog" "$stats_width" "$stats_height"
sleep 2
echo "writing docs/images/kq1-statistics.png..."
shoot "$dialog" kq1-statistics.png
stop "$ws_pid"; ws_pid=""

echo "opening $(basename "$stats_capture") and Statistics > Service Response Time > Kq-1..."
# Kq-1's response times are a response time delay (RTD) table, which the GUI
# lists under Service Response Time; -z kq1,rtd opens that dialog, filled in,
# once the capture is read (no menu needed, unlike -z conv below).
start_wireshark -r "$stats_capture" -z kq1,rtd
find_dialog "Kq-1 Response Time Delay Statistics [^ ]+ $(basename "$stats_capture")$"
[ -n "$dialog" ] || fail "-z kq1,rtd opened no Kq-1 Response Time Delay Statistics dialog (does the plugin still register an RTD table?)"
xdotool windowmove "$dialog" 0 0 windowsize "$dialog" "$srt_width" "$srt_height"
sleep 1
echo "writing docs/images/kq1-srt.png..."
shoot "$dialog" kq1-srt.png
stop "$ws_pid"; ws_pid=""

echo "opening $(basename "$conv_capture") and Statistics > Conversations, tab Kq-1..."
start_wireshark -r "$conv_capture"
focus
# -z conv,kq1 does not open the dialog in Wireshark 4.0 (it fails with "No such
# method statCommandConversations"), hence the menu: Alt+S, then C, the
# accelerator of Conversations (no other item of that menu has C for one, so
# C opens it at once).
xdotool key alt+s
sleep 0.7
xdotool key c
find_dialog "Conversations [^ ]+ $(basename "$conv_capture")$"
[ -n "$dialog" ] || fail "Statistics > Conversations did not open (is C still its accelerator?)"
xdotool windowmove "$dialog" 0 0 windowsize "$dialog" "$conv_width" "$conv_height"
sleep 1
# Kq-1 has no tab until it is ticked in the protocol list at the bottom left.
# Typing its name in the filter field under that list leaves it the only row,
# the first, whose check box is then ticked; ticking clears the filter again.
xdotool mousemove --window "$dialog" 116 $((conv_height - 64)) click 1
sleep 0.3
xdotool type --delay 80 Kq-1
sleep 0.7
xdotool mousemove --window "$dialog" 31 314 click 1
sleep 1
# The tabs are in alphabetical order, Ethernet first and current: Ethernet,
# IPv4, IPv6, Kq-1, TCP, UDP. Ctrl+Tab goes to the next one once the keyboard
# is in the tab widget, hence the click in the (empty part of the) Ethernet table.
xdotool mousemove --window "$dialog" $((conv_width / 2)) $((conv_height / 2)) click 1
sleep 0.3
press ctrl+Tab 3
sleep 1
echo "writing docs/images/kq1-conversations.png..."
shoot "$dialog" kq1-conversations.png
stop "$ws_pid"; ws_pid=""

mkdir -p "$images"
for png in kq1-tree.png kq1-statistics.png kq1-srt.png kq1-conversations.png; do
    cp "$tmp/out/$png" "$images/$png"
    [ -s "$images/$png" ] || fail "could not write $images/$png"
done
echo "wrote:"
for png in kq1-tree.png kq1-statistics.png kq1-srt.png kq1-conversations.png; do
    echo "  $images/$png"
done
