#!/usr/bin/env bash
# Builds what scripts/gpu-check.sh runs on a GPU machine that has no JDK, no Maven and no network:
# a jlink'ed Java runtime, the project's jars with the nvcc-built native library, their
# dependencies, the JUnit console launcher, the compiled tests, the PyTorch bench scripts and the
# MNIST digits (in the samples jar), packed as build/gpu-bundle.tar.xz (about 35 MB; the device tool
# carries 64 MiB with the working tree). Nothing inside is compressed but the tarball: xz does far
# better on the raw JRE and native libraries than on jlink's and the jars' own compression.
#
#   scripts/gpu-bundle.sh            # here, where Maven, a JDK 17 and nvcc are
#
# Then, on the GPU machine (the device tool's run, carrying build/gpu-bundle.tar.xz):
#   scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=build/gpu-bundle
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.1

command -v nvcc >/dev/null || { echo "gpu-bundle: nvcc is not on the PATH; the bundle needs the CUDA kernels compiled" >&2; exit 2; }
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}

echo "gpu-bundle: building and compiling the tests (mvn install -DskipTests)"
mvn -q -B install -DskipTests

rm -rf "$OUT" build/gpu-bundle.tar.xz
mkdir -p "$OUT/lib" "$OUT/tests" "$OUT/scripts/pytorch"

echo "gpu-bundle: jlink'ing a Java runtime"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.xml,java.desktop \
    --strip-debug --no-header-files --no-man-pages --output "$OUT/jre"

echo "gpu-bundle: collecting jars"
mvn -q -B -pl samples dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$ROOT/$OUT/lib" \
    -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian,com.google.testing.compile,dev.annonet
cp dsl-annotations/target/annonet-dsl-annotations-*.jar native/target/annonet-native-*.jar \
    runtime/target/annonet-runtime-*.jar samples/target/annonet-samples-*.jar "$OUT/lib/"
# copy-dependencies left out every dev.annonet artifact: the contract module (the runtime's) and
# the applications (ResNet50GpuBench's model) are copied here too.
cp contract/target/annonet-contract-*.jar applications/target/annonet-applications-*.jar "$OUT/lib/"
# grep without -q reads the whole listing: -q's early exit would kill unzip, and pipefail would fail the test.
unzip -l "$OUT"/lib/annonet-native-*.jar | grep 'linux-x86_64/libjniCudaLibrary.so' >/dev/null \
    || { echo "gpu-bundle: the native jar has no CUDA library" >&2; exit 2; }
unzip -l "$OUT"/lib/annonet-samples-*.jar | grep 'linux-x86_64/libjniAnnonetSamplesKernels.so' >/dev/null \
    || { echo "gpu-bundle: the samples jar has no library of the networks' own CUDA kernels" >&2; exit 2; }
mvn -q -B dependency:copy -Dartifact=$JUNIT_CONSOLE -DoutputDirectory="$ROOT/$OUT"
mv "$OUT"/junit-platform-console-standalone-*.jar "$OUT/junit-console.jar"

echo "gpu-bundle: tests and scripts"
for module in native runtime samples; do
    cp -r "$module/target/test-classes" "$OUT/tests/$module"
done
rm -rf "$OUT/tests/samples/outside-project" # used by a CPU-only test
# The classes that hold tests tagged gpu, read from the sources: gpu-check.sh runs each in its own JVM.
grep -rl --include='*.java' '@Tag("gpu")' native/src/test/java runtime/src/test/java samples/src/test/java \
    | sed -E 's#^[a-z]+/src/test/java/##; s#\.java$##; s#/#.#g' | sort > "$OUT/gpu-test-classes.txt"
cp scripts/pytorch/bench_mnist.py scripts/pytorch/bench_lstm.py scripts/pytorch/bench_mnist_gpu.py "$OUT/scripts/pytorch/"

echo "gpu-bundle: storing the jars uncompressed for xz"
for jar in "$ROOT/$OUT"/lib/*.jar "$ROOT/$OUT/junit-console.jar"; do
    unpacked=$(mktemp -d)
    (cd "$unpacked" && "$JAVA_HOME/bin/jar" -xf "$jar")
    rm "$jar"
    "$JAVA_HOME/bin/jar" --create --no-compress --no-manifest --file "$jar" -C "$unpacked" .
    rm -rf "$unpacked"
done
# "-dirty" when built from uncommitted changes, so a table is never credited to the wrong commit.
git describe --always --dirty > "$OUT/COMMIT" 2>/dev/null || echo unknown > "$OUT/COMMIT"

tar -C build -cJf build/gpu-bundle.tar.xz gpu-bundle
echo "gpu-bundle: build/gpu-bundle.tar.xz, $(du -h build/gpu-bundle.tar.xz | cut -f1), commit $(cat "$OUT/COMMIT")"
