package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.assertGeneratedContains;
import static dev.annonet.processor.Networks.compile;
import static dev.annonet.processor.Networks.network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.testing.compile.Compilation;
import dev.annonet.processor.plan.Block;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Merge layers and fan-out: Keras's shape rules, their errors on the line, and how gradients of a shared tensor add up. */
class MergeLayersTest {

    /** x feeds two branches that an Add joins again: the residual shape. */
    private static final String[] RESIDUAL = {
        "@Input(shape = 4) Layer x();",
        "@Dense(units = 4, activation = RELU) Layer branch();",
        "@Dense(units = 4, from = \"x\") Layer shortcut();",
        "@Add(from = {\"branch\", \"shortcut\", \"x\"}, scales = {1, 0.17, 1}, activation = RELU) Layer sum();",
        "@Dense(units = 2, activation = SOFTMAX) Layer output();"};

    @Test
    void everyMergeCompiles() {
        Compilation compilation = compile(network("Merges",
                "@Input(shape = {3, 4}) Layer x();",
                "@Dense(units = 4) Layer a();",
                "@Dense(units = 4, from = \"x\") Layer b();",
                "@Add(from = {\"a\", \"b\"}) Layer add();",
                "@Subtract(from = {\"add\", \"b\"}) Layer subtract();",
                "@Multiply(from = {\"subtract\", \"a\", \"b\"}) Layer multiply();",
                "@Average(from = {\"multiply\", \"a\"}) Layer average();",
                "@Maximum(from = {\"average\", \"b\"}) Layer maximum();",
                "@Minimum(from = {\"maximum\", \"a\"}) Layer minimum();",
                "@Concatenate(axis = 1, from = {\"minimum\", \"x\"}) Layer joined();",
                "@Dense(units = 2, from = \"joined\") Layer dense();",
                "@Concatenate(from = {\"joined\", \"dense\"}) Layer output();"));
        assertGeneratedContains(compilation, "example.MergesModel",
                "backend.merge(MergeKind.SUM, 1, -1.0f, batch * 12",
                "backend.merge(MergeKind.MAXIMUM, 1, 1.0f, batch * 12",
                "backend.mergeChosenBackward(0, batch * 12",
                "backend.copyColumns(batch * 6, 4,");
    }

    /** README's example, word for word. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyBranchesThatRejoinCompileQuickly() {
        // 2^40 paths from the input to the output: a layer's hash must not walk them.
        List<String> members = new ArrayList<>(List.of("@Input(shape = 4) Layer x0();"));
        for (int i = 1; i <= 40; i++) {
            members.add("@Dense(units = 4, from = \"x" + (i - 1) + "\") Layer left" + i + "();");
            members.add("@Dense(units = 4, from = \"x" + (i - 1) + "\") Layer right" + i + "();");
            members.add("@Add(from = {\"left" + i + "\", \"right" + i + "\"}) Layer x" + i + "();");
        }
        assertThat(compile(network("Rejoining", members.toArray(String[]::new)))).succeededWithoutWarnings();
    }

    @Test
    void readmesResidualExampleCompiles() {
        assertGeneratedContains(compile(network("Residual",
                "@Input(shape = {28, 28, 1})                                 Layer image();",
                "@Conv2D(filters = 16, kernel = 3, padding = Padding.SAME)   Layer stem();",
                "@Conv2D(filters = 16, kernel = 3, padding = Padding.SAME)   Layer conv();",
                "@BatchNormalization                                         Layer norm();",
                "@Add(from = {\"norm\", \"stem\"}, activation = RELU)            Layer residual();",
                "@Conv2D(filters = 8, kernel = 1, from = \"stem\")             Layer narrow();",
                "@Concatenate(from = {\"residual\", \"narrow\"})                 Layer joined();",
                "@GlobalAveragePooling2D                                     Layer pool();",
                "@Dense(units = 10, activation = SOFTMAX)                    Layer output();")),
                "example.ResidualModel", ".layer(\"joined\", \"Concatenate\", new int[] {28, 28, 24}, 0, 0L).from(\"residual\", \"narrow\")");
    }

    @Test
    void aSharedTensorsSecondReaderAddsItsGradientPart() {
        NetworkPlan plan = PlanCapture.plan(network("Residual", RESIDUAL));
        // x, read three times, is an input and needs no gradient: nothing is added up
        assertEquals("MatMul ColumnSums", ops(block(plan.backward(), "shortcut")));
        Block sum = block(plan.backward(), "sum");
        assertEquals("ActivationBackward Merge Merge", ops(sum));
        NetworkPlan shared = PlanCapture.plan(network("Shared",
                "@Input(shape = 4) Layer x();",
                "@Dense(units = 4) Layer trunk();",
                "@Dense(units = 4, activation = TANH) Layer left();",
                "@Dense(units = 4, from = \"trunk\") Layer right();",
                "@Subtract(from = {\"left\", \"right\"}) Layer difference();"));
        // right's backward runs first and writes trunk's gradient; left's writes its part and adds it in
        assertEquals("MatMul ColumnSums MatMul", ops(block(shared.backward(), "right")));
        Block left = block(shared.backward(), "left");
        assertEquals("ActivationBackward MatMul ColumnSums MatMul Merge", ops(left));
        Op.Merge addition = (Op.Merge) left.ops().get(left.ops().size() - 1);
        assertEquals(Op.MergeKind.SUM, addition.kind());
        assertEquals(1, addition.input());
        assertEquals("trunk.z.gradient_part", addition.x().region().name());
        assertEquals("trunk.z", addition.y().region().name());
    }

    /** An element-wise function rides on the last input's merge pass, the sum kept in z for its backward; softmax cannot. */
    @Test
    void anActivatedAddAppliesItsFunctionInItsLastPass() {
        NetworkPlan plan = PlanCapture.plan(network("Residual", RESIDUAL));
        Block sum = block(plan.forward(), "sum");
        assertEquals("Merge Merge Merge", ops(sum));
        Op.Merge last = (Op.Merge) sum.ops().get(2);
        assertEquals("sum.activation", last.activation().name());
        assertEquals("sum.z", last.y().region().name());
        assertEquals("sum", last.activated().region().name());
        assertNull(((Op.Merge) sum.ops().get(1)).activation());
        NetworkPlan softmax = PlanCapture.plan(network("Softmax",
                "@Input(shape = 4) Layer x();",
                "@Dense(units = 4) Layer a();",
                "@Add(from = {\"a\", \"x\"}, activation = SOFTMAX) Layer output();"));
        assertEquals("Merge Merge BiasActivation", ops(block(softmax.forward(), "output")));
    }

    @Test
    void aLayerOfOneInputNamingSeveral() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Input(shape = 2) Layer y();",
                        "@Dense(units = 2, from = {\"x\", \"y\"}) Layer sum();"),
                "sum: @Dense takes one input, but from = {\"x\", \"y\"} names 2; merge layers (@Add, @Concatenate, ...) take several",
                "from = {\"x\", \"y\"}");
    }

    @Test
    void aMergeOfOneLayer() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Add(from = \"x\") Layer sum();"),
                "sum: @Add merges at least 2 layers named by from, but from = \"x\" names 1", "from = \"x\"");
    }

    @Test
    void aSubtractionOfThree() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 2) Layer a();",
                        "@Dense(units = 2, from = \"x\") Layer b();",
                        "@Subtract(from = {\"x\", \"a\", \"b\"}) Layer difference();"),
                "difference: @Subtract merges exactly 2 layers named by from, but from = {\"x\", \"a\", \"b\"} names 3",
                "@Subtract");
    }

    @Test
    void unequalShapes() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 3) Layer a();",
                        "@Multiply(from = {\"x\", \"a\"}) Layer product();"),
                "product: @Multiply needs inputs of one shape, but they are 'x' (2), 'a' (3)", "@Multiply");
    }

    @Test
    void scalesOfAnotherLength() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 2) Layer a();",
                        "@Add(from = {\"x\", \"a\"}, scales = {1, 0.5, 2}) Layer sum();"),
                "sum: @Add(scales = {1, 0.5, 2}) gives 3 scales for 2 inputs; give one per input, or none for all 1", "scales = {1, 0.5, 2}");
    }

    @Test
    void anUnknownLayerAmongSeveral() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Add(from = {\"x\", \"typo\"}) Layer sum();"),
                "sum: from = {\"x\", \"typo\"} names no layer of Mlp: 'typo'", "from = {\"x\", \"typo\"}");
    }

    @Test
    void anInputNamedTwice() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Multiply(from = {\"x\", \"x\"}) Layer square();"),
                "square: from = {\"x\", \"x\"} names 'x' twice; a layer reads each input once", "from = {\"x\", \"x\"}");
    }

    @Test
    void concatenationOfUnequalShapes() {
        assertError(network("Mlp", "@Input(shape = {2, 3}) Layer x();", "@Input(shape = {3, 3}) Layer y();",
                        "@Concatenate(from = {\"x\", \"y\"}) Layer joined();"),
                "joined: @Concatenate(axis = -1) needs inputs of equal shapes except along that axis, but they are 'x' (2, 3), 'y' (3, 3)",
                "@Concatenate");
    }

    @Test
    void concatenationAlongTheBatch() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Input(shape = 2) Layer y();",
                        "@Concatenate(axis = 0, from = {\"x\", \"y\"}) Layer joined();"),
                "joined: @Concatenate(axis = 0) joins along the batch axis", "axis = 0");
    }

    @Test
    void concatenationAlongAnAxisTheInputsLack() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Input(shape = 2) Layer y();",
                        "@Concatenate(axis = 2, from = {\"x\", \"y\"}) Layer joined();"),
                "joined: @Concatenate(axis = 2) is not an axis of inputs of rank 1", "axis = 2");
    }

    @Test
    void aCycleThroughAMerge() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 2, from = \"sum\") Layer a();",
                        "@Add(from = {\"x\", \"a\"}) Layer sum();"),
                "a: from = \"sum\" makes a cycle of inputs: a takes sum, sum takes a", "from = \"sum\"");
    }

    private static Block block(List<Block> blocks, String layer) {
        return blocks.stream().filter(b -> b.comment().startsWith(layer + ":")).findFirst().orElseThrow();
    }

    private static String ops(Block block) {
        return block.ops().stream().map(op -> op.getClass().getSimpleName()).collect(Collectors.joining(" "));
    }
}
