package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.Window2D;
import dev.annonet.contract.Window2D.Border;
import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.LoggedMessages;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Which convolutions cuDNN takes (it pads both sides of an axis alike) and which stay on annonet's
 * kernels, and that the host executor runs annonet's own: pure rules, checked without a GPU.
 */
class CudnnConvolutionsTest {

    /** A Conv2D window as Keras plans it: square, {@code border} on both axes. */
    private static Window2D keras(int in, int channels, int window, int stride, int dilation, Border border, int filters) {
        int out = Window2D.outputSize(in, window, stride, dilation, border);
        int pad = Window2D.padBefore(in, window, stride, dilation, border);
        return Window2D.input(in, in, channels).window(window, window).strides(stride, stride).dilation(dilation, dilation)
                .padding(pad, pad).output(out, out, filters);
    }

    @Test
    void validAndEvenlyPaddedSameWindowsGoToCudnn() {
        Window2D[] windows = {
            keras(28, 1, 3, 1, 1, Border.VALID, 32),
            keras(13, 32, 3, 1, 1, Border.VALID, 64),
            keras(14, 8, 3, 1, 1, Border.SAME, 8),       // 2 padded: 1 each side
            keras(9, 3, 3, 2, 1, Border.SAME, 4),        // (5 - 1)·2 + 3 - 9 = 2 padded
            keras(9, 2, 3, 1, 2, Border.SAME, 3),        // dilated: span 5, 4 padded
            keras(56, 64, 1, 1, 1, Border.SAME, 256),    // 1×1: nothing padded
            keras(7, 4, 1, 2, 1, Border.VALID, 4),       // 1×1 at stride 2
            keras(8, 3, 3, 3, 1, Border.VALID, 5),       // a stride that leaves the last column unread
            keras(230, 3, 7, 2, 1, Border.VALID, 64)};   // ResNet50's stem, after its ZeroPadding2D
        for (Window2D w : windows) {
            assertNull(CudnnConvolutions.windowProblem(w, 128), w.toString());
        }
    }

    @Test
    void unevenlyPaddedWindowsStayOnAnnonetsKernelsAndSayWhy() {
        // SAME at stride 2 over 224: 1 padded, after the input only.
        assertEquals("cuDNN pads both sides alike (0 rows, 0 columns), which gives 111x111 outputs, but the layer pads"
                + " unevenly for 112x112", CudnnConvolutions.windowProblem(keras(224, 3, 3, 2, 1, Border.SAME, 32), 1));
        // An even window at SAME: 1 padded.
        assertTrue(CudnnConvolutions.windowProblem(keras(5, 2, 2, 1, 1, Border.SAME, 2), 1).contains("gives 4x4 outputs"));
        // A dilated even window: span 3 at dilation 2, 2 padded, even after all.
        assertNull(CudnnConvolutions.windowProblem(keras(6, 2, 2, 1, 2, Border.SAME, 2), 1));
        // Conv1D's CAUSAL: span - 1 before, nothing after.
        int out = Window2D.outputSize(10, 3, 1, 1, Border.CAUSAL);
        Window2D causal = Window2D.input(1, 10, 4).window(1, 3).padding(0, Window2D.padBefore(10, 3, 1, 1, Border.CAUSAL))
                .output(1, out, 8);
        assertTrue(CudnnConvolutions.windowProblem(causal, 1).contains("gives 1x12 outputs"));
    }

    @Test
    void tensorsBeyondAnIntOfValuesStayOnAnnonetsKernels() {
        Window2D w = keras(224, 64, 3, 1, 1, Border.SAME, 64);
        assertNull(CudnnConvolutions.windowProblem(w, 64));
        assertEquals("a tensor of 3288334336 values is beyond cuDNN's legacy API, which counts them in an int",
                CudnnConvolutions.windowProblem(w, 1024));
    }

    /**
     * Over no native plan set: a window cuDNN cannot express is decided in Java, logged once, and
     * never reaches cuDNN; a shape first seen while a step is captured fails the capture instead of
     * allocating; a batch size's first step is the one to run uncaptured.
     */
    @Test
    void whatIsDecidedBeforeCudnnIsAsked() {
        AtomicInteger scratchMoves = new AtomicInteger();
        CudnnConvolutions convolutions = new CudnnConvolutions(0, scratchMoves::incrementAndGet);
        Window2D uneven = keras(6, 2, 3, 2, 1, Border.SAME, 3); // 1 padded, after the input only
        List<String> messages;
        try (LoggedMessages logged = LoggedMessages.all()) {
            assertEquals(CudnnConvolutions.OWN_KERNELS, convolutions.plan(uneven, 0, 7, false));
            assertEquals(CudnnConvolutions.OWN_KERNELS, convolutions.plan(uneven, 0, 7, true), "decided once, kept");
            messages = logged.messages();
        }
        assertEquals(List.of("annonet's own kernels run the convolution " + uneven + " at batch 7, not cuDNN: "
                + CudnnConvolutions.windowProblem(uneven, 7)), messages);
        assertFalse(convolutions.runsOnCudnn(uneven, 7));
        assertEquals(0, scratchMoves.get());

        Window2D valid = keras(6, 2, 3, 1, 1, Border.VALID, 3);
        IllegalStateException captured = assertThrows(IllegalStateException.class, () -> convolutions.plan(valid, 0, 7, true));
        assertEquals("the convolution " + valid + " at batch 7 has no cuDNN plan yet, and a plan cannot be made while a step"
                + " is captured", captured.getMessage());

        assertTrue(convolutions.firstStepOf(128));
        assertFalse(convolutions.firstStepOf(128));
        assertTrue(convolutions.firstStepOf(64));
    }

    @Test
    void theHostExecutorRunsAnnonetsOwnConvolutionsWithoutCudnn() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            assertFalse(backend.usesCudnn());
            assertEquals("cuda host executor (no step graphs)", backend.name());
        }
        long context = CudaLibrary.contextCreate(-1, false);
        try {
            assertNull(CudnnConvolutions.open(context, false, () -> { }), "no GPU here, so no cuDNN");
        } finally {
            CudaLibrary.contextDestroy(context);
        }
    }
}
