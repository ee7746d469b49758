package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void oneHotIsToCategorical() {
        Tensor t = Labels.oneHot(new int[] {2, 0, 1}, 3);
        assertArrayEquals(new int[] {3, 3}, t.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, t.toArray());
    }

    @Test
    void oneHotRejectsLabelsOutsideTheClasses() {
        assertEquals("label 3 at index 1 is outside [0, 3)", assertThrows(IllegalArgumentException.class,
                () -> Labels.oneHot(new int[] {0, 3}, 3)).getMessage());
        assertEquals("label -1 at index 0 is outside [0, 3)", assertThrows(IllegalArgumentException.class,
                () -> Labels.oneHot(new int[] {-1}, 3)).getMessage());
        assertEquals("classes must be positive, was 0", assertThrows(IllegalArgumentException.class,
                () -> Labels.oneHot(new int[] {0}, 0)).getMessage());
    }

    @Test
    void sparseIsAColumnOfIndices() {
        Tensor t = Labels.sparse(new int[] {4, 1});
        assertArrayEquals(new int[] {2, 1}, t.shape());
        assertArrayEquals(new float[] {4, 1}, t.toArray());
        assertEquals("label -2 at index 1 is negative; class indices start at 0", assertThrows(IllegalArgumentException.class,
                () -> Labels.sparse(new int[] {0, -2})).getMessage());
    }

    @Test
    void argmaxPicksEachSamplesLargestValue() {
        Tensor t = Tensor.of(new float[] {0.1f, 0.7f, 0.2f, 0.5f, 0.5f, 0f}, 2, 3);
        assertArrayEquals(new int[] {1, 0}, Labels.argmax(t));
        assertArrayEquals(new int[] {2, 0, 1}, Labels.argmax(Labels.oneHot(new int[] {2, 0, 1}, 3)));
    }
}
