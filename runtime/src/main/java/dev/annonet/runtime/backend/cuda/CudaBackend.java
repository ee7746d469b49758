package dev.annonet.runtime.backend.cuda;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.contract.Window2D;
import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cuda.CudaTargets;
import dev.annonet.cuda.NetworkKernels;
import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.BatchLanding;
import dev.annonet.runtime.backend.DropoutMask;
import dev.annonet.runtime.backend.ImageKernelArguments;
import dev.annonet.runtime.backend.KernelArguments;
import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.NativeCodes;
import dev.annonet.runtime.backend.MetricCounter;
import dev.annonet.runtime.backend.NativeWindow;
import dev.annonet.runtime.backend.PoolingKind;
import dev.annonet.runtime.backend.SequenceCells;
import dev.annonet.runtime.backend.SequenceKernels;
import dev.annonet.runtime.backend.StepReplay;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA backend: float32 values in device memory, annonet's kernels ({@code native/src/main/native})
 * and cuBLAS GEMMs, all on one stream, and whole training steps recorded once as CUDA graphs and
 * replayed ({@link StepReplay}). Uploads go through pinned staging buffers; a streamed batch's go
 * on a second, copy stream while the step before runs ({@link #batchLanding}). A step allocates nothing.
 *
 * <p>{@link #hostExecutor(boolean)} runs the very same kernel bodies as loops on the CPU, over host
 * memory: the same Java code path, so tests on machines without a GPU check this class and the
 * kernels' math against the reference backend. Only the launches, cuBLAS and graph capture are left
 * for the GPU tests ({@code scripts/gpu-check.sh}).
 *
 * <p>Every layer annonet declares has kernels here: Conv2D as im2col + cuBLAS GEMM, pooling, zero
 * padding and batch normalization as annonet kernels, LSTM and GRU as SequenceKernels' schedule (cuBLAS
 * GEMMs between per-step cell kernels), Embedding as a gather. {@link #runs} lists them, so a
 * layer added to the DSL without CUDA kernels is refused when a model is created. Not thread-safe.
 */
public final class CudaBackend implements Backend, StepReplay {
    private static final Set<String> LAYER_TYPES = Set.of("InputLayer", "Dense", "Activation", "Dropout", "Flatten", "Reshape",
            "Conv2D", "Conv1D", "MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling2D",
            "ZeroPadding2D", "BatchNormalization", "LSTM", "GRU", "Embedding");
    /** Result slots of one recorded step: its loss and its metrics' counts. */
    private static final int RESULT_SLOTS = StepReplay.MAX_RESULTS;
    /** Replayed steps whose results may wait to be collected: one running while the next is prepared. */
    private static final int RESULT_COPIES = 2;
    /** Where the learning rate lies among the counters a recorded step reads, and their size. */
    private static final int LEARNING_RATE_OFFSET = 2 * Long.BYTES;
    private static final int COUNTER_BYTES = 3 * Long.BYTES;
    /** Failed captures after which a backend runs its steps kernel by kernel for good. */
    private static final int CAPTURE_ATTEMPTS = 3;
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");
    /** Distinct batch sizes whose recorded steps are kept: a fit uses one, plus its last partial batch. */
    private static final int RECORDED_STEPS = 4;
    private static final Set<String> UNLOADED_KERNELS_REPORTED = ConcurrentHashMap.newKeySet();
    /** The compute capability that stands for the host executor, which runs code for any GPU. */
    static final int HOST = -1;

    private final long context;
    private final String name;
    // The network's generated kernels where its library loaded, else annonet-native's generic ones.
    private final NetworkKernels kernels;
    private final boolean stepGraphs;
    private final List<CudaMemory> memories = new ArrayList<>();
    private final PinnedStaging staging;
    // Results of loss, countCorrect and countMetric (doubles): on the device, and pinned on the host as
    // the slots of eager calls, then RESULT_COPIES copies of a replayed step's, each marked by an event.
    private final long results;
    private final long resultsHost;
    private final DoubleBuffer resultsView;
    private final long[] resultsCopied = new long[RESULT_COPIES];
    private final int[] resultCounts = new int[RESULT_COPIES];
    private long replayed;
    private long collected;
    private int collectedCopy = -1;
    // What a recorded step reads each replay, on the device and pinned: the step and update
    // counters (two longs), then the learning rate (a float in an 8-byte slot).
    private final long counters;
    private final long countersHost;
    private final LongBuffer countersView;
    private final FloatBuffer learningRateView;
    private final long countersCopied;
    private final NativeWindow windowArguments = new NativeWindow();
    // Recorded steps by batch size; a key of 0 marks a free entry.
    private final int[] recordedKeys = new int[RECORDED_STEPS];
    private final long[] recordedGraphs = new long[RECORDED_STEPS];
    private int nextRecording;
    private boolean recording;
    private int resultCursor;
    private int recordedResults;
    private int captureFailures;
    private boolean overlapsCopies = true;
    private final LandingStreams landingStreams = new ContextStreams();
    private final List<CudaBatchLanding> landings = new ArrayList<>();
    private boolean closed;

    private CudaBackend(long context, String name, boolean stepGraphs, NetworkKernels kernels) {
        this.context = context;
        this.name = name;
        this.kernels = kernels;
        this.stepGraphs = stepGraphs;
        this.staging = new PinnedStaging(this);
        this.results = checked(CudaLibrary.memoryAllocate(context, RESULT_SLOTS * Double.BYTES), "allocating result slots");
        long resultsBytes = (1 + RESULT_COPIES) * RESULT_SLOTS * Double.BYTES;
        this.resultsHost = checked(CudaLibrary.pinnedAllocate(context, resultsBytes), "allocating result slots");
        this.resultsView = PinnedStaging.bytes(resultsHost, resultsBytes).asDoubleBuffer();
        for (int copy = 0; copy < RESULT_COPIES; copy++) {
            resultsCopied[copy] = checked(CudaLibrary.eventCreate(context), "creating an event");
        }
        this.counters = checked(CudaLibrary.memoryAllocate(context, COUNTER_BYTES), "allocating step counters");
        this.countersHost = checked(CudaLibrary.pinnedAllocate(context, COUNTER_BYTES), "allocating step counters");
        this.countersView = PinnedStaging.bytes(countersHost, 2 * Long.BYTES).asLongBuffer();
        this.learningRateView = PinnedStaging.bytes(countersHost, COUNTER_BYTES).position(LEARNING_RATE_OFFSET).slice()
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.countersCopied = checked(CudaLibrary.eventCreate(context), "creating an event");
    }

    /**
     * A backend on GPU {@code ordinal}; {@code tf32} lets cuBLAS use TF32 tensor cores (faster,
     * about 10 mantissa bits). Fails with a message naming what is missing: the native library,
     * nvcc at build time, a driver, the GPU, or cuBLAS. Without {@code stepGraphs} every kernel is
     * launched as it is called ({@link #stepReplay()} is null). Runs {@code networkKernels} where
     * their library loads, else the generic kernels, saying so once in the log.
     */
    public static CudaBackend onDevice(int ordinal, boolean tf32, boolean stepGraphs, NetworkKernels networkKernels) {
        String problem = deviceProblem(ordinal);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        long context = CudaLibrary.contextCreate(ordinal, tf32);
        if (context == 0) {
            throw new IllegalStateException("the CUDA backend cannot start on GPU " + ordinal + ": " + CudaLibrary.lastError());
        }
        return new CudaBackend(context, "cuda:" + ordinal + (tf32 ? " (tf32)" : "") + (stepGraphs ? "" : " (no step graphs)"),
                stepGraphs, runnable(networkKernels, CudaLibrary.deviceComputeCapability(ordinal)));
    }

    /** A backend on GPU {@code ordinal} with the generic kernels. */
    public static CudaBackend onDevice(int ordinal, boolean tf32, boolean stepGraphs) {
        return onDevice(ordinal, tf32, stepGraphs, NetworkKernels.generic());
    }

    /**
     * The host executor: this backend's code and kernels, run as loops on the CPU over host memory.
     * With {@code stepGraphs} it runs a training step in recording mode every time (it cannot keep
     * a recording), so that mode's bookkeeping is what gets checked. {@code networkKernels} as for
     * {@link #onDevice(int, boolean, boolean, NetworkKernels)}.
     */
    public static CudaBackend hostExecutor(boolean stepGraphs, NetworkKernels networkKernels) {
        String problem = CudaLibrary.load();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return new CudaBackend(CudaLibrary.contextCreate(-1, false),
                "cuda host executor" + (stepGraphs ? "" : " (no step graphs)"), stepGraphs, runnable(networkKernels, HOST));
    }

    /** The host executor with the generic kernels. */
    public static CudaBackend hostExecutor(boolean stepGraphs) {
        return hostExecutor(stepGraphs, NetworkKernels.generic());
    }

    /** {@code wanted} when it can run here, else the generic kernels, with the reason logged once. */
    private static NetworkKernels runnable(NetworkKernels wanted, int capability) {
        String problem = networkKernelsProblem(wanted, CudaLibrary.contextLayout(), capability);
        if (problem == null) {
            return wanted;
        }
        if (UNLOADED_KERNELS_REPORTED.add(wanted.description() + ": " + problem)) {
            LOG.log(System.Logger.Level.INFO, wanted.description() + " cannot run here, so annonet-native's generic"
                    + " kernels run instead: " + problem);
        }
        return NetworkKernels.generic();
    }

    /**
     * Why a network's {@code kernels} cannot run with annonet-native's context of layout {@code
     * nativeLayout} on a GPU of compute capability {@code capability} ({@link #HOST}: the host
     * executor, which runs any), or null when they can.
     */
    static String networkKernelsProblem(NetworkKernels kernels, String nativeLayout, int capability) {
        String problem = kernels.loadProblem();
        if (problem != null) {
            return problem + ". To build them, add annonet's nvcc recipe to the module (README, \"On a GPU\")";
        }
        String layout = kernels.contextLayout();
        if (!layout.equals(nativeLayout)) {
            return "they were built with another version of annonet's headers, whose context is \"" + layout
                    + "\", but annonet-native's is \"" + nativeLayout + "\"; rebuild the module against this annonet-native";
        }
        if (capability != HOST) {
            String unsupported = CudaTargets.parse(kernels.cudaArchitectures()).problem(capability);
            if (unsupported != null) {
                return "they have no code for this GPU: " + unsupported
                        + "; add its -gencode option to the module's nvcc recipe (README, \"On a GPU\")";
            }
        }
        return null;
    }

    /** The kernels this backend runs: its network's own, or the generic ones. */
    public NetworkKernels kernels() {
        return kernels;
    }

    /** Null when GPU {@code ordinal} can be used, else why not (without starting cuBLAS). */
    public static String deviceProblem(int ordinal) {
        String problem = CudaLibrary.load();
        if (problem != null) {
            return problem;
        }
        if (!CudaLibrary.compiledWithCuda()) {
            return "annonet's native library was built without nvcc, so it has no CUDA kernels";
        }
        int count = CudaLibrary.deviceCount();
        if (count < 0) {
            return "no usable GPU: " + CudaLibrary.lastError();
        }
        if (ordinal < 0 || ordinal >= count) {
            return "no GPU " + ordinal + ": this machine has " + count;
        }
        int capability = CudaLibrary.deviceComputeCapability(ordinal);
        if (capability < 0) {
            return "the compute capability of GPU " + ordinal + " cannot be read: " + CudaLibrary.lastError();
        }
        return unsupportedProblem(ordinal, describe(ordinal), capability, CudaTargets.parse(CudaLibrary.cudaArchitectures()));
    }

    /**
     * Null when annonet-native's {@code targets} run on GPU {@code ordinal} ({@code description}, of
     * compute capability {@code capability}), else why not: a GPU the library has no code for would
     * fail at its first kernel, inside fit.
     */
    static String unsupportedProblem(int ordinal, String description, int capability, CudaTargets targets) {
        String problem = targets.problem(capability);
        return problem == null ? null : "GPU " + ordinal + ", " + description + ", is not supported by annonet-native: " + problem;
    }

    /** The GPU's name, architecture and memory. */
    public static String describe(int ordinal) {
        return CudaLibrary.deviceDescription(ordinal);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean runs(String layerType) {
        return hasKernelsFor(layerType);
    }

    /** Whether this backend has kernels for layers of this Keras type ("Dense", "Conv2D", ...). */
    public static boolean hasKernelsFor(String layerType) {
        return LAYER_TYPES.contains(layerType);
    }

    long context() {
        return context;
    }

    /** Waits until all work enqueued on this backend's stream has run. */
    public void synchronize() {
        checkOpen();
        check(CudaLibrary.synchronize(context), "synchronize");
    }

    /** Bytes in use on this backend's GPU (cudaMemGetInfo, all processes); -1 on the host executor. */
    public long deviceMemoryUsed() {
        checkOpen();
        return CudaLibrary.deviceMemoryUsed(context);
    }

    @Override
    public Memory allocate(int size) {
        checkOpen();
        if (size < 0) {
            throw new IllegalArgumentException("negative memory size " + size);
        }
        if (recording) {
            throw new IllegalStateException("memory cannot be allocated while a step records");
        }
        long address = checked(CudaLibrary.memoryAllocate(context, (long) Math.max(size, 1) * Float.BYTES),
                "allocating " + size + " values");
        CudaMemory memory = new CudaMemory(this, address, size);
        memories.add(memory);
        // Recorded steps may hold addresses of memory this one replaces (a grown arena).
        forgetRecordedSteps();
        return memory;
    }

    /** Waits for both streams first: work already enqueued may still use the memory. */
    @Override
    public void release(Memory memory) {
        CudaMemory cudaMemory = cuda(memory);
        if (recording) {
            throw new IllegalStateException("memory cannot be released while a step records");
        }
        check(CudaLibrary.synchronize(context), "release");
        check(CudaLibrary.streamSynchronize(context, CudaLibrary.COPY_STREAM), "release");
        memories.remove(cudaMemory);
        cudaMemory.released = true;
        CudaLibrary.memoryFree(context, cudaMemory.address);
        forgetRecordedSteps(); // a recording may hold its address, which a later allocation may reuse
    }

    @Override
    public boolean keepsTrainingDataResident() {
        return true;
    }

    /**
     * Makes this backend upload streamed batches where the step reads them, on the compute stream,
     * instead of through a {@link #batchLanding}: to compare the two. Returns this backend.
     */
    public CudaBackend withoutCopyOverlap() {
        overlapsCopies = false;
        return this;
    }

    /** Streamed batches are copied in on the copy stream while the step before runs (see {@link CudaBatchLanding}). */
    @Override
    public BatchLanding batchLanding(int values) {
        checkOpen();
        if (!overlapsCopies) {
            return null;
        }
        landings.removeIf(CudaBatchLanding::released);
        CudaBatchLanding landing = new CudaBatchLanding(landingStreams, values);
        landings.add(landing);
        return landing;
    }

    /** The streams, events and copies a landing uses: those of this backend's context. */
    private final class ContextStreams implements LandingStreams {
        @Override
        public Memory allocate(int size) {
            return CudaBackend.this.allocate(size);
        }

        @Override
        public long address(Memory memory, int offset) {
            return cuda(memory).at(offset);
        }

        @Override
        public void release(Memory memory) {
            CudaBackend.this.release(memory);
        }

        @Override
        public long createEvent() {
            return checked(CudaLibrary.eventCreate(context), "creating an event");
        }

        @Override
        public void destroyEvent(long event) {
            CudaLibrary.eventDestroy(context, event);
        }

        @Override
        public void uploadOnCopyStream(float[] source, int sourceOffset, long target, int count) {
            staging.uploadOnCopyStream(source, sourceOffset, target, count);
        }

        @Override
        public void copyOnComputeStream(long source, Memory target, int targetOffset, int count) {
            KernelArguments.check("copy", "target", target, targetOffset, count);
            check(CudaLibrary.copyAsync(context, cuda(target).at(targetOffset), source, (long) count * Float.BYTES,
                    CudaLibrary.DEVICE_TO_DEVICE), "copying a landed batch");
        }

        @Override
        public void record(int stream, long event) {
            check(CudaLibrary.eventRecordOn(context, stream, event), "marking a landing buffer");
        }

        @Override
        public void await(int stream, long event) {
            check(CudaLibrary.streamWaitEvent(context, stream, event), "ordering the copy and compute streams");
        }
    }

    // ---- data movement ------------------------------------------------------------------------

    @Override
    public void upload(float[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("upload", "target", target, targetOffset, count);
        staging.upload(source, sourceOffset, cuda(target).at(targetOffset), count);
    }

    @Override
    public void download(Memory source, int sourceOffset, float[] target, int targetOffset, int count) {
        KernelArguments.check("download", "source", source, sourceOffset, count);
        staging.download(cuda(source).at(sourceOffset), target, targetOffset, count);
    }

    @Override
    public void fill(Memory target, int offset, int count, float value) {
        KernelArguments.check("fill", "target", target, offset, count);
        check(CudaLibrary.fill(context, count, cuda(target).at(offset), value), "fill");
    }

    @Override
    public void copy(Memory source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("copy", "source", source, sourceOffset, count);
        KernelArguments.check("copy", "target", target, targetOffset, count);
        check(CudaLibrary.copyAsync(context, cuda(target).at(targetOffset), cuda(source).at(sourceOffset),
                (long) count * Float.BYTES, CudaLibrary.DEVICE_TO_DEVICE), "copy");
    }

    @Override
    public void uploadIndices(int[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("uploadIndices", "target", target, targetOffset, count);
        staging.uploadInts(source, sourceOffset, cuda(target).at(targetOffset), count);
    }

    /** Indices are not checked here (that would wait for the GPU): fit makes them from a valid order. */
    @Override
    public void gatherRows(int rows, int width, Memory source, Memory indices, int indicesOffset,
                           Memory target, int targetOffset) {
        KernelArguments.check("gatherRows", "indices", indices, indicesOffset, rows);
        KernelArguments.check("gatherRows", "target", target, targetOffset, rows, width);
        check(CudaLibrary.gatherRows(context, rows, width, cuda(source).at(0), cuda(indices).at(indicesOffset),
                cuda(target).at(targetOffset)), "gatherRows");
    }

    // ---- dense ------------------------------------------------------------------------------------

    @Override
    public void matmul(boolean transposeA, boolean transposeB, int m, int n, int k,
                       Memory a, int aOffset, Memory b, int bOffset, Memory c, int cOffset, boolean accumulate) {
        KernelArguments.checkMatmul(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                fill(c, cOffset, m * n, 0f);
            }
            return;
        }
        check(CudaLibrary.gemm(context, transposeA, transposeB, m, n, k, cuda(a).at(aOffset), cuda(b).at(bOffset),
                cuda(c).at(cOffset), accumulate), "matmul");
    }

    @Override
    public void biasActivation(ActivationFunction f, int rows, int cols,
                               Memory z, int zOffset, Memory bias, int biasOffset, Memory y, int yOffset) {
        KernelArguments.checkBiasActivation(f, rows, cols, z, zOffset, bias, biasOffset, y, yOffset);
        checkKernel(kernels.biasActivation(context, NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(),
                rows, cols, cuda(z).at(zOffset), bias == null ? 0 : cuda(bias).at(biasOffset), cuda(y).at(yOffset)),
                "biasActivation");
    }

    @Override
    public void activationBackward(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                   Memory y, int yOffset, Memory dy, int dyOffset, Memory dz, int dzOffset) {
        KernelArguments.checkActivationBackward(f, rows, cols, z, zOffset, y, yOffset, dy, dyOffset, dz, dzOffset);
        checkKernel(kernels.activationBackward(context, NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(),
                rows, cols, cuda(z).at(zOffset), cuda(y).at(yOffset), cuda(dy).at(dyOffset), cuda(dz).at(dzOffset)),
                "activationBackward");
    }

    @Override
    public void columnSums(int rows, int cols, Memory x, int xOffset, Memory sums, int sumsOffset) {
        KernelArguments.check("columnSums", "x", x, xOffset, rows, cols);
        KernelArguments.check("columnSums", "sums", sums, sumsOffset, cols);
        checkKernel(kernels.columnSums(context, rows, cols, cuda(x).at(xOffset), cuda(sums).at(sumsOffset)), "columnSums");
    }

    // ---- dropout ------------------------------------------------------------------------------------

    @Override
    public void dropout(double rate, long seed, long step, int count, Memory x, int xOffset, Memory y, int yOffset) {
        KernelArguments.checkDropout(rate, count, x, xOffset, y, yOffset);
        launchDropout("dropout", rate, seed, step, count, cuda(x).at(xOffset), cuda(y).at(yOffset));
    }

    @Override
    public void dropoutBackward(double rate, long seed, long step, int count,
                                Memory dy, int dyOffset, Memory dx, int dxOffset) {
        KernelArguments.checkDropout(rate, count, dy, dyOffset, dx, dxOffset);
        launchDropout("dropoutBackward", rate, seed, step, count, cuda(dy).at(dyOffset), cuda(dx).at(dxOffset));
    }

    /** A recording reads the step from the counters, which each replay sets. */
    private void launchDropout(String what, double rate, long seed, long step, int count, long x, long y) {
        checkKernel(kernels.dropout(context, DropoutMask.threshold(rate), (float) DropoutMask.scale(rate), seed, step,
                recording ? counters : 0, count, x, y), what);
    }

    // ---- convolution family (image_kernels.cuh) ------------------------------------------------------

    /** The window's 14 ints in host memory, where the native launcher reads them: no allocation per call. */
    private long window(Window2D w) {
        return windowArguments.address(w);
    }

    @Override
    public void conv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                       Memory columns, int columnsOffset, Memory z, int zOffset) {
        ImageKernelArguments.checkConv2d(window, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset, z, zOffset);
        check(CudaLibrary.conv2d(context, window(window), batch, cuda(x).at(xOffset), cuda(kernel).at(kernelOffset),
                cuda(columns).at(columnsOffset), cuda(z).at(zOffset)), "conv2d");
    }

    /** Forward left the im2col columns in {@code columns}: the kernel gradient is one GEMM from them. */
    @Override
    public void conv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                               Memory columns, int columnsOffset, Memory dz, int dzOffset, Memory dKernel, int dKernelOffset,
                               Memory dColumns, int dColumnsOffset, Memory dx, int dxOffset) {
        ImageKernelArguments.checkConv2dBackward(window, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset,
                dz, dzOffset, dKernel, dKernelOffset, dColumns, dColumnsOffset, dx, dxOffset);
        check(CudaLibrary.conv2dBackward(context, window(window), batch, cuda(kernel).at(kernelOffset),
                cuda(columns).at(columnsOffset), cuda(dz).at(dzOffset), dKernel == null ? 0 : cuda(dKernel).at(dKernelOffset),
                cuda(dColumns).at(dColumnsOffset), dx == null ? 0 : cuda(dx).at(dxOffset)), "conv2dBackward");
    }

    @Override
    public void pool2d(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        ImageKernelArguments.checkWindow("pool2d", window, batch, x, xOffset, y, yOffset);
        check(CudaLibrary.pool2d(context, NativeCodes.pooling(kind), window(window), batch, cuda(x).at(xOffset), cuda(y).at(yOffset)),
                "pool2d");
    }

    @Override
    public void pool2dBackward(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset,
                               Memory dy, int dyOffset, Memory dx, int dxOffset) {
        ImageKernelArguments.checkPool2dBackward(window, batch, x, xOffset, dy, dyOffset, dx, dxOffset);
        check(CudaLibrary.pool2dBackward(context, NativeCodes.pooling(kind), window(window), batch, cuda(x).at(xOffset),
                cuda(dy).at(dyOffset), cuda(dx).at(dxOffset)), "pool2dBackward");
    }

    @Override
    public void zeroPad2d(Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        ImageKernelArguments.checkWindow("zeroPad2d", window, batch, x, xOffset, y, yOffset);
        check(CudaLibrary.zeroPad2d(context, window(window), batch, cuda(x).at(xOffset), cuda(y).at(yOffset)), "zeroPad2d");
    }

    @Override
    public void zeroPad2dBackward(Window2D window, int batch, Memory dy, int dyOffset, Memory dx, int dxOffset) {
        ImageKernelArguments.checkWindow("zeroPad2d backward", window, batch, dx, dxOffset, dy, dyOffset);
        check(CudaLibrary.zeroPad2dBackward(context, window(window), batch, cuda(dy).at(dyOffset), cuda(dx).at(dxOffset)),
                "zeroPad2dBackward");
    }

    @Override
    public void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, Memory x, int xOffset,
                          Memory gamma, int gammaOffset, Memory beta, int betaOffset, Memory movingMean, int movingMeanOffset,
                          Memory movingVariance, int movingVarianceOffset, Memory statistics, int statisticsOffset,
                          Memory y, int yOffset) {
        ImageKernelArguments.checkBatchNormForward(training, rows, cols, momentum, epsilon, x, xOffset, gamma, gammaOffset,
                beta, betaOffset, movingMean, movingMeanOffset, movingVariance, movingVarianceOffset,
                statistics, statisticsOffset, y, yOffset);
        check(CudaLibrary.batchNorm(context, training, rows, cols, momentum, epsilon, cuda(x).at(xOffset),
                cuda(gamma).at(gammaOffset), cuda(beta).at(betaOffset), cuda(movingMean).at(movingMeanOffset),
                cuda(movingVariance).at(movingVarianceOffset), training ? cuda(statistics).at(statisticsOffset) : 0,
                cuda(y).at(yOffset)), "batchNorm");
    }

    @Override
    public void batchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                                  Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                                  Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset, Memory dx, int dxOffset) {
        ImageKernelArguments.checkBatchNormBackward(rows, cols, x, xOffset, gamma, gammaOffset, statistics, statisticsOffset,
                dy, dyOffset, dGamma, dGammaOffset, dBeta, dBetaOffset, dx, dxOffset);
        check(CudaLibrary.batchNormBackward(context, rows, cols, cuda(x).at(xOffset), cuda(gamma).at(gammaOffset),
                cuda(statistics).at(statisticsOffset), cuda(dy).at(dyOffset), cuda(dGamma).at(dGammaOffset),
                cuda(dBeta).at(dBetaOffset), dx == null ? 0 : cuda(dx).at(dxOffset)), "batchNormBackward");
    }

    // ---- sequence layers: SequenceKernels' schedule, its GEMMs through cuBLAS, the cells here ---------

    @Override
    public void recurrent(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                          Memory x, int xOffset, Memory weights, int weightsOffset, Memory workspace, int workspaceOffset,
                          Memory y, int yOffset) {
        SequenceKernels.recurrent(this, this::sequenceCells, cell, batch, steps, inputs, units, returnSequences, x, xOffset,
                weights, weightsOffset, workspace, workspaceOffset, y, yOffset);
    }

    @Override
    public void recurrentBackward(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                                  Memory x, int xOffset, Memory weights, int weightsOffset, Memory workspace,
                                  int workspaceOffset, Memory dy, int dyOffset, Memory dWeights, int dWeightsOffset,
                                  Memory dWorkspace, int dWorkspaceOffset, Memory dx, int dxOffset) {
        SequenceKernels.recurrentBackward(this, this::sequenceCells, cell, batch, steps, inputs, units, returnSequences,
                x, xOffset, weights, weightsOffset, workspace, workspaceOffset, dy, dyOffset, dWeights, dWeightsOffset,
                dWorkspace, dWorkspaceOffset, dx, dxOffset);
    }

    /** One step's cells of a recurrent layer as one kernel over (batch, units), the cell's body picked by its code. */
    private SequenceCells sequenceCells(RecurrentCell cell) {
        int code = NativeCodes.recurrentCell(cell);
        return new SequenceCells() {
            @Override
            public void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights,
                                int biasOffset, Memory workspace, int workspaceOffset, Memory y, int yOffset) {
                check(CudaLibrary.sequenceCellsForward(context, code, batch, steps, units, t, returnSequences,
                        cuda(weights).at(biasOffset), cuda(workspace).at(workspaceOffset), cuda(y).at(yOffset)), "recurrent");
            }

            @Override
            public void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                                 int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset) {
                check(CudaLibrary.sequenceCellsBackward(context, code, batch, steps, units, t, returnSequences,
                        cuda(workspace).at(workspaceOffset), cuda(dy).at(dyOffset), cuda(dWorkspace).at(dWorkspaceOffset)),
                        "recurrentBackward");
            }
        };
    }

    /**
     * Indices outside [0, inputDim) give NaN rows here instead of an exception (checking them would
     * wait for the GPU each call): fit and predict check a model's index inputs on the host first.
     */
    @Override
    public void embedding(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                          Memory table, int tableOffset, Memory y, int yOffset) {
        SequenceKernels.checkEmbedding("embedding", rows, inputDim, outputDim, indices, indicesOffset, table, tableOffset);
        KernelArguments.check("embedding", "y", y, yOffset, rows, outputDim);
        check(CudaLibrary.embedding(context, rows, inputDim, outputDim, cuda(indices).at(indicesOffset),
                cuda(table).at(tableOffset), cuda(y).at(yOffset)), "embedding");
    }

    @Override
    public void embeddingBackward(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                                  Memory dy, int dyOffset, Memory dTable, int dTableOffset) {
        SequenceKernels.checkEmbedding("embeddingBackward", rows, inputDim, outputDim, indices, indicesOffset,
                dTable, dTableOffset);
        KernelArguments.check("embeddingBackward", "dy", dy, dyOffset, rows, outputDim);
        check(CudaLibrary.embeddingBackward(context, rows, inputDim, outputDim, cuda(indices).at(indicesOffset),
                cuda(dy).at(dyOffset), cuda(dTable).at(dTableOffset)), "embeddingBackward");
    }

    // ---- losses and metrics -----------------------------------------------------------------------

    @Override
    public double loss(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset, Memory z, int zOffset,
                       Memory targets, int targetsOffset, Memory weights, int weightsOffset,
                       Memory gradient, int gradientOffset, float gradientScale) {
        if (gradient == null) {
            throw new NullPointerException("loss: gradient is null (lossValue computes the loss alone)");
        }
        KernelArguments.checkLoss(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset,
                weights, weightsOffset, gradient, gradientOffset);
        return launchLoss(kind, fused, rows, cols, fused ? cuda(z).at(zOffset) : cuda(y).at(yOffset),
                cuda(targets).at(targetsOffset), weights == null ? 0 : cuda(weights).at(weightsOffset),
                cuda(gradient).at(gradientOffset), gradientScale);
    }

    @Override
    public double lossValue(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset,
                            Memory z, int zOffset, Memory targets, int targetsOffset, Memory weights, int weightsOffset) {
        KernelArguments.checkLoss(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset,
                weights, weightsOffset, null, 0);
        return launchLoss(kind, fused, rows, cols, fused ? cuda(z).at(zOffset) : cuda(y).at(yOffset),
                cuda(targets).at(targetsOffset), weights == null ? 0 : cuda(weights).at(weightsOffset), 0, 0f);
    }

    private double launchLoss(LossKind kind, boolean fused, int rows, int cols, long output, long targets,
                              long weights, long gradient, float scale) {
        int slot = resultSlot();
        int targetWidth = kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY ? 1 : cols;
        checkKernel(kernels.loss(context, NativeCodes.loss(kind), fused, rows, cols, output, targets, targetWidth, weights,
                gradient, scale, results + (long) slot * Double.BYTES), "loss");
        return recording ? Double.NaN : readResult(slot);
    }

    @Override
    public long countCorrect(AccuracyKind kind, int rows, int cols, Memory y, int yOffset,
                             Memory targets, int targetsOffset) {
        KernelArguments.checkCountCorrect(kind, rows, cols, y, yOffset, targets, targetsOffset);
        int slot = resultSlot();
        int targetWidth = kind == AccuracyKind.SPARSE_CATEGORICAL ? 1 : cols;
        checkKernel(kernels.countCorrect(context, NativeCodes.accuracy(kind), rows, cols, cuda(y).at(yOffset),
                cuda(targets).at(targetsOffset), targetWidth, results + (long) slot * Double.BYTES), "countCorrect");
        return recording ? -1 : (long) readResult(slot);
    }

    /**
     * The counts of one batch in one kernel and, eagerly, one copy back: a recorded step's go to its
     * result slots instead and reach the host with its loss, a step later (no wait for the GPU).
     */
    @Override
    public void countMetric(MetricCounter counter, int rows, int cols, Memory y, int yOffset,
                            Memory targets, int targetsOffset, long[] counts, int countsOffset) {
        KernelArguments.checkCountMetric(counter, rows, cols, y, yOffset, targets, targetsOffset, counts, countsOffset);
        int counters = counter.counters();
        int slot = resultSlots(counters);
        check(CudaLibrary.countMetric(context, NativeCodes.metricCounter(counter.kind()), counter.k(), counter.threshold(),
                counter.classId(), counter.thresholds(), counter.sparseTargets(), rows, cols, cuda(y).at(yOffset), cuda(targets).at(targetsOffset),
                counters, results + (long) slot * Double.BYTES), "countMetric");
        if (!recording) {
            copyResults(counters);
            for (int i = 0; i < counters; i++) {
                counts[countsOffset + i] = (long) resultsView.get(i);
            }
        }
    }

    /** A recording gives each result its own slot, in call order; an eager call uses slot 0. */
    private int resultSlot() {
        return resultSlots(1);
    }

    /** {@code count} consecutive slots: a recording's next ones, or from slot 0 for an eager call. */
    private int resultSlots(int count) {
        if (!recording) {
            return 0;
        }
        if (resultCursor + count > RESULT_SLOTS) {
            throw new IllegalStateException("a recorded step may compute at most " + RESULT_SLOTS
                    + " results (losses and metric counts)");
        }
        int first = resultCursor;
        resultCursor += count;
        return first;
    }

    private double readResult(int slot) {
        check(CudaLibrary.copyAsync(context, resultsHost, results + (long) slot * Double.BYTES, Double.BYTES,
                CudaLibrary.DEVICE_TO_HOST), "reading a result");
        check(CudaLibrary.synchronize(context), "reading a result");
        return resultsView.get(0);
    }

    /** Slots 0 .. count of an eager call into the pinned slots, waiting for them. */
    private void copyResults(int count) {
        check(CudaLibrary.copyAsync(context, resultsHost, results, (long) count * Double.BYTES,
                CudaLibrary.DEVICE_TO_HOST), "reading results");
        check(CudaLibrary.synchronize(context), "reading results");
    }

    // ---- optimizers ---------------------------------------------------------------------------------

    @Override
    public void sgd(int count, Memory weights, Memory gradients, Memory velocity,
                    float learningRate, float momentum, boolean nesterov) {
        KernelArguments.checkOptimizer("sgd", count, weights, gradients, momentum == 0 ? null : velocity, null);
        checkKernel(kernels.sgd(context, count, cuda(weights).at(0), cuda(gradients).at(0),
                momentum == 0 ? 0 : cuda(velocity).at(0), learningRate, learningRateAddress(), momentum, nesterov), "sgd");
    }

    @Override
    public void rmsprop(int count, Memory weights, Memory gradients, Memory velocity,
                        float learningRate, float rho, float epsilon) {
        KernelArguments.checkOptimizer("rmsprop", count, weights, gradients, velocity, null);
        checkKernel(kernels.rmsprop(context, count, cuda(weights).at(0), cuda(gradients).at(0), cuda(velocity).at(0),
                learningRate, learningRateAddress(), rho, epsilon), "rmsprop");
    }

    /** A recording reads the update count t and the learning rate from the counters, which each replay sets. */
    @Override
    public void adam(int count, Memory weights, Memory gradients, Memory m, Memory v,
                     float learningRate, float beta1, float beta2, float epsilon, long t) {
        KernelArguments.checkOptimizer("adam", count, weights, gradients, m, v);
        checkKernel(kernels.adam(context, count, cuda(weights).at(0), cuda(gradients).at(0), cuda(m).at(0), cuda(v).at(0),
                learningRate, learningRateAddress(), beta1, beta2, epsilon, t, recording ? counters + Long.BYTES : 0), "adam");
    }

    /** Where a recording reads the learning rate, which each replay sets, so a new rate needs no new recording; else 0. */
    private long learningRateAddress() {
        return recording ? counters + LEARNING_RATE_OFFSET : 0;
    }

    // ---- recorded steps (CUDA graphs) ----------------------------------------------------------------

    @Override
    public StepReplay stepReplay() {
        return stepGraphs ? this : null;
    }

    @Override
    public void replay(int key, long step, long update, float learningRate, Runnable record) {
        checkOpen();
        if (replayed - collected == RESULT_COPIES) {
            throw new IllegalStateException("collect the results of the oldest replayed step before replaying another");
        }
        check(CudaLibrary.eventWait(context, countersCopied), "setting the step counters");
        countersView.put(0, step).put(1, update);
        learningRateView.put(0, learningRate);
        check(CudaLibrary.copyAsync(context, counters, countersHost, COUNTER_BYTES, CudaLibrary.HOST_TO_DEVICE),
                "setting the step counters");
        check(CudaLibrary.eventRecord(context, countersCopied), "setting the step counters");
        long graph = recordedGraph(key);
        if (graph == 0) {
            graph = record(key, record);
        }
        if (graph != 0) {
            check(CudaLibrary.graphLaunch(context, graph), "replaying a recorded step");
        }
        int copy = (int) (replayed % RESULT_COPIES);
        check(CudaLibrary.copyAsync(context, resultsHost + copyOffset(copy), results,
                (long) recordedResults * Double.BYTES, CudaLibrary.DEVICE_TO_HOST), "reading a step's results");
        check(CudaLibrary.eventRecord(context, resultsCopied[copy]), "reading a step's results");
        resultCounts[copy] = recordedResults;
        replayed++;
    }

    @Override
    public void collect() {
        checkOpen();
        if (collected == replayed) {
            throw new IllegalStateException("no replayed step is waiting to be collected");
        }
        int copy = (int) (collected % RESULT_COPIES);
        check(CudaLibrary.eventWait(context, resultsCopied[copy]), "waiting for a step's results");
        collectedCopy = copy;
        collected++;
    }

    /** Bytes from the start of the pinned results to copy {@code copy} of a replayed step's (after the eager slot). */
    private static long copyOffset(int copy) {
        return (long) (1 + copy) * RESULT_SLOTS * Double.BYTES;
    }

    /**
     * Runs {@code record} in recording mode: on a GPU captured into a graph (returned, not yet run),
     * on the host executor run at once (0 returned, so every step records anew).
     *
     * <p>Should a capture fail (a kernel's first launch may have to load its module, which a
     * driver can refuse while a stream is captured), the step runs at once instead, as on the host
     * executor, and a later step tries again; after {@link #CAPTURE_ATTEMPTS} failures this backend
     * stops trying and says so once: training goes on kernel by kernel.
     */
    private long record(int key, Runnable record) {
        if (captureFailures >= CAPTURE_ATTEMPTS) {
            runRecording(record);
            return 0;
        }
        int begun = CudaLibrary.graphBegin(context);
        if (begun == 1) {
            runRecording(record);
            return 0;
        }
        check(begun, "starting to record a step");
        RuntimeException failure = null;
        long graph;
        try {
            runRecording(record);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            graph = CudaLibrary.graphEnd(context); // ends the capture even when record failed
        }
        if (failure != null || graph == 0) {
            captureFailures++;
            String why = failure != null ? failure.getMessage() : CudaLibrary.lastError();
            if (captureFailures == CAPTURE_ATTEMPTS) {
                LOG.log(System.Logger.Level.WARNING, name + ": a training step could not be recorded as a CUDA graph ("
                        + why + "); steps now run kernel by kernel");
            }
            runRecording(record);
            return 0;
        }
        if (recordedKeys[nextRecording] != 0) {
            CudaLibrary.graphDestroy(recordedGraphs[nextRecording]);
        }
        recordedKeys[nextRecording] = key;
        recordedGraphs[nextRecording] = graph;
        nextRecording = (nextRecording + 1) % RECORDED_STEPS;
        return graph;
    }

    /** The step's kernels with results in slots and counters read from the device, whether captured or run. */
    private void runRecording(Runnable record) {
        recording = true;
        resultCursor = 0;
        try {
            record.run();
        } finally {
            recording = false;
            recordedResults = resultCursor;
        }
    }

    private long recordedGraph(int key) {
        for (int i = 0; i < RECORDED_STEPS; i++) {
            if (recordedKeys[i] == key) {
                return recordedGraphs[i];
            }
        }
        return 0;
    }

    @Override
    public void startOver() {
        checkOpen();
        forgetRecordedSteps();
        // A dropped copy still on its way lands in its buffer before any later step's copy to it,
        // which the stream orders after it and whose event collect() waits for.
        collected = replayed;
        collectedCopy = -1;
    }

    private void forgetRecordedSteps() {
        for (int i = 0; i < RECORDED_STEPS; i++) {
            if (recordedKeys[i] != 0) {
                CudaLibrary.graphDestroy(recordedGraphs[i]);
                recordedKeys[i] = 0;
            }
        }
    }

    @Override
    public double result(int index) {
        if (collectedCopy < 0) {
            throw new IllegalStateException("no replayed step has been collected");
        }
        int count = resultCounts[collectedCopy];
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("the recorded step computed " + count + " results, not " + (index + 1));
        }
        return resultsView.get((1 + collectedCopy) * RESULT_SLOTS + index);
    }

    // ---- lifetime and checks -------------------------------------------------------------------------

    /** Waits for the stream, then frees every memory, buffer, graph and the context. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CudaLibrary.synchronize(context);
        CudaLibrary.streamSynchronize(context, CudaLibrary.COPY_STREAM);
        forgetRecordedSteps();
        for (CudaBatchLanding landing : landings) {
            landing.destroyEvents();
        }
        for (CudaMemory memory : memories) {
            CudaLibrary.memoryFree(context, memory.address);
        }
        memories.clear();
        staging.close();
        CudaLibrary.memoryFree(context, results);
        CudaLibrary.pinnedFree(context, resultsHost);
        CudaLibrary.memoryFree(context, counters);
        CudaLibrary.pinnedFree(context, countersHost);
        CudaLibrary.eventDestroy(context, countersCopied);
        for (long event : resultsCopied) {
            CudaLibrary.eventDestroy(context, event);
        }
        CudaLibrary.contextDestroy(context);
        windowArguments.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the " + name + " backend is closed");
        }
    }

    /** This backend's own memory, while it is open: a freed or foreign address would crash the JVM or the GPU. */
    private CudaMemory cuda(Memory memory) {
        checkOpen();
        if (memory instanceof CudaMemory cudaMemory && cudaMemory.owner == this) {
            if (cudaMemory.released) {
                throw new IllegalStateException("a released memory of the " + name + " backend was used: " + memory);
            }
            return cudaMemory;
        }
        throw new IllegalArgumentException("not a memory of this " + name + " backend: " + memory);
    }

    /** Throws with the native library's message unless {@code status} is 0. */
    void check(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(name + ": " + what + " failed: " + CudaLibrary.lastError());
        }
    }

    /** As {@link #check}, for a call into {@link #kernels}, whose library keeps its own last error. */
    private void checkKernel(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(name + ": " + what + " (" + kernels.description() + ") failed: "
                    + kernels.lastError());
        }
    }

    /** {@code handle}, or an exception with the native library's message when it is 0. */
    long checked(long handle, String what) {
        check(handle == 0 ? -1 : 0, what);
        return handle;
    }
}
