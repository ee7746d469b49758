package dev.annonet.runtime.backend.cpu;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemv;

import dev.annonet.cpu.CpuKernels;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.ActivationKernels;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.DropoutMask;
import dev.annonet.runtime.backend.Elements;
import dev.annonet.runtime.backend.ElementsBackend;
import dev.annonet.runtime.backend.ImageKernelArguments;
import dev.annonet.runtime.backend.KernelArguments;
import dev.annonet.runtime.backend.LstmCells;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.NativeCodes;
import dev.annonet.runtime.backend.NativeWindow;
import dev.annonet.runtime.backend.PoolingKind;
import dev.annonet.runtime.backend.Window2D;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The fast CPU backend: float32 values off-heap, GEMMs through OpenBLAS on those values in place
 * (or from the left operand's nonzeros when it is mostly zeros: {@link SparseProducts}),
 * and element-wise loops specialized for the hot activation kinds and dropout. Losses, accuracies and
 * the rare activation kinds use the kernels of {@link ElementsBackend} shared with the reference
 * backend (in double precision): they are not where a step's time goes. A kernel call allocates
 * nothing, on the Java heap or natively. Not thread-safe: calls share each memory's operand views
 * and the heap tiles; {@link #fork} gives another thread a backend of its own.
 */
public final class CpuBackend extends ElementsBackend {
    private final List<CpuMemory> memories = new ArrayList<>();
    private final HeapTiles tiles = new HeapTiles();
    private final Pooling pooling = new Pooling();
    private final Im2Col im2col = new Im2Col();
    private final BatchNorm batchNorm = new BatchNorm();
    private final LstmCells lstmCells;
    /**
     * Whether annonet's native CPU kernels run here: only on the thread pool OpenBLAS shares (read
     * once), else their threads and OpenBLAS's would oversubscribe the cores; the Java loops otherwise.
     */
    private final boolean nativeKernels;
    private final SparseProducts sparseProducts;
    private final NativeWindow windowArguments = new NativeWindow();
    /** The backend this one was forked from, whose memory it may borrow; null for a backend of its own. */
    private final CpuBackend lender;
    private boolean closed;
    /** A data-parallel rank's slice of the global batch that dropout draws its mask for ({@link #dropoutSlice}). */
    private int dropoutFirstSample;
    private int dropoutSliceBatch;

    /** Loads OpenBLAS; throws an exception naming the library and the platform when it cannot. */
    public CpuBackend() {
        this(true);
    }

    /**
     * With {@code nativeKernels} false, the Java loops alone, as on a machine where annonet's CPU
     * kernels cannot share OpenBLAS's threads: the tests keep those loops right this way.
     */
    CpuBackend(boolean nativeKernels) {
        this(nativeKernels, null);
    }

    private CpuBackend(boolean nativeKernels, CpuBackend lender) {
        OpenBlas.load();
        this.nativeKernels = nativeKernels && OpenBlas.sharesThreads();
        this.lender = lender;
        sparseProducts = new SparseProducts(this.nativeKernels);
        lstmCells = new CpuLstmCells(this.nativeKernels);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Memory allocate(int size) {
        checkOpen();
        if (size < 0) {
            throw new IllegalArgumentException("negative memory size " + size);
        }
        CpuMemory memory = new CpuMemory(this, size);
        memories.add(memory);
        return memory;
    }

    /** A backend with tiles, native scratch and operand views of its own, on the same native kernels. */
    @Override
    public Backend fork() {
        checkOpen();
        return new CpuBackend(nativeKernels, this);
    }

    /** A memory with operand views of its own over the lender's values: sgemm positions them per call. */
    @Override
    public Memory borrow(Memory memory) {
        checkOpen();
        if (lender == null || !(memory instanceof CpuMemory lent) || lent.owner != lender) {
            throw new IllegalArgumentException("not a memory of the cpu backend this one was forked from: " + memory);
        }
        CpuMemory borrowed = CpuMemory.borrowing(this, lender.cpu(lent));
        memories.add(borrowed);
        return borrowed;
    }

    /**
     * annonet's native kernels on this thread alone. OpenBLAS's threaded products (above about
     * 262,144 multiply-adds, or a matrix-vector product over 9,216 values) still go to the pool:
     * splitting them into blocks it keeps on the caller changes their rounding (measured on sgemv).
     */
    @Override
    public <T> T onCallingThread(Supplier<T> kernels) {
        if (!nativeKernels) {
            return kernels.get();
        }
        boolean previous = CpuKernels.runOnCallingThread(true);
        try {
            return kernels.get();
        } finally {
            CpuKernels.runOnCallingThread(previous);
        }
    }

    @Override
    public void release(Memory memory) {
        CpuMemory cpuMemory = cpu(memory);
        memories.remove(cpuMemory);
        cpuMemory.free();
    }

    // ---- data movement ------------------------------------------------------------------------

    @Override
    public void upload(float[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("upload", "target", target, targetOffset, count);
        cpu(target).buffer.put(targetOffset, source, sourceOffset, count);
    }

    @Override
    public void download(Memory source, int sourceOffset, float[] target, int targetOffset, int count) {
        KernelArguments.check("download", "source", source, sourceOffset, count);
        cpu(source).buffer.get(sourceOffset, target, targetOffset, count);
    }

    @Override
    public void fill(Memory target, int offset, int count, float value) {
        KernelArguments.check("fill", "target", target, offset, count);
        FloatBuffer t = cpu(target).buffer;
        for (int i = offset; i < offset + count; i++) {
            t.put(i, value);
        }
    }

    @Override
    public void copy(Memory source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("copy", "source", source, sourceOffset, count);
        KernelArguments.check("copy", "target", target, targetOffset, count);
        // A bulk put between views of the same memory copies as if through a temporary (memmove).
        cpu(target).buffer.put(targetOffset, cpu(source).buffer, sourceOffset, count);
    }

    // ---- dense --------------------------------------------------------------------------------

    @Override
    public void matmul(boolean transposeA, boolean transposeB, int m, int n, int k,
                       Memory a, int aOffset, Memory b, int bOffset, Memory c, int cOffset, boolean accumulate) {
        KernelArguments.checkMatmul(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        CpuMemory am = cpu(a);
        CpuMemory bm = cpu(b);
        CpuMemory cm = cpu(c);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) { // an empty sum; BLAS would reject the zero leading dimension
            if (!accumulate) {
                fill(c, cOffset, m * n, 0);
            }
            return;
        }
        if (sparseProducts.tryProduct(transposeA, transposeB, m, n, k, am, aOffset, bm, bOffset, cm, cOffset, accumulate)) {
            return;
        }
        if (m == 1) {
            // One row (a single sample): a matrix-vector product. sgemm would first pack all of B,
            // which for one row costs more than the product itself.
            cblas_sgemv(CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans, transposeB ? n : k, transposeB ? k : n, 1f,
                    bm.bView.position(bOffset), transposeB ? k : n,
                    am.aView.position(aOffset), 1,
                    accumulate ? 1f : 0f, cm.cView.position(cOffset), 1);
            return;
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                m, n, k, 1f,
                am.aView.position(aOffset), transposeA ? m : k,
                bm.bView.position(bOffset), transposeB ? k : n,
                accumulate ? 1f : 0f, cm.cView.position(cOffset), n);
    }

    /**
     * Row by row, the bias added and the activation applied while the row is in cache: in one
     * native pass where annonet's CPU kernels run (on the shared pool), else on heap tiles, which
     * the JIT vectorizes for the bias add and ReLU.
     */
    @Override
    public void biasActivation(ActivationFunction f, int rows, int cols,
                               Memory z, int zOffset, Memory bias, int biasOffset, Memory y, int yOffset) {
        KernelArguments.checkBiasActivation(f, rows, cols, z, zOffset, bias, biasOffset, y, yOffset);
        CpuMemory zm = cpu(z);
        CpuMemory ym = cpu(y);
        if (nativeKernels) {
            CpuKernels.biasActivation(NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(), rows, cols,
                    zm.address(zOffset), bias == null ? 0 : cpu(bias).address(biasOffset), ym.address(yOffset));
            return;
        }
        boolean relu = f.kind() == Activation.Kind.RELU;
        if (bias == null && !relu) {
            for (int r = 0; r < rows; r++) {
                activate(f, cols, zm, zOffset + r * cols, ym, yOffset + r * cols);
            }
            return;
        }
        FloatBuffer biasValues = bias == null ? null : cpu(bias).buffer;
        float[] sums = tiles.first;
        float[] biasTile = tiles.second;
        float[] activated = tiles.third;
        for (int r = 0; r < rows; r++) {
            int zRow = zOffset + r * cols;
            int yRow = yOffset + r * cols;
            for (int start = 0; start < cols; start += HeapTiles.LENGTH) {
                int length = Math.min(HeapTiles.LENGTH, cols - start);
                zm.buffer.get(zRow + start, sums, 0, length);
                if (biasValues != null) {
                    biasValues.get(biasOffset + start, biasTile, 0, length);
                    for (int i = 0; i < length; i++) {
                        sums[i] += biasTile[i];
                    }
                    zm.buffer.put(zRow + start, sums, 0, length);
                }
                if (relu) {
                    for (int i = 0; i < length; i++) {
                        activated[i] = Math.max(sums[i], 0f);
                    }
                    ym.buffer.put(yRow + start, activated, 0, length);
                }
            }
            if (!relu) {
                activate(f, cols, zm, zRow, ym, yRow);
            }
        }
    }

    /** {@code y = f(z)} over {@code count} values (one row: softmax normalizes them); y may be z. */
    private static void activate(ActivationFunction f, int count,
                                 CpuMemory zm, int zOffset, CpuMemory ym, int yOffset) {
        FloatBuffer z = zm.buffer;
        FloatBuffer y = ym.buffer;
        switch (f.kind()) {
            case LINEAR -> {
                if (zm != ym || zOffset != yOffset) {
                    y.put(yOffset, z, zOffset, count);
                }
            }
            case RELU -> {
                for (int i = 0; i < count; i++) {
                    float v = z.get(zOffset + i);
                    y.put(yOffset + i, v > 0 || Float.isNaN(v) ? v : 0);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < count; i++) {
                    y.put(yOffset + i, (float) (1 / (1 + Math.exp(-z.get(zOffset + i)))));
                }
            }
            case TANH -> {
                for (int i = 0; i < count; i++) {
                    y.put(yOffset + i, (float) Math.tanh(z.get(zOffset + i)));
                }
            }
            case SOFTMAX -> softmax(count, z, zOffset, y, yOffset);
            default -> ActivationKernels.apply(f, count, zm, zOffset, ym, yOffset);
        }
    }

    /** One row shifted by its maximum, so that no exponential overflows. */
    private static void softmax(int cols, FloatBuffer z, int zRow, FloatBuffer y, int yRow) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, z.get(zRow + c));
        }
        float sum = 0;
        for (int c = 0; c < cols; c++) {
            float e = (float) Math.exp(z.get(zRow + c) - max);
            y.put(yRow + c, e);
            sum += e;
        }
        float inverse = 1 / sum;
        for (int c = 0; c < cols; c++) {
            y.put(yRow + c, y.get(yRow + c) * inverse);
        }
    }

    @Override
    public void activationBackward(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                   Memory y, int yOffset, Memory dy, int dyOffset, Memory dz, int dzOffset) {
        KernelArguments.checkActivationBackward(f, rows, cols, z, zOffset, y, yOffset, dy, dyOffset, dz, dzOffset);
        if (nativeKernels) {
            CpuKernels.activationBackward(NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(), rows, cols,
                    cpu(z).address(zOffset), cpu(y).address(yOffset), cpu(dy).address(dyOffset), cpu(dz).address(dzOffset));
            return;
        }
        FloatBuffer zb = cpu(z).buffer;
        FloatBuffer yb = cpu(y).buffer;
        FloatBuffer dyb = cpu(dy).buffer;
        FloatBuffer dzb = cpu(dz).buffer;
        int count = rows * cols;
        switch (f.kind()) {
            case LINEAR -> {
                if (dy != dz || dyOffset != dzOffset) {
                    copy(dy, dyOffset, dz, dzOffset, count);
                }
            }
            case RELU -> reluBackward(count, zb, zOffset, dyb, dyOffset, dzb, dzOffset);
            case SIGMOID -> {
                for (int i = 0; i < count; i++) {
                    float v = yb.get(yOffset + i);
                    dzb.put(dzOffset + i, dyb.get(dyOffset + i) * v * (1 - v));
                }
            }
            case TANH -> {
                for (int i = 0; i < count; i++) {
                    float v = yb.get(yOffset + i);
                    dzb.put(dzOffset + i, dyb.get(dyOffset + i) * (1 - v * v));
                }
            }
            case SOFTMAX -> softmaxBackward(rows, cols, yb, yOffset, dyb, dyOffset, dzb, dzOffset);
            default -> ActivationKernels.backward(f, rows, cols, cpu(z), zOffset, cpu(y), yOffset,
                    cpu(dy), dyOffset, cpu(dz), dzOffset);
        }
    }

    /** {@code dz = y ⊙ (dy - dy·y)} per row; dz may be dy. */
    private static void softmaxBackward(int rows, int cols, FloatBuffer y, int yOffset,
                                        FloatBuffer dy, int dyOffset, FloatBuffer dz, int dzOffset) {
        for (int r = 0; r < rows; r++) {
            int yRow = yOffset + r * cols;
            int dyRow = dyOffset + r * cols;
            int dzRow = dzOffset + r * cols;
            float dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += dy.get(dyRow + c) * y.get(yRow + c);
            }
            for (int c = 0; c < cols; c++) {
                dz.put(dzRow + c, y.get(yRow + c) * (dy.get(dyRow + c) - dot));
            }
        }
    }

    // ---- dropout: the shared mask, an eighth of a Philox block per value and no branches ------

    @Override
    public void dropoutSlice(int firstSample, int batch) {
        if (firstSample % DropoutMask.GROUP != 0 || firstSample < 0 || batch < 0) {
            throw new IllegalArgumentException("a dropout slice starts at a multiple of " + DropoutMask.GROUP
                    + " samples, was sample " + firstSample + " (batch " + batch + ")");
        }
        dropoutFirstSample = firstSample;
        dropoutSliceBatch = batch;
    }

    /** The first mask group of a call over {@code count} values: 0 but in a data-parallel slice. */
    private int firstDropoutGroup(int count) {
        if (dropoutFirstSample == 0) {
            return 0;
        }
        long first = (long) dropoutFirstSample * (count / dropoutSliceBatch);
        return Math.toIntExact(first / DropoutMask.GROUP);
    }

    @Override
    public void dropout(double rate, long seed, long step, int count, Memory x, int xOffset, Memory y, int yOffset) {
        KernelArguments.checkDropout(rate, count, x, xOffset, y, yOffset);
        applyDropout(rate, seed, step, count, cpu(x), xOffset, cpu(y), yOffset);
    }

    @Override
    public void dropoutBackward(double rate, long seed, long step, int count,
                                Memory dy, int dyOffset, Memory dx, int dxOffset) {
        KernelArguments.checkDropout(rate, count, dy, dyOffset, dx, dxOffset);
        applyDropout(rate, seed, step, count, cpu(dy), dyOffset, cpu(dx), dxOffset);
    }

    /**
     * {@code out = in · (kept ? scale : 0)} with {@link DropoutMask}'s mask, one Philox block per
     * group of eight values: natively, or (without the native kernels) through heap tiles. The keep
     * test is arithmetic, not a branch: a branch on a random mask mispredicts at the drop rate and
     * cost more than drawing the mask.
     */
    private void applyDropout(double rate, long seed, long step, int count,
                              CpuMemory input, int inOffset, CpuMemory output, int outOffset) {
        int firstGroup = firstDropoutGroup(count);
        if (nativeKernels) { // the loop below was about an eighth of the MNIST MLP's training step
            CpuKernels.dropout(DropoutMask.threshold(rate), (float) DropoutMask.scale(rate), seed, step, firstGroup, count,
                    input.address(inOffset), output.address(outOffset));
            return;
        }
        FloatBuffer in = input.buffer;
        FloatBuffer out = output.buffer;
        int lastDropped = DropoutMask.threshold(rate) - 1;
        float scale = (float) DropoutMask.scale(rate);
        float[] values = tiles.first;
        for (int start = 0; start < count; start += HeapTiles.LENGTH) {
            int length = Math.min(HeapTiles.LENGTH, count - start);
            in.get(inOffset + start, values, 0, length);
            int group = firstGroup + start / DropoutMask.GROUP; // LENGTH is a multiple of GROUP: tiles start on a group
            for (int i = 0; i < length; i += DropoutMask.GROUP, group++) {
                DropoutMask.block(seed, step, group, dropoutBlock);
                for (int lane = 0; lane < DropoutMask.GROUP && i + lane < length; lane++) {
                    // (lastDropped - uniform) >>> 31 is 1 exactly when uniform >= threshold.
                    int kept = (lastDropped - DropoutMask.lane(dropoutBlock, lane)) >>> 31;
                    values[i + lane] *= scale * kept;
                }
            }
            out.put(outOffset + start, values, 0, length);
        }
    }

    /** {@code dz = z > 0 ? dy : 0}, tile by tile on the heap. */
    private void reluBackward(int count, FloatBuffer z, int zOffset, FloatBuffer dy, int dyOffset, FloatBuffer dz, int dzOffset) {
        float[] inputs = tiles.first;
        float[] gradients = tiles.second;
        for (int start = 0; start < count; start += HeapTiles.LENGTH) {
            int length = Math.min(HeapTiles.LENGTH, count - start);
            z.get(zOffset + start, inputs, 0, length);
            dy.get(dyOffset + start, gradients, 0, length);
            for (int i = 0; i < length; i++) {
                gradients[i] = inputs[i] > 0 ? gradients[i] : 0f;
            }
            dz.put(dzOffset + start, gradients, 0, length);
        }
    }

    /** Row by row into a heap tile of sums, so the inner loop runs over contiguous values the JIT vectorizes. */
    @Override
    public void columnSums(int rows, int cols, Memory x, int xOffset, Memory sums, int sumsOffset) {
        KernelArguments.check("columnSums", "x", x, xOffset, rows, cols);
        KernelArguments.check("columnSums", "sums", sums, sumsOffset, cols);
        if (nativeKernels) { // a convolution's bias gradient: 86,528 short rows, each copied to the heap by the loop below
            CpuKernels.columnSums(rows, cols, cpu(x).address(xOffset), cpu(sums).address(sumsOffset));
            return;
        }
        FloatBuffer xb = cpu(x).buffer;
        float[] row = tiles.first;
        float[] total = tiles.second;
        for (int start = 0; start < cols; start += HeapTiles.LENGTH) {
            int length = Math.min(HeapTiles.LENGTH, cols - start);
            Arrays.fill(total, 0, length, 0f);
            for (int r = 0; r < rows; r++) {
                xb.get(xOffset + r * cols + start, row, 0, length);
                for (int i = 0; i < length; i++) {
                    total[i] += row[i];
                }
            }
            cpu(sums).buffer.put(sumsOffset + start, total, 0, length);
        }
    }

    // ---- convolution family: im2col + sgemm, float pooling and batch norm; padding is ElementsBackend's loop

    @Override
    public void pool2d(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        ImageKernelArguments.checkWindow("pool2d", window, batch, x, xOffset, y, yOffset);
        if (nativeKernels) { // in place: the Java loop copies every sample through heap tiles
            CpuKernels.pool2d(NativeCodes.pooling(kind), windowArguments.address(window), batch, cpu(x).address(xOffset),
                    cpu(y).address(yOffset));
            return;
        }
        pooling.forward(kind, window, batch, cpu(x).buffer, xOffset, cpu(y).buffer, yOffset);
    }

    @Override
    public void pool2dBackward(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset,
                               Memory dy, int dyOffset, Memory dx, int dxOffset) {
        ImageKernelArguments.checkPool2dBackward(window, batch, x, xOffset, dy, dyOffset, dx, dxOffset);
        if (nativeKernels) {
            CpuKernels.pool2dBackward(NativeCodes.pooling(kind), windowArguments.address(window), batch, cpu(x).address(xOffset),
                    cpu(dy).address(dyOffset), cpu(dx).address(dxOffset));
            return;
        }
        pooling.backward(kind, window, batch, cpu(x).buffer, xOffset, cpu(dy).buffer, dyOffset, cpu(dx).buffer, dxOffset);
    }

    @Override
    public void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, Memory x, int xOffset,
                          Memory gamma, int gammaOffset, Memory beta, int betaOffset, Memory movingMean, int movingMeanOffset,
                          Memory movingVariance, int movingVarianceOffset, Memory statistics, int statisticsOffset,
                          Memory y, int yOffset) {
        ImageKernelArguments.checkBatchNormForward(training, rows, cols, momentum, epsilon, x, xOffset, gamma, gammaOffset,
                beta, betaOffset, movingMean, movingMeanOffset, movingVariance, movingVarianceOffset,
                statistics, statisticsOffset, y, yOffset);
        batchNorm.forward(training, rows, cols, momentum, epsilon, cpu(x).buffer, xOffset, cpu(gamma).buffer, gammaOffset,
                cpu(beta).buffer, betaOffset, cpu(movingMean).buffer, movingMeanOffset, cpu(movingVariance).buffer,
                movingVarianceOffset, training ? cpu(statistics).buffer : null, statisticsOffset, cpu(y).buffer, yOffset);
    }

    @Override
    public void batchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                                  Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                                  Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset, Memory dx, int dxOffset) {
        ImageKernelArguments.checkBatchNormBackward(rows, cols, x, xOffset, gamma, gammaOffset, statistics, statisticsOffset,
                dy, dyOffset, dGamma, dGammaOffset, dBeta, dBetaOffset, dx, dxOffset);
        batchNorm.backward(rows, cols, cpu(x).buffer, xOffset, cpu(gamma).buffer, gammaOffset, cpu(statistics).buffer,
                statisticsOffset, cpu(dy).buffer, dyOffset, cpu(dGamma).buffer, dGammaOffset, cpu(dBeta).buffer, dBetaOffset,
                dx == null ? null : cpu(dx).buffer, dxOffset);
    }

    @Override
    public void conv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                       Memory columns, int columnsOffset, Memory z, int zOffset) {
        ImageKernelArguments.checkConv2d(window, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset, z, zOffset);
        if (nativeKernels) { // in place: the Java gather and scatter copy every sample through heap tiles
            CpuKernels.im2col(windowArguments.address(window), batch, cpu(x).address(xOffset), cpu(columns).address(columnsOffset));
        } else {
            Im2Col.gather(window, batch, cpu(x).buffer, xOffset, cpu(columns).buffer, columnsOffset);
        }
        matmul(false, false, batch * window.outputPositions(), window.outputChannels(), window.patchSize(),
                columns, columnsOffset, kernel, kernelOffset, z, zOffset, false);
    }

    /** {@code dKernel = columnsᵀ · dz}; {@code dColumns = dz · kernelᵀ}, scattered back onto dx. */
    @Override
    public void conv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                               Memory columns, int columnsOffset, Memory dz, int dzOffset,
                               Memory dKernel, int dKernelOffset, Memory dColumns, int dColumnsOffset,
                               Memory dx, int dxOffset) {
        ImageKernelArguments.checkConv2dBackward(window, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset,
                dz, dzOffset, dKernel, dKernelOffset, dColumns, dColumnsOffset, dx, dxOffset);
        int rows = batch * window.outputPositions();
        if (dKernel != null) {
            matmul(true, false, window.patchSize(), window.outputChannels(), rows,
                    columns, columnsOffset, dz, dzOffset, dKernel, dKernelOffset, false);
        }
        if (dx != null) {
            matmul(false, true, rows, window.patchSize(), window.outputChannels(),
                    dz, dzOffset, kernel, kernelOffset, dColumns, dColumnsOffset, false);
            if (nativeKernels) {
                CpuKernels.col2im(windowArguments.address(window), batch, cpu(dColumns).address(dColumnsOffset),
                        cpu(dx).address(dxOffset));
            } else {
                im2col.scatter(window, batch, cpu(dColumns).buffer, dColumnsOffset, cpu(dx).buffer, dxOffset);
            }
        }
    }

    // ---- optimizers: float32 arithmetic, as Keras updates float32 variables; tile by tile -----

    @Override
    public void sgd(int count, Memory weights, Memory gradients, Memory velocity,
                    float learningRate, float momentum, boolean nesterov) {
        KernelArguments.checkOptimizer("sgd", count, weights, gradients, momentum == 0 ? null : velocity, null);
        FloatBuffer v = momentum == 0 ? null : cpu(velocity).buffer; // Keras keeps no velocity for plain SGD
        FloatBuffer w = cpu(weights).buffer;
        FloatBuffer g = cpu(gradients).buffer;
        float[] wt = tiles.first;
        float[] gt = tiles.second;
        float[] vt = tiles.third;
        for (int start = 0; start < count; start += HeapTiles.LENGTH) {
            int length = tiles.loadOptimizerTile(start, count, w, g, v, null);
            if (v == null) {
                for (int i = 0; i < length; i++) {
                    wt[i] -= learningRate * gt[i];
                }
            } else {
                for (int i = 0; i < length; i++) {
                    float step = learningRate * gt[i];
                    vt[i] = momentum * vt[i] - step;
                    wt[i] += nesterov ? momentum * vt[i] - step : vt[i];
                }
            }
            tiles.storeOptimizerTile(start, length, w, v, null);
        }
    }

    @Override
    public void rmsprop(int count, Memory weights, Memory gradients, Memory velocity,
                        float learningRate, float rho, float epsilon) {
        KernelArguments.checkOptimizer("rmsprop", count, weights, gradients, velocity, null);
        if (nativeKernels) { // on every core: an update is bound by one core's memory bandwidth
            CpuKernels.rmsprop(count, cpu(weights).address(0), cpu(gradients).address(0), cpu(velocity).address(0),
                    learningRate, rho, epsilon);
            return;
        }
        FloatBuffer w = cpu(weights).buffer;
        FloatBuffer g = cpu(gradients).buffer;
        FloatBuffer v = cpu(velocity).buffer;
        float[] wt = tiles.first;
        float[] gt = tiles.second;
        float[] vt = tiles.third;
        float oneMinusRho = 1 - rho;
        for (int start = 0; start < count; start += HeapTiles.LENGTH) {
            int length = tiles.loadOptimizerTile(start, count, w, g, v, null);
            for (int i = 0; i < length; i++) {
                vt[i] = rho * vt[i] + oneMinusRho * gt[i] * gt[i];
                wt[i] -= learningRate * gt[i] / (float) Math.sqrt(vt[i] + epsilon);
            }
            tiles.storeOptimizerTile(start, length, w, v, null);
        }
    }

    @Override
    public void adam(int count, Memory weights, Memory gradients, Memory m, Memory v,
                     float learningRate, float beta1, float beta2, float epsilon, long t) {
        KernelArguments.checkOptimizer("adam", count, weights, gradients, m, v);
        float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        if (nativeKernels) { // on every core, as rmsprop
            CpuKernels.adam(count, cpu(weights).address(0), cpu(gradients).address(0), cpu(m).address(0), cpu(v).address(0),
                    alpha, beta1, beta2, epsilon);
            return;
        }
        FloatBuffer w = cpu(weights).buffer;
        FloatBuffer g = cpu(gradients).buffer;
        FloatBuffer mb = cpu(m).buffer;
        FloatBuffer vb = cpu(v).buffer;
        float[] wt = tiles.first;
        float[] gt = tiles.second;
        float[] mt = tiles.third;
        float[] vt = tiles.fourth;
        float oneMinusBeta1 = 1 - beta1;
        float oneMinusBeta2 = 1 - beta2;
        for (int start = 0; start < count; start += HeapTiles.LENGTH) {
            int length = tiles.loadOptimizerTile(start, count, w, g, mb, vb);
            for (int i = 0; i < length; i++) {
                mt[i] += (gt[i] - mt[i]) * oneMinusBeta1;
                vt[i] += (gt[i] * gt[i] - vt[i]) * oneMinusBeta2;
                wt[i] -= alpha * mt[i] / ((float) Math.sqrt(vt[i]) + epsilon);
            }
            tiles.storeOptimizerTile(start, length, w, mb, vb);
        }
    }

    // ---- recurrent layers: RecurrentKernels' GEMMs through sgemm, the step arithmetic in float ---

    @Override
    protected LstmCells lstmCells() {
        return lstmCells;
    }

    /** Frees every memory's native values; this backend and its memories refuse further use. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sparseProducts.close();
        windowArguments.close();
        for (CpuMemory memory : memories) {
            memory.free();
        }
        memories.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the cpu backend is closed");
        }
    }

    /** This backend's own memory, while it is open: a freed or foreign pointer would crash the JVM. */
    private CpuMemory cpu(Memory memory) {
        checkOpen();
        if (memory instanceof CpuMemory cpuMemory && cpuMemory.owner == this) {
            if (cpuMemory.released()) {
                throw new IllegalStateException("a released memory of this cpu backend was used: " + memory);
            }
            return cpuMemory;
        }
        throw new IllegalArgumentException("not a memory of this cpu backend: " + memory);
    }

    @Override
    protected Elements elements(Memory memory) {
        return cpu(memory);
    }
}
