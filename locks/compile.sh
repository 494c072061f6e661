#!/usr/bin/env bash
# Regenerates the lock files from pyproject.toml (the ranges) with uv's resolver.
#   bash locks/compile.sh                 keep the current pins where they still fit
#   bash locks/compile.sh --upgrade       move every pin to the newest allowed release
# Needs uv (e.g. `python3 -m venv /tmp/uv && /tmp/uv/bin/pip install uv`; UV=/tmp/uv/bin/uv).
# Each lock is for Python 3.11 on one platform:
#   linux-x86_64.txt   x86_64 Linux (glibc >= 2.28): torch 2.14.1 + torchvision 0.29.1
#   linux-aarch64.txt  aarch64 Linux: torch 2.9.1 + torchvision 0.24.1 (CPU build; linux-aarch64.constraints.txt)
#   macos-arm64.txt    Apple silicon, macOS >= 14 (torch's own minimum)
#   grade-*.txt        the `grade` extra only (no torch): a grading machine
# The full locks hold every extra; `make` installs them with pip, then hwlib with --no-deps.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}
compile() {  # OUT PLATFORM EXTRA-ARGS...
    local out=$1 platform=$2; shift 2
    MACOSX_DEPLOYMENT_TARGET=14.0 "$UV" pip compile pyproject.toml --python-version 3.11 \
        --python-platform "$platform" --quiet --custom-compile-command "bash locks/compile.sh" \
        -o "locks/$out" "$@"
}
for target in linux-x86_64:x86_64-manylinux_2_28 linux-aarch64:aarch64-manylinux_2_28 \
              macos-arm64:aarch64-apple-darwin; do
    name=${target%%:*} platform=${target#*:}
    extra=()
    [ -f "locks/$name.constraints.txt" ] && extra=(-c "locks/$name.constraints.txt")
    compile "$name.txt" "$platform" locks/build.in --all-extras "${extra[@]}" "$@"
    compile "grade-$name.txt" "$platform" --extra grade "$@"
done
echo "locks written: $(ls locks/*.txt | tr '\n' ' ')"
