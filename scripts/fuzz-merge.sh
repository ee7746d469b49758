#!/usr/bin/env bash
# Folds what a fuzz run found (runtime/.cifuzz-corpus/) into the committed inputs of each fuzz
# test, keeping only the inputs that add coverage (libFuzzer's -merge=1, through Jazzer). Run it
# after a long run (README, Tests), then commit the new files under runtime/src/test/resources/.
set -euo pipefail
cd "$(dirname "$0")/../runtime"
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/fuzz-classpath.txt)"
resources=src/test/resources
for target in dev.annonet.runtime.data.IdxFuzzTest#anyFile dev.annonet.runtime.data.IdxFuzzTest#gzippedContent \
        dev.annonet.runtime.io.SafeTensorsFuzzTest#anyFile dev.annonet.runtime.io.KerasH5FuzzTest#anyFile; do
    class=${target%#*}
    method=${target#*#}
    found=.cifuzz-corpus/$class/$method
    inputs=$resources/$(dirname "${class//.//}")/${class##*.}Inputs/$method
    if [ -d "$found" ]; then
        echo "fuzz-merge: $found into $inputs"
        java -Xmx512m -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
            --target_class="$class" --target_method="$method" -merge=1 "$inputs" "$found" 2>&1 | grep MERGE-OUTER || true
    fi
done
