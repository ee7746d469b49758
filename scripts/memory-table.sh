#!/usr/bin/env bash
# Prints BENCHMARKS.md's memory table: bytes per sample of VGG16 and ResNet50 (Keras's definitions,
# 224x224x3, float32) for prediction and training, as the processor counts them (the generated
# models' PREDICTION_VALUES_PER_SAMPLE and TRAINING_VALUES_PER_SAMPLE, which MemoryCountsTest checks
# against what the runtime allocates: the most a prediction holds, which the CUDA backend and a CPU
# without AVX-512 allocate), what a prediction holds on this machine's CPU backend
# (scripts/PredictionValues.java: with AVX-512 it convolves 16 input channels or more without the
# im2col scratch; training is the same there) and PyTorch's (scripts/pytorch/peak_memory.py).
#
# Usage: scripts/memory-table.sh [BEFORE]
#   BEFORE: a checkout of an earlier annonet whose applications module is compiled; its columns
#   come from the training arena's size (.activationSize) as that version allocated it: training
#   held the arena, its gradients (a twin of it before .gradients gave an arena of their own), the
#   targets and the loss weights; prediction ran in the training arena before .inference gave an
#   arena of its own (its most: the whole convolution scratch).
set -euo pipefail
cd "$(dirname "$0")/.."
# The reactor's processor; the applications' classpath with the reactor's runtime and native library.
mvn -B -q -o -pl processor,applications -am package dependency:build-classpath -DskipTests -Dannonet.cuda=false \
  -Dmdep.outputFile=target/memory-table-classpath.txt
generated=applications/target/generated-sources/annotations/dev/annonet/applications
cpu_prediction=$(java -cp "applications/target/classes:$(cat applications/target/memory-table-classpath.txt)" \
  scripts/PredictionValues.java dev.annonet.applications.VGG16Model dev.annonet.applications.ResNet50Model)

constant() { # constant FILE NAME: a generated long constant's value
  sed -n "s/.* $2 = \([0-9]*\)L;/\1/p" "$1"
}
megabytes() { # values of 4 bytes, in MB
  awk -v values="$1" 'BEGIN { printf "%.1f MB", values * 4 / 1e6 }'
}
before() { # before NETWORK MODE: the earlier version's values per sample
  local file="$BEFORE/$generated/$1Model.java"
  local arena
  arena=$(sed -n 's/.*\.activationSize(\([0-9]*\)).*/\1/p' "$file")
  if [ "$2" = training ]; then
    local gradients
    gradients=$(sed -n 's/.*\.gradients(\([0-9]*\),.*/\1/p' "$file")
    echo $((arena + ${gradients:-$arena} + 1000 + 1)) # the gradients, 1,000 one-hot targets, one loss weight
  else
    local inference
    inference=$(sed -n 's/.*\.inference(\([0-9]*\),.*/\1/p' "$file")
    echo "${inference:-$arena}"
  fi
}

BEFORE=${1:-}
torch=$(/usr/bin/python3 scripts/pytorch/peak_memory.py)
echo "| Network | Mode | annonet before | annonet after | annonet after, CPU here | PyTorch 1.13 (CPU) |"
echo "|---|---|---:|---:|---:|---:|"
for network in VGG16 ResNet50; do
  for mode in prediction training; do
    name=$(echo "$mode" | tr a-z A-Z)_VALUES_PER_SAMPLE
    after=$(constant "$generated/${network}Model.java" "$name")
    here=$after
    if [ "$mode" = prediction ]; then
      here=$(echo "$cpu_prediction" | awk -v m="dev.annonet.applications.${network}Model" '$1 == m { print $2 }')
    fi
    earlier="(not given)"
    if [ -n "$BEFORE" ]; then
      earlier=$(megabytes "$(before "$network" "$mode")")
    fi
    torch_mode=$([ "$mode" = prediction ] && echo inference || echo training)
    pytorch=$(echo "$torch" | awk -v n="$(echo "$network" | tr A-Z a-z)" -v m="$torch_mode" '$1 == n && $2 == m { print $3 " " $4 }')
    echo "| $network | $mode | $earlier | $(megabytes "$after") | $(megabytes "$here") | $pytorch |"
  done
done
