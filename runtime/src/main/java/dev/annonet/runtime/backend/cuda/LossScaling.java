package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import java.nio.FloatBuffer;

/**
 * Dynamic loss scaling on a CUDA backend's device, for {@link dev.annonet.runtime.backend.Precision#MIXED_FLOAT16}
 * ({@code loss_scale.cuh}): the state lives in device memory and every training step enqueues the
 * same kernels (the loss gradient scaled, the gradients unscaled and checked, the update skipped
 * or made, the scale halved or grown), so a step recorded as a CUDA graph replays it as it is.
 * Keras's LossScaleOptimizer defaults: a scale of 2^15 (PyTorch's GradScaler starts at 2^16),
 * halved on a step with gradients that are not finite, doubled after 2,000 finite steps in a row.
 */
final class LossScaling {
    static final float INITIAL_SCALE = 32768f;
    static final int GROWTH_INTERVAL = 2000;

    private final CudaBackend backend;
    private final long context;
    private final long state;
    private final long stateHost;
    private final FloatBuffer scaleView;

    /** A fresh state at the initial scale, which the context's optimizer updates obey from now on. */
    LossScaling(CudaBackend backend, int growthInterval) {
        this.backend = backend;
        this.context = backend.context();
        this.state = backend.checked(CudaLibrary.memoryAllocate(context, CudaLibrary.LOSS_SCALE_BYTES),
                "allocating the loss scale");
        this.stateHost = backend.checked(CudaLibrary.pinnedAllocate(context, Float.BYTES), "allocating the loss scale");
        this.scaleView = PinnedStaging.bytes(stateHost, Float.BYTES).asFloatBuffer();
        backend.check(CudaLibrary.lossScaleReset(context, state, INITIAL_SCALE, growthInterval), "starting the loss scale");
        CudaLibrary.contextSetLossScale(context, state);
    }

    /** After the loss kernel: its {@code count} gradient values at {@code gradient} times the scale. */
    void seed(long gradient, long count) {
        backend.check(CudaLibrary.lossScaleSeed(context, count, gradient, state), "scaling the loss gradient");
    }

    /** Before the update: the gradients divided by the scale and checked; update {@code t} as Adam takes it. */
    void unscale(long gradients, long count, long t, long tAddress) {
        backend.check(CudaLibrary.lossScaleUnscale(context, count, gradients, state, t, tAddress), "unscaling the gradients");
    }

    /** After the update: the scale halved if the step was skipped, or grown after enough finite steps. */
    void update() {
        backend.check(CudaLibrary.lossScaleUpdate(context, state), "updating the loss scale");
    }

    /** The current scale, waiting for the work enqueued before. */
    float scale() {
        backend.check(CudaLibrary.copyAsync(context, stateHost, state, Float.BYTES, CudaLibrary.DEVICE_TO_HOST),
                "reading the loss scale");
        backend.check(CudaLibrary.synchronize(context), "reading the loss scale");
        return scaleView.get(0);
    }

    /** Frees the state; the backend closes the context after. */
    void close() {
        CudaLibrary.contextSetLossScale(context, 0);
        CudaLibrary.memoryFree(context, state);
        CudaLibrary.pinnedFree(context, stateHost);
    }
}
