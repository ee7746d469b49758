package dev.annonet.processor;

import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.compile;
import static dev.annonet.processor.Networks.network;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.RecurrentCell;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.WeightValues;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @LSTM}, {@code @GRU} and {@code @Embedding}: their mistakes (message, file, line), their plan and their model. */
class SequenceLayersTest {

    static JavaFileObject stackedLstm() {
        return network("Stacked",
                "@Input(shape = {28, 28})                  Layer image();",
                "@LSTM(units = 16, returnSequences = true) Layer first();",
                "@LSTM(units = 8)                          Layer second();",
                "@Dense(units = 10, activation = SOFTMAX)  Layer output();");
    }

    @Test
    void lstmUnitsMustBePositive() {
        assertError(network("Seq", "@Input(shape = {5, 3}) Layer x();", "@LSTM(units = 0) Layer lstm();"),
                "lstm: @LSTM(units = 0) must be positive", "units = 0");
    }

    @Test
    void lstmOnAFlatInputIsAnError() {
        assertError(network("Seq", "@Input(shape = 784) Layer image();", "@LSTM(units = 4) Layer lstm();"),
                "lstm: @LSTM takes a sequence, (time, features) per sample, but its input 'image' has shape (784);"
                        + " give it a rank-2 shape, e.g. with @Reshape", "@LSTM(units = 4)");
    }

    @Test
    void lstmRankErrorPointsAtItsFrom() {
        assertError(network("Seq", "@Input(shape = {2, 3, 4}) Layer cube();", "@Dense(units = 2) Layer other();",
                        "@LSTM(units = 4, from = \"cube\") Layer lstm();"),
                "lstm: @LSTM takes a sequence, (time, features) per sample, but its input 'cube' has shape (2, 3, 4)",
                "from = \"cube\"");
    }

    @Test
    void embeddingDimensionsMustBePositive() {
        assertError(network("Seq", "@Input(shape = 5) Layer words();", "@Embedding(inputDim = 0, outputDim = 4) Layer embed();"),
                "embed: @Embedding(inputDim = 0) must be positive", "inputDim = 0");
        assertError(network("Seq", "@Input(shape = 5) Layer words();", "@Embedding(inputDim = 10, outputDim = -1) Layer embed();"),
                "embed: @Embedding(outputDim = -1) must be positive", "outputDim = -1");
    }

    @Test
    void embeddingMustTakeAnInput() {
        assertError(network("Seq", "@Input(shape = 5) Layer words();", "@Dense(units = 5) Layer dense();",
                        "@Embedding(inputDim = 10, outputDim = 4) Layer embed();"),
                "embed: @Embedding takes integer indices from an @Input, but its input 'dense' is @Dense",
                "@Embedding(inputDim = 10");
    }

    @Test
    void embeddingOfARankTwoInputIsAnError() {
        assertError(network("Seq", "@Input(shape = {5, 2}) Layer words();", "@Embedding(inputDim = 10, outputDim = 4) Layer embed();"),
                "embed: @Embedding takes a sequence of indices, (time) per sample, but its input 'words' has shape (5, 2)",
                "@Embedding(inputDim = 10");
    }

    @Test
    void lstmParametersAreContiguousWithKerasInitializers() {
        NetworkPlan plan = PlanCapture.plan(stackedLstm());
        assertEquals("first.kernel@0 first.recurrent_kernel@1792 first.bias@2816 second.kernel@2880"
                        + " second.recurrent_kernel@3392 second.bias@3648 output.kernel@3680 output.bias@3760",
                plan.parameters().stream().map(p -> p.name() + "@" + p.offset()).collect(Collectors.joining(" ")));
        assertEquals(WeightValues.trained(Initializer.glorotUniform(28, 64)), plan.parameters().get(0).values());
        assertEquals(WeightValues.trained(Initializer.orthogonal(16, 64)), plan.parameters().get(1).values());
        assertEquals(WeightValues.trained(Initializer.unitForgetBias(16)), plan.parameters().get(2).values());
    }

    @Test
    void lstmWorkspaceHoldsEveryStep() {
        NetworkPlan plan = PlanCapture.plan(stackedLstm());
        // first: 28 steps × 6 × 16 + 4 × 16; its output 28 × 16; second: 28 × 6 × 8 + 32, output 8
        assertEquals("image@0 first.workspace@784 first@3536 second.workspace@3984 second@5360"
                        + " output.z@5368 output@5378",
                plan.tensors().stream().map(t -> t.name() + "@" + t.offset()).collect(Collectors.joining(" ")));
    }

    @Test
    void stackedLstmModel() {
        Networks.assertGeneratedContains(compile(stackedLstm()), "example.StackedModel",
                ".trainable(\"first.recurrent_kernel\", FIRST_RECURRENT_KERNEL, Initializer.orthogonal(16, 64), 16, 64)",
                ".trainable(\"first.bias\", FIRST_BIAS, Initializer.unitForgetBias(16), 64)",
                ".layer(\"first\", \"LSTM\", new int[] {28, 16}, 2880, 80640L)",
                ".layer(\"second\", \"LSTM\", new int[] {8}, 800, 22400L)",
                "backend.recurrent(RecurrentCell.LSTM, batch, 28, 28, 16, true, a, batch * IMAGE, p, FIRST_KERNEL, a, batch * FIRST_WORKSPACE, a, batch * FIRST)",
                "backend.recurrentBackward(RecurrentCell.LSTM, batch, 28, 16, 8, false, ",
                "d, batch * Gradients.FIRST_WORKSPACE, null, 0)");
    }

    @Test
    void embeddingThenLstmModel() {
        Networks.assertGeneratedContains(compile(network("Words",
                "@Input(shape = 12)                          Layer words();",
                "@Embedding(inputDim = 100, outputDim = 8)   Layer embed();",
                "@LSTM(units = 4)                            Layer lstm();",
                "@Dense(units = 1, activation = SIGMOID)     Layer output();")), "example.WordsModel",
                ".inputIndices(100)",
                ".trainable(\"embed.embeddings\", EMBED_EMBEDDINGS, Initializer.uniform(0.05), 100, 8)",
                ".layer(\"embed\", \"Embedding\", new int[] {12, 8}, 800, 800L)",
                "backend.embedding(batch * 12, 100, 8, a, batch * WORDS, p, EMBED_EMBEDDINGS, a, batch * EMBED)",
                "backend.embeddingBackward(batch * 12, 100, 8, a, batch * WORDS, d, batch * Gradients.EMBED, g, EMBED_EMBEDDINGS)",
                "d, batch * Gradients.EMBED)"); // the LSTM passes its input gradient on to the embedding
    }

    @Test
    void gruWeightsAreKerasDefaultGrus() {
        NetworkPlan plan = PlanCapture.plan(network("Words",
                "@Input(shape = 12)                        Layer words();",
                "@Embedding(inputDim = 50, outputDim = 8)  Layer embed();",
                "@GRU(units = 5)                           Layer gru();",
                "@Dense(units = 1, activation = SIGMOID)   Layer output();"));
        assertEquals("embed.embeddings(50, 8) gru.kernel(8, 15) gru.recurrent_kernel(5, 15) gru.bias(2, 15)"
                        + " output.kernel(5, 1) output.bias(1)",
                plan.parameters().stream().map(p -> p.name() + p.shape()).collect(Collectors.joining(" ")));
        assertEquals(WeightValues.trained(Initializer.glorotUniform(8, 15)), plan.parameters().get(1).values());
        assertEquals(WeightValues.trained(Initializer.orthogonal(5, 15)), plan.parameters().get(2).values());
        assertEquals(WeightValues.trained(Initializer.zeros()), plan.parameters().get(3).values());
        // Keras's summary: 3 · (8·5 + 5·5 + 2·5), the contract's count of the weights the runtime reads
        assertEquals(225, plan.layers().get(2).parameterCount());
        assertEquals(RecurrentCell.GRU.weightCount(8, 5), plan.layers().get(2).parameterCount());
        assertEquals("GRU", plan.layers().get(2).kerasType());
        // workspace: 12 steps × 7 units' worth, as RecurrentCell.GRU sizes it
        assertEquals("words@0 embed@12 gru.workspace@108 gru@528 output.z@533 output@534",
                plan.tensors().stream().map(t -> t.name() + "@" + t.offset()).collect(Collectors.joining(" ")));
    }

    @Test
    void gruReturningSequencesOutputsEveryStep() {
        NetworkPlan plan = PlanCapture.plan(network("Seq",
                "@Input(shape = {6, 3})                    Layer x();",
                "@GRU(units = 4, returnSequences = true)   Layer gru();"));
        assertEquals("(6, 4)", plan.outputs().get(0).port().shape().toString());
        assertEquals(3 * (3 * 4 + 4 * 4 + 2 * 4), plan.layers().get(1).parameterCount());
    }

    @Test
    void gruAfterEmbeddingModel() {
        Networks.assertGeneratedContains(compile(network("Words",
                "@Input(shape = 12)                        Layer words();",
                "@Embedding(inputDim = 50, outputDim = 8)  Layer embed();",
                "@GRU(units = 5)                           Layer gru();",
                "@Dense(units = 1, activation = SIGMOID)   Layer output();")), "example.WordsModel",
                ".trainable(\"gru.bias\", GRU_BIAS, Initializer.zeros(), 2, 15)",
                ".layer(\"gru\", \"GRU\", new int[] {5}, 225, 2700L)",
                "backend.recurrent(RecurrentCell.GRU, batch, 12, 8, 5, false, a, batch * EMBED, p, GRU_KERNEL,",
                "backend.recurrentBackward(RecurrentCell.GRU, batch, 12, 8, 5, false, ",
                "d, batch * Gradients.EMBED)"); // the GRU passes its input gradient on to the embedding
    }

    @Test
    void gruUnitsMustBePositive() {
        assertError(network("Seq", "@Input(shape = {5, 3}) Layer x();", "@GRU(units = -2) Layer gru();"),
                "gru: @GRU(units = -2) must be positive", "units = -2");
    }

    @Test
    void gruWithoutResetAfterIsNotSupported() {
        assertError(network("Seq", "@Input(shape = {5, 3}) Layer x();", "@GRU(units = 4,", "resetAfter = false) Layer gru();"),
                "gru: @GRU(resetAfter = false) is not supported: only Keras's default GRU, reset_after = True, is",
                "resetAfter = false");
    }

    @Test
    void gruOnAFlatInputIsAnError() {
        assertError(network("Seq", "@Input(shape = 784) Layer image();", "@GRU(units = 4) Layer gru();"),
                "gru: @GRU takes a sequence, (time, features) per sample, but its input 'image' has shape (784);"
                        + " give it a rank-2 shape, e.g. with @Reshape", "@GRU(units = 4)");
    }
}
