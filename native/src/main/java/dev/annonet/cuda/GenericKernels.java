package dev.annonet.cuda;

/** {@link NetworkKernels#generic()}: {@link CudaLibrary}'s kernels, which take every size and kind as an argument. */
final class GenericKernels implements NetworkKernels {
    static final GenericKernels INSTANCE = new GenericKernels();

    private GenericKernels() {
    }

    @Override
    public String description() {
        return "annonet-native's generic kernels";
    }

    @Override
    public String loadProblem() {
        return CudaLibrary.load();
    }

    @Override
    public String contextLayout() {
        return CudaLibrary.contextLayout();
    }

    @Override
    public String cudaArchitectures() {
        return CudaLibrary.cudaArchitectures();
    }

    @Override
    public long specializedLaunches() {
        return 0;
    }

    @Override
    public String lastError() {
        return CudaLibrary.lastError();
    }

    @Override
    public int biasActivation(long context, int kind, float lower, float upper, float slope, int rows, int cols, long z,
                              long bias, long y) {
        return CudaLibrary.biasActivation(context, kind, lower, upper, slope, rows, cols, z, bias, y);
    }

    @Override
    public int activationBackward(long context, int kind, float lower, float upper, float slope, int rows, int cols,
                                  long z, long y, long dy, long dz) {
        return CudaLibrary.activationBackward(context, kind, lower, upper, slope, rows, cols, z, y, dy, dz);
    }

    @Override
    public int columnSums(long context, int rows, int cols, long x, long sums) {
        return CudaLibrary.columnSums(context, rows, cols, x, sums);
    }

    @Override
    public int dropout(long context, int threshold, float scale, long seed, long step, long stepAddress, long count,
                       long x, long y) {
        return CudaLibrary.dropout(context, threshold, scale, seed, step, stepAddress, count, x, y);
    }

    @Override
    public int loss(long context, int kind, boolean fused, int rows, int cols, long output, long targets,
                    int targetWidth, long weights, long gradient, float scale, long result) {
        return CudaLibrary.loss(context, kind, fused, rows, cols, output, targets, targetWidth, weights, gradient, scale,
                result);
    }

    @Override
    public int countCorrect(long context, int kind, int rows, int cols, long y, long targets, int targetWidth, long result) {
        return CudaLibrary.countCorrect(context, kind, rows, cols, y, targets, targetWidth, result);
    }

    @Override
    public int sgd(long context, long count, long weights, long gradients, long velocity,
                   float learningRate, long learningRateAddress, float momentum, boolean nesterov) {
        return CudaLibrary.sgd(context, count, weights, gradients, velocity, learningRate, learningRateAddress, momentum, nesterov);
    }

    @Override
    public int rmsprop(long context, long count, long weights, long gradients, long velocity,
                       float learningRate, long learningRateAddress, float rho, float epsilon) {
        return CudaLibrary.rmsprop(context, count, weights, gradients, velocity, learningRate, learningRateAddress, rho, epsilon);
    }

    @Override
    public int adam(long context, long count, long weights, long gradients, long m, long v,
                    float learningRate, long learningRateAddress, float beta1, float beta2, float epsilon, long t, long tAddress) {
        return CudaLibrary.adam(context, count, weights, gradients, m, v, learningRate, learningRateAddress,
                beta1, beta2, epsilon, t, tAddress);
    }
}
