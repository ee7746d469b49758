package dev.annonet.processor;

import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.network;

import org.junit.jupiter.api.Test;

/** Mistakes in how layers connect: inputs, names in {@code from}, cycles, unused layers. */
class GraphErrorsTest {

    @Test
    void noInput() {
        assertError(network("Mlp", "@Dense(units = 2) Layer hidden();"), "Mlp declares no @Input layer", "@Network");
    }

    @Test
    void firstLayerWithoutInput() {
        assertError(network("Mlp", "@Dense(units = 2) Layer first();", "@Input(shape = 2) Layer x();",
                        "@Dense(units = 1, from = \"x\") Layer y();"),
                "first: @Dense has no input: no layer is declared before it", "Layer first()");
    }

    @Test
    void unknownFrom() {
        assertError(network("Mlp", "@Input(shape = 2) Layer image();", "@Dense(units = 2, from = \"imag\") Layer hidden();"),
                "hidden: from = \"imag\" names no layer of Mlp", "from = \"imag\"");
    }

    @Test
    void selfFrom() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 2, from = \"hidden\") Layer hidden();"),
                "hidden: from = \"hidden\" names the layer itself; a layer cannot be its own input", "from = \"hidden\"");
    }

    @Test
    void cyclicFrom() {
        assertError(network("Mlp",
                        "@Input(shape = 2) Layer x();",
                        "@Dense(units = 2, from = \"c\") Layer a();",
                        "@Dense(units = 2) Layer b();",
                        "@Dense(units = 2) Layer c();"),
                "a: from = \"c\" makes a cycle of inputs: a takes c, c takes b, b takes a", "from = \"c\"");
    }

    @Test
    void fromNamingTwoLayers() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Input(shape = 2) Layer y();",
                        "@Dense(units = 2, from = {\"x\", \"y\"}) Layer sum();"),
                "sum: @Dense takes one input, but from = {\"x\", \"y\"} names 2", "from = {\"x\", \"y\"}");
    }

    @Test
    void unusedLayer() {
        assertError(network("Mlp",
                        "@Input(shape = 2) Layer x();",
                        "@Dense(units = 4) Layer hidden();",
                        "@Dense(units = 4) Layer unused();",
                        "@Dense(units = 1, from = \"hidden\") Layer output();"),
                "'unused' is not used by the output 'output'", "Layer unused()");
    }

    @Test
    void secondInputNotConnected() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Input(shape = 3) Layer extra();",
                        "@Dense(units = 1, from = \"x\") Layer y();"),
                "'extra' is not used by the output 'y'", "Layer extra()");
    }

    @Test
    void inputDeclaredLast() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer y();", "@Input(shape = 3) Layer last();"),
                "last: the last declared layer is the network's output, but it is an @Input", "Layer last()");
    }
}
