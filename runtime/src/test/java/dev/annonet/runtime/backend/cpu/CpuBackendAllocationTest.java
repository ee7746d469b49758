package dev.annonet.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.UpdateRule;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * A training step allocates nothing: the kernel calls of one step of a dense → dropout → softmax
 * network (as the processor schedules it, with loss, accuracy and optimizer), through the argument
 * checks a model's backend has, are repeated after warm-up while the thread's allocated heap bytes
 * and JavaCPP's native bytes are watched.
 */
class CpuBackendAllocationTest {
    private static final ActivationFunction RELU = ActivationFunction.of(Activation.Kind.RELU);
    private static final ActivationFunction SOFTMAX = ActivationFunction.of(Activation.Kind.SOFTMAX);
    private static final UpdateRule ADAM = new UpdateRule.Adam(0.9f, 0.999f, 1e-7f);
    private static final UpdateRule RMSPROP = new UpdateRule.RmsProp(0.9f, 1e-7f);
    private static final UpdateRule NESTEROV = new UpdateRule.Sgd(0.9f, true);
    private static final int BATCH = 8;
    private static final int IN = 12;
    private static final int HIDDEN = 16;
    private static final int CLASSES = 4;
    // arena per sample: image, hidden.z, hidden.y, dropout.y, output.z, output.y
    private static final int HZ = IN;
    private static final int HY = HZ + HIDDEN;
    private static final int DY = HY + HIDDEN;
    private static final int OZ = DY + HIDDEN;
    private static final int OY = OZ + CLASSES;
    private static final int ARENA = OY + CLASSES;
    // parameters: hidden.kernel, hidden.bias, output.kernel, output.bias
    private static final int HB = IN * HIDDEN;
    private static final int OK = HB + HIDDEN;
    private static final int OB = OK + HIDDEN * CLASSES;
    private static final int PARAMETERS = OB + CLASSES;

    private final Backend backend = CpuBackend.create();
    private final Memory parameters = backend.allocate(PARAMETERS);
    private final Memory gradients = backend.allocate(PARAMETERS);
    private final Memory moments = backend.allocate(PARAMETERS);
    private final Memory velocities = backend.allocate(PARAMETERS);
    private final Memory activations = backend.allocate(BATCH * ARENA);
    private final Memory activationGradients = backend.allocate(BATCH * ARENA);
    private final Memory targets = backend.allocate(BATCH);
    private final float[] images = new float[BATCH * IN];
    private final float[] labels = new float[BATCH];
    private final float[] predictions = new float[BATCH * CLASSES];
    private double lossSum;
    private long correct;

    @Test
    void trainingStepsAllocateNothingOnTheJavaHeap() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        backend.fill(parameters, 0, PARAMETERS, 0.1f);
        Arrays.fill(images, 0.5f);
        labels[1] = 2;
        for (long step = 1; step <= 20_000; step++) { // warm-up: let the JIT compile every kernel
            trainingStep(step);
        }
        long nativeBefore = Pointer.totalBytes();
        long before = threads.getThreadAllocatedBytes(thread);
        for (long step = 1; step <= 100; step++) {
            trainingStep(step);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(0, allocated, "heap bytes allocated by 100 training steps");
        assertEquals(nativeBefore, Pointer.totalBytes(), "native bytes held after 100 training steps");
        backend.close();
    }

    private void trainingStep(long step) {
        Memory p = parameters;
        Memory a = activations;
        Memory d = activationGradients;
        Memory g = gradients;
        int b = BATCH;
        backend.upload(images, 0, a, 0, b * IN);
        backend.upload(labels, 0, targets, 0, b);
        backend.matmul(false, false, b, HIDDEN, IN, a, 0, p, 0, a, b * HZ, false);
        backend.biasActivation(RELU, b, HIDDEN, a, b * HZ, p, HB, a, b * HY);
        backend.dropout(0.2, 7, step, b * HIDDEN, a, b * HY, a, b * DY);
        backend.matmul(false, false, b, CLASSES, HIDDEN, a, b * DY, p, OK, a, b * OZ, false);
        backend.biasActivation(SOFTMAX, b, CLASSES, a, b * OZ, p, OB, a, b * OY);
        lossSum += backend.loss(LossKind.SPARSE_CATEGORICAL_CROSSENTROPY, true, b, CLASSES, a, b * OY, a, b * OZ,
                targets, 0, d, b * OZ, 1f / b);
        correct += backend.countCorrect(AccuracyKind.SPARSE_CATEGORICAL, b, CLASSES, a, b * OY, targets, 0);
        backend.matmul(true, false, HIDDEN, CLASSES, b, a, b * DY, d, b * OZ, g, OK, false);
        backend.columnSums(b, CLASSES, d, b * OZ, g, OB);
        backend.matmul(false, true, b, HIDDEN, CLASSES, d, b * OZ, p, OK, d, b * DY, false);
        backend.dropoutBackward(0.2, 7, step, b * HIDDEN, d, b * DY, d, b * HY);
        backend.activationBackward(RELU, b, HIDDEN, a, b * HZ, a, b * HY, d, b * HY, d, b * HZ);
        backend.matmul(true, false, IN, HIDDEN, b, a, 0, d, b * HZ, g, 0, false);
        backend.columnSums(b, HIDDEN, d, b * HZ, g, HB);
        backend.update(ADAM, PARAMETERS, p, g, moments, velocities, 1e-3f, step);
        backend.update(RMSPROP, PARAMETERS, p, g, velocities, null, 1e-3f, step);
        backend.update(NESTEROV, PARAMETERS, p, g, moments, null, 1e-3f, step);
        lossSum += backend.lossValue(LossKind.CATEGORICAL_CROSSENTROPY, false, b, CLASSES, a, b * OY, null, 0,
                a, b * OY);
        backend.download(a, b * OY, predictions, 0, b * CLASSES);
    }
}
