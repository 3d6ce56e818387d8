#!/bin/sh
# consumer_pkg_config: a project built without CMake, with a compiler and
# pkg-config alone (docs/embedding.md, "Without CMake: pkg-config"). hio is
# installed into a scratch prefix; the page's lines (its pkg-config.sh block,
# with its main.cpp) run as written there, $HOME being the scratch directory
# and `c++` the compiler under test; then a program of every component (the
# custom-kind example, which runs the whole hio command line) is built with
# `pkg-config --cflags --libs hio` and runs a scenario.
# A Debug build's files are hio-debug.pc, hio-engine-debug.pc, ...: SUFFIX
# "-debug" (the page's lines are read with it).
# Usage: run.sh BUILD_DIR HIO_SOURCE WORK CXX [SUFFIX]
set -eu
BUILD=$1 SOURCE=$2 WORK=$3 CXX=$4 SUFFIX=${5:-}
rm -rf "$WORK"
mkdir -p "$WORK/src" "$WORK/bin"
cmake --install "$BUILD" --prefix "$WORK/opt/hio" > "$WORK/install.log"
cmake -DDOC="$SOURCE/docs/embedding.md" -DOUT_DIR="$WORK/src" \
  -P "$SOURCE/tests/consumer/pkg_config/doc_blocks.cmake"
ln -s "$(command -v "$CXX")" "$WORK/bin/c++"
export PATH="$WORK/bin:$PATH" HOME="$WORK"
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR
cd "$WORK/src"
[ -z "$SUFFIX" ] || sed -i "s/ hio-engine)/ hio-engine$SUFFIX)/" pkg-config.sh
sh -e ./pkg-config.sh > mine.out 2>&1 || { echo "the page's lines failed:"; cat mine.out; exit 1; }
grep -qxF "mine: 3 runs, done" mine.out || { echo "mine said:"; cat mine.out; exit 1; }

export PKG_CONFIG_PATH="$WORK/opt/hio/lib/pkgconfig"
# Every file is valid and says this hio's version.
version=$(sed -n 's/^project(hio VERSION \([0-9.]*\) .*/\1/p' "$SOURCE/CMakeLists.txt")
for package in hio hio-engine hio-io hio-replay hio-tools; do
  package=$package$SUFFIX
  pkg-config --validate "$package"
  [ "$(pkg-config --modversion "$package")" = "$version" ] ||
    { echo "$package: version $(pkg-config --modversion "$package"), not $version"; exit 1; }
done
# Static archives in link order: the component before what it needs.
pkg-config --libs "hio$SUFFIX" | grep -q -- "-lhio_tools.* -lhio_replay.* -lhio_io.* -lhio_engine" ||
  { echo "link order: $(pkg-config --libs "hio$SUFFIX")"; exit 1; }
c++ -std=c++20 "$SOURCE/tools/examples/custom_kind.cpp" $(pkg-config --cflags --libs "hio$SUFFIX") -o my-hio
./my-hio run "$SOURCE/tools/examples/blinker.toml" > blinker.out 2>&1 ||
  { echo "my-hio failed:"; cat blinker.out; exit 1; }
echo ok
