package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.samples.xor.XorNetworkModel;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A training step, after warm-up, allocates nothing: no Java heap (the thread's allocation counter)
 * and no native memory (JavaCPP's count of bytes allocated and not freed). Dense with dropout on
 * the reference and CPU backends and the CUDA host executor (also through a network's own
 * generated kernels); Conv2D, BatchNormalization and MaxPooling2D, and a stacked LSTM, on the CPU. It
 * calls the trainer's step directly ({@link ModelInternals#trainingStep}), without fit's progress output.
 */
class AllocationTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    static Stream<Arguments> networks() {
        Function<Device, Model> mlp = device -> SmallMlpModel.create(device, 1);
        Function<Device, Model> cnn = device -> SmallCnnModel.create(device, 1);
        Function<Device, Model> lstm = device -> StackedLstmModel.create(device, 1);
        Function<Device, Model> xor = device -> XorNetworkModel.create(device, 1);
        return Stream.of(
                Arguments.of("SmallMlp", mlp, Device.cpu(), 20, 4),
                Arguments.of("SmallMlp", mlp, Device.reference(), 20, 4),
                Arguments.of("SmallMlp", mlp, Device.cudaHostExecutor(), 20, 4),
                // a sample network, so its own generated CUDA kernels run (the tests' networks run the generic ones)
                Arguments.of("XorNetwork", xor, Device.cudaHostExecutor(), 2, 1),
                Arguments.of("SmallCnn", cnn, Device.cpu(), 8 * 8 * 2, 3),
                Arguments.of("StackedLstm", lstm, Device.cpu(), 5 * 4, 4));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("networks")
    void aTrainingStepAllocatesNothing(String name, Function<Device, Model> create, Device device, int inputSize,
                                       int classes) {
        try (Model model = create.apply(device)) {
            Steady steady = trainUntilSteady(model, inputSize, classes);
            assertEquals(0, steady.heap(), name + ": heap bytes allocated by 100 steps after warm-up");
            assertEquals(0, steady.nativeHeld(), name + ": native bytes held after 100 steps");
        }
    }

    /** What 100 training steps allocated once the model was warmed up: heap bytes, JavaCPP bytes. */
    record Steady(long heap, long nativeHeld) {
    }

    /**
     * Trains {@code model} on random batches until 100 steps allocate nothing, at most 5 rounds of
     * 10,000 warm-up steps, and returns what the last 100 steps allocated. "After warm-up" means once
     * C2 has compiled every kernel: until then, code that its escape analysis frees of temporary
     * objects still allocates them (a few bytes a step here). A step that truly allocates never
     * reaches zero, however long the warm-up.
     */
    static Steady trainUntilSteady(Model model, int inputSize, int classes) {
        int samples = 32;
        int batch = 8;
        Random random = new Random(3);
        float[] x = new float[samples * inputSize];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = random.nextInt(classes);
        }
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = (i * 13) % samples; // a shuffled order, as fit gathers batches: 13 is coprime with 32
        }
        Tensor inputs = Tensor.of(x, samples, inputSize);
        Tensor targets = Labels.oneHot(labels, classes);
        model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy(),
                Metrics.topKCategoricalAccuracy(2), Metrics.precision(), Metrics.recall(), Metrics.auc());
        ModelInternals.BatchStep step = ModelInternals.trainingStep(model, inputs, targets, order);
        long heap = -1;
        long nativeHeld = -1;
        for (int round = 0; round < 5 && (heap != 0 || nativeHeld != 0); round++) {
            for (int i = 0; i < 10_000; i++) {
                step.train((i % 4) * batch, batch);
            }
            long nativeBefore = Pointer.totalBytes();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                step.train((i % 4) * batch, batch);
            }
            heap = THREADS.getCurrentThreadAllocatedBytes() - before;
            nativeHeld = Pointer.totalBytes() - nativeBefore;
        }
        return new Steady(heap, nativeHeld);
    }
}
