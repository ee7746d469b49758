package dev.annonet.cuda;

import dev.annonet.nativelib.Libraries;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP binding of annonet's native library ({@code src/main/native/annonet}): contexts,
 * memory, copies, CUDA graphs, and the kernels of the CUDA backend. Addresses (device memory, or
 * host memory for the host executor) and handles travel as {@code long}s; every {@code int}
 * result is 0 or an error code whose message {@link #lastError()} gives.
 *
 * <p>Built by nvcc where it is installed (static cudart: the library loads on machines with no
 * CUDA at all), else by the host C++ compiler with the host executor alone. {@link #load()} says
 * why it cannot load instead of throwing; nothing else here may be called then.
 */
@Platform(include = {"annonet/context.cuh", "annonet/kernels.cuh", "annonet/image_kernels.cuh", "annonet/batch_norm_kernels.cuh",
        "annonet/sequence_kernels.cuh", "annonet/metric_kernels.cuh", "annonet/merge_kernels.cuh",
        "annonet/cudnn_convolution.cuh", "annonet/comm_stream.cuh", "annonet/lt.cuh"},
        link = "dl")
@Namespace("annonet")
public final class CudaLibrary {
    private CudaLibrary() {
    }

    private static final String LOAD_PROBLEM = Libraries.load(CudaLibrary.class, "annonet's native library");

    /** Null when the library is loaded, else why not. */
    public static String load() {
        return LOAD_PROBLEM;
    }

    // ---- devices and contexts ----------------------------------------------------------------------

    /** Whether nvcc compiled this library (otherwise only the host executor exists). */
    @Name("compiled_with_cuda")
    public static native boolean compiledWithCuda();

    /** The number of GPUs, or minus the CUDA error that prevents counting them (35: no driver). */
    @Name("device_count")
    public static native int deviceCount();

    /** The name, architecture and memory of a GPU, or why they cannot be read. */
    @Name("device_description")
    public static native String deviceDescription(int ordinal);

    /** The GPU's compute capability as major · 10 + minor (75 for a T4), or minus the CUDA error that prevents reading it. */
    @Name("device_compute_capability")
    public static native int deviceComputeCapability(int ordinal);

    /**
     * The architectures this library holds GPU code for, as nvcc's {@code __CUDA_ARCH_LIST__}
     * ("750,800,860,890,900"); empty without nvcc. {@link CudaTargets} reads it.
     */
    @Name("cuda_architectures")
    public static native String cudaArchitectures();

    /**
     * The layout of the native context this library was compiled with (an ABI version, sizes and
     * offsets): a network's kernel library, built apart, must report the same ({@link NetworkKernels#contextLayout()}).
     */
    @Name("context_layout")
    public static native String contextLayout();

    /** Empty when cuBLAS loads with every entry point annonet uses, else why not (dlopen's and dlsym's words). */
    @Name("blas_load_problem")
    public static native String blasLoadProblem();

    /** The name of a cuBLAS status ({@code cublasStatus_t}): 13 is "CUBLAS_STATUS_EXECUTION_FAILED". */
    @Name("blas_status_name")
    public static native String blasStatusName(int status);

    /** The message of the last failure on this thread. */
    @Name("last_error")
    public static native String lastError();

    /** A context on GPU {@code ordinal} (its stream and cuBLAS), or the host executor for -1; 0 on failure. */
    @Name("context_create")
    public static native long contextCreate(int ordinal, boolean tf32);

    @Name("context_destroy")
    public static native void contextDestroy(long context);

    /**
     * The device the calling thread has current once an entry point took this context: its GPU on
     * any thread (every entry point makes it current), -1 for the host executor.
     */
    @Name("context_device")
    public static native int contextDevice(long context);

    /** Bytes free on the context's GPU; -1 on the host executor or on failure. */
    @Name("device_memory_free")
    public static native long deviceMemoryFree(long context);

    /** Bytes of the context's GPU in use (by any process); -1 on the host executor or on failure. */
    @Name("device_memory_used")
    public static native long deviceMemoryUsed(long context);

    // ---- memory and copies --------------------------------------------------------------------------

    /** Zeroed memory on the context's device; 0 on failure. */
    @Name("memory_allocate")
    public static native long memoryAllocate(long context, long bytes);

    @Name("memory_free")
    public static native void memoryFree(long context, long address);

    /** Page-locked host memory that the device copies from and to asynchronously; 0 on failure. */
    @Name("pinned_allocate")
    public static native long pinnedAllocate(long context, long bytes);

    @Name("pinned_free")
    public static native void pinnedFree(long context, long address);

    public static final int HOST_TO_DEVICE = 1;
    public static final int DEVICE_TO_HOST = 2;
    public static final int DEVICE_TO_DEVICE = 3;

    /** The stream kernels, graphs and the copies between steps run on. */
    public static final int COMPUTE_STREAM = 0;
    /** The stream a streamed batch is copied in on while a step runs; ordered against the other by events. */
    public static final int COPY_STREAM = 1;

    /** Enqueues a copy on the context's compute stream; {@code kind} is one of the constants above. */
    @Name("copy_async")
    public static native int copyAsync(long context, long target, long source, long bytes, int kind);

    /** Enqueues a copy on {@code stream} ({@link #COMPUTE_STREAM} or {@link #COPY_STREAM}). */
    @Name("copy_async_on")
    public static native int copyAsyncOn(long context, int stream, long target, long source, long bytes, int kind);

    /** Waits until the compute stream's work has run. */
    @Name("synchronize")
    public static native int synchronize(long context);

    /** Waits until {@code stream}'s work has run. */
    @Name("stream_synchronize")
    public static native int streamSynchronize(long context, int stream);

    // ---- events ---------------------------------------------------------------------------------------

    /** An event (1 on the host executor, where everything has already run); 0 on failure. */
    @Name("event_create")
    public static native long eventCreate(long context);

    /** Marks where the compute stream is now. */
    @Name("event_record")
    public static native int eventRecord(long context, long event);

    /** Marks where {@code stream} is now. */
    @Name("event_record_on")
    public static native int eventRecordOn(long context, int stream, long event);

    /** Makes the work enqueued on {@code stream} from now on wait for the event's mark; the host goes on. */
    @Name("stream_wait_event")
    public static native int streamWaitEvent(long context, int stream, long event);

    /** Blocks until the stream has passed the event's mark. */
    @Name("event_wait")
    public static native int eventWait(long context, long event);

    @Name("event_destroy")
    public static native void eventDestroy(long context, long event);

    // ---- the communication stream (comm_stream.cuh): a data-parallel step's all-reduces -----------------

    /** A new stream beside the compute stream, for all-reduces (1 on the host executor); 0 on failure. */
    @Name("comm_stream_create")
    public static native long commStreamCreate(long context);

    /** Waits for the communication stream's work, then destroys it. */
    @Name("comm_stream_destroy")
    public static native void commStreamDestroy(long context, long stream);

    /** The communication stream's later work waits for the compute stream's so far ({@code event} marks it). */
    @Name("comm_stream_fork")
    public static native int commStreamFork(long context, long stream, long event);

    /** The compute stream's later work waits for the communication stream's so far. */
    @Name("comm_stream_join")
    public static native int commStreamJoin(long context, long stream, long event);

    // ---- CUDA graphs ------------------------------------------------------------------------------------

    /** Starts recording the stream's work: 0, 1 when this context cannot record (the host executor), or an error. */
    @Name("graph_begin")
    public static native int graphBegin(long context);

    /** The recorded graph, instantiated for replay; 0 on failure. */
    @Name("graph_end")
    public static native long graphEnd(long context);

    @Name("graph_launch")
    public static native int graphLaunch(long context, long graph);

    @Name("graph_destroy")
    public static native void graphDestroy(long graph);

    // ---- kernels (kernels.cuh has each one's meaning) ------------------------------------------------

    @Name("fill")
    public static native int fill(long context, long count, long x, float value);

    /** {@code indices} holds {@code rows} int32 row numbers. */
    @Name("gather_rows")
    public static native int gatherRows(long context, int rows, int width, long source, long indices, long target);

    @Name("gemm")
    public static native int gemm(long context, boolean transposeA, boolean transposeB, int m, int n, int k,
                                  long a, long b, long c, boolean accumulate);

    @Name("bias_activation")
    public static native int biasActivation(long context, int kind, float lower, float upper, float slope, int rows,
                                            int cols, long z, long bias, long y);

    @Name("activation_backward")
    public static native int activationBackward(long context, int kind, float lower, float upper, float slope,
                                                int rows, int cols, long z, long y, long dy, long dz);

    @Name("column_sums")
    public static native int columnSums(long context, int rows, int cols, long x, long sums);

    @Name("dropout")
    public static native int dropout(long context, int threshold, float scale, long seed, long step, long stepAddress,
                                     long count, long x, long y);

    /** As {@link #dropout}, value i drawing the mask's value {@code firstIndex + i}: a data-parallel rank's slice. */
    @Name("dropout")
    public static native int dropoutFrom(long context, int threshold, float scale, long seed, long step, long stepAddress,
                                         long count, long x, long y, long firstIndex);

    @Name("loss")
    public static native int loss(long context, int kind, boolean fused, int rows, int cols, long output, long targets,
                                  int targetWidth, long weights, long gradient, float scale, long result);

    @Name("count_correct")
    public static native int countCorrect(long context, int kind, int rows, int cols, long y, long targets,
                                          int targetWidth, long result);

    /**
     * The counts of a MetricCounter (kind, k, threshold, classId, thresholds in its order) over
     * {@code rows} rows of {@code cols} outputs into {@code counters} doubles at {@code result}.
     */
    @Name("count_metric")
    public static native int countMetric(long context, int kind, int k, float threshold, int classId, int thresholds,
                                         boolean sparse, int rows, int cols, long y, long targets, int counters, long result);

    @Name("sgd")
    public static native int sgd(long context, long count, long weights, long gradients, long velocity,
                                 float learningRate, long learningRateAddress, float momentum, boolean nesterov);

    @Name("rmsprop")
    public static native int rmsprop(long context, long count, long weights, long gradients, long velocity,
                                     float learningRate, long learningRateAddress, float rho, float epsilon);

    @Name("adam")
    public static native int adam(long context, long count, long weights, long gradients, long m, long v,
                                  float learningRate, long learningRateAddress, float beta1, float beta2, float epsilon,
                                  long t, long tAddress);

    // ---- the convolution family (image_kernels.cuh); a window is 14 ints at an address, Window2D's order

    @Name("conv2d")
    public static native int conv2d(long context, long window, int batch, long x, long kernel, long columns, long z);

    /** dKernel and dx are skipped when their address is 0; columns is scratch, made again from x. */
    @Name("conv2d_backward")
    public static native int conv2dBackward(long context, long window, int batch, long x, long kernel, long columns, long dz,
                                            long dKernel, long dColumns, long dx);

    // ---- Conv2D on cuDNN (cudnn_convolution.cuh): a plan set per context, a plan per convolution shape

    /** target (cols × rows) = sourceᵀ, row-major: a Keras kernel into cuDNN's KRSC filter, or back with rows and cols swapped. */
    @Name("transpose_matrix")
    public static native int transposeMatrix(long context, int rows, int cols, long source, long target);

    /**
     * A cuDNN plan set on the context's stream, cuDNN opened from the first of {@code candidates}
     * (one per line) that loads; TF32 tensor cores when {@code tf32}. 0 on failure: no GPU, no
     * cuDNN 9, or cuDNN not starting ({@link #lastError()} says which).
     */
    @Name("cudnn_convolutions_create")
    public static native long cudnnConvolutionsCreate(long context, String candidates, boolean tf32);

    /** Waits for the context's stream, then frees the plans, their workspace and the cuDNN handle. */
    @Name("cudnn_convolutions_destroy")
    public static native void cudnnConvolutionsDestroy(long convolutions);

    /**
     * A plan for the window's convolution over {@code batch} samples, deterministic algorithms only:
     * its index, or a negative code when cuDNN cannot run it ({@link #lastError()} says why). Allocates:
     * never while a step is captured.
     */
    @Name("cudnn_convolution_plan")
    public static native int cudnnConvolutionPlan(long convolutions, long window, int batch);

    @Name("cudnn_conv2d")
    public static native int cudnnConv2d(long convolutions, int plan, long x, long kernel, long z);

    /** dx and dKernel, each skipped when its address is 0. */
    @Name("cudnn_conv2d_backward")
    public static native int cudnnConv2dBackward(long convolutions, int plan, long x, long kernel, long dz, long dKernel, long dx);

    @Name("depthwise_conv2d")
    public static native int depthwiseConv2d(long context, long window, int batch, long x, long kernel, long y);

    /** dKernel and dx are skipped when their address is 0. */
    @Name("depthwise_conv2d_backward")
    public static native int depthwiseConv2dBackward(long context, long window, int batch, long x, long kernel, long dy,
                                                     long dKernel, long dx);

    @Name("pool2d")
    public static native int pool2d(long context, int kind, long window, int batch, long x, long y);

    @Name("pool2d_backward")
    public static native int pool2dBackward(long context, int kind, long window, int batch, long x, long dy, long dx);

    @Name("zero_pad2d")
    public static native int zeroPad2d(long context, long window, int batch, long x, long y);

    @Name("zero_pad2d_backward")
    public static native int zeroPad2dBackward(long context, long window, int batch, long dy, long dx);

    // ---- batch normalization over the last axis, any rank (batch_norm_kernels.cuh) ------------------------

    @Name("batch_norm")
    public static native int batchNorm(long context, boolean training, int rows, int cols, double momentum, double epsilon,
                                       long x, long gamma, long beta, long movingMean, long movingVariance, long statistics,
                                       long y);

    /** dx is skipped when its address is 0. */
    @Name("batch_norm_backward")
    public static native int batchNormBackward(long context, int rows, int cols, long x, long gamma, long statistics,
                                               long dy, long dGamma, long dBeta, long dx);

    // ---- merge layers (merge_kernels.cuh) ----------------------------------------------------------

    /**
     * Input {@code input}'s part of an element-wise merge; {@code kind} is {@code NativeCodes.merge}'s code, chosen 0 for
     * SUM and PRODUCT, activated 0 for none (else it receives the activation of the combined values).
     */
    @Name("merge")
    public static native int merge(long context, int kind, int input, float scale, long count, long x, long y, long chosen,
                                   int activation, float lower, float upper, float slope, long activated);

    @Name("merge_chosen_backward")
    public static native int mergeChosenBackward(long context, int input, long count, long chosen, long dy, long dx);

    @Name("copy_columns")
    public static native int copyColumns(long context, int rows, int cols, long x, int xWidth, int xColumn, long y, int yWidth,
                                         int yColumn);

    // ---- sequence layers (sequence_kernels.cuh) ----------------------------------------------------

    /** A recurrent layer's step {@code t} of cells; {@code cell} is the cell's native code. */
    @Name("sequence_cells_forward")
    public static native int sequenceCellsForward(long context, int cell, int batch, int steps, int units, int t,
                                                  boolean returnSequences, long bias, long workspace, long y);

    @Name("sequence_cells_backward")
    public static native int sequenceCellsBackward(long context, int cell, int batch, int steps, int units, int t,
                                                   boolean returnSequences, long workspace, long dy, long dWorkspace);

    @Name("embedding")
    public static native int embedding(long context, int rows, int inputDim, int outputDim, long indices, long table, long y);

    @Name("embedding_backward")
    public static native int embeddingBackward(long context, int rows, int inputDim, int outputDim, long indices, long dy,
                                               long dTable);

    // ---- precision: the GEMMs' compute type and dynamic loss scaling (precision.cuh, loss_scale.cuh)

    /** cuBLAS compute types ({@code cublasComputeType_t}) a context's GEMMs run in: float32, half and bfloat16 operands on tensor cores, TF32. */
    public static final int COMPUTE_32F = 68;
    public static final int COMPUTE_32F_FAST_16F = 74;
    public static final int COMPUTE_32F_FAST_16BF = 75;
    public static final int COMPUTE_32F_FAST_TF32 = 77;

    /** Sets the compute type of the context's GEMMs (one of the {@code COMPUTE_} values); 0 or an error code. */
    @Name("context_set_gemm_compute")
    public static native int contextSetGemmCompute(long context, int compute);

    /** {@code x} rounded to the nearest bfloat16 (ties to even), as a float. */
    @Name("round_to_bfloat16")
    public static native float roundToBfloat16(float x);

    /** {@code x} rounded to the nearest IEEE half (ties to even; infinity from 65520, subnormals below 2^-14), as a float. */
    @Name("round_to_float16")
    public static native float roundToFloat16(float x);

    /** Bytes of a loss scaling state: the scale (a float at offset 0), the counts, the found-not-finite flag. */
    public static final int LOSS_SCALE_BYTES = 24;

    @Name("loss_scale_reset")
    public static native int lossScaleReset(long context, long state, float scale, int growthInterval);

    /** Makes the context's optimizer updates skip a step whose gradients the state at {@code state} found not finite; 0: never. */
    @Name("context_set_loss_scale")
    public static native void contextSetLossScale(long context, long state);

    @Name("loss_scale_seed")
    public static native int lossScaleSeed(long context, long count, long gradient, long state);

    @Name("loss_scale_unscale")
    public static native int lossScaleUnscale(long context, long count, long gradients, long state, long t, long tAddress);

    @Name("loss_scale_update")
    public static native int lossScaleUpdate(long context, long state);

    // ---- fused GEMM epilogues through cuBLASLt (lt.cuh) ------------------------------------------------

    /** cuBLASLt's RELU (no bias), RELU_BIAS and BIAS epilogues. */
    public static final int LT_EPILOGUE_RELU = 2;
    public static final int LT_EPILOGUE_BIAS = 4;
    public static final int LT_EPILOGUE_RELU_BIAS = 6;

    /** What {@link #ltDenseForward} and {@link #ltWeightGradient} answer besides an error (negative). */
    public static final int LT_RAN = 0;
    /** Met while a step is captured: nothing ran; {@link #ltPlanPending} plans it once the capture ends. */
    public static final int LT_UNPLANNED = 1;
    /** cuBLASLt cannot run this call ({@link #lastError()} says why): nothing ran. */
    public static final int LT_UNSUPPORTED = 2;

    /** Empty when cuBLASLt loads next to cuBLAS with every entry point annonet uses, else why not. */
    @Name("lt_load_problem")
    public static native String ltLoadProblem();

    /**
     * The fused GEMMs of a context, planned under its GEMM compute type ({@link #contextSetGemmCompute});
     * plans without a library on the host executor; 0 with the reason when cuBLASLt cannot start.
     */
    @Name("lt_create")
    public static native long ltCreate(long context);

    @Name("lt_destroy")
    public static native void ltDestroy(long lt);

    /** {@code y = epilogue(x · w + bias)}, row-major, y not overlapping x; capturing: a step is being captured. */
    @Name("lt_dense_forward")
    public static native int ltDenseForward(long lt, int epilogue, int rows, int in, int out, long x, long w, long bias,
                                            long y, boolean capturing);

    /** {@code dw = xᵀ · dz} and {@code dbias = Σ_rows dz}, row-major. */
    @Name("lt_weight_gradient")
    public static native int ltWeightGradient(long lt, int rows, int in, int out, long x, long dz, long dw, long dbias,
                                              boolean capturing);

    /** Plans the calls met while a step was captured: how many of them cuBLASLt can run. */
    @Name("lt_plan_pending")
    public static native int ltPlanPending(long lt);

    /** The calls planned so far that cuBLASLt can run (every one on the host executor). */
    @Name("lt_plan_count")
    public static native int ltPlanCount(long lt);
}
