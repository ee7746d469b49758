package dev.annonet.cuda;

/**
 * The CUDA backend's kernels that a network's generated library specializes to that network's
 * constants: bias + activation and its backward, bias gradients, dropout, losses and metrics, and
 * the optimizers' pass over the parameter buffer. Each method means what {@link CudaLibrary}'s
 * method of the same name means, with the same arguments and result (0 or an error code whose
 * message {@link #lastError()} gives).
 *
 * <p>The annotation processor writes one implementation per {@code @Network} ({@code
 * <Network>CudaKernels}: a CUDA header and its JavaCPP binding), built by nvcc in the user's module
 * (see the README's "On a GPU"). {@link #generic()} is annonet-native's own, which serves every
 * network, and which the backend falls back on when a network's library was not built.
 */
public interface NetworkKernels {

    /** What these kernels are, for logs: whose, and from which library. */
    String description();

    /** Null when the library loaded, else why not (then no other method may be called). */
    String loadProblem();

    /**
     * The layout of annonet's native context that these kernels were compiled against ({@link
     * CudaLibrary#contextLayout()} of the headers they were built with): they read the context
     * annonet-native makes, so the backend runs them only where the two layouts are the same.
     */
    String contextLayout();

    /** The GPU architectures these kernels were compiled for, as {@link CudaLibrary#cudaArchitectures()} gives them. */
    String cudaArchitectures();

    /** How many calls so far ran a kernel specialized to the network's constants (0 for the generic kernels). */
    long specializedLaunches();

    /** The message of the last failure on this thread, in this library. */
    String lastError();

    int biasActivation(long context, int kind, float lower, float upper, float slope, int rows, int cols,
                       long z, long bias, long y);

    int activationBackward(long context, int kind, float lower, float upper, float slope, int rows, int cols,
                           long z, long y, long dy, long dz);

    int columnSums(long context, int rows, int cols, long x, long sums);

    int dropout(long context, int threshold, float scale, long seed, long step, long stepAddress, long count, long x, long y);

    int loss(long context, int kind, boolean fused, int rows, int cols, long output, long targets,
             int targetWidth, long weights, long gradient, float scale, long result);

    int countCorrect(long context, int kind, int rows, int cols, long y, long targets, int targetWidth, long result);

    int sgd(long context, long count, long weights, long gradients, long velocity,
            float learningRate, long learningRateAddress, float momentum, boolean nesterov);

    int rmsprop(long context, long count, long weights, long gradients, long velocity,
                float learningRate, long learningRateAddress, float rho, float epsilon);

    int adam(long context, long count, long weights, long gradients, long m, long v,
             float learningRate, long learningRateAddress, float beta1, float beta2, float epsilon, long t, long tAddress);

    /** annonet-native's kernels, for any network: sizes and kinds read at run time. */
    static NetworkKernels generic() {
        return GenericKernels.INSTANCE;
    }
}
