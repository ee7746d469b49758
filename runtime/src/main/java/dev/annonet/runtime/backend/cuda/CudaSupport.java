package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cuda.CudaTargets;
import dev.annonet.cuda.NetworkKernels;
import dev.annonet.cudnn.CudnnLibrary;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whether the CUDA backend can run here and with which kernels: the GPU, the compute capabilities
 * annonet-native has code for, and a network's generated kernels checked against annonet-native's
 * context layout (the table of native entry points both were compiled against) and the GPU.
 */
public final class CudaSupport {
    /** The compute capability that stands for the host executor, which runs code for any GPU. */
    static final int HOST = -1;
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");
    private static final Set<String> UNLOADED_KERNELS_REPORTED = ConcurrentHashMap.newKeySet();
    static final AtomicBoolean CUDNN_FALLBACK_REPORTED = new AtomicBoolean();

    private CudaSupport() {
    }

    /**
     * The kernels {@code factory} makes, a network's generated {@code <Network>CudaKernels} (the
     * processor hands {@code NetworkLayout} its constructor), or an exception saying what it made
     * instead; the generic kernels when {@code factory} is null (a layout that declares none).
     */
    public static NetworkKernels networkKernels(Supplier<?> factory) {
        if (factory == null) {
            return NetworkKernels.generic();
        }
        Object kernels = factory.get();
        if (kernels instanceof NetworkKernels networkKernels) {
            return networkKernels;
        }
        throw new IllegalArgumentException("a network's CUDA kernels must implement " + NetworkKernels.class.getName()
                + ", but its layout made " + kernels);
    }

    /** {@code wanted} when it can run here, else the generic kernels, with the reason logged once. */
    static NetworkKernels runnable(NetworkKernels wanted, int capability) {
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

    /**
     * "" when cuDNN 9 loads here, else why not (where it was looked for, or the version found). The
     * first time it does not load, the reason is logged, with annonet's own kernels named as what
     * runs instead: convolutions, pooling and the LSTM stay on them.
     */
    public static String cudnnProblem() {
        String problem = CudnnLibrary.loadProblem();
        if (!problem.isEmpty() && CUDNN_FALLBACK_REPORTED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "cuDNN is not used, so annonet's own kernels run: " + problem);
        }
        return problem;
    }

    /** cuDNN's version as "9.1.0", or why it does not load here. */
    public static String describeCudnn() {
        String problem = cudnnProblem();
        if (!problem.isEmpty()) {
            return problem;
        }
        int version = CudnnLibrary.version();
        int cudart = CudnnLibrary.cudartVersion();
        return "cuDNN " + version / 10000 + "." + version / 100 % 100 + "." + version % 100 + " (for CUDA " + cudart / 1000
                + "." + cudart / 10 % 100 + ")";
    }

    /** The GPU's name, architecture and memory. */
    public static String describe(int ordinal) {
        return CudaLibrary.deviceDescription(ordinal);
    }
}
