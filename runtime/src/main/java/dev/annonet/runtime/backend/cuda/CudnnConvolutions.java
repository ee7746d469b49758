package dev.annonet.runtime.backend.cuda;

import dev.annonet.contract.Window2D;
import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cudnn.CudnnLibrary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CUDA backend's Conv2D on cuDNN ({@code annonet/cudnn_convolution.cuh}): a plan per window and
 * batch size (cuDNN's descriptors, its deterministic algorithms, a workspace), made the first time
 * the convolution runs outside a captured step, and annonet's im2col + GEMM for each convolution
 * cuDNN cannot compute as Keras defines it, with the reason logged once.
 */
final class CudnnConvolutions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    /** What a plan index reads when the convolution runs on annonet's kernels. */
    static final int OWN_KERNELS = -1;

    private final long handle;
    private final Runnable scratchMoved;
    private final Map<Shape, Integer> plans = new HashMap<>();
    private final Set<Integer> batchesRun = new HashSet<>();

    private record Shape(Window2D window, int batch) {
    }

    /** Over a native plan set ({@link #open}); tests make one over none, for the rules decided before cuDNN is asked. */
    CudnnConvolutions(long handle, Runnable scratchMoved) {
        this.handle = handle;
        this.scratchMoved = scratchMoved;
    }

    /**
     * cuDNN's convolutions on the context's stream, TF32 tensor cores when {@code tf32}; null, with
     * the reason logged once, when cuDNN cannot run here. {@code scratchMoved} runs when a new plan
     * moved the workspace: recorded steps that hold the old one must be dropped.
     */
    static CudnnConvolutions open(long context, boolean tf32, Runnable scratchMoved) {
        if (!CudaSupport.cudnnProblem().isEmpty()) {
            return null; // logged there
        }
        long handle = CudaLibrary.cudnnConvolutionsCreate(context, String.join("\n", CudnnLibrary.candidates()), tf32);
        if (handle == 0) {
            report("cuDNN is not used, so annonet's own convolution kernels run: " + CudaLibrary.lastError());
            return null;
        }
        return new CudnnConvolutions(handle, scratchMoved);
    }

    /**
     * Why cuDNN cannot compute this window's convolution at {@code batch} as Keras defines it, or null.
     * cuDNN pads both sides of an axis alike: a window whose output is not what padding both sides
     * by its padding before gives (Keras's SAME with an odd total, CAUSAL) stays on annonet's kernels.
     */
    static String windowProblem(Window2D w, int batch) {
        int height = symmetricOutput(w.inputHeight(), w.padTop(), w.spanHeight(), w.strideHeight());
        int width = symmetricOutput(w.inputWidth(), w.padLeft(), w.spanWidth(), w.strideWidth());
        if (height != w.outputHeight() || width != w.outputWidth()) {
            return "cuDNN pads both sides alike (" + w.padTop() + " rows, " + w.padLeft() + " columns), which gives "
                    + height + "x" + width + " outputs, but the layer pads unevenly for " + w.outputHeight() + "x"
                    + w.outputWidth();
        }
        long largest = (long) batch * Math.max(w.inputSize(), w.outputSize());
        if (largest > Integer.MAX_VALUE) {
            return "a tensor of " + largest + " values is beyond cuDNN's legacy API, which counts them in an int";
        }
        return null;
    }

    /** Output positions along an axis padded by {@code pad} on both sides (cuDNN's arithmetic). */
    private static int symmetricOutput(int in, int pad, int span, int stride) {
        long reach = (long) in + 2L * pad - span;
        return reach < 0 ? 0 : (int) (reach / stride + 1);
    }

    /**
     * True the first time a step of this batch size records: it must then run once uncaptured, so
     * that its convolutions' plans are made (choosing algorithms and allocating, which a capture
     * cannot hold) before the next time captures it.
     */
    boolean firstStepOf(int batch) {
        return batchesRun.add(batch);
    }

    /**
     * The plan index of the window's convolution at {@code batch}, or {@link #OWN_KERNELS}; a new
     * shape is planned here ({@code window} at native {@code windowAddress}), which a captured step
     * cannot do: it then fails, and the step recorder runs the step uncaptured.
     */
    int plan(Window2D window, long windowAddress, int batch, boolean capturing) {
        Shape shape = new Shape(window, batch);
        Integer known = plans.get(shape);
        if (known != null) {
            return known;
        }
        if (capturing) {
            throw new IllegalStateException("the convolution " + window + " at batch " + batch
                    + " has no cuDNN plan yet, and a plan cannot be made while a step is captured");
        }
        String problem = windowProblem(window, batch);
        int plan = OWN_KERNELS;
        if (problem == null) {
            plan = CudaLibrary.cudnnConvolutionPlan(handle, windowAddress, batch);
            // Even a plan that failed may have grown the workspace before the filter scratch failed to.
            scratchMoved.run();
        }
        if (plan < 0) {
            report("annonet's own kernels run the convolution " + window + " at batch " + batch + ", not cuDNN: "
                    + (problem != null ? problem : CudaLibrary.lastError()));
            plan = OWN_KERNELS;
        }
        plans.put(shape, plan);
        return plan;
    }

    /** Whether the window's convolution at {@code batch} has run on cuDNN (it has a plan). */
    boolean runsOnCudnn(Window2D window, int batch) {
        return plans.getOrDefault(new Shape(window, batch), OWN_KERNELS) != OWN_KERNELS;
    }

    long handle() {
        return handle;
    }

    private static void report(String message) {
        if (REPORTED.add(message)) {
            LOG.log(System.Logger.Level.INFO, message);
        }
    }

    @Override
    public void close() {
        CudaLibrary.cudnnConvolutionsDestroy(handle);
    }
}
