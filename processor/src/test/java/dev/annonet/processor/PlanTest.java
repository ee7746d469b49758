package dev.annonet.processor;

import static dev.annonet.processor.Networks.network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import dev.annonet.processor.plan.Block;
import dev.annonet.processor.plan.ImageOp;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.Operand;
import dev.annonet.processor.plan.Space;
import dev.annonet.processor.plan.WeightValues;
import dev.annonet.processor.plan.ArenaTensor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The plan's decisions: arena offsets and aliasing, parameter layout, which gradients are computed. */
class PlanTest {

    @Test
    void mnistArenaHoldsEachTensorInTurn() {
        NetworkPlan plan = PlanCapture.plan(Networks.mnistMlp());
        assertEquals("image@0 hidden.z@784 hidden@784 dropout@1296 output.z@1808 output@1818", tensors(plan));
        assertEquals(1828, plan.activationSize());
        assertEquals("output", plan.outputs().get(0).port().tensor().name());
        assertEquals(Activation.Kind.SOFTMAX, plan.outputs().get(0).activation());
        assertEquals("output.z", plan.outputs().get(0).preActivation().name());
    }

    /** Inference reuses a tensor's memory once no later op reads it; the output stays to the end. */
    @Test
    void mnistInferenceArenaReusesDeadTensors() {
        NetworkPlan plan = PlanCapture.plan(Networks.mnistMlp());
        assertEquals("image@0 hidden.z@784 hidden@784 dropout@0 output.z@512 output@0", plan.inference().offsets().entrySet()
                .stream().map(e -> e.getKey() + "@" + e.getValue()).collect(Collectors.joining(" ")));
        assertEquals(1296, plan.inference().activationSize());
        assertEquals(1296, plan.predictionValuesPerSample());
        assertEquals(1828 + 1044 + 10 + 1, plan.trainingValuesPerSample());
    }

    /**
     * The gradients live from the backward op that writes them to the last that reads them: the
     * loss writes output's (or output.z's, fused) before the pass; hidden.z's takes the memory of
     * the output's gradients, dead by then.
     */
    @Test
    void mnistGradientArenaReusesDeadGradients() {
        NetworkPlan plan = PlanCapture.plan(Networks.mnistMlp());
        assertEquals("hidden.z@532 hidden@532 dropout@20 output.z@10 output@0", offsets(plan.gradients().offsets()));
        assertEquals(1044, plan.gradients().size());
        assertGradientsOfOneOpApart(plan);
    }

    /**
     * A tensor two layers read: the first reader in backward order writes its gradient, the second
     * its gradient part, which lives only in that reader's block (added in at its end) and takes
     * memory dead by then; the trunk's gradient lives on to the trunk's own block. The gradient
     * part has no place in the activation arena.
     */
    @Test
    void aGradientPartLivesOnlyInTheBlockOfTheReaderThatWritesIt() {
        NetworkPlan plan = PlanCapture.plan(network("FanOutDense",
                "@Input(shape = 4) Layer x();",
                "@Dense(units = 8, activation = RELU) Layer trunk();",
                "@Dense(units = 6, activation = TANH, from = \"trunk\") Layer left();",
                "@Dense(units = 6, from = \"trunk\") Layer right();",
                "@Add(from = {\"left\", \"right\"}) Layer sum();",
                "@Dense(units = 2, activation = SOFTMAX) Layer output();"));
        // Backward runs output, sum, right (trunk's first reader), left (its second), trunk.
        assertEquals("trunk.z@0 trunk@0 left.z@16 left@10 right.z@16 right@16 sum.z@4 sum@4 output.z@2 output@0 "
                + "trunk.gradient_part@8", offsets(plan.gradients().offsets()));
        assertEquals(22, plan.gradients().size());
        assertGradientsOfOneOpApart(plan);
        // The gradient part is the gradient arena's alone: the activation arena ends with the output.
        assertFalse(tensor(plan, "trunk.gradient_part").inActivationArena());
        assertEquals(tensor(plan, "output").offset() + 2, plan.activationSize());
    }

    /** A convolution's backward writes its columns' gradients where it made its columns: the gradient arena has no scratch. */
    @Test
    void convolutionColumnGradientsTakeTheColumnsScratch() {
        NetworkPlan plan = PlanCapture.plan(Networks.smallCnn());
        assertGradientsOfOneOpApart(plan);
        ImageOp.Conv2DBackward backward = (ImageOp.Conv2DBackward) ((Op.Image) block(plan.backward(), "conv").ops().get(0)).op();
        assertEquals(backward.columns(), backward.dColumns());
        assertNull(plan.gradients().offsets().get("scratch"));
        assertTrue(plan.gradients().size() < plan.activationSize() - tensor(plan, "scratch").size());
    }

    @Test
    void mnistParametersAreContiguousKernelBeforeBias() {
        NetworkPlan plan = PlanCapture.plan(Networks.mnistMlp());
        assertEquals("hidden.kernel@0 hidden.bias@401408 output.kernel@401920 output.bias@407040", parameters(plan));
        assertEquals(WeightValues.trained(Initializer.glorotUniform(784, 512)), plan.parameters().get(0).values());
        assertEquals(WeightValues.trained(Initializer.zeros()), plan.parameters().get(1).values());
    }

    @Test
    void viewsAndLinearActivationsAliasTheirInput() {
        NetworkPlan plan = PlanCapture.plan(network("Views",
                "@Input(shape = {4, 6}) Layer image();",
                "@Reshape(shape = {-1, 3}) Layer grid();",
                "@Flatten Layer flat();",
                "@Dense(units = 5) Layer logits();",
                "@Activation(LINEAR) Layer same();",
                "@Dropout(rate = 0.5) Layer dropped();"));
        assertEquals("image@0 grid@0 flat@0 logits.z@24 logits@24 same@24 dropped@29", tensors(plan));
        ArenaTensor same = tensor(plan, "same");
        assertEquals("logits.z", same.aliasOf().name());
        assertNull(tensor(plan, "dropped").aliasOf());
        assertEquals(34, plan.activationSize());
    }

    @Test
    void convolutionsShareOneScratchSizedToTheLargest() {
        NetworkPlan plan = PlanCapture.plan(network("TwoConvolutions",
                "@Input(shape = {6, 6, 2}) Layer image();",
                "@Conv2D(filters = 3, kernel = 3) Layer first();",
                "@Conv2D(filters = 4, kernel = 2) Layer second();",
                "@BatchNormalization Layer norm();"));
        // first's columns: 4·4 positions × 3·3·2 = 288; second's: 3·3 × 2·2·3 = 108. norm's
        // statistics are read by its backward: a tensor of their own.
        assertEquals("image@0 first.z@72 first@72 second.z@120 second@120 norm.statistics@156 norm@164 scratch@200",
                tensors(plan));
        assertEquals(200 + 288, plan.activationSize());
        assertEquals(List.of("scratch", "scratch"), plan.forward().stream()
                .flatMap(block -> block.ops().stream())
                .filter(op -> op instanceof Op.Image image && image.op() instanceof ImageOp.Conv2D)
                .map(op -> ((ImageOp.Conv2D) ((Op.Image) op).op()).columns().region().name())
                .toList());
        // Inference: the scratch after every other tensor, so that a backend may leave out what it does not use.
        assertEquals("image@0 first.z@72 first@72 second.z@0 second@0 norm@36 scratch@120",
                plan.inference().offsets().entrySet().stream().map(e -> e.getKey() + "@" + e.getValue())
                        .collect(Collectors.joining(" ")));
        assertEquals(120 + 288, plan.inference().activationSize());
        assertEquals(List.of("first.window", "second.window"),
                plan.inference().scratchWindows().stream().map(window -> window.name()).toList());
    }

    @Test
    void fixedWeightsFollowAllTrainableOnes() {
        NetworkPlan plan = PlanCapture.plan(network("Mixed",
                "@Input(shape = 2) Layer x();",
                "@Dense(units = 2, kernel = {1, 2, 3, 4}) Layer first();",
                "@Dense(units = 1, bias = 0.5f) Layer second();"));
        assertEquals("first.bias@0 second.kernel@2 first.kernel@4 second.bias@8", parameters(plan));
        assertEquals(new WeightValues.Fixed(List.of(1f, 2f, 3f, 4f)), plan.parameters().get(2).values());
    }

    @Test
    void noGradientFlowsIntoTheInputOrThroughFixedWeights() {
        NetworkPlan plan = PlanCapture.plan(network("Mixed",
                "@Input(shape = 2) Layer x();",
                "@Dense(units = 2, activation = RELU, kernel = {1, 2, 3, 4}) Layer first();",
                "@Dense(units = 1, activation = SIGMOID) Layer second();"));
        // second: fused activation guard, kernel and bias gradients, and d(first) since first's bias trains
        assertEquals("Branch MatMul ColumnSums MatMul", ops(block(plan.backward(), "second")));
        // first: its fixed kernel gets no gradient, and nothing flows on into the input
        assertEquals("ActivationBackward ColumnSums", ops(block(plan.backward(), "first")));
        assertEquals("", ops(block(plan.backward(), "x")));
    }

    @Test
    void layersRunInTopologicalOrderWhateverTheirDeclarationOrder() {
        NetworkPlan plan = PlanCapture.plan(network("Reordered",
                "@Input(shape = 3) Layer x();",
                "@Dense(units = 1, from = \"hidden\") Layer late();",
                "@Dense(units = 4, from = \"x\") Layer hidden();",
                "@Activation(value = SIGMOID, from = \"late\") Layer output();"));
        List<String> forward = plan.forward().stream().map(b -> b.comment().split(":")[0]).toList();
        assertEquals(List.of("x", "hidden", "late", "output"), forward);
        assertEquals(List.of("x", "late", "hidden", "output"), plan.layers().stream().map(l -> l.name()).toList());
        assertTrue(tensor(plan, "hidden.z").offset() < tensor(plan, "late.z").offset());
    }

    /**
     * A plain ReLU writes its output over its pre-activation when nothing else reads that: a
     * Dense's or convolution's z, an Activation layer's input that only it reads and whose
     * producer's backward does not read (a BatchNormalization's). Not in place: a ReLU with a
     * maximum, a ReLU on a ReLU's output (whose backward reads it), on the runtime's input, or an output.
     */
    @Test
    void plainReluWritesOverItsPreActivationWhereNothingElseReadsIt() {
        NetworkPlan plan = PlanCapture.plan(network("InPlace",
                "@Input(shape = {4, 4, 2}) Layer image();",
                "@Activation(RELU) Layer onInput();",
                "@Conv2D(filters = 3, kernel = 1, activation = RELU) Layer conv();",
                "@BatchNormalization Layer norm();",
                "@Activation(RELU) Layer afterNorm();",
                "@Activation(RELU) Layer afterRelu();",
                "@ReLU(maxValue = 6) Layer six();",
                "@Flatten Layer flat();",
                "@Dense(units = 2, activation = RELU) Layer output();"));
        assertEquals(tensor(plan, "conv.z"), tensor(plan, "conv").aliasOf());
        assertEquals(tensor(plan, "norm"), tensor(plan, "afterNorm").aliasOf());
        assertNull(tensor(plan, "onInput").aliasOf());
        assertNull(tensor(plan, "afterRelu").aliasOf());
        assertNull(tensor(plan, "six").aliasOf());
        assertNull(tensor(plan, "output").aliasOf());
        // Backward derives relu' from y, in place on the output's gradient (dy is dz).
        Op.ActivationBackward backward = (Op.ActivationBackward) block(plan.backward(), "afterNorm").ops().get(0);
        assertEquals(backward.z().region(), tensor(plan, "norm"));
        assertEquals(plan.gradients().offsets().get("afterNorm"), plan.gradients().offsets().get("norm"));
        assertEquals(backward.dy().region().offset(), backward.dz().region().offset());
        assertTrue(block(plan.forward(), "conv").comment().contains("its ReLU in place: conv is written over conv.z"));
        assertGradientsOfOneOpApart(plan);
    }

    /**
     * Prediction keeps no pre-activation for backward, so where the ReLUs in place pack the
     * inference arena worse (here 640 values a sample, a residual block's aliased tensors living
     * longer), infer runs the plan with every pre-activation apart (576); training stays in place.
     */
    @Test
    void inferenceKeepsPreActivationsApartWhereThatPacksBetter() {
        NetworkPlan plan = PlanCapture.plan(network("ApartInference",
                "@Input(shape = {4, 4, 2}) Layer image();",
                "@Conv2D(filters = 2, kernel = 1, activation = RELU) Layer stem();",
                "@Conv2D(filters = 2, kernel = 1) Layer c1();",
                "@BatchNormalization Layer n1();",
                "@Activation(RELU) Layer r1();",
                "@Conv2D(filters = 2, kernel = 3, padding = Padding.SAME) Layer c2();",
                "@Add(from = {\"c2\", \"stem\"}) Layer sum();",
                "@Activation(RELU) Layer r2();",
                "@Conv2D(filters = 8, kernel = 1) Layer c3();",
                "@BatchNormalization Layer n3();",
                "@Activation(RELU) Layer r3();",
                "@Flatten Layer flat();",
                "@Dense(units = 2, activation = SOFTMAX) Layer output();"));
        assertEquals(tensor(plan, "stem.z"), tensor(plan, "stem").aliasOf());
        assertEquals(tensor(plan, "n1"), tensor(plan, "r1").aliasOf());
        assertEquals(576, plan.inference().activationSize());
        for (String relu : List.of("stem", "r1", "r2", "r3")) {
            assertNull(tensor(plan.inference().tensors(), relu).aliasOf(), relu);
            assertFalse(block(plan.inference().forward(), relu).comment().contains("in place"), relu);
        }
        Map<String, Integer> offsets = plan.inference().offsets();
        assertNotEquals(offsets.get("stem.z"), offsets.get("stem"));
        assertNotEquals(offsets.get("n1"), offsets.get("r1"));
        assertTrue(block(plan.forward(), "stem").comment().contains("its ReLU in place"));
    }

    /** No backward op names two gradients whose memory overlaps, and the loss's gradients are apart from each other. */
    private static void assertGradientsOfOneOpApart(NetworkPlan plan) {
        List<List<ArenaTensor>> named = new ArrayList<>();
        plan.backward().forEach(block -> block.ops().forEach(op -> named.add(gradientsNamed(op))));
        named.add(plan.outputs().stream().flatMap(output -> Stream.of(output.port().tensor(), output.preActivation())).toList());
        for (List<ArenaTensor> tensors : named) {
            for (ArenaTensor one : tensors) {
                for (ArenaTensor other : tensors) {
                    ArenaTensor a = owner(one);
                    ArenaTensor b = owner(other);
                    int aStart = plan.gradients().offsets().get(a.name());
                    int bStart = plan.gradients().offsets().get(b.name());
                    assertTrue(a == b || aStart + a.size() <= bStart || bStart + b.size() <= aStart,
                            a.name() + " and " + b.name() + " overlap in the gradient arena");
                }
            }
        }
    }

    /** The tensors whose gradients an op names: every gradient operand, inside branches and image ops too. */
    private static List<ArenaTensor> gradientsNamed(Object op) {
        List<ArenaTensor> tensors = new ArrayList<>();
        if (op instanceof Op.Branch branch) {
            branch.then().forEach(inner -> tensors.addAll(gradientsNamed(inner)));
            branch.otherwise().forEach(inner -> tensors.addAll(gradientsNamed(inner)));
            return tensors;
        }
        for (RecordComponent component : op.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(op);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            if (value instanceof Operand operand && operand.space() == Space.ACTIVATION_GRADIENTS) {
                tensors.add((ArenaTensor) operand.region());
            } else if (value instanceof ImageOp image) {
                tensors.addAll(gradientsNamed(image));
            }
        }
        return tensors;
    }

    private static ArenaTensor owner(ArenaTensor tensor) {
        return tensor.aliasOf() == null ? tensor : tensor.aliasOf();
    }

    private static String offsets(Map<String, Integer> offsets) {
        return offsets.entrySet().stream().map(e -> e.getKey() + "@" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static String tensors(NetworkPlan plan) {
        return plan.tensors().stream().map(t -> t.name() + "@" + t.offset()).collect(Collectors.joining(" "));
    }

    private static String parameters(NetworkPlan plan) {
        return plan.parameters().stream().map(p -> p.name() + "@" + p.offset()).collect(Collectors.joining(" "));
    }

    private static ArenaTensor tensor(NetworkPlan plan, String name) {
        return tensor(plan.tensors(), name);
    }

    private static ArenaTensor tensor(List<ArenaTensor> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static Block block(List<Block> blocks, String layer) {
        return blocks.stream().filter(b -> b.comment().startsWith(layer + ":")).findFirst().orElseThrow();
    }

    private static String ops(Block block) {
        return block.ops().stream().map(op -> op.getClass().getSimpleName()).collect(Collectors.joining(" "));
    }
}
