package dev.annonet.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecurrentCellTest {

    @Test
    void weightCountsAreKerasParameterCounts() {
        // keras.layers.LSTM(32) on 28 features: 4·32·(28 + 32 + 1) = 7,808 parameters.
        assertEquals(7808, RecurrentCell.LSTM.weightCount(28, 32));
        // keras.layers.GRU(32) (reset_after=True) on 28 features: 3·32·(28 + 32 + 2) = 5,952.
        assertEquals(5952, RecurrentCell.GRU.weightCount(28, 32));
    }

    @Test
    void workspaceSizesFollowTheDocumentedRegions() {
        // gates, cells, states (steps each), one step's recurrent product
        assertEquals(10 * (4 * 8) + 10 * 8 + 10 * 8 + 4 * 8, RecurrentCell.LSTM.workspaceSize(10, 8));
        // gates, states, every step's recurrent product
        assertEquals(10 * (3 * 8) + 10 * 8 + 10 * (3 * 8), RecurrentCell.GRU.workspaceSize(10, 8));
    }
}
