package dev.annonet.runtime.backend.cuda;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.contract.Window2D;
import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cuda.NetworkKernels;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.BatchLanding;
import dev.annonet.runtime.backend.DeviceReduction;
import dev.annonet.runtime.backend.DropoutMask;
import dev.annonet.runtime.backend.KernelArguments;
import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.FreeMemory;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.MergeKind;
import dev.annonet.runtime.backend.NativeCodes;
import dev.annonet.runtime.backend.MetricCounter;
import dev.annonet.runtime.backend.NativeWindow;
import dev.annonet.runtime.backend.PoolingKind;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.backend.SequenceCells;
import dev.annonet.runtime.backend.SequenceKernels;
import dev.annonet.runtime.backend.StepReplay;
import dev.annonet.runtime.backend.UpdateRule;
import dev.annonet.runtime.distributed.DeviceCommunicator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The CUDA backend: float32 values in device memory, annonet's kernels ({@code native/src/main/native})
 * and cuBLAS GEMMs, all on one stream, and whole training steps recorded once as CUDA graphs and
 * replayed ({@link StepRecorder}). Uploads go through pinned staging buffers; a streamed batch's go
 * on a second, copy stream while the step before runs ({@link #batchLanding}). A step allocates
 * nothing. Whether it can start here, and with which kernels, is {@link CudaSupport}'s to say.
 *
 * <p>{@link #hostExecutor(boolean)} runs the very same kernel bodies as loops on the CPU, over host
 * memory: the same Java code path, so tests on machines without a GPU check this class and the
 * kernels' math against the reference backend. Only the launches, cuBLAS and graph capture are left
 * for the GPU tests ({@code scripts/gpu-check.sh}).
 *
 * <p>Every layer annonet declares has kernels here: Conv2D as im2col + cuBLAS GEMM, pooling, zero
 * padding and batch normalization as annonet kernels, LSTM and GRU as SequenceKernels' schedule
 * (cuBLAS GEMMs between per-step cell kernels), Embedding as a gather: {@link Backend} is one interface,
 * so a kernel added to it must be added here too. Its kernels do not check their arguments:
 * {@link dev.annonet.runtime.backend.CheckedBackend} does, in front of it (as {@code Device}
 * puts it). Not thread-safe.
 */
public final class CudaBackend implements Backend {
    private final long context;
    // The device's, then the precision policy where it is not float32.
    private final String deviceName;
    private String name;
    // The network's generated kernels where its library loaded, else annonet-native's generic ones.
    private final NetworkKernels kernels;
    private final boolean stepGraphs;
    private final List<CudaMemory> memories = new ArrayList<>();
    private final PinnedStaging staging;
    private final StepRecorder recorder;
    private final NativeWindow windowArguments = new NativeWindow();
    private boolean overlapsCopies = true;
    private final LandingStreams landingStreams = new ContextStreams();
    private final List<CudaBatchLanding> landings = new ArrayList<>();
    // Conv2D on cuDNN where it loaded and was wanted, else null: annonet's im2col + GEMM.
    private final CudnnConvolutions cudnn;
    private final List<CommunicationStream> communicationStreams = new ArrayList<>();
    /** A data-parallel rank's slice of the global batch that dropout draws its mask for ({@link #dropoutSlice}). */
    private int dropoutFirstSample;
    private int dropoutSliceBatch;
    private FusedEpilogues fused;
    private boolean closed;
    // The precision policy: the GEMMs' compute type under FLOAT32 (TF32 or not), and the loss scaling of MIXED_FLOAT16.
    private final int float32Compute;
    private Precision precision = Precision.FLOAT32;
    private LossScaling lossScaling;

    private CudaBackend(long context, String name, boolean stepGraphs, NetworkKernels kernels, boolean cudnn, boolean tf32) {
        this.context = context;
        this.kernels = kernels;
        this.stepGraphs = stepGraphs;
        this.cudnn = cudnn ? CudnnConvolutions.open(context, tf32, this::forgetRecordedSteps) : null;
        this.deviceName = name + (this.cudnn != null ? " (cudnn)" : "");
        this.name = deviceName;
        this.float32Compute = tf32 ? CudaLibrary.COMPUTE_32F_FAST_TF32 : CudaLibrary.COMPUTE_32F;
        this.staging = new PinnedStaging(this);
        this.recorder = new StepRecorder(this);
        this.fused = FusedEpilogues.open(context, name);
    }

    /**
     * A backend on GPU {@code ordinal}; {@code tf32} lets cuBLAS use TF32 tensor cores (faster,
     * about 10 mantissa bits). Fails with a message naming what is missing: the native library,
     * nvcc at build time, a driver, the GPU, or cuBLAS. Without {@code stepGraphs} every kernel is
     * launched as it is called ({@link #stepReplay()} is null). Runs {@code networkKernels} where
     * their library loads, else the generic kernels, saying so once in the log. With {@code cudnn}
     * its convolutions run on cuDNN where it loads (the name then ends in "(cudnn)"), else on
     * annonet's kernels, the log saying why once.
     */
    public static CudaBackend onDevice(int ordinal, boolean tf32, boolean stepGraphs, NetworkKernels networkKernels,
                                       boolean cudnn) {
        String problem = CudaSupport.deviceProblem(ordinal);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        long context = CudaLibrary.contextCreate(ordinal, tf32);
        if (context == 0) {
            throw new IllegalStateException("the CUDA backend cannot start on GPU " + ordinal + ": " + CudaLibrary.lastError());
        }
        return new CudaBackend(context, "cuda:" + ordinal + (tf32 ? " (tf32)" : "") + (stepGraphs ? "" : " (no step graphs)"),
                stepGraphs, CudaSupport.runnable(networkKernels, CudaLibrary.deviceComputeCapability(ordinal)), cudnn, tf32);
    }

    /** A backend on GPU {@code ordinal} with its convolutions on cuDNN where it loads. */
    public static CudaBackend onDevice(int ordinal, boolean tf32, boolean stepGraphs, NetworkKernels networkKernels) {
        return onDevice(ordinal, tf32, stepGraphs, networkKernels, true);
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
                "cuda host executor" + (stepGraphs ? "" : " (no step graphs)"), stepGraphs,
                CudaSupport.runnable(networkKernels, CudaSupport.HOST), false, false);
    }

    /** The host executor with the generic kernels. */
    public static CudaBackend hostExecutor(boolean stepGraphs) {
        return hostExecutor(stepGraphs, NetworkKernels.generic());
    }

    // ---- precision policy ------------------------------------------------------------------------------

    /**
     * Runs this backend's GEMMs under {@code precision} from now on (see {@link Precision}): on a GPU
     * cublasGemmEx with float32 matrices and bfloat16 or half tensor-core operands; on the host
     * executor the same GEMMs with their operands rounded so, which models the tensor cores.
     * {@link Precision#MIXED_FLOAT16} adds dynamic loss scaling to the training steps. Returns this backend.
     */
    public CudaBackend withPrecision(Precision precision) {
        return withPrecision(precision, LossScaling.GROWTH_INTERVAL);
    }

    /** {@link #withPrecision(Precision)}, the loss scale doubling after {@code growthInterval} finite steps in a row (tests). */
    public CudaBackend withPrecision(Precision precision, int growthInterval) {
        checkOpen();
        if (growthInterval <= 0) {
            throw new IllegalArgumentException("the loss scale's growth interval must be positive, was " + growthInterval);
        }
        int compute = switch (precision) {
            case FLOAT32 -> float32Compute;
            case MIXED_BFLOAT16 -> CudaLibrary.COMPUTE_32F_FAST_16BF;
            case MIXED_FLOAT16 -> CudaLibrary.COMPUTE_32F_FAST_16F;
        };
        check(CudaLibrary.contextSetGemmCompute(context, compute), "setting the precision to " + precision);
        if (lossScaling != null) {
            lossScaling.close();
            lossScaling = null;
        }
        if (precision == Precision.MIXED_FLOAT16) {
            lossScaling = new LossScaling(this, growthInterval);
        }
        this.precision = precision;
        this.name = deviceName + (precision == Precision.FLOAT32 ? "" : " (" + precision + ")");
        recorder.forgetRecordedSteps(); // they hold the former compute type and loss scaling
        return this;
    }

    public Precision precision() {
        return precision;
    }

    /** The dynamic loss scale under {@link Precision#MIXED_FLOAT16}, waiting for the device; NaN under the other policies. */
    @Override
    public double lossScale() {
        checkOpen();
        return lossScaling == null ? Double.NaN : lossScaling.scale();
    }

    /** The kernels this backend runs: its network's own, or the generic ones. */
    public NetworkKernels kernels() {
        return kernels;
    }

    @Override
    public String name() {
        return name;
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

    /** The GPU's free memory; the host's on the host executor, whose memory is host memory. */
    @Override
    public FreeMemory freeMemory() {
        checkOpen();
        long free = CudaLibrary.deviceMemoryFree(context);
        return free < 0 ? FreeMemory.host() : new FreeMemory(free, "the GPU's free memory");
    }

    @Override
    public Memory allocate(int size) {
        checkOpen();
        if (recorder.recording()) {
            throw new IllegalStateException("memory cannot be allocated while a step records");
        }
        long address = checked(CudaLibrary.memoryAllocate(context, (long) Math.max(size, 1) * Float.BYTES),
                "allocating " + size + " values");
        CudaMemory memory = new CudaMemory(this, address, size);
        memories.add(memory);
        // Recorded steps may hold addresses of memory this one replaces (a grown arena).
        recorder.forgetRecordedSteps();
        return memory;
    }

    /** Waits for both streams first: work already enqueued may still use the memory. */
    @Override
    public void release(Memory memory) {
        CudaMemory cudaMemory = cuda(memory);
        if (recorder.recording()) {
            throw new IllegalStateException("memory cannot be released while a step records");
        }
        check(CudaLibrary.synchronize(context), "release");
        check(CudaLibrary.streamSynchronize(context, CudaLibrary.COPY_STREAM), "release");
        memories.remove(cudaMemory);
        cudaMemory.released = true;
        CudaLibrary.memoryFree(context, cudaMemory.address);
        recorder.forgetRecordedSteps(); // a recording may hold its address, which a later allocation may reuse
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

    /**
     * Makes this backend run its dense layers as the unfused GEMM and kernels instead of cuBLASLt
     * GEMMs with fused epilogues ({@link FusedEpilogues}): to compare the two. Returns this backend.
     */
    public CudaBackend withoutFusedEpilogues() {
        checkOpen();
        fused.close();
        recorder.forgetRecordedSteps();
        return this;
    }

    /** Whether dense layers may run as cuBLASLt GEMMs with fused epilogues (cuBLASLt started, not turned off). */
    public boolean fusesEpilogues() {
        return fused.enabled();
    }

    /** The fused GEMM calls planned that run fused (a plan per shape, epilogue, alignment, bias and compute type): for tests. */
    int fusedPlans() {
        return fused.plans();
    }

    /** Plans the fused GEMMs first met while a step was captured: whether any can now run (the step is captured again). */
    boolean planPendingEpilogues() {
        return fused.planPending();
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
        staging.upload(source, sourceOffset, cuda(target).at(targetOffset), count);
    }

    @Override
    public void download(Memory source, int sourceOffset, float[] target, int targetOffset, int count) {
        staging.download(cuda(source).at(sourceOffset), target, targetOffset, count);
    }

    @Override
    public void fill(Memory target, int offset, int count, float value) {
        check(CudaLibrary.fill(context, count, cuda(target).at(offset), value), "fill");
    }

    @Override
    public void copy(Memory source, int sourceOffset, Memory target, int targetOffset, int count) {
        check(CudaLibrary.copyAsync(context, cuda(target).at(targetOffset), cuda(source).at(sourceOffset),
                (long) count * Float.BYTES, CudaLibrary.DEVICE_TO_DEVICE), "copy");
    }

    @Override
    public void uploadIndices(int[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        staging.uploadInts(source, sourceOffset, cuda(target).at(targetOffset), count);
    }

    /** Indices are not checked here (that would wait for the GPU): fit makes them from a valid order. */
    @Override
    public void gatherRows(int rows, int width, Memory source, Memory indices, int indicesOffset,
                           Memory target, int targetOffset) {
        check(CudaLibrary.gatherRows(context, rows, width, cuda(source).at(0), cuda(indices).at(indicesOffset),
                cuda(target).at(targetOffset)), "gatherRows");
    }

    // ---- dense ------------------------------------------------------------------------------------

    @Override
    public void matmul(boolean transposeA, boolean transposeB, int m, int n, int k,
                       Memory a, int aOffset, Memory b, int bOffset, Memory c, int cOffset, boolean accumulate) {
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
        checkKernel(kernels.biasActivation(context, NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(),
                (float) f.slope(), rows, cols, cuda(z).at(zOffset), bias == null ? 0 : cuda(bias).at(biasOffset),
                cuda(y).at(yOffset)),
                "biasActivation");
    }

    @Override
    public void activationBackward(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                   Memory y, int yOffset, Memory dy, int dyOffset, Memory dz, int dzOffset) {
        checkKernel(kernels.activationBackward(context, NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(),
                (float) f.slope(), rows, cols, cuda(z).at(zOffset), cuda(y).at(yOffset), cuda(dy).at(dyOffset),
                cuda(dz).at(dzOffset)),
                "activationBackward");
    }

    @Override
    public void columnSums(int rows, int cols, Memory x, int xOffset, Memory sums, int sumsOffset) {
        checkKernel(kernels.columnSums(context, rows, cols, cuda(x).at(xOffset), cuda(sums).at(sumsOffset)), "columnSums");
    }

    /** One cuBLASLt GEMM with its epilogue where {@link FusedEpilogues} can, else the GEMM and the kernel. */
    @Override
    public void denseForward(ActivationFunction f, int rows, int in, int out, Memory x, int xOffset, Memory w, int wOffset,
                             Memory bias, int biasOffset, Memory z, int zOffset, Memory y, int yOffset) {
        long zAddress = cuda(z).at(zOffset);
        long yAddress = cuda(y).at(yOffset);
        FusedEpilogues.Forward fusion = fused.denseForward(f, rows, in, out, cuda(x).at(xOffset), cuda(w).at(wOffset),
                bias == null ? 0 : cuda(bias).at(biasOffset), zAddress, yAddress, recorder.capturing());
        if (fusion == FusedEpilogues.Forward.UNFUSED) {
            Backend.super.denseForward(f, rows, in, out, x, xOffset, w, wOffset, bias, biasOffset, z, zOffset, y, yOffset);
        } else if (fusion == FusedEpilogues.Forward.INTO_Z && !(f.kind() == Activation.Kind.LINEAR && zAddress == yAddress)) {
            biasActivation(f, rows, out, z, zOffset, null, 0, y, yOffset);
        }
    }

    /** One cuBLASLt GEMM with the bias gradient in its epilogue where {@link FusedEpilogues} can, else the GEMM and the sums. */
    @Override
    public void denseParameterGradients(int rows, int in, int out, Memory x, int xOffset, Memory dz, int dzOffset,
                                        Memory dw, int dwOffset, Memory dbias, int dbiasOffset) {
        if (!fused.denseParameterGradients(rows, in, out, cuda(x).at(xOffset), cuda(dz).at(dzOffset), cuda(dw).at(dwOffset),
                cuda(dbias).at(dbiasOffset), recorder.capturing())) {
            Backend.super.denseParameterGradients(rows, in, out, x, xOffset, dz, dzOffset, dw, dwOffset, dbias, dbiasOffset);
        }
    }

    // ---- dropout ------------------------------------------------------------------------------------

    @Override
    public void dropout(double rate, long seed, long step, int count, Memory x, int xOffset, Memory y, int yOffset) {
        launchDropout("dropout", rate, seed, step, count, cuda(x).at(xOffset), cuda(y).at(yOffset));
    }

    @Override
    public void dropoutBackward(double rate, long seed, long step, int count,
                                Memory dy, int dyOffset, Memory dx, int dxOffset) {
        launchDropout("dropoutBackward", rate, seed, step, count, cuda(dy).at(dyOffset), cuda(dx).at(dxOffset));
    }

    @Override
    public void dropoutSlice(int firstSample, int batch) {
        dropoutFirstSample = firstSample;
        dropoutSliceBatch = batch;
    }

    /**
     * A recording reads the step from the counters, which each replay sets. A data-parallel slice's
     * mask starts inside the global batch's: the generic kernel draws it from there.
     */
    private void launchDropout(String what, double rate, long seed, long step, int count, long x, long y) {
        if (dropoutFirstSample == 0) {
            checkKernel(kernels.dropout(context, DropoutMask.threshold(rate), (float) DropoutMask.scale(rate), seed, step,
                    recorder.stepAddress(), count, x, y), what);
        } else {
            long firstIndex = (long) dropoutFirstSample * (count / dropoutSliceBatch);
            check(CudaLibrary.dropoutFrom(context, DropoutMask.threshold(rate), (float) DropoutMask.scale(rate), seed, step,
                    recorder.stepAddress(), count, x, y, firstIndex), what);
        }
    }

    // ---- convolution family (image_kernels.cuh) ------------------------------------------------------

    /** The window's 14 ints in host memory, where the native launcher reads them: no allocation per call. */
    private long window(Window2D w) {
        return windowArguments.address(w);
    }

    /**
     * Annonet's kernels lower to im2col + GEMM. With cuDNN the columns stay planned: whether cuDNN
     * takes a convolution is known only once it has chosen algorithms for a batch size, after the
     * memory is laid out, and the columns are then where annonet's kernels fall back to.
     */
    @Override
    public boolean conv2dUsesColumns(Window2D window) {
        return true;
    }

    @Override
    public void conv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                       Memory columns, int columnsOffset, Memory z, int zOffset) {
        int plan = cudnnPlan(window, batch);
        if (plan != CudnnConvolutions.OWN_KERNELS) {
            check(CudaLibrary.cudnnConv2d(cudnn.handle(), plan, cuda(x).at(xOffset), cuda(kernel).at(kernelOffset),
                    cuda(z).at(zOffset)), "conv2d (cuDNN)");
            return;
        }
        check(CudaLibrary.conv2d(context, window(window), batch, cuda(x).at(xOffset), cuda(kernel).at(kernelOffset),
                cuda(columns).at(columnsOffset), cuda(z).at(zOffset)), "conv2d");
    }

    /** Annonet's kernels make the im2col columns again from x: the kernel gradient is one GEMM from them. */
    @Override
    public void conv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                               Memory columns, int columnsOffset, Memory dz, int dzOffset, Memory dKernel, int dKernelOffset,
                               Memory dColumns, int dColumnsOffset, Memory dx, int dxOffset) {
        int plan = cudnnPlan(window, batch);
        if (plan != CudnnConvolutions.OWN_KERNELS) {
            check(CudaLibrary.cudnnConv2dBackward(cudnn.handle(), plan, cuda(x).at(xOffset), cuda(kernel).at(kernelOffset),
                    cuda(dz).at(dzOffset), dKernel == null ? 0 : cuda(dKernel).at(dKernelOffset),
                    dx == null ? 0 : cuda(dx).at(dxOffset)), "conv2dBackward (cuDNN)");
            return;
        }
        check(CudaLibrary.conv2dBackward(context, window(window), batch, cuda(x).at(xOffset), cuda(kernel).at(kernelOffset),
                cuda(columns).at(columnsOffset), cuda(dz).at(dzOffset), dKernel == null ? 0 : cuda(dKernel).at(dKernelOffset),
                cuda(dColumns).at(dColumnsOffset), dx == null ? 0 : cuda(dx).at(dxOffset)), "conv2dBackward");
    }

    /**
     * The cuDNN plan of this convolution, or {@link CudnnConvolutions#OWN_KERNELS}: always without
     * cuDNN, and under a mixed precision policy, whose GEMMs (im2col's included) run on bfloat16 or
     * half tensor cores while cuDNN's plans are float32.
     */
    private int cudnnPlan(Window2D window, int batch) {
        checkOpen();
        return cudnn == null || precision != Precision.FLOAT32 ? CudnnConvolutions.OWN_KERNELS
                : cudnn.plan(window, window(window), batch, recorder.capturing());
    }

    /** Whether this backend's convolutions may run on cuDNN (it loaded, and was not turned off). */
    public boolean usesCudnn() {
        return cudnn != null;
    }

    /** A new cuDNN plan may have moved its workspace, which recorded steps hold (no plan is made before the recorder exists). */
    private void forgetRecordedSteps() {
        recorder.forgetRecordedSteps();
    }

    /** Whether the window's convolution at {@code batch} has run on cuDNN: for the GPU tests. */
    boolean convolutionRunsOnCudnn(Window2D window, int batch) {
        return cudnn != null && cudnn.runsOnCudnn(window, batch);
    }

    /**
     * True when a step of this batch size must first run uncaptured: the first time, with cuDNN,
     * whose plans are made outside any capture. Under a mixed policy no plan is made, so that
     * first time waits for float32.
     */
    boolean mustRunBeforeCapture(int batch) {
        return cudnn != null && precision == Precision.FLOAT32 && cudnn.firstStepOf(batch);
    }

    @Override
    public void depthwiseConv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                Memory y, int yOffset) {
        check(CudaLibrary.depthwiseConv2d(context, window(window), batch, cuda(x).at(xOffset), cuda(kernel).at(kernelOffset),
                cuda(y).at(yOffset)), "depthwiseConv2d");
    }

    @Override
    public void depthwiseConv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                        Memory dy, int dyOffset, Memory dKernel, int dKernelOffset, Memory dx, int dxOffset) {
        check(CudaLibrary.depthwiseConv2dBackward(context, window(window), batch, cuda(x).at(xOffset),
                cuda(kernel).at(kernelOffset), cuda(dy).at(dyOffset), dKernel == null ? 0 : cuda(dKernel).at(dKernelOffset),
                dx == null ? 0 : cuda(dx).at(dxOffset)), "depthwiseConv2dBackward");
    }

    @Override
    public void pool2d(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        check(CudaLibrary.pool2d(context, NativeCodes.pooling(kind), window(window), batch, cuda(x).at(xOffset), cuda(y).at(yOffset)),
                "pool2d");
    }

    @Override
    public void pool2dBackward(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset,
                               Memory dy, int dyOffset, Memory dx, int dxOffset) {
        check(CudaLibrary.pool2dBackward(context, NativeCodes.pooling(kind), window(window), batch, cuda(x).at(xOffset),
                cuda(dy).at(dyOffset), cuda(dx).at(dxOffset)), "pool2dBackward");
    }

    @Override
    public void zeroPad2d(Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        check(CudaLibrary.zeroPad2d(context, window(window), batch, cuda(x).at(xOffset), cuda(y).at(yOffset)), "zeroPad2d");
    }

    @Override
    public void zeroPad2dBackward(Window2D window, int batch, Memory dy, int dyOffset, Memory dx, int dxOffset) {
        check(CudaLibrary.zeroPad2dBackward(context, window(window), batch, cuda(dy).at(dyOffset), cuda(dx).at(dxOffset)),
                "zeroPad2dBackward");
    }

    // ---- merge layers (merge_kernels.cuh) -------------------------------------------------------

    @Override
    public void merge(MergeKind kind, int input, float scale, int count, Memory x, int xOffset, Memory y, int yOffset,
                      Memory chosen, int chosenOffset, ActivationFunction f, Memory activated, int activatedOffset) {
        check(CudaLibrary.merge(context, NativeCodes.merge(kind), input, scale, count, cuda(x).at(xOffset), cuda(y).at(yOffset),
                chosen == null ? 0 : cuda(chosen).at(chosenOffset), NativeCodes.activation(f.kind()), (float) f.lower(),
                (float) f.upper(), (float) f.slope(), activated == null ? 0 : cuda(activated).at(activatedOffset)), "merge");
    }

    @Override
    public void mergeChosenBackward(int input, int count, Memory chosen, int chosenOffset, Memory dy, int dyOffset,
                                    Memory dx, int dxOffset) {
        check(CudaLibrary.mergeChosenBackward(context, input, count, cuda(chosen).at(chosenOffset), cuda(dy).at(dyOffset),
                cuda(dx).at(dxOffset)), "mergeChosenBackward");
    }

    @Override
    public void copyColumns(int rows, int cols, Memory x, int xOffset, int xWidth, int xColumn,
                            Memory y, int yOffset, int yWidth, int yColumn) {
        check(CudaLibrary.copyColumns(context, rows, cols, cuda(x).at(xOffset), xWidth, xColumn, cuda(y).at(yOffset), yWidth,
                yColumn), "copyColumns");
    }

    // ---- batch normalization over the last axis, any rank (batch_norm_kernels.cuh) --------------------

    @Override
    public void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, Memory x, int xOffset,
                          Memory gamma, int gammaOffset, Memory beta, int betaOffset, Memory movingMean, int movingMeanOffset,
                          Memory movingVariance, int movingVarianceOffset, Memory statistics, int statisticsOffset,
                          Memory y, int yOffset) {
        check(CudaLibrary.batchNorm(context, training, rows, cols, momentum, epsilon, cuda(x).at(xOffset),
                gamma == null ? 0 : cuda(gamma).at(gammaOffset), beta == null ? 0 : cuda(beta).at(betaOffset),
                cuda(movingMean).at(movingMeanOffset),
                cuda(movingVariance).at(movingVarianceOffset), training ? cuda(statistics).at(statisticsOffset) : 0,
                cuda(y).at(yOffset)), "batchNorm");
    }

    @Override
    public void batchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                                  Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                                  Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset, Memory dx, int dxOffset) {
        check(CudaLibrary.batchNormBackward(context, rows, cols, cuda(x).at(xOffset),
                gamma == null ? 0 : cuda(gamma).at(gammaOffset), cuda(statistics).at(statisticsOffset),
                cuda(dy).at(dyOffset), dGamma == null ? 0 : cuda(dGamma).at(dGammaOffset),
                dBeta == null ? 0 : cuda(dBeta).at(dBetaOffset), dx == null ? 0 : cuda(dx).at(dxOffset)), "batchNormBackward");
    }

    // ---- sequence layers: SequenceKernels' schedule, its GEMMs through cuBLAS, the cells here ---------

    private final Map<RecurrentCell, SequenceCells> sequenceCells = new EnumMap<>(RecurrentCell.class);
    /** {@link #sequenceCells(RecurrentCell)}, made once: a method reference per call would allocate in every training step. */
    private final Function<RecurrentCell, SequenceCells> cellsOf = this::sequenceCells;

    @Override
    public void recurrent(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                          Memory x, int xOffset, Memory weights, int weightsOffset, Memory workspace, int workspaceOffset,
                          Memory y, int yOffset) {
        SequenceKernels.recurrent(this, cellsOf, cell, batch, steps, inputs, units, returnSequences, x, xOffset,
                weights, weightsOffset, workspace, workspaceOffset, y, yOffset);
    }

    @Override
    public void recurrentBackward(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                                  Memory x, int xOffset, Memory weights, int weightsOffset, Memory workspace,
                                  int workspaceOffset, Memory dy, int dyOffset, Memory dWeights, int dWeightsOffset,
                                  Memory dWorkspace, int dWorkspaceOffset, Memory dx, int dxOffset) {
        SequenceKernels.recurrentBackward(this, cellsOf, cell, batch, steps, inputs, units, returnSequences,
                x, xOffset, weights, weightsOffset, workspace, workspaceOffset, dy, dyOffset, dWeights, dWeightsOffset,
                dWorkspace, dWorkspaceOffset, dx, dxOffset);
    }

    /** One step's cells of a recurrent layer as one kernel over (batch, units), the cell's body picked by its code. */
    private SequenceCells sequenceCells(RecurrentCell cell) {
        SequenceCells cells = sequenceCells.get(cell);
        if (cells == null) {
            cells = new CellKernels(cell);
            sequenceCells.put(cell, cells);
        }
        return cells;
    }

    private final class CellKernels implements SequenceCells {
        private final int code;

        CellKernels(RecurrentCell cell) {
            this.code = NativeCodes.recurrentCell(cell);
        }

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
    }

    /**
     * Indices outside [0, inputDim) give NaN rows here instead of an exception (checking them would
     * wait for the GPU each call): fit and predict check a model's index inputs on the host first.
     */
    @Override
    public void embedding(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                          Memory table, int tableOffset, Memory y, int yOffset) {
        check(CudaLibrary.embedding(context, rows, inputDim, outputDim, cuda(indices).at(indicesOffset),
                cuda(table).at(tableOffset), cuda(y).at(yOffset)), "embedding");
    }

    @Override
    public void embeddingBackward(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                                  Memory dy, int dyOffset, Memory dTable, int dTableOffset) {
        check(CudaLibrary.embeddingBackward(context, rows, inputDim, outputDim, cuda(indices).at(indicesOffset),
                cuda(dy).at(dyOffset), cuda(dTable).at(dTableOffset)), "embeddingBackward");
    }

    // ---- losses and metrics -----------------------------------------------------------------------

    @Override
    public double loss(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset, Memory z, int zOffset,
                       Memory targets, int targetsOffset, Memory weights, int weightsOffset,
                       Memory gradient, int gradientOffset, float gradientScale) {
        long gradientAddress = cuda(gradient).at(gradientOffset);
        double value = launchLoss(kind, fused, rows, cols, fused ? cuda(z).at(zOffset) : cuda(y).at(yOffset),
                cuda(targets).at(targetsOffset), weights == null ? 0 : cuda(weights).at(weightsOffset),
                gradientAddress, gradientScale);
        if (lossScaling != null) {
            lossScaling.seed(gradientAddress, (long) rows * cols);
        }
        return value;
    }

    @Override
    public double lossValue(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset,
                            Memory z, int zOffset, Memory targets, int targetsOffset, Memory weights, int weightsOffset) {
        return launchLoss(kind, fused, rows, cols, fused ? cuda(z).at(zOffset) : cuda(y).at(yOffset),
                cuda(targets).at(targetsOffset), weights == null ? 0 : cuda(weights).at(weightsOffset), 0, 0f);
    }

    private double launchLoss(LossKind kind, boolean fused, int rows, int cols, long output, long targets,
                              long weights, long gradient, float scale) {
        int slot = recorder.resultSlot();
        int targetWidth = kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY ? 1 : cols;
        checkKernel(kernels.loss(context, NativeCodes.loss(kind), fused, rows, cols, output, targets, targetWidth, weights,
                gradient, scale, recorder.resultAddress(slot)), "loss");
        return recorder.recording() ? Double.NaN : recorder.readResult(slot);
    }

    @Override
    public long countCorrect(AccuracyKind kind, int rows, int cols, Memory y, int yOffset,
                             Memory targets, int targetsOffset) {
        int slot = recorder.resultSlot();
        int targetWidth = kind == AccuracyKind.SPARSE_CATEGORICAL ? 1 : cols;
        checkKernel(kernels.countCorrect(context, NativeCodes.accuracy(kind), rows, cols, cuda(y).at(yOffset),
                cuda(targets).at(targetsOffset), targetWidth, recorder.resultAddress(slot)), "countCorrect");
        return recorder.recording() ? -1 : (long) recorder.readResult(slot);
    }

    /**
     * The counts of one batch in one kernel and, eagerly, one copy back: a recorded step's go to its
     * result slots instead and reach the host with its loss, a step later (no wait for the GPU).
     */
    @Override
    public void countMetric(MetricCounter counter, int rows, int cols, Memory y, int yOffset,
                            Memory targets, int targetsOffset, long[] counts, int countsOffset) {
        int counters = counter.counters();
        int slot = recorder.resultSlots(counters);
        check(CudaLibrary.countMetric(context, NativeCodes.metricCounter(counter.kind()), counter.k(), counter.threshold(),
                counter.classId(), counter.thresholds(), counter.sparseTargets(), rows, cols, cuda(y).at(yOffset),
                cuda(targets).at(targetsOffset), counters, recorder.resultAddress(slot)), "countMetric");
        if (!recorder.recording()) {
            recorder.readResults(counters, counts, countsOffset);
        }
    }

    // ---- optimizers ---------------------------------------------------------------------------------

    /**
     * A recording reads the update count t (Adam) and the learning rate from the counters, which each
     * replay sets. Under loss scaling the gradients are unscaled and checked first, and the scale
     * updated after.
     */
    @Override
    public void update(UpdateRule rule, int count, Memory weights, Memory gradients, Memory firstState,
                       Memory secondState, float learningRate, long t) {
        long w = cuda(weights).at(0);
        long g = cuda(gradients).at(0);
        if (lossScaling != null) {
            lossScaling.unscale(g, count, t, recorder.updateAddress());
        }
        int status = switch (rule.kind()) {
            case SGD -> {
                UpdateRule.Sgd sgd = (UpdateRule.Sgd) rule;
                yield kernels.sgd(context, count, w, g, sgd.stateBuffers() == 0 ? 0 : cuda(firstState).at(0), learningRate,
                        recorder.learningRateAddress(), sgd.momentum(), sgd.nesterov());
            }
            case RMSPROP -> {
                UpdateRule.RmsProp rmsprop = (UpdateRule.RmsProp) rule;
                yield kernels.rmsprop(context, count, w, g, cuda(firstState).at(0), learningRate, recorder.learningRateAddress(),
                        rmsprop.rho(), rmsprop.epsilon());
            }
            case ADAM -> {
                UpdateRule.Adam adam = (UpdateRule.Adam) rule;
                yield kernels.adam(context, count, w, g, cuda(firstState).at(0), cuda(secondState).at(0), learningRate,
                        recorder.learningRateAddress(), adam.beta1(), adam.beta2(), adam.epsilon(), t,
                        recorder.updateAddress());
            }
        };
        checkKernel(status, rule.name());
        if (lossScaling != null) {
            lossScaling.update();
        }
    }

    /** The step recorder, unless this backend launches every kernel as it is called. */
    @Override
    public StepReplay stepReplay() {
        return stepGraphs ? recorder : null;
    }

    /** All-reduces on a communication stream of this context, by a communicator of this backend's memory; else null. */
    @Override
    public DeviceReduction deviceReduction(DeviceCommunicator communicator) {
        checkOpen();
        if (communicator.device() != CudaLibrary.contextDevice(context)) {
            return null;
        }
        communicationStreams.removeIf(CommunicationStream::closed);
        CommunicationStream reduction = new CommunicationStream(this, recorder, communicator);
        communicationStreams.add(reduction);
        return reduction;
    }

    /** The device address of value {@code offset} of this backend's {@code memory}. */
    long address(Memory memory, int offset) {
        return cuda(memory).at(offset);
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
        for (CudaBatchLanding landing : landings) {
            landing.destroyEvents();
        }
        communicationStreams.forEach(CommunicationStream::close);
        for (CudaMemory memory : memories) {
            CudaLibrary.memoryFree(context, memory.address);
        }
        memories.clear();
        staging.close();
        recorder.close();
        if (cudnn != null) {
            cudnn.close();
        }
        if (lossScaling != null) {
            lossScaling.close();
        }
        fused.close();
        CudaLibrary.contextDestroy(context);
        windowArguments.close();
    }

    void checkOpen() {
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
