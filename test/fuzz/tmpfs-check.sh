#!/bin/sh
# Outputs as a unit on a real file system (issue 18): a small tmpfs that fills up, then the same
# file system remounted read-only. A C compile, an Espruino compile and a training run that fail
# part-way must leave the previous output byte for byte (and no temporary files). Needs root (mount)
# and a build (npm run build). Usage: sh test/fuzz/tmpfs-check.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI="node $ROOT/bin/tinyrnn.js"
MNT=$(mktemp -d)
WORK=$(mktemp -d)
cleanup() { umount "$MNT" 2>/dev/null || true; rmdir "$MNT"; rm -rf "$WORK"; }
trap cleanup EXIT
mount -t tmpfs -o size=1m tmpfs "$MNT"
A=$ROOT/test/vectors/lstm_h4/model.q.tnn
B=$ROOT/test/vectors/stacked_lstm_gru/model.q.tnn
state() { (cd "$MNT" && find . -type f | sort | xargs sha256sum); }
expect_failure() { # what, command...
  what=$1; shift
  before=$(state)
  if "$@" >"$WORK/out" 2>&1; then echo "FAIL: $what succeeded"; exit 1; fi
  grep -q 'TNN008' "$WORK/out" || { echo "FAIL: $what: no TNN008"; cat "$WORK/out"; exit 1; }
  [ "$before" = "$(state)" ] || { echo "FAIL: $what changed the previous output"; exit 1; }
  echo "ok: $what: TNN008, previous output unchanged"
}
$CLI compile "$A" --target c --out "$MNT/c" --prefix older >/dev/null
$CLI compile "$A" --target espruino --out "$MNT/js" >/dev/null
$CLI train --data builtin:sines --epochs 1 --hidden 4 --out "$MNT/m.tnn" --quiet >/dev/null
echo "$(state | wc -l) files written before the disk fills"
# fill the disk, leaving a few bytes
dd if=/dev/zero of="$MNT/filler" bs=1k count=2048 2>/dev/null || true
expect_failure "C compile, disk full" $CLI compile "$B" --target c --out "$MNT/c" --prefix newer
expect_failure "Espruino compile, disk full" $CLI compile "$B" --target espruino --out "$MNT/js"
expect_failure "train --out, disk full" $CLI train --data builtin:sines --epochs 1 --hidden 6 --out "$MNT/m.tnn" --quiet
rm "$MNT/filler"
mount -o remount,ro "$MNT"
expect_failure "C compile, read-only" $CLI compile "$B" --target c --out "$MNT/c" --prefix newer
expect_failure "Espruino compile, read-only" $CLI compile "$B" --target espruino --out "$MNT/js"
expect_failure "train --out, read-only" $CLI train --data builtin:sines --epochs 1 --hidden 6 --out "$MNT/m.tnn" --quiet
echo "tmpfs check passed"
