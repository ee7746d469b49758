package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A training step, after warm-up, allocates nothing: no Java heap (the thread's allocation
 * counter) and no native memory (JavaCPP's count of the bytes it has allocated and not freed).
 */
class AllocationTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aTrainingStepAllocatesNothing(Device device) {
        int samples = 64;
        int batch = 16;
        Tensor x = TestData.uniform(samples, 20, 1);
        Tensor y = Labels.oneHot(TestData.labels(samples, 4, 1), 4);
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = (i * 37) % samples; // a shuffled order: 37 is coprime with 64
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 1, 20, 32, 4, 0.2)) {
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            Trainer trainer = model.trainer();
            Tally tally = new Tally(1);
            // "After warm-up" means once C2 has compiled every kernel: until then, code that its
            // escape analysis frees of temporary objects may still allocate them. A step that
            // truly allocates never reaches zero, however long the warm-up.
            long heap = -1;
            long nativeHeld = -1;
            for (int round = 0; round < 5 && (heap != 0 || nativeHeld != 0); round++) {
                for (int i = 0; i < 3000; i++) {
                    trainer.trainBatch(x, y, order, (i % 4) * batch, batch, tally);
                }
                long nativeBefore = Pointer.totalBytes();
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++) {
                    trainer.trainBatch(x, y, order, (i % 4) * batch, batch, tally);
                }
                heap = THREADS.getCurrentThreadAllocatedBytes() - before;
                nativeHeld = Pointer.totalBytes() - nativeBefore;
            }
            assertEquals(0, heap, "heap bytes allocated by 100 training steps after warm-up");
            assertEquals(0, nativeHeld, "native bytes held after 100 training steps");
        }
    }
}
