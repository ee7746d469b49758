#!/usr/bin/env bash
# The GPU check, in one command on a machine with an NVIDIA GPU: every test tagged "gpu" (the CUDA
# backend against the reference and CPU backends, kernel by kernel and over whole training steps,
# eager and replayed as CUDA graphs; no allocation per step), the MNIST samples, the cost of
# data-parallel fit's NCCL all-reduce inside the step's graph, then the GPU
# benchmark tables: the MLP, the CNN and the LSTM, annonet next to PyTorch's fair loop (no host sync
# per step; eager, CUDA graph, bf16 autocast, and torch.compile where that PyTorch has it), then
# ResNet50's (training images/s at batch 128, inference latency at 1 and throughput at 64). It needs
# no JDK or Maven there: it runs the bundle that scripts/gpu-bundle.sh built (build/gpu-bundle.tar.xz).
#
#   scripts/gpu-bundle.sh                       # here: build the bundle
#   scripts/gpu-check.sh [--epochs N]           # there: tests, the samples, the bench (a few minutes)
#   scripts/gpu-check.sh --bench [N]            # there: instead, only the bench tables (N epochs for the MNIST
#                                               # ones, default 10; ResNet50's takes its own defaults)
#   scripts/gpu-check.sh --profile cnn 1024     # there: instead, each kernel's GPU time in one network's
#                                               # steps at one batch size (Nsight Compute's ncu)
#   scripts/gpu-check.sh --memcheck             # there: instead, the GPU tests under compute-sanitizer's
#                                               # memcheck (out-of-bounds and misaligned accesses), racecheck
#                                               # (shared-memory races) and synccheck (misused __syncthreads)
#
# GPU_CHECK_PHASE_LIMIT (seconds, default 600) bounds each JVM it starts.
#
# cuBLAS comes from the machine: a CUDA 13 installation, or PyTorch's pip packages (nvidia.cublas).
# Exit status: 0 when every GPU test passed, 1 when one failed, 2 when something is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
EPOCHS=10
PROFILE=()
MEMCHECK=false
BENCH_ONLY=false
case "${1:-}" in
    --epochs) EPOCHS=$2 ;;
    --bench) BENCH_ONLY=true; EPOCHS=${2:-10} ;;
    --profile) PROFILE=("$2" "$3") ;;
    --memcheck) MEMCHECK=true ;;
    "") ;;
    *) echo "usage: scripts/gpu-check.sh [--epochs N | --bench [EPOCHS] | --profile mlp|cnn|lstm BATCH | --memcheck]" >&2; exit 2 ;;
esac
PHASE_LIMIT=${GPU_CHECK_PHASE_LIMIT:-600} # seconds for each JVM, so that a hang cannot eat a lease

BUNDLE=build/gpu-bundle.tar.xz
[[ -f $BUNDLE ]] || { echo "gpu-check: no $BUNDLE; run scripts/gpu-bundle.sh where Maven and nvcc are" >&2; exit 2; }
WORK=$(mktemp -d)
tar -C "$WORK" -xJf "$BUNDLE"
B=$WORK/gpu-bundle
echo "gpu-check: bundle of commit $(cat "$B/COMMIT")"

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

# Where this machine keeps cuBLAS, cuDNN and NCCL: PyTorch's pip wheels, then the usual CUDA folders.
PYTHON=${PYTHON:-$(command -v python3 || command -v python || true)}
LIBS=""
if [[ -n $PYTHON ]]; then
    LIBS=$("$PYTHON" - <<'EOF' 2>/dev/null
import importlib, os
found = []
for name in ("nvidia.cublas", "nvidia.cu13", "nvidia.cuda_runtime", "nvidia.cudnn", "nvidia.nccl"):
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    for path in module.__path__:
        lib = os.path.join(path, "lib")
        if os.path.isdir(lib):
            found.append(lib)
print(":".join(found))
EOF
)
fi
for dir in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu; do
    [[ -d $dir ]] && LIBS="$LIBS:$dir"
done
export LD_LIBRARY_PATH="${LIBS#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
CUBLAS=$(for d in ${LD_LIBRARY_PATH//:/ }; do ls "$d"/libcublas.so.13* "$d"/libcublas.so.12* 2>/dev/null; done | head -1)
echo "gpu-check: cuBLAS ${CUBLAS:-NOT FOUND (the CUDA backend will say so)}"
CUBLASLT=$(for d in ${LD_LIBRARY_PATH//:/ }; do ls "$d"/libcublasLt.so.13* "$d"/libcublasLt.so.12* 2>/dev/null; done | head -1)
echo "gpu-check: cuBLASLt ${CUBLASLT:-NOT FOUND (dense layers run unfused; GpuFusedEpiloguesTest fails)}"
CUDNN=$(for d in ${LD_LIBRARY_PATH//:/ }; do ls "$d"/libcudnn.so.9* 2>/dev/null; done | head -1)
echo "gpu-check: cuDNN ${CUDNN:-NOT FOUND (annonet keeps its own kernels; PyTorch brings its own cuDNN)}"
export PYTHON

JAVA="$B/jre/bin/java"
# Spelled out: the JUnit console's -cp takes no wildcards.
CP=$(ls "$B"/lib/*.jar | tr '\n' ':')
CP=${CP%:}
TESTS="$B/tests/native:$B/tests/runtime:$B/tests/samples"
cd "$B"

echo; echo "== the native library and the GPU"
"$JAVA" -cp "$CP" dev.annonet.cuda.DeviceQuery || exit 2

# The bench tables, one JVM per network: torch.compile's first steps can take a minute each, so
# that one network's compile cannot use up another's time.
bench() {
    local status=0
    echo; echo "== GPU benchmark"
    for network in mlp cnn lstm; do
        timeout "$PHASE_LIMIT" "$JAVA" -cp "$CP" dev.annonet.samples.bench.GpuBench --network "$network" --epochs "$EPOCHS" \
            || { status=1; echo "gpu-check: GpuBench --network $network failed or ran out of time"; }
    done
    # ---- ResNet50 (issue 19): annonet float32, TF32 and mixed_bfloat16 against PyTorch eager, TF32, AMP bf16,
    # CUDA graph and compile, all channels_last; one table, its own JVM.
    timeout "$PHASE_LIMIT" "$JAVA" -cp "$CP" dev.annonet.samples.bench.ResNet50GpuBench \
        || { status=1; echo "gpu-check: ResNet50GpuBench failed or ran out of time"; }
    # ---- end of ResNet50
    return $status
}
if $BENCH_ONLY; then
    bench
    exit $?
fi

if (( ${#PROFILE[@]} )); then
    command -v ncu >/dev/null || { echo "gpu-check: --profile needs Nsight Compute's ncu on the PATH" >&2; exit 2; }
    echo; echo "== GPU time of each kernel: ${PROFILE[0]} at batch ${PROFILE[1]} (200 launches after the first 100)"
    # Two epochs of the graph-replayed fit then the kernel-by-kernel one; ncu times each kernel alone,
    # at the clocks the card runs at (--clock-control none: the lease must leave its settings alone).
    # Skipping the first launches leaves the uploads and the first step's one-time work out.
    timeout "$PHASE_LIMIT" ncu --clock-control none --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size \
        --print-summary per-kernel --launch-skip 100 --launch-count 200 \
        "$JAVA" -cp "$CP" dev.annonet.samples.bench.GpuBench --network "${PROFILE[0]}" --batch "${PROFILE[1]}" \
        --epochs 2 --no-pytorch
    exit $?
fi
if $MEMCHECK; then
    command -v compute-sanitizer >/dev/null || { echo "gpu-check: --memcheck needs compute-sanitizer on the PATH" >&2; exit 2; }
    status=0
    for tool in memcheck racecheck synccheck; do
        echo; echo "== GPU tests under compute-sanitizer $tool, one JVM per class"
        options=(--tool "$tool" --error-exitcode 3 --print-limit 20)
        # The kernels allocate nothing on the device heap.
        [[ $tool == memcheck ]] && options+=(--check-device-heap no)
        # GpuAllocationTest compares the device's free memory before and after steps, which the
        # sanitizer's own allocations change: it runs in the plain check only.
        while read -r class; do
            timeout "$PHASE_LIMIT" compute-sanitizer "${options[@]}" \
                "$JAVA" -jar "$B/junit-console.jar" execute -cp "$TESTS:$CP" --select-class "$class" --include-tag gpu \
                --details=summary --disable-banner --disable-ansi-colors </dev/null || { status=1; echo "gpu-check: $tool: $class"; }
        done < <(grep -v '\.GpuAllocationTest$' "$B/gpu-test-classes.txt")
    done
    exit $status
fi
timeout "$PHASE_LIMIT" "$JAVA" -jar "$B/junit-console.jar" execute -cp "$TESTS:$CP" \
    --select-class dev.annonet.cuda.CudaLibraryTest --details=summary --disable-banner --disable-ansi-colors
status=$?

# Each test class in a JVM of its own: a CUDA error that poisons a process's context (an illegal
# address, say) then fails only the class that caused it, and the report names that class.
echo; echo "== GPU tests (tag gpu), one JVM per class"
failed=()
while read -r class; do
    timeout "$PHASE_LIMIT" "$JAVA" -jar "$B/junit-console.jar" execute -cp "$TESTS:$CP" --select-class "$class" \
        --include-tag gpu --details=tree --disable-banner --disable-ansi-colors </dev/null || failed+=("$class")
done < "$B/gpu-test-classes.txt"
if (( ${#failed[@]} )); then
    status=1
    echo "gpu-check: failed: ${failed[*]}"
fi

echo; echo "== the samples on the GPU (the MLP on Device.cuda(), the CNN and the LSTM on Device.auto())"
for sample in "mnist.MnistMlpSample --device cuda --verbose 0" cnn.MnistCnnSample "lstm.MnistLstmSample --verbose 0"; do
    echo "-- $sample"
    # shellcheck disable=SC2086 # the sample's class and its options, split on purpose
    timeout "$PHASE_LIMIT" "$JAVA" -cp "$CP" dev.annonet.samples.$sample || status=1
done

# ---- mixed precision (issue 19): the MLP sample's held-out accuracy under each policy, to compare with float32's
echo; echo "== the MNIST MLP sample on Device.cuda() under each precision policy (issue 19: within 0.3 points of float32)"
for precision in float32 mixed_bfloat16 mixed_float16; do
    echo "-- $precision"
    timeout "$PHASE_LIMIT" "$JAVA" -cp "$CP" dev.annonet.samples.mnist.MnistMlpSample --device cuda --precision "$precision" \
        --verbose 0 | grep -E '^Test (loss|accuracy)' || status=1
done
# ---- end of mixed precision

# Data-parallel fit's NCCL all-reduces recorded inside the step's CUDA graph (a world-size-1
# communicator): the step with and without them, their cost as a share of it (the goal: under 5%).
echo; echo "== in-graph NCCL all-reduce, world size 1: its cost per step"
timeout "$PHASE_LIMIT" "$JAVA" -cp "$CP" dev.annonet.samples.bench.DataParallelBench --nccl-graph 6 \
    || { status=1; echo "gpu-check: DataParallelBench --nccl-graph failed or ran out of time"; }

bench || status=1
exit $status
