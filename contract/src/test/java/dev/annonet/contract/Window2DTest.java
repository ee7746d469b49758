package dev.annonet.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.contract.Window2D.Border;
import org.junit.jupiter.api.Test;

/** Keras's output and padding arithmetic, checked against sizes Keras gives. */
class Window2DTest {

    @Test
    void validDropsWhatTheWindowCannotReach() {
        assertEquals(26, Window2D.outputSize(28, 3, 1, 1, Border.VALID));
        assertEquals(13, Window2D.outputSize(28, 3, 2, 1, Border.VALID));
        assertEquals(24, Window2D.outputSize(28, 3, 1, 2, Border.VALID));
        assertEquals(0, Window2D.outputSize(2, 3, 1, 1, Border.VALID));
        assertEquals(0, Window2D.padBefore(28, 3, 1, 1, Border.VALID));
    }

    @Test
    void samePadsHalfBeforeAndTheRestAfter() {
        assertEquals(28, Window2D.outputSize(28, 3, 1, 1, Border.SAME));
        assertEquals(1, Window2D.padBefore(28, 3, 1, 1, Border.SAME));
        assertEquals(14, Window2D.outputSize(28, 3, 2, 1, Border.SAME));
        assertEquals(0, Window2D.padBefore(28, 3, 2, 1, Border.SAME)); // total 1: none before, one after
        assertEquals(1, Window2D.padBefore(5, 4, 1, 1, Border.SAME)); // total 3: one before, two after
    }

    @Test
    void causalPadsTheSpanBeforeOnly() {
        assertEquals(10, Window2D.outputSize(10, 3, 1, 2, Border.CAUSAL));
        assertEquals(4, Window2D.padBefore(10, 3, 1, 2, Border.CAUSAL));
        assertEquals(5, Window2D.outputSize(10, 3, 2, 1, Border.CAUSAL));
    }

    @Test
    void fluentBuilderSetsEachPart() {
        Window2D window = Window2D.input(7, 6, 2).window(3, 2).strides(1, 1).dilation(2, 3).padding(1, 0).output(5, 3, 4);
        assertEquals(new Window2D(7, 6, 2, 3, 2, 1, 1, 2, 3, 1, 0, 5, 3, 4), window);
        assertEquals(5, window.spanHeight());
        assertEquals(4, window.spanWidth());
        assertEquals(12, window.patchSize());
        assertEquals(-1 + 2 * 2, window.inputRow(0, 2));
    }

    @Test
    void rejectsSizesThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> Window2D.input(4, 4, 1).output(0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> Window2D.input(4, 4, 1).padding(-1, 0));
    }
}
