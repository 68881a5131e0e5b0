#!/usr/bin/env bash
# ctest Install.FindPackageConsumer: installs the build tree BUILD into a scratch prefix, builds
# tests/consumer against it with find_package(marginlab), runs it, then moves the prefix and
# checks that the installed tool and library still find their data files (experiments/,
# python/) beside themselves and never in the source tree.
#   tests/consumer/run.sh BUILD WORK
set -euo pipefail
BUILD=$(realpath "$1"); WORK=$2
HERE=$(cd "$(dirname "$0")" && pwd)
CMAKE=/usr/bin/cmake
rm -rf "$WORK"; mkdir -p "$WORK"; WORK=$(realpath "$WORK")
unset MARGINLAB_DATA_DIR
"$CMAKE" --install "$BUILD" --prefix "$WORK/prefix" > "$WORK/install.log"
test -f "$WORK/prefix/lib/cmake/marginlab/marginlabConfig.cmake"
# Private headers and generated build settings are not installed.
if find "$WORK/prefix/include" -name 'fast_angle.hpp' -o -name 'build_config.hpp' | grep . > /dev/null; then
  echo "a private header was installed"; exit 1
fi
# The consumer is compiled like a user would compile it, with the build's compiler and global
# flags (for scripts/sanitize's build: the sanitizers, whose runtime the library needs).
cache() { sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt"; }
"$CMAKE" -S "$HERE" -B "$WORK/build" -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$(cache CMAKE_CXX_COMPILER)" -DCMAKE_CXX_FLAGS="$(cache CMAKE_CXX_FLAGS)" \
  -DCMAKE_EXE_LINKER_FLAGS="$(cache CMAKE_EXE_LINKER_FLAGS)" > "$WORK/configure.log"
"$CMAKE" --build "$WORK/build" > "$WORK/build.log"
grep -q "compiling [0-9]* installed headers on their own" "$WORK/configure.log"
# The consumer must not inherit marginlab's private flags or dependencies.
if grep -q -- '-march=native' "$WORK/build/CMakeFiles/consumer.dir/flags.make"; then
  echo "the consumer inherited -march=native"; exit 1
fi
"$WORK/build/consumer" | tee "$WORK/consumer.out"
grep -q "data files in $WORK/prefix/share/marginlab" "$WORK/consumer.out"
grep -q "consumer: ok" "$WORK/consumer.out"
# Relocated: the tool finds its library (RPATH $ORIGIN/../lib) and its data beside it.
mv "$WORK/prefix" "$WORK/moved"
"$WORK/moved/bin/marginlab" version | tee "$WORK/version.out"
grep -q "data files: $WORK/moved/share/marginlab" "$WORK/version.out"
"$WORK/moved/bin/marginlab" list > "$WORK/list.out"
grep -q thm21 "$WORK/list.out"
test -f "$WORK/moved/share/marginlab/python/marginlab/report.py"
echo "Install.FindPackageConsumer: ok"
