package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FreeMemory;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.cpu.CpuBackend;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The arena allocates what a call needs when it needs it, grows freeing what it outgrows (on the
 * CUDA backend's code path, host executor), and checks memory before it allocates.
 */
class ArenaTest {
    /** 6 activation values per sample; 2 output values in 1 row, so training adds 2 + 1 + 6. */
    private static final NetworkLayout LAYOUT = NetworkLayout.builder("Arena")
            .input("x", 0, 4)
            .output("out", 4, Activation.Kind.LINEAR, 4, 2)
            .activationSize(6)
            .layer("x", "InputLayer", new int[] {4}, 0, 0)
            .layer("out", "Dense", new int[] {2}, 10, 10)
            .build();

    @Test
    void growingFreesTheMemoryOutgrown() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            Arena arena = new Arena(backend, LAYOUT);
            arena.reserve(8, Arena.Use.TRAIN);
            Memory[] small = {arena.activations(), arena.activationGradients(), arena.targets()};
            arena.reserve(8, Arena.Use.TRAIN);
            assertSame(small[0], arena.activations(), "a batch that fits keeps the memory");
            arena.reserve(32, Arena.Use.TRAIN);
            assertNotSame(small[0], arena.activations());
            assertEquals(6 * 32, arena.activations().size());
            for (Memory outgrown : small) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.fill(outgrown, 0, 1, 0f));
                assertTrue(e.getMessage().contains("released"), e.getMessage());
            }
            backend.fill(arena.targets(), 0, 64, 1f);
        }
    }

    @Test
    void aPredictionHoldsTheActivationsAloneAndTrainingAddsTheRest() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            Arena arena = new Arena(backend, LAYOUT);
            assertNull(arena.activations(), "nothing before a call needs it");
            arena.reserve(16, Arena.Use.PREDICT);
            Memory activations = arena.activations();
            assertNull(arena.targets());
            assertNull(arena.activationGradients());
            arena.reserve(16, Arena.Use.TRAIN);
            assertSame(activations, arena.activations(), "the activations already had room");
            assertEquals(6 * 16, arena.activationGradients().size());
            assertEquals(2 * 16, arena.targets().size());
            assertEquals(16, arena.weights().size());
        }
    }

    /** A layout with a gradient arena of its own: training allocates that arena's size, not a twin of the activations. */
    @Test
    void trainingHoldsTheGradientArenaTheLayoutGives() {
        NetworkLayout layout = NetworkLayout.builder("Gradients")
                .input("x", 0, 4)
                .output("out", 4, Activation.Kind.LINEAR, 4, 2)
                .activationSize(6)
                .gradients(3, new int[] {1}, new int[] {1})
                .layer("x", "InputLayer", new int[] {4}, 0, 0)
                .layer("out", "Dense", new int[] {2}, 10, 10)
                .build();
        assertEquals(6 + 3 + 2 + 1, Arena.valuesPerSample(layout, Arena.Use.TRAIN));
        assertEquals(6 + 6 + 2 + 1, Arena.valuesPerSample(LAYOUT, Arena.Use.TRAIN), "without one, a twin of the activations");
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            Arena arena = new Arena(backend, layout);
            arena.reserve(16, Arena.Use.TRAIN);
            assertEquals(3 * 16, arena.activationGradients().size());
            assertEquals(6 * 16, arena.activations().size());
        }
    }

    @Test
    void aBatchThatDoesNotFitFailsBeforeAllocatingAndSaysWhatFits() {
        try (ReferenceBackend reference = new ReferenceBackend()) {
            // 1,000 bytes: 20 samples of prediction (6 values of 8 bytes), 8 of training (15 values)
            Backend backend = limited(reference, 1000);
            Arena arena = new Arena(backend, LAYOUT);
            ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class,
                    () -> arena.reserve(32, Arena.Use.TRAIN));
            assertEquals("Arena at batch 32 needs 3.8 KB of activations for training; 1.0 KB are free (a test's limit);"
                    + " batch 8 fits", e.getMessage());
            assertNull(arena.activations(), "nothing allocated");
            arena.reserve(8, Arena.Use.TRAIN);
            e = assertThrows(ResourceExhaustedException.class, () -> arena.reserve(9, Arena.Use.TRAIN));
            assertEquals("Arena at batch 9 needs 1.1 KB of activations for training; 40 B are free (a test's limit, and"
                    + " 960 B this model's batch memory holds now); batch 8 fits", e.getMessage());
            assertEquals(8, arena.fittingBatch(32, Arena.Use.PREDICT), "the training parts stay; 8 samples fit");
        }
    }

    @Test
    void predictionAndEvaluationRunTheLargestBatchThatFits() {
        try (ReferenceBackend reference = new ReferenceBackend()) {
            Arena arena = new Arena(limited(reference, 1000), LAYOUT);
            assertEquals(20, arena.fittingBatch(32, Arena.Use.PREDICT));
            assertEquals(13, arena.fittingBatch(32, Arena.Use.EVALUATE)); // 9 values a sample
            assertEquals(5, arena.fittingBatch(5, Arena.Use.PREDICT));
            ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class,
                    () -> new Arena(limited(reference, 40), LAYOUT).fittingBatch(1, Arena.Use.PREDICT));
            assertEquals("Arena at batch 1 needs 48 B of activations for prediction; 40 B are free (a test's limit);"
                    + " not even one sample fits", e.getMessage());
        }
    }

    /**
     * A prediction holds of the convolution scratch at the inference arena's end only what the
     * backend's convolutions use: the CPU backend with AVX-512 convolves inputs of 16 channels or
     * more without im2col, so the columns of the RGB convolution (36 positions x 27) are all it
     * keeps of the wide one's (16 x 288); without AVX-512 it lowers every convolution, as CUDA
     * does; the reference backend never uses columns.
     */
    @Test
    void aPredictionHoldsOnlyTheConvolutionScratchItsBackendUses() throws IOException {
        Window2D rgb = Window2D.input(8, 8, 3).window(3, 3).output(6, 6, 32);
        Window2D wide = Window2D.input(6, 6, 32).window(3, 3).output(4, 4, 8);
        int scratchAt = 8 * 8 * 3 + 4;
        NetworkLayout convolutions = NetworkLayout.builder("Convolutions")
                .input("x", 0, 8, 8, 3)
                .output("out", 192, Activation.Kind.LINEAR, 192, 4)
                .activationSize(10_000)
                .inference(scratchAt + 16 * 288, new int[] {0}, new int[] {192}, new int[] {192})
                .convolutionScratch(scratchAt, rgb, wide)
                .layer("x", "InputLayer", new int[] {8, 8, 3}, 0, 0)
                .layer("out", "Dense", new int[] {4}, 10, 10)
                .build();
        // The kernels ask the processor (cpuid); the test reads the flags Linux reports of it.
        boolean avx512 = Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        try (Backend cpu = CpuBackend.create(); ReferenceBackend reference = new ReferenceBackend();
             CudaBackend cuda = CudaBackend.hostExecutor(false)) {
            assertEquals(4 * (scratchAt + (avx512 ? 36 * 27 : 16 * 288)), predictionActivations(cpu, convolutions),
                    avx512 ? "with AVX-512: the RGB convolution's columns alone" : "without AVX-512: the whole scratch");
            assertEquals(4 * scratchAt, predictionActivations(reference, convolutions));
            assertEquals(4 * (scratchAt + 16 * 288), predictionActivations(cuda, convolutions));
        }
    }

    private static long predictionActivations(Backend backend, NetworkLayout layout) {
        Arena arena = new Arena(backend, layout);
        arena.reserve(4, Arena.Use.PREDICT);
        return arena.activations().size();
    }

    @Test
    void aConvolutionScratchThatIsNotTheInferenceArenasEndIsRefused() {
        NetworkLayout.Builder builder = NetworkLayout.builder("Misplaced")
                .input("x", 0, 8, 8, 3)
                .output("out", 192, Activation.Kind.LINEAR, 192, 4)
                .activationSize(10_000)
                .inference(1000, new int[] {0}, new int[] {192}, new int[] {192})
                .convolutionScratch(196, Window2D.input(8, 8, 3).window(3, 3).output(6, 6, 32));
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertEquals("Misplaced: a convolution scratch of 972 values at 196 is not the end of an inference arena of 1000",
                e.getMessage());
    }

    @Test
    void aBufferPastTheBackendsLimitFailsWithTheLimit() {
        NetworkLayout large = NetworkLayout.builder("Large")
                .input("x", 0, 4)
                .output("out", 4, Activation.Kind.LINEAR, 4, 2)
                .activationSize(100_000_000)
                .layer("x", "InputLayer", new int[] {4}, 0, 0)
                .layer("out", "Dense", new int[] {2}, 10, 10)
                .build();
        try (ReferenceBackend reference = new ReferenceBackend()) {
            Arena arena = new Arena(limited(reference, Long.MAX_VALUE / 2), large);
            ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class,
                    () -> arena.reserve(32, Arena.Use.PREDICT));
            assertEquals("Large at batch 32 needs 25.6 GB of activations for prediction; its activations (3,200,000,000"
                    + " values) pass the 2,147,483,639 values one buffer of the reference backend holds; batch 21 fits",
                    e.getMessage());
        }
    }

    /**
     * {@code backend} with {@code bytes} of memory in all: what it allocated counts against them.
     * A proxy, so that every other call goes to the real backend.
     */
    private static Backend limited(Backend backend, long bytes) {
        long[] used = {0};
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "freeMemory" -> {
                            return new FreeMemory(bytes - used[0], "a test's limit");
                        }
                        case "allocate" -> used[0] += (long) (int) args[0] * backend.bytesPerValue();
                        case "release" -> used[0] -= (long) ((Memory) args[0]).size() * backend.bytesPerValue();
                        default -> {
                        }
                    }
                    try {
                        return method.invoke(backend, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
