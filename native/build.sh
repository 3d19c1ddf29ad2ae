#!/usr/bin/env bash
# Regenerates the committed Python package aspects/_native/ from this jsii library
# (`make native` runs it; it needs the venv's Node first on PATH, as the Makefile sets).
#
# 1. npm ci: the jsii toolchain and the aws-cdk-lib/constructs it compiles against, at the
#    versions package-lock.json pins.
# 2. jsii: lib/index.ts -> build/lib/index.js and the .jsii assembly.
# 3. jsii-pacmak --targets python: the Python package, with the assembly tarball in _jsii/.
# 4. Copy it to aspects/_native/ and record the SHA-256 of every input and output in
#    aspects/_native/SOURCES.sha256 (tests/test_native_aspect.py checks it still matches).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
rm -rf build .jsii tsconfig.json
npx --no-install jsii --silence-warnings=reserved-word
npx --no-install jsii-pacmak --targets python --code-only --outdir build/dist
rm -rf "$root/aspects/_native"
cp -r build/dist/python/src/aspects/_native "$root/aspects/_native"
cd "$root"
{
    sha256sum native/README.md native/build.sh native/lib/index.ts native/package-lock.json \
        native/package.json
    find aspects/_native -type f ! -name SOURCES.sha256 ! -path '*/__pycache__/*' -print0 \
        | LC_ALL=C sort -z | xargs -0 sha256sum
} > aspects/_native/SOURCES.sha256
echo "aspects/_native/ regenerated from native/ (aspects/_native/SOURCES.sha256)"
