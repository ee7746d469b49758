package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void wrapsValuesWithAShape() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.rank());
        assertEquals(2, t.samples());
        assertEquals(3, t.size(1));
        assertEquals(6, t.get(1, 2));
        assertEquals(2, t.get(0, 1));
        assertArrayEquals(new float[] {4, 5, 6}, t.row(1));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
        assertEquals("Tensor[2, 3]", t.toString());
    }

    @Test
    void withoutAShapeIsAVector() {
        Tensor t = Tensor.of(new float[] {7, 8, 9});
        assertArrayEquals(new int[] {3}, t.shape());
        assertArrayEquals(new float[] {8}, t.row(1));
    }

    @Test
    void handsOutCopies() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        t.toArray()[0] = 99;
        t.row(0)[0] = 99;
        t.shape()[0] = 99;
        assertEquals(1, t.get(0, 0));
        assertEquals(2, t.samples());
    }

    @Test
    void fromRowsCopiesThem() {
        float[][] rows = {{1, 2}, {3, 4}, {5, 6}};
        Tensor t = Tensor.of(rows);
        rows[0][0] = 99;
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertEquals(1, t.get(0, 0));
        assertEquals(6, t.get(2, 1));
    }

    @Test
    void rejectsAShapeThatDoesNotHoldTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertEquals("shape [2, 3] holds 6 values, but 5 were given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], 2, -1));
        assertEquals("shape [2, -1] has a negative dimension", e.getMessage());
    }

    @Test
    void rejectsRaggedRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[][] {{1, 2, 3}, {4, 5}}));
        assertEquals("row 1 has 2 values, but row 0 has 3", e.getMessage());
    }

    @Test
    void checksIndices() {
        Tensor t = Tensor.of(new float[6], 2, 3);
        assertEquals("index [2, 0] is outside shape [2, 3]",
                assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0)).getMessage());
        assertEquals("1 indices for shape [2, 3]",
                assertThrows(IllegalArgumentException.class, () -> t.get(1)).getMessage());
        assertEquals("sample 2 of 2", assertThrows(IndexOutOfBoundsException.class, () -> t.row(2)).getMessage());
        assertEquals("axis 2 of a rank-2 tensor", assertThrows(IndexOutOfBoundsException.class, () -> t.size(2)).getMessage());
    }
}
