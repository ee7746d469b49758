package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA backend's dense layers as single cuBLASLt GEMMs with fused epilogues (native
 * {@code lt.cuh}): the forward GEMM with the bias and a plain ReLU (RELU_BIAS, into y) or with the
 * bias alone (BIAS, into z, the activation then applied by annonet's kernel), and the kernel
 * gradient's GEMM with the bias gradient (BGRADA). Where cuBLASLt is missing, or has no algorithm
 * for a call, the backend runs the unfused GEMM and kernels, and the log says why once.
 *
 * <p>Plans (descriptors, layouts, the heuristic's algorithm) are made outside graph capture: at
 * once in a step that runs uncaptured, and for a call first met while a step is captured (which
 * then runs unfused in it) by {@link #planPending()} after the capture, which tells the recorder to
 * capture the step again with the new plans.
 */
final class FusedEpilogues {
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    /** Where a fused forward left its result. */
    enum Forward {
        /** Nothing ran: the caller runs the unfused GEMM and bias + activation. */
        UNFUSED,
        /** y holds f(x · w + bias); z was not written (a plain ReLU, whose backward reads y). */
        INTO_Y,
        /** z holds x · w + bias; the caller applies f from z to y. */
        INTO_Z
    }

    private final String backendName;
    // The native plans, or 0 when this backend runs every dense layer unfused.
    private long lt;

    private FusedEpilogues(String backendName, long lt) {
        this.backendName = backendName;
        this.lt = lt;
    }

    /**
     * The fused GEMMs of a context, under its GEMM compute type (the precision policy's; a plan per
     * compute type); none, with the reason logged once, when cuBLASLt cannot start.
     */
    static FusedEpilogues open(long context, String backendName) {
        long lt = CudaLibrary.ltCreate(context);
        if (lt == 0) {
            report(System.Logger.Level.INFO, backendName + ": dense layers run the unfused GEMM and kernels: "
                    + CudaLibrary.lastError());
        }
        return new FusedEpilogues(backendName, lt);
    }

    /** Whether calls may run fused (cuBLASLt started and {@link #close()} was not called). */
    boolean enabled() {
        return lt != 0;
    }

    /**
     * {@code y = f(x · w + bias)} as one GEMM where it can (addresses of rows × in, in × out, out and
     * rows × out values); {@code capturing}: a step is being captured, so a call without a plan runs
     * unfused and is planned afterwards.
     */
    Forward denseForward(ActivationFunction f, int rows, int in, int out, long x, long w, long bias, long z, long y,
                         boolean capturing) {
        if (lt == 0 || rows == 0 || in == 0 || out == 0) {
            return Forward.UNFUSED;
        }
        boolean relu = plainRelu(f) && !overlaps(x, (long) rows * in, y, (long) rows * out);
        if (!relu && bias == 0) {
            return Forward.UNFUSED; // no bias and no ReLU: nothing for an epilogue to do
        }
        int epilogue = relu ? (bias == 0 ? CudaLibrary.LT_EPILOGUE_RELU : CudaLibrary.LT_EPILOGUE_RELU_BIAS)
                : CudaLibrary.LT_EPILOGUE_BIAS;
        int status = CudaLibrary.ltDenseForward(lt, epilogue, rows, in, out, x, w, bias, relu ? y : z, capturing);
        if (!ran(status, "denseForward")) {
            return Forward.UNFUSED;
        }
        return relu ? Forward.INTO_Y : Forward.INTO_Z;
    }

    /** {@code dw = xᵀ · dz} and {@code dbias = Σ_rows dz} as one GEMM where it can; false when nothing ran. */
    boolean denseParameterGradients(int rows, int in, int out, long x, long dz, long dw, long dbias, boolean capturing) {
        if (lt == 0 || rows == 0 || in == 0 || out == 0) {
            return false;
        }
        return ran(CudaLibrary.ltWeightGradient(lt, rows, in, out, x, dz, dw, dbias, capturing), "denseParameterGradients");
    }

    /** Plans the calls met while a step was captured: whether any of them can now run fused (record again). */
    boolean planPending() {
        return lt != 0 && CudaLibrary.ltPlanPending(lt) > 0;
    }

    /** The calls planned so far that run fused (for tests). */
    int plans() {
        return lt == 0 ? 0 : CudaLibrary.ltPlanCount(lt);
    }

    /** Frees the plans; every later call runs unfused. */
    void close() {
        if (lt != 0) {
            CudaLibrary.ltDestroy(lt);
            lt = 0;
        }
    }

    private boolean ran(int status, String what) {
        if (status == CudaLibrary.LT_RAN) {
            return true;
        }
        if (status == CudaLibrary.LT_UNSUPPORTED) {
            report(System.Logger.Level.INFO, backendName + ": " + what + " runs unfused: " + CudaLibrary.lastError());
            return false;
        }
        if (status == CudaLibrary.LT_UNPLANNED) {
            return false;
        }
        throw new IllegalStateException(backendName + ": " + what + " (cuBLASLt) failed: " + CudaLibrary.lastError());
    }

    /** max(0, x): what cuBLASLt's RELU epilogue computes (Keras's ReLU layer's threshold, maximum or slope are not). */
    private static boolean plainRelu(ActivationFunction f) {
        return f.kind() == Activation.Kind.RELU && f.lower() == 0 && f.upper() == Double.POSITIVE_INFINITY
                && f.slope() == 0;
    }

    /** Whether two ranges of floats share an address: a GEMM must not write y over the x it reads. */
    private static boolean overlaps(long first, long firstCount, long second, long secondCount) {
        return first < second + secondCount * Float.BYTES && second < first + firstCount * Float.BYTES;
    }

    private static void report(System.Logger.Level level, String message) {
        if (REPORTED.add(message)) {
            LOG.log(level, message);
        }
    }
}
