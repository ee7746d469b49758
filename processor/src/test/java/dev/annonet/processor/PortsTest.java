package dev.annonet.processor;

import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.assertGeneratedContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.plan.NetworkPlan;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Several inputs and outputs: {@code @Network(outputs)}, its mistakes, the plan's ports and the typed methods. */
class PortsTest {

    /** Two inputs, each reaching its own head: an image's digit and a vector's parity. */
    static JavaFileObject digitParity() {
        return Networks.declaration("DigitParity", "@Network(outputs = {\"digit\", \"even\"})\npublic interface DigitParity",
                "@Input(shape = 6)                                          Layer image();",
                "@Input(shape = 3)                                          Layer metadata();",
                "@Dense(units = 5, activation = RELU, from = \"image\")      Layer hidden();",
                "@Dense(units = 4, activation = SOFTMAX)                    Layer digit();",
                "@Dense(units = 1, activation = SIGMOID, from = \"metadata\") Layer even();");
    }

    private static JavaFileObject withOutputs(String outputs, String... members) {
        return Networks.declaration("Heads", "@Network(outputs = " + outputs + ")\npublic interface Heads", members);
    }

    @Test
    void planHoldsEveryInputAndTheNamedOutputsInTheirOrder() {
        NetworkPlan plan = PlanCapture.plan(digitParity());
        assertEquals(List.of("image", "metadata"), plan.inputs().stream().map(input -> input.port().layer()).toList());
        assertEquals(List.of("digit", "even"), plan.outputs().stream().map(output -> output.port().layer()).toList());
        assertEquals(List.of(Activation.Kind.SOFTMAX, Activation.Kind.SIGMOID),
                plan.outputs().stream().map(NetworkPlan.OutputPort::activation).toList());
        assertEquals(List.of("digit.z", "even.z"),
                plan.outputs().stream().map(output -> output.preActivation().name()).toList());
    }

    @Test
    void typedMethodsTakeATensorPerInputAndPerOutput() {
        assertGeneratedContains(Networks.compile(digitParity()), "example.DigitParityModel",
                ".input(\"image\", IMAGE, 6) .input(\"metadata\", METADATA, 3)",
                ".output(\"digit\", DIGIT, Activation.Kind.SOFTMAX, DIGIT_Z, 4) .output(\"even\", EVEN, Activation.Kind.SIGMOID, EVEN_Z, 1)",
                "public History fit(Tensor image, Tensor metadata, Tensor digit, Tensor even, Fit options) {"
                        + " return fitPorts(new Tensor[] {image, metadata}, new Tensor[] {digit, even}, options); }",
                "public Evaluation evaluate(Tensor image, Tensor metadata, Tensor digit, Tensor even, int batchSize)",
                "public Outputs predictOutputs(Tensor image, Tensor metadata) {"
                        + " return predictOutputs(image, metadata, DEFAULT_BATCH_SIZE); }",
                "public Tensor digit() { return digit; }",
                "public Tensor even() { return even; }");
    }

    /** An @Input may feed several layers: it needs no gradient. */
    @Test
    void oneInputFeedsTwoHeads() {
        assertGeneratedContains(Networks.compile(withOutputs("{\"digit\", \"even\"}",
                        "@Input(shape = 6)                                      Layer image();",
                        "@Dense(units = 4, activation = SOFTMAX)                Layer digit();",
                        "@Dense(units = 1, activation = SIGMOID, from = \"image\") Layer even();")),
                "example.HeadsModel",
                "public History fit(Tensor image, Tensor digit, Tensor even, Fit options)",
                "public Outputs predictOutputs(Tensor image, int batchSize)");
    }

    /** The parameters after the tensors keep clear of the layers' names. */
    @Test
    void parametersAreNamedApartFromLayers() {
        assertGeneratedContains(Networks.compile(withOutputs("{\"options\", \"batchSize\"}",
                        "@Input(shape = 6)                                      Layer image();",
                        "@Dense(units = 4, activation = SOFTMAX)                Layer options();",
                        "@Dense(units = 1, activation = SIGMOID, from = \"image\") Layer batchSize();")),
                "example.HeadsModel",
                "public History fit(Tensor image, Tensor options, Tensor batchSize, Fit options_)",
                "public Outputs predictOutputs(Tensor image, int batchSize_) {"
                        + " return new Outputs(predictPorts(new Tensor[] {image}, batchSize_)); }");
    }

    /** Naming the last layer is what the default does: the generated class is the one-output class. */
    @Test
    void oneNamedOutputKeepsTheOneOutputMethods() {
        assertGeneratedContains(Networks.compile(withOutputs("\"y\"",
                        "@Input(shape = 2)  Layer x();",
                        "@Dense(units = 1)  Layer y();")),
                "example.HeadsModel", "public float[] predict(float[] x)");
    }

    @Test
    void unknownOutput() {
        assertError(withOutputs("{\"digit\", \"evn\"}",
                        "@Input(shape = 6)                                      Layer image();",
                        "@Dense(units = 4, activation = SOFTMAX)                Layer digit();",
                        "@Dense(units = 1, activation = SIGMOID, from = \"image\") Layer even();"),
                "@Network(outputs = ...): 'evn' names no layer of Heads", "\"evn\"");
    }

    @Test
    void outputNamedTwice() {
        assertError(withOutputs("{\"digit\", \"digit\"}",
                        "@Input(shape = 6)                       Layer image();",
                        "@Dense(units = 4, activation = SOFTMAX) Layer digit();"),
                "@Network(outputs = ...): 'digit' is named twice", "@Network");
    }

    @Test
    void inputNamedAsOutput() {
        assertError(withOutputs("{\"digit\", \"image\"}",
                        "@Input(shape = 6)                       Layer image();",
                        "@Dense(units = 4, activation = SOFTMAX) Layer digit();"),
                "@Network(outputs = ...): 'image' is an @Input; an output is a layer that computes from the inputs", "\"image\"}");
    }

    @Test
    void layerReachingNoOutput() {
        assertError(withOutputs("{\"digit\", \"even\"}",
                        "@Input(shape = 6)                                      Layer image();",
                        "@Dense(units = 4, activation = SOFTMAX)                Layer digit();",
                        "@Dense(units = 1, activation = SIGMOID, from = \"image\") Layer even();",
                        "@Dense(units = 2, from = \"image\")                      Layer extra();"),
                "'extra' is not used by any output (digit, even)", "Layer extra()");
    }

    /** A computed layer may feed two heads: the second head's gradient is added to the first's. */
    @Test
    void computedLayerFeedingTwoHeads() {
        assertGeneratedContains(Networks.compile(withOutputs("{\"digit\", \"even\"}",
                        "@Input(shape = 6)                                       Layer image();",
                        "@Dense(units = 5, activation = RELU)                    Layer hidden();",
                        "@Dense(units = 4, activation = SOFTMAX)                 Layer digit();",
                        "@Dense(units = 1, activation = SIGMOID, from = \"hidden\") Layer even();")),
                "example.HeadsModel", "backend.merge(MergeKind.SUM, 1, 1.0f, batch * 5, d, batch * Gradients.HIDDEN_GRADIENT_PART, d, batch * Gradients.HIDDEN_Z,");
    }

    @Test
    void outputFeedingALayer() {
        assertError(withOutputs("{\"hidden\", \"digit\"}",
                        "@Input(shape = 6)                       Layer image();",
                        "@Dense(units = 5, activation = RELU)    Layer hidden();",
                        "@Dense(units = 4, activation = SOFTMAX) Layer digit();"),
                "digit: 'hidden' is an output, and an output feeds no layer", "Layer digit()");
    }
}
