package dev.annonet.runtime.backend;

import dev.annonet.contract.Window2D;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.IntPointer;

/**
 * A {@link Window2D} as the native kernels read it: 14 ints in host memory, in the record's
 * component order (window.cuh's window_at). One per backend, refilled for each call, so a kernel
 * call allocates nothing.
 */
public final class NativeWindow implements AutoCloseable {
    private final IntPointer values = new IntPointer(14);
    private final IntBuffer view = values.asBuffer();

    /** The address of {@code w}'s 14 ints, valid until the next call. */
    public long address(Window2D w) {
        view.put(0, w.inputHeight()).put(1, w.inputWidth()).put(2, w.inputChannels())
                .put(3, w.windowHeight()).put(4, w.windowWidth()).put(5, w.strideHeight()).put(6, w.strideWidth())
                .put(7, w.dilationHeight()).put(8, w.dilationWidth()).put(9, w.padTop()).put(10, w.padLeft())
                .put(11, w.outputHeight()).put(12, w.outputWidth()).put(13, w.outputChannels());
        return values.address();
    }

    @Override
    public void close() {
        values.close();
    }
}
