package dev.annonet.runtime.backend.cpu;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemv;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.contract.Window2D;
import dev.annonet.cpu.CpuKernels;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.CheckedBackend;
import dev.annonet.runtime.backend.DropoutMask;
import dev.annonet.runtime.backend.Elements;
import dev.annonet.runtime.backend.ElementsBackend;
import dev.annonet.runtime.backend.FreeMemory;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.MergeKind;
import dev.annonet.runtime.backend.NativeCodes;
import dev.annonet.runtime.backend.NativeWindow;
import dev.annonet.runtime.backend.PoolingKind;
import dev.annonet.runtime.backend.SequenceCells;
import dev.annonet.runtime.backend.UpdateRule;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;

/**
 * The fast CPU backend: float32 values off-heap, GEMMs through OpenBLAS on those values in place
 * (or from the left operand's nonzeros when it is mostly zeros: {@link SparseProducts}), and
 * annonet's native CPU kernels ({@link CpuKernels}) for everything else a step's time goes to:
 * activations, dropout, bias gradients, the convolution family, batch normalization and the
 * optimizers, with the CUDA kernels' per-value math. Losses, accuracies and zero padding use the
 * kernels of {@link ElementsBackend} shared with the reference backend (in double precision). A
 * kernel call allocates nothing, on the Java heap or natively. Not thread-safe: calls share each
 * memory's operand views; {@link #fork} gives another thread a backend of its own.
 */
public final class CpuBackend extends ElementsBackend {
    private final List<CpuMemory> memories = new ArrayList<>();
    private final Map<RecurrentCell, SequenceCells> sequenceCells = new EnumMap<>(RecurrentCell.class);
    private final SparseProducts sparseProducts;
    private final NativeWindow windowArguments = new NativeWindow();
    /** The backend this one was forked from, whose memory it may borrow; null for a backend of its own. */
    private final CpuBackend lender;
    private boolean closed;
    /** A data-parallel rank's slice of the global batch that dropout draws its mask for ({@link #dropoutSlice}). */
    private int dropoutFirstSample;
    private int dropoutSliceBatch;

    /**
     * A CPU backend behind the op set's argument checks ({@link CheckedBackend}): its kernels read
     * and write native memory wherever an offset points. Loads annonet's CPU kernels and OpenBLAS;
     * throws an exception naming the library and the platform when one cannot load.
     */
    public static Backend create() {
        return CheckedBackend.wrap(new CpuBackend());
    }

    /** Unchecked: for {@link #create()} and this package's tests. */
    CpuBackend() {
        this(null);
    }

    private CpuBackend(CpuBackend lender) {
        OpenBlas.load();
        this.lender = lender;
        sparseProducts = new SparseProducts(OpenBlas.sharesThreads());
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** Its memories' float views are direct buffers over bytes, whose count is an int. */
    @Override
    public int maxValues() {
        return Integer.MAX_VALUE / Float.BYTES;
    }

    /**
     * The host's available memory, within JavaCPP's limits on native memory (by default the Java
     * heap's maximum: {@code -Dorg.bytedeco.javacpp.maxBytes} sets it) and on the process's size.
     */
    @Override
    public FreeMemory freeMemory() {
        FreeMemory free = FreeMemory.host();
        if (Pointer.maxBytes() > 0) {
            free = free.min(new FreeMemory(Math.max(0, Pointer.maxBytes() - Pointer.totalBytes()),
                    "JavaCPP's native memory limit (-Dorg.bytedeco.javacpp.maxBytes)"));
        }
        if (Pointer.maxPhysicalBytes() > 0) {
            free = free.min(new FreeMemory(Math.max(0, Pointer.maxPhysicalBytes() - Pointer.physicalBytes()),
                    "JavaCPP's process size limit (-Dorg.bytedeco.javacpp.maxPhysicalBytes)"));
        }
        return free;
    }

    @Override
    public Memory allocate(int size) {
        checkOpen();
        CpuMemory memory = new CpuMemory(this, size);
        memories.add(memory);
        return memory;
    }

    /** A backend with native scratch and operand views of its own. */
    @Override
    public Backend fork() {
        checkOpen();
        return new CpuBackend(this);
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
        cpu(target).buffer.put(targetOffset, source, sourceOffset, count);
    }

    @Override
    public void download(Memory source, int sourceOffset, float[] target, int targetOffset, int count) {
        cpu(source).buffer.get(sourceOffset, target, targetOffset, count);
    }

    @Override
    public void fill(Memory target, int offset, int count, float value) {
        FloatBuffer t = cpu(target).buffer;
        for (int i = offset; i < offset + count; i++) {
            t.put(i, value);
        }
    }

    @Override
    public void copy(Memory source, int sourceOffset, Memory target, int targetOffset, int count) {
        // A bulk put between views of the same memory copies as if through a temporary (memmove).
        cpu(target).buffer.put(targetOffset, cpu(source).buffer, sourceOffset, count);
    }

    // ---- dense --------------------------------------------------------------------------------

    @Override
    public void matmul(boolean transposeA, boolean transposeB, int m, int n, int k,
                       Memory a, int aOffset, Memory b, int bOffset, Memory c, int cOffset, boolean accumulate) {
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

    /** The bias added and the activation applied in one native pass over each row, while it is in cache. */
    @Override
    public void biasActivation(ActivationFunction f, int rows, int cols,
                               Memory z, int zOffset, Memory bias, int biasOffset, Memory y, int yOffset) {
        CpuKernels.biasActivation(NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(), (float) f.slope(),
                rows, cols, cpu(z).address(zOffset), bias == null ? 0 : cpu(bias).address(biasOffset), cpu(y).address(yOffset));
    }

    @Override
    public void activationBackward(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                   Memory y, int yOffset, Memory dy, int dyOffset, Memory dz, int dzOffset) {
        CpuKernels.activationBackward(NativeCodes.activation(f.kind()), (float) f.lower(), (float) f.upper(),
                (float) f.slope(), rows, cols, cpu(z).address(zOffset), cpu(y).address(yOffset), cpu(dy).address(dyOffset),
                cpu(dz).address(dzOffset));
    }

    @Override
    public void columnSums(int rows, int cols, Memory x, int xOffset, Memory sums, int sumsOffset) {
        CpuKernels.columnSums(rows, cols, cpu(x).address(xOffset), cpu(sums).address(sumsOffset));
    }

    // ---- dropout: the shared mask (DropoutMask), an eighth of a Philox block per value ----------

    @Override
    public void dropoutSlice(int firstSample, int batch) {
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
        CpuKernels.dropout(DropoutMask.threshold(rate), (float) DropoutMask.scale(rate), seed, step,
                firstDropoutGroup(count), count, cpu(x).address(xOffset), cpu(y).address(yOffset));
    }

    @Override
    public void dropoutBackward(double rate, long seed, long step, int count,
                                Memory dy, int dyOffset, Memory dx, int dxOffset) {
        CpuKernels.dropout(DropoutMask.threshold(rate), (float) DropoutMask.scale(rate), seed, step,
                firstDropoutGroup(count), count, cpu(dy).address(dyOffset), cpu(dx).address(dxOffset));
    }

    // ---- convolution family: native kernels (direct or im2col + sgemm), native pooling and depthwise convolution;
    //      padding is ElementsBackend's loop ----

    @Override
    public void pool2d(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        CpuKernels.pool2d(NativeCodes.pooling(kind), windowArguments.address(window), batch, cpu(x).address(xOffset),
                cpu(y).address(yOffset));
    }

    @Override
    public void pool2dBackward(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset,
                               Memory dy, int dyOffset, Memory dx, int dxOffset) {
        CpuKernels.pool2dBackward(NativeCodes.pooling(kind), windowArguments.address(window), batch, cpu(x).address(xOffset),
                cpu(dy).address(dyOffset), cpu(dx).address(dxOffset));
    }

    /** Straight from the input with AVX-512 (no full im2col); im2col + sgemm on processors without it. */
    @Override
    public void depthwiseConv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                Memory y, int yOffset) {
        CpuKernels.depthwiseConv2d(windowArguments.address(window), batch, cpu(x).address(xOffset),
                cpu(kernel).address(kernelOffset), cpu(y).address(yOffset));
    }

    @Override
    public void depthwiseConv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                        Memory dy, int dyOffset, Memory dKernel, int dKernelOffset, Memory dx, int dxOffset) {
        CpuKernels.depthwiseConv2dBackward(windowArguments.address(window), batch, cpu(x).address(xOffset),
                cpu(kernel).address(kernelOffset), cpu(dy).address(dyOffset),
                dKernel == null ? 0 : cpu(dKernel).address(dKernelOffset), dx == null ? 0 : cpu(dx).address(dxOffset));
    }

    @Override
    public void conv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                       Memory columns, int columnsOffset, Memory z, int zOffset) {
        long windowAddress = windowArguments.address(window);
        if (CpuKernels.conv2d(windowAddress, batch, cpu(x).address(xOffset), cpu(kernel).address(kernelOffset),
                cpu(columns).address(columnsOffset), cpu(z).address(zOffset))) {
            return;
        }
        CpuKernels.im2col(windowAddress, batch, cpu(x).address(xOffset), cpu(columns).address(columnsOffset));
        matmul(false, false, batch * window.outputPositions(), window.outputChannels(), window.patchSize(),
                columns, columnsOffset, kernel, kernelOffset, z, zOffset, false);
    }

    @Override
    public boolean conv2dUsesColumns(Window2D window) {
        return CpuKernels.conv2dUsesColumns(windowArguments.address(window));
    }

    /** {@code dKernel = columnsᵀ · dz} (the columns made again from x); {@code dColumns = dz · kernelᵀ}, scattered back onto dx. */
    @Override
    public void conv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                               Memory columns, int columnsOffset, Memory dz, int dzOffset,
                               Memory dKernel, int dKernelOffset, Memory dColumns, int dColumnsOffset,
                               Memory dx, int dxOffset) {
        int rows = batch * window.outputPositions();
        if (dKernel != null) {
            CpuKernels.im2col(windowArguments.address(window), batch, cpu(x).address(xOffset),
                    cpu(columns).address(columnsOffset));
            matmul(true, false, window.patchSize(), window.outputChannels(), rows,
                    columns, columnsOffset, dz, dzOffset, dKernel, dKernelOffset, false);
        }
        if (dx != null) {
            matmul(false, true, rows, window.patchSize(), window.outputChannels(),
                    dz, dzOffset, kernel, kernelOffset, dColumns, dColumnsOffset, false);
            CpuKernels.col2im(windowArguments.address(window), batch, cpu(dColumns).address(dColumnsOffset),
                    cpu(dx).address(dxOffset));
        }
    }

    // ---- batch normalization ------------------------------------------------------------------

    @Override
    public void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, Memory x, int xOffset,
                          Memory gamma, int gammaOffset, Memory beta, int betaOffset, Memory movingMean, int movingMeanOffset,
                          Memory movingVariance, int movingVarianceOffset, Memory statistics, int statisticsOffset,
                          Memory y, int yOffset) {
        CpuKernels.batchNorm(training, rows, cols, momentum, epsilon, cpu(x).address(xOffset),
                gamma == null ? 0 : cpu(gamma).address(gammaOffset), beta == null ? 0 : cpu(beta).address(betaOffset),
                cpu(movingMean).address(movingMeanOffset),
                cpu(movingVariance).address(movingVarianceOffset), training ? cpu(statistics).address(statisticsOffset) : 0,
                cpu(y).address(yOffset));
    }

    @Override
    public void batchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                                  Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                                  Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset, Memory dx, int dxOffset) {
        CpuKernels.batchNormBackward(rows, cols, cpu(x).address(xOffset),
                gamma == null ? 0 : cpu(gamma).address(gammaOffset), cpu(statistics).address(statisticsOffset),
                cpu(dy).address(dyOffset), dGamma == null ? 0 : cpu(dGamma).address(dGammaOffset),
                dBeta == null ? 0 : cpu(dBeta).address(dBetaOffset), dx == null ? 0 : cpu(dx).address(dxOffset));
    }

    // ---- merge layers: merge.cuh's per-value math, on the pool ---------------------------------

    @Override
    public void merge(MergeKind kind, int input, float scale, int count, Memory x, int xOffset, Memory y, int yOffset,
                      Memory chosen, int chosenOffset, ActivationFunction f, Memory activated, int activatedOffset) {
        CpuKernels.merge(NativeCodes.merge(kind), input, scale, count, cpu(x).address(xOffset), cpu(y).address(yOffset),
                chosen == null ? 0 : cpu(chosen).address(chosenOffset), NativeCodes.activation(f.kind()), (float) f.lower(),
                (float) f.upper(), (float) f.slope(), activated == null ? 0 : cpu(activated).address(activatedOffset));
    }

    @Override
    public void mergeChosenBackward(int input, int count, Memory chosen, int chosenOffset, Memory dy, int dyOffset,
                                    Memory dx, int dxOffset) {
        CpuKernels.mergeChosenBackward(input, count, cpu(chosen).address(chosenOffset), cpu(dy).address(dyOffset),
                cpu(dx).address(dxOffset));
    }

    @Override
    public void copyColumns(int rows, int cols, Memory x, int xOffset, int xWidth, int xColumn,
                            Memory y, int yOffset, int yWidth, int yColumn) {
        CpuKernels.copyColumns(rows, cols, cpu(x).address(xOffset), xWidth, xColumn, cpu(y).address(yOffset), yWidth, yColumn);
    }

    // ---- optimizers: float32 arithmetic, as Keras updates float32 variables, on every core ----

    @Override
    public void update(UpdateRule rule, int count, Memory weights, Memory gradients, Memory firstState,
                       Memory secondState, float learningRate, long t) {
        long w = cpu(weights).address(0);
        long g = cpu(gradients).address(0);
        switch (rule.kind()) {
            case SGD -> {
                UpdateRule.Sgd sgd = (UpdateRule.Sgd) rule;
                CpuKernels.sgd(count, w, g, sgd.stateBuffers() == 0 ? 0 : cpu(firstState).address(0), learningRate,
                        sgd.momentum(), sgd.nesterov());
            }
            case RMSPROP -> {
                UpdateRule.RmsProp rmsprop = (UpdateRule.RmsProp) rule;
                CpuKernels.rmsprop(count, w, g, cpu(firstState).address(0), learningRate, rmsprop.rho(), rmsprop.epsilon());
            }
            case ADAM -> {
                UpdateRule.Adam adam = (UpdateRule.Adam) rule;
                CpuKernels.adam(count, w, g, cpu(firstState).address(0), cpu(secondState).address(0),
                        adam.stepSize(learningRate, t), adam.beta1(), adam.beta2(), adam.epsilon());
            }
        }
    }

    // ---- sequence layers: SequenceKernels' GEMMs through sgemm, each step's cells in the native body ---

    @Override
    protected SequenceCells sequenceCells(RecurrentCell cell) {
        return sequenceCells.computeIfAbsent(cell, CpuSequenceCells::new);
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
