package example;

import dev.annonet.cuda.NetworkKernels;
import dev.annonet.nativelib.Libraries;
import javax.annotation.processing.Generated;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The CUDA kernels of {@link MnistMlp}, specialized to its constants: the JavaCPP binding of
 * {@code MnistMlpCudaKernels.cuh}, which the annonet processor writes beside it. nvcc builds their library
 * ({@code jniMnistMlpCudaKernels}) in this module with annonet's recipe (README, "On a GPU"); where it
 * was not built, the CUDA backend says so once and runs annonet-native's generic kernels.
 */
@Generated("dev.annonet.processor.NetworkProcessor")
@Platform(
        include = "example/MnistMlpCudaKernels.cuh",
        includeresource = "/dev/annonet/cuda/include/",
        library = "jniMnistMlpCudaKernels"
)
@Namespace("annonet_example_MnistMlpCudaKernels")
public final class MnistMlpCudaKernels implements NetworkKernels {
    private static final String LOAD_PROBLEM = Libraries.load(MnistMlpCudaKernels.class, "MnistMlp's CUDA kernels",
            MnistMlpCudaKernels::nativeContextLayout);

    @Override
    public String description() {
        return "MnistMlp's generated CUDA kernels (MnistMlpCudaKernels)";
    }

    @Override
    public String loadProblem() {
        return LOAD_PROBLEM;
    }

    @Override
    public String contextLayout() {
        return nativeContextLayout();
    }

    @Override
    public String cudaArchitectures() {
        return nativeCudaArchitectures();
    }

    @Override
    public long specializedLaunches() {
        return nativeLaunches();
    }

    @Override
    public String lastError() {
        return nativeLastError();
    }

    @Override
    public int biasActivation(long context, int kind, float lower, float upper, float slope,
            int rows, int cols, long z, long bias, long y) {
        return nativeBiasActivation(context, kind, lower, upper, slope, rows, cols, z, bias, y);
    }

    @Override
    public int activationBackward(long context, int kind, float lower, float upper, float slope,
            int rows, int cols, long z, long y, long dy, long dz) {
        return nativeActivationBackward(context, kind, lower, upper, slope, rows, cols, z, y, dy, dz);
    }

    @Override
    public int columnSums(long context, int rows, int cols, long x, long sums) {
        return nativeColumnSums(context, rows, cols, x, sums);
    }

    @Override
    public int dropout(long context, int threshold, float scale, long seed, long step,
            long stepAddress, long count, long x, long y) {
        return nativeDropout(context, threshold, scale, seed, step, stepAddress, count, x, y);
    }

    @Override
    public int loss(long context, int kind, boolean fused, int rows, int cols, long output,
            long targets, int targetWidth, long weights, long gradient, float scale, long result) {
        return nativeLoss(context, kind, fused, rows, cols, output, targets, targetWidth, weights, gradient, scale, result);
    }

    @Override
    public int countCorrect(long context, int kind, int rows, int cols, long y, long targets,
            int targetWidth, long result) {
        return nativeCountCorrect(context, kind, rows, cols, y, targets, targetWidth, result);
    }

    @Override
    public int sgd(long context, long count, long weights, long gradients, long velocity,
            float learningRate, long learningRateAddress, float momentum, boolean nesterov) {
        return nativeSgd(context, count, weights, gradients, velocity, learningRate, learningRateAddress, momentum, nesterov);
    }

    @Override
    public int rmsprop(long context, long count, long weights, long gradients, long velocity,
            float learningRate, long learningRateAddress, float rho, float epsilon) {
        return nativeRmsprop(context, count, weights, gradients, velocity, learningRate, learningRateAddress, rho, epsilon);
    }

    @Override
    public int adam(long context, long count, long weights, long gradients, long m, long v,
            float learningRate, long learningRateAddress, float beta1, float beta2, float epsilon,
            long t, long tAddress) {
        return nativeAdam(context, count, weights, gradients, m, v, learningRate, learningRateAddress, beta1, beta2, epsilon, t, tAddress);
    }

    @Name("launches")
    private static native long nativeLaunches();

    @Name("last_error")
    private static native String nativeLastError();

    @Name("context_layout")
    private static native String nativeContextLayout();

    @Name("cuda_architectures")
    private static native String nativeCudaArchitectures();

    @Name("bias_activation")
    private static native int nativeBiasActivation(long context, int kind, float lower, float upper,
            float slope, int rows, int cols, long z, long bias, long y);

    @Name("activation_backward")
    private static native int nativeActivationBackward(long context, int kind, float lower,
            float upper, float slope, int rows, int cols, long z, long y, long dy, long dz);

    @Name("column_sums")
    private static native int nativeColumnSums(long context, int rows, int cols, long x, long sums);

    @Name("dropout")
    private static native int nativeDropout(long context, int threshold, float scale, long seed,
            long step, long stepAddress, long count, long x, long y);

    @Name("loss")
    private static native int nativeLoss(long context, int kind, boolean fused, int rows, int cols,
            long output, long targets, int targetWidth, long weights, long gradient, float scale,
            long result);

    @Name("count_correct")
    private static native int nativeCountCorrect(long context, int kind, int rows, int cols, long y,
            long targets, int targetWidth, long result);

    @Name("sgd")
    private static native int nativeSgd(long context, long count, long weights, long gradients,
            long velocity, float learningRate, long learningRateAddress, float momentum,
            boolean nesterov);

    @Name("rmsprop")
    private static native int nativeRmsprop(long context, long count, long weights, long gradients,
            long velocity, float learningRate, long learningRateAddress, float rho, float epsilon);

    @Name("adam")
    private static native int nativeAdam(long context, long count, long weights, long gradients,
            long m, long v, float learningRate, long learningRateAddress, float beta1, float beta2,
            float epsilon, long t, long tAddress);
}
