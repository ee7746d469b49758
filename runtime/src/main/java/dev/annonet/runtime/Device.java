package dev.annonet.runtime;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cuda.NetworkKernels;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.CheckedBackend;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.backend.cpu.CpuBackend;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import dev.annonet.runtime.backend.cuda.CudaSupport;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a model runs: {@link #cpu()}, {@link #cuda(int)}, {@link #reference()}, or {@link #auto()}
 * to let the runtime choose for each model.
 */
public final class Device {
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");
    /**
     * Multiply-adds per sample of a forward pass below which a GPU does not pay: the kernel
     * launches then cost more than the CPU's whole step (the course's point: compute time must
     * outweigh loading time).
     */
    static final long GPU_WORTHWHILE_MULTIPLY_ADDS = 100_000;
    private static final Device CPU = new Device(Kind.CPU, -1, false);
    private static final Device REFERENCE = new Device(Kind.REFERENCE, -1, false);
    private static final Device AUTO = new Device(Kind.AUTO, -1, false);
    private static final Device CUDA_HOST_EXECUTOR = new Device(Kind.CUDA_HOST_EXECUTOR, -1, false);
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private enum Kind { CPU, REFERENCE, CUDA, CUDA_HOST_EXECUTOR, AUTO }

    private final Kind kind;
    private final int ordinal;
    private final boolean tf32;
    private final boolean stepGraphs;
    private final boolean networkKernels;
    private final boolean overlapsCopies;
    private final boolean cudnn;
    private final Precision precision;
    private final boolean fusedEpilogues;

    private Device(Kind kind, int ordinal, boolean tf32) {
        this(kind, ordinal, tf32, true, true, true, true, Precision.FLOAT32, true);
    }

    private Device(Kind kind, int ordinal, boolean tf32, boolean stepGraphs, boolean networkKernels, boolean overlapsCopies,
                   boolean cudnn, Precision precision, boolean fusedEpilogues) {
        this.kind = kind;
        this.ordinal = ordinal;
        this.tf32 = tf32;
        this.stepGraphs = stepGraphs;
        this.networkKernels = networkKernels;
        this.overlapsCopies = overlapsCopies;
        this.cudnn = cudnn;
        this.precision = precision;
        this.fusedEpilogues = fusedEpilogues;
    }

    /**
     * The fast CPU backend (float32, OpenBLAS and annonet's native CPU kernels). Fails, naming the
     * library and the reason, when either cannot load on this platform.
     */
    public static Device cpu() {
        String problem = CpuProbe.PROBLEM;
        if (problem != null) {
            throw new IllegalStateException("the CPU backend cannot start: " + problem
                    + "; Device.reference() runs without native libraries, slowly");
        }
        return CPU;
    }

    /** The reference backend: plain loops in double precision, the oracle for tests. Slow. */
    public static Device reference() {
        return REFERENCE;
    }

    /**
     * GPU {@code ordinal} (float32; see {@link #withTf32()}). Fails with the reason when it cannot be
     * used: no GPU or driver, a native library built without nvcc, a GPU whose compute capability
     * the library has no code for (named with the targets it has). A missing cuBLAS is reported
     * when a model is created on it.
     */
    public static Device cuda(int ordinal) {
        String problem = CudaSupport.deviceProblem(ordinal);
        if (problem != null) {
            throw new IllegalStateException("Device.cuda(" + ordinal + ") is not available: " + problem);
        }
        return new Device(Kind.CUDA, ordinal, false);
    }

    /**
     * The CUDA backend with its kernels run as loops on the CPU, over host memory: slow, but the
     * same code and kernel bodies as on a GPU, to check the CUDA path on a machine without one.
     */
    public static Device cudaHostExecutor() {
        String problem = CudaLibrary.load();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return CUDA_HOST_EXECUTOR;
    }

    /** The first GPU: {@code cuda(0)}. */
    public static Device cuda() {
        return cuda(0);
    }

    /**
     * This GPU with TF32 tensor-core GEMMs: several times the float32 rate, with products rounded to
     * 10 mantissa bits (sums stay float32). An explicit choice, as in PyTorch; float32 by default.
     */
    public Device withTf32() {
        if (kind != Kind.CUDA) {
            throw new IllegalStateException("TF32 is a GPU setting; " + this + " is not a GPU");
        }
        requireFloat32("TF32");
        return new Device(Kind.CUDA, ordinal, true, stepGraphs, networkKernels, overlapsCopies, cudnn, precision, fusedEpilogues);
    }

    /**
     * This GPU launching every kernel as the schedule reaches it instead of replaying each training
     * step as one CUDA graph: slower, but a failing kernel is reported where it is called. For
     * debugging and for measuring what the graphs buy.
     */
    public Device withoutStepGraphs() {
        requireCuda("step graphs");
        return new Device(kind, ordinal, tf32, false, networkKernels, overlapsCopies, cudnn, precision, fusedEpilogues);
    }

    /**
     * This GPU running annonet-native's generic kernels even where the network's own, specialized
     * to its constants, were built (see the README's "On a GPU"): to compare the two, or to rule
     * the generated ones out while debugging.
     */
    public Device withGenericKernels() {
        requireCuda("the choice of kernels");
        return new Device(kind, ordinal, tf32, stepGraphs, false, overlapsCopies, cudnn, precision, fusedEpilogues);
    }

    /**
     * This GPU copying each batch of a streamed dataset in on its compute stream, between steps,
     * instead of on a copy stream while the step before runs: to measure what the overlap buys,
     * or to rule it out while debugging.
     */
    public Device withoutCopyOverlap() {
        requireCuda("copy overlap");
        return new Device(kind, ordinal, tf32, stepGraphs, networkKernels, false, cudnn, precision, fusedEpilogues);
    }

    /**
     * This GPU running its convolutions on annonet's kernels (im2col + GEMM) even where cuDNN
     * loads: to compare the two (the GPU bench has a row for each), or to rule cuDNN out.
     */
    public Device withoutCudnn() {
        requireCuda("the choice of cuDNN");
        return new Device(kind, ordinal, tf32, stepGraphs, networkKernels, overlapsCopies, false, precision, fusedEpilogues);
    }

    /**
     * This GPU running each dense layer as the cuBLAS GEMM and annonet's bias + activation kernels
     * (and column sums for the bias gradient) instead of one cuBLASLt GEMM with a fused epilogue:
     * to measure what the fusion buys, or to rule it out while debugging.
     */
    public Device withoutFusedEpilogues() {
        requireCuda("fused epilogues");
        return new Device(kind, ordinal, tf32, stepGraphs, networkKernels, overlapsCopies, cudnn, precision, false);
    }

    /**
     * This GPU (or the host executor, which models it) under a precision policy, as Keras's
     * {@code mixed_bfloat16} and {@code mixed_float16}: the GEMMs of Dense layers, convolutions and
     * recurrent layers multiply bfloat16 or half operands on tensor cores, while weights,
     * activations, gradients and sums stay float32; {@link Precision#MIXED_FLOAT16} adds dynamic loss
     * scaling ({@link Model#lossScale()}). TF32 belongs to the float32 policy: the two are not combined.
     */
    public Device withPrecision(Precision precision) {
        requireCuda("the precision policy");
        if (tf32 && precision != Precision.FLOAT32) {
            throw new IllegalStateException("TF32 is the float32 policy's option; " + this + " cannot also run " + precision);
        }
        return new Device(kind, ordinal, tf32, stepGraphs, networkKernels, overlapsCopies, cudnn, precision, fusedEpilogues);
    }

    /** The GEMMs' precision policy on this device: {@link Precision#FLOAT32} unless {@link #withPrecision} chose another. */
    public Precision precision() {
        return precision;
    }

    private void requireFloat32(String setting) {
        if (precision != Precision.FLOAT32) {
            throw new IllegalStateException(setting + " is the float32 policy's option; " + this + " runs " + precision);
        }
    }

    private void requireCuda(String setting) {
        if (kind != Kind.CUDA && kind != Kind.CUDA_HOST_EXECUTOR) {
            throw new IllegalStateException(setting + " is a GPU setting; " + this + " is not a GPU");
        }
    }

    /**
     * The best device for each model, chosen when the model is created: the first GPU when there is
     * one, the native library has code for its compute capability, and the network does enough
     * work per sample to pay for launching kernels (at least 100,000 multiply-adds per sample in a
     * forward pass); otherwise the CPU backend, or the reference backend when the CPU backend's
     * native libraries cannot load. Each choice and its reason are logged once per process.
     */
    public static Device auto() {
        return AUTO;
    }

    private NetworkKernels kernels(NetworkLayout layout) {
        return networkKernels ? CudaSupport.networkKernels(layout.cudaKernels()) : NetworkKernels.generic();
    }

    /** A new backend for one model, which closes it with the model; behind the op set's argument checks. */
    Backend newBackend(NetworkLayout layout) {
        return CheckedBackend.wrap(uncheckedBackend(layout));
    }

    private Backend uncheckedBackend(NetworkLayout layout) {
        return switch (kind) {
            case CPU -> CpuBackend.create();
            case REFERENCE -> new ReferenceBackend();
            case CUDA -> configured(CudaBackend.onDevice(ordinal, tf32, stepGraphs, kernels(layout), cudnn));
            case CUDA_HOST_EXECUTOR -> configured(CudaBackend.hostExecutor(stepGraphs, kernels(layout)));
            case AUTO -> chooseBackend(layout);
        };
    }

    private Backend configured(CudaBackend backend) {
        if (precision != Precision.FLOAT32) {
            try {
                backend.withPrecision(precision);
            } catch (RuntimeException e) {
                backend.close();
                throw e;
            }
        }
        CudaBackend fusing = fusedEpilogues ? backend : backend.withoutFusedEpilogues();
        return overlapsCopies ? fusing : fusing.withoutCopyOverlap();
    }

    private static Backend chooseBackend(NetworkLayout layout) {
        String cpuProblem = CpuProbe.PROBLEM;
        String fallback = cpuProblem == null ? "cpu" : "reference (the CPU backend cannot start: " + cpuProblem + ")";
        String gpuProblem = gpuProblem(layout);
        if (gpuProblem == null) {
            try {
                Backend gpu = CudaBackend.onDevice(0, false, true, CudaSupport.networkKernels(layout.cudaKernels()));
                report(System.Logger.Level.INFO, "Device.auto() chose cuda:0 for " + layout.name() + ": "
                        + CudaSupport.describe(0) + ", " + multiplyAddsPerSample(layout) + " multiply-adds per sample");
                return gpu;
            } catch (IllegalStateException e) {
                gpuProblem = e.getMessage();
            }
        }
        report(cpuProblem == null ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "Device.auto() chose " + fallback + " for " + layout.name() + ": " + gpuProblem);
        return cpuProblem == null ? CpuBackend.create() : new ReferenceBackend();
    }

    /** Why the GPU is not used for this network, or null when it is. */
    static String gpuProblem(NetworkLayout layout) {
        String problem = CudaSupport.deviceProblem(0);
        if (problem != null) {
            return problem;
        }
        long work = multiplyAddsPerSample(layout);
        if (work < GPU_WORTHWHILE_MULTIPLY_ADDS) {
            return "the network is too small for a GPU to pay (" + work + " multiply-adds per sample, fewer than "
                    + GPU_WORTHWHILE_MULTIPLY_ADDS + ": kernel launches would cost more than the CPU's whole step)";
        }
        return null;
    }

    /**
     * A forward pass's multiply-adds per sample: the sum of the layers' estimates, which the
     * processor's layer kinds make (a convolution applies its weights at every output position, a
     * recurrent layer at every time step).
     */
    static long multiplyAddsPerSample(NetworkLayout layout) {
        long total = 0;
        for (NetworkLayout.LayerRow layer : layout.layers()) {
            total += layer.multiplyAdds();
        }
        return total;
    }

    private static void report(System.Logger.Level level, String message) {
        if (REPORTED.add(message)) {
            LOG.log(level, message);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CPU -> "cpu";
            case REFERENCE -> "reference";
            case CUDA -> "cuda:" + ordinal + (tf32 ? " (tf32)" : "") + cudaSettings();
            case CUDA_HOST_EXECUTOR -> "cuda host executor" + cudaSettings();
            case AUTO -> "auto";
        };
    }

    private String cudaSettings() {
        return (precision == Precision.FLOAT32 ? "" : " (" + precision + ")") + (stepGraphs ? "" : " (no step graphs)")
                + (networkKernels ? "" : " (generic kernels)") + (overlapsCopies ? "" : " (no copy overlap)")
                + (cudnn ? "" : " (no cudnn)") + (fusedEpilogues ? "" : " (no fused epilogues)");
    }

    /** Starts a CPU backend once, on first use: {@code PROBLEM} says why it cannot start, or is null. */
    private static final class CpuProbe {
        static final String PROBLEM = probe();

        private static String probe() {
            try {
                CpuBackend.create().close();
                return null;
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }
    }
}
