package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** The op set's argument checks in front of a backend, and what the decorator hands on. */
class CheckedBackendTest {
    private final Backend backend = CheckedBackend.wrap(new ReferenceBackend());

    @Test
    void rangesPastAMemoryFailNamingTheSizes() {
        Memory small = backend.allocate(4);
        Memory large = backend.allocate(100);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.matmul(false, false, 2, 3, 2, large, 0, large, 10, small, 0, false));
        assertEquals("matmul c: offset 0 + count 6 is outside its memory of size 4", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> backend.copy(large, 98, small, 0, 3));
        assertEquals("copy source: offset 98 + count 3 is outside its memory of size 100", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> backend.fill(small, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> backend.columnSums(-1, 2, large, 0, large, 0));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> backend.allocate(-1));
        assertEquals("negative memory size -1", negative.getMessage());
    }

    @Test
    void aDenseLayersOperandsAreCheckedByName() {
        Memory small = backend.allocate(4);
        Memory large = backend.allocate(100);
        ActivationFunction relu = ActivationFunction.of(Activation.Kind.RELU);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.denseForward(relu, 2, 3, 4, large, 0, large, 10, large, 30, large, 40, small, 0));
        assertEquals("denseForward y: offset 0 + count 8 is outside its memory of size 4", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.denseParameterGradients(2, 3, 4, large, 0, large, 10, large, 20, small, 2));
        assertEquals("denseParameterGradients dbias: offset 2 + count 4 is outside its memory of size 4", e.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> backend.denseForward(relu, -1, 3, 4, large, 0, large, 10, null, 0, large, 40, large, 60));
        assertEquals("denseForward: negative shape rows=-1 in=3 out=4", negative.getMessage());
    }

    @Test
    void aMissingOperandIsNamed() {
        Memory x = backend.allocate(6);
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> backend.loss(LossKind.MEAN_SQUARED_ERROR, false, 2, 3, x, 0, null, 0, x, 0, null, 0, 1f));
        assertEquals("loss: gradient is null (lossValue computes the loss alone)", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> backend.gatherRows(1, 2, null, x, 0, x, 0));
        assertEquals("gatherRows source is null", e.getMessage());
    }

    @Test
    void aDepthwiseWindowNeedsAWholeMultiplierAndItsKernel() {
        Memory large = backend.allocate(1000);
        Window2D fractional = Window2D.input(4, 4, 2).window(3, 3).output(2, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.depthwiseConv2d(fractional, 1, large, 0, large, 0, large, 0));
        assertEquals("depthwiseConv2d: 3 output channels are not a multiple of 2 input channels (a whole depth multiplier): "
                + fractional, e.getMessage());
        Window2D doubled = Window2D.input(4, 4, 2).window(3, 3).output(2, 2, 4);
        IndexOutOfBoundsException kernel = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.depthwiseConv2dBackward(doubled, 1, large, 0, large, 0, large, 0, large, 980, null, 0));
        assertEquals("depthwiseConv2d backward dKernel: offset 980 + count 36 is outside its memory of size 1000",
                kernel.getMessage());
    }

    @Test
    void mergeOperandsAreChecked() {
        Memory x = backend.allocate(6);
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> backend.merge(MergeKind.MAXIMUM, 0, 1, 6, x, 0, x, 0, null, 0));
        assertEquals("MAXIMUM chosen is null", missing.getMessage());
        IllegalArgumentException unused = assertThrows(IllegalArgumentException.class,
                () -> backend.merge(MergeKind.SUM, 1, 1, 6, x, 0, x, 0, x, 0));
        assertEquals("SUM merge: chosen must be null; only MAXIMUM and MINIMUM choose", unused.getMessage());
        IllegalArgumentException rowWise = assertThrows(IllegalArgumentException.class, () -> backend.merge(MergeKind.SUM, 1, 1, 6,
                x, 0, x, 0, null, 0, ActivationFunction.of(Activation.Kind.SOFTMAX), x, 0));
        assertEquals("SUM merge: SOFTMAX is row-wise, not element-wise; apply it with biasActivation", rowWise.getMessage());
        IllegalArgumentException nowhere = assertThrows(IllegalArgumentException.class, () -> backend.merge(MergeKind.SUM, 1, 1, 6,
                x, 0, x, 0, null, 0, ActivationFunction.of(Activation.Kind.RELU), null, 0));
        assertEquals("SUM merge: activation RELU has no activated output to write", nowhere.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> backend.merge(MergeKind.SUM, 1, 1, 6,
                x, 0, x, 0, null, 0, ActivationFunction.of(Activation.Kind.RELU), x, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> backend.mergeChosenBackward(0, 7, x, 0, x, 0, x, 0));
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> backend.copyColumns(2, 2, x, 0, 3, 0, x, 0, 3, 2));
        assertEquals("copyColumns y: columns 2 + 2 are outside rows of 3", outside.getMessage());
        IndexOutOfBoundsException rows = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.copyColumns(3, 2, x, 0, 2, 0, x, 0, 3, 1));
        assertEquals("copyColumns y: offset 0 + count 9 is outside its memory of size 6", rows.getMessage());
    }

    @Test
    void wrapsOnceAndChecksItsForks() {
        assertSame(backend, CheckedBackend.wrap(backend));
        Backend fork = backend.fork();
        assertTrue(fork instanceof CheckedBackend, fork.getClass().getName());
        Memory memory = fork.allocate(2);
        assertThrows(IndexOutOfBoundsException.class, () -> fork.fill(memory, 1, 2, 0f));
        assertEquals("reference", fork.name());
    }
}
