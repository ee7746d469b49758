package dev.annonet.processor.write;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import dev.annonet.contract.RecurrentCell;
import dev.annonet.processor.plan.Block;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.Operand;
import dev.annonet.processor.plan.Space;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code forward}, {@code backward} and {@code infer}: one straight line of backend calls
 * per plan block. {@code infer} is forward without training, over the inference arena: its
 * activation offsets are those of the nested class {@value #INFERENCE}. {@code backward}'s
 * activation gradients are in an arena of their own, at the offsets of the nested class
 * {@value #GRADIENTS}.
 */
final class Schedule {
    /** A buffer as a pass sees it: the local that holds it and the Model method that returns it. */
    private record Buffer(String local, String getter) {
    }

    private static final Map<Space, Buffer> BUFFERS = new EnumMap<>(Map.of(
            Space.PARAMETERS, new Buffer("p", "parameters"),
            Space.GRADIENTS, new Buffer("g", "gradients"),
            Space.ACTIVATIONS, new Buffer("a", "activations"),
            Space.ACTIVATION_GRADIENTS, new Buffer("d", "activationGradients")));

    private static final ClassName MERGE_KIND = ClassName.get("dev.annonet.runtime.backend", "MergeKind");

    /** The generated class that holds the inference arena's offsets. */
    static final String INFERENCE = "Inference";

    /** The generated class that holds the offsets of the arena of the activations' gradients. */
    static final String GRADIENTS = "Gradients";

    private final ConstantNames names;
    /** Whether this writes {@code infer}: training branches take their inference side, activations the inference offsets. */
    private final boolean inference;
    /** The nested class whose offsets the pass's operands of each per-sample buffer take; the top-level constants where absent. */
    private final Map<Space, String> offsetClasses;

    private Schedule(ConstantNames names, boolean inference, Map<Space, String> offsetClasses) {
        this.names = names;
        this.inference = inference;
        this.offsetClasses = offsetClasses;
    }

    /** {@code forward}, and the parts it calls when the network is large ({@link MethodParts}). */
    static List<MethodSpec> forward(ConstantNames names, List<Block> blocks) {
        return new Schedule(names, false, Map.of()).pass("forward", "training", blocks);
    }

    /** {@code backward}: the activations of the training arena, their gradients in the gradient arena. */
    static List<MethodSpec> backward(ConstantNames names, List<Block> blocks) {
        return new Schedule(names, false, Map.of(Space.ACTIVATION_GRADIENTS, GRADIENTS))
                .pass("backward", "outputGradientFused", blocks);
    }

    /** {@code infer}: the forward blocks without training, over the inference arena. */
    static List<MethodSpec> infer(ConstantNames names, List<Block> forward) {
        return new Schedule(names, true, Map.of(Space.ACTIVATIONS, INFERENCE)).pass("infer", null, forward);
    }

    /** One plan block's code and the buffers its calls use. */
    private record BlockCode(CodeBlock comment, CodeBlock calls, Set<Space> used) {
    }

    /** The pass {@code name}, with the parameters {@code batch} and {@code flag} (none when null). */
    private List<MethodSpec> pass(String name, String flag, List<Block> blocks) {
        List<BlockCode> code = blocks.stream().map(this::code).toList();
        List<List<BlockCode>> parts = MethodParts.split(code, block -> block.calls().toString().length(),
                MethodParts.PASS_TEXT);
        MethodSpec.Builder pass = parameters(MethodSpec.methodBuilder(name)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED), flag);
        if (parts.size() == 1) {
            return List.of(body(pass, code).build());
        }
        List<MethodSpec> partMethods = new ArrayList<>();
        for (int index = 0; index < parts.size(); index++) {
            String part = name + "Part" + (index + 1);
            pass.addStatement(flag == null ? CodeBlock.of("$L(batch)", part) : CodeBlock.of("$L(batch, $L)", part, flag));
            partMethods.add(body(parameters(MethodSpec.methodBuilder(part).addModifiers(Modifier.PRIVATE), flag),
                    parts.get(index)).build());
        }
        List<MethodSpec> methods = new ArrayList<>();
        methods.add(pass.addJavadoc("In $L parts, each small enough for HotSpot to compile.\n", parts.size()).build());
        methods.addAll(partMethods);
        return methods;
    }

    private static MethodSpec.Builder parameters(MethodSpec.Builder method, String flag) {
        method.addParameter(int.class, "batch");
        return flag == null ? method : method.addParameter(boolean.class, flag);
    }

    /** {@code method} with the locals its blocks use, then their code. */
    private static MethodSpec.Builder body(MethodSpec.Builder method, List<BlockCode> blocks) {
        Set<Space> used = EnumSet.noneOf(Space.class);
        blocks.forEach(block -> used.addAll(block.used()));
        for (Space space : used) {
            method.addStatement("$T $L = $L()", ModelWriter.MEMORY, local(space), BUFFERS.get(space).getter());
        }
        blocks.forEach(block -> method.addCode(block.comment()).addCode(block.calls()));
        return method;
    }

    private BlockCode code(Block block) {
        CodeBlock.Builder comment = CodeBlock.builder();
        for (String line : block.comment().split("\n")) {
            comment.add("// $L\n", line);
        }
        Set<Space> used = EnumSet.noneOf(Space.class);
        CodeBlock.Builder calls = CodeBlock.builder();
        List<Op> ops = block.ops();
        for (int i = 0; i < ops.size(); i++) {
            CodeBlock dense = i + 1 < ops.size() ? denseCall(ops.get(i), ops.get(i + 1), used) : null;
            if (dense != null) {
                calls.addStatement("backend.$L", dense);
                i++;
            } else {
                calls.add(statement(ops.get(i), used));
            }
        }
        if (block.gradientsFinalFrom() != null) {
            calls.addStatement("gradientsFinal($L)", names.of(block.gradientsFinalFrom().name()));
        }
        return new BlockCode(comment.build(), calls.build(), used);
    }

    /**
     * A dense layer's two calls as the one {@code Backend} call a backend may fuse: the GEMM into z
     * and the bias + activation of that z ({@code denseForward}), or the kernel gradient's GEMM and
     * the bias gradient of the same dz ({@code denseParameterGradients}); null for any other pair.
     */
    private CodeBlock denseCall(Op first, Op second, Set<Space> used) {
        if (!(first instanceof Op.MatMul m) || m.n().perSample()) {
            return null;
        }
        if (!m.transposeA() && !m.transposeB() && second instanceof Op.BiasActivation b && b.z().equals(m.c())
                && b.rows().equals(m.m()) && b.cols() == m.n().value() && !m.k().perSample()) {
            return CodeBlock.of("denseForward($N, $L, $L, $L,$W$L,$W$L,$W$L,$W$L,$W$L)", names.of(b.function().name()),
                    extent(m.m()), m.k().value(), m.n().value(), operand(m.a(), used), operand(m.b(), used),
                    nullable(b.bias(), used), operand(m.c(), used), operand(b.y(), used));
        }
        if (m.transposeA() && !m.transposeB() && second instanceof Op.ColumnSums c && c.x().equals(m.b())
                && c.rows().equals(m.k()) && c.cols() == m.n().value() && !m.m().perSample()) {
            return CodeBlock.of("denseParameterGradients($L, $L, $L,$W$L,$W$L,$W$L,$W$L)", extent(m.k()), m.m().value(),
                    m.n().value(), operand(m.a(), used), operand(m.b(), used), operand(m.c(), used),
                    operand(c.sums(), used));
        }
        return null;
    }

    private CodeBlock statement(Op op, Set<Space> used) {
        if (op instanceof Op.Branch branch && inference) {
            CodeBlock.Builder code = CodeBlock.builder();
            branch.otherwise().forEach(inner -> code.add(statement(inner, used)));
            return code.build();
        }
        if (op instanceof Op.Branch branch) {
            CodeBlock.Builder code = CodeBlock.builder().beginControlFlow("if ($L)", condition(branch.condition()));
            branch.then().forEach(inner -> code.add(statement(inner, used)));
            if (!branch.otherwise().isEmpty()) {
                code.nextControlFlow("else");
                branch.otherwise().forEach(inner -> code.add(statement(inner, used)));
            }
            return code.endControlFlow().build();
        }
        return CodeBlock.builder().addStatement("backend.$L", call(op, used)).build();
    }

    private CodeBlock call(Op op, Set<Space> used) {
        if (op instanceof Op.Image image) {
            return ImageCalls.call(image.op(), names, operand -> nullable(operand, used));
        }
        if (op instanceof Op.BatchNorm b) {
            return CodeBlock.of("batchNorm($L, $L, $L, $L, $L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", b.training(),
                    extent(b.rows()), b.cols(), b.momentum(), b.epsilon(), operand(b.x(), used),
                    nullable(b.gamma(), used), nullable(b.beta(), used), operand(b.movingMean(), used),
                    operand(b.movingVariance(), used), nullable(b.statistics(), used), operand(b.y(), used));
        }
        if (op instanceof Op.BatchNormBackward b) {
            return CodeBlock.of("batchNormBackward($L, $L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", extent(b.rows()), b.cols(),
                    operand(b.x(), used), nullable(b.gamma(), used), operand(b.statistics(), used), operand(b.dy(), used),
                    nullable(b.dGamma(), used), nullable(b.dBeta(), used), nullable(b.dx(), used));
        }
        if (op instanceof Op.Sequence sequence) {
            return sequenceCall(sequence, used);
        }
        if (op instanceof Op.Merge m) {
            CodeBlock merge = CodeBlock.of("merge($T.$L, $L, $Lf, $L,$W$L,$W$L,$W$L", MERGE_KIND, m.kind(), m.input(),
                    (float) m.scale(), extent(m.count()), operand(m.x(), used), operand(m.y(), used), nullable(m.chosen(), used));
            return m.activation() == null
                    ? CodeBlock.of("$L)", merge)
                    : CodeBlock.of("$L,$W$N,$W$L)", merge, names.of(m.activation().name()), operand(m.activated(), used));
        }
        if (op instanceof Op.MergeChosenBackward m) {
            return CodeBlock.of("mergeChosenBackward($L, $L,$W$L,$W$L,$W$L)", m.input(), extent(m.count()),
                    operand(m.chosen(), used), operand(m.dy(), used), operand(m.dx(), used));
        }
        if (op instanceof Op.CopyColumns c) {
            return CodeBlock.of("copyColumns($L, $L,$W$L, $L, $L,$W$L, $L, $L)", extent(c.rows()), c.cols(),
                    operand(c.x(), used), c.xWidth(), c.xColumn(), operand(c.y(), used), c.yWidth(), c.yColumn());
        }
        if (op instanceof Op.MatMul m) {
            return CodeBlock.of("matmul($L, $L, $L, $L, $L,$W$L,$W$L,$W$L, false)", m.transposeA(), m.transposeB(),
                    extent(m.m()), extent(m.n()), extent(m.k()),
                    operand(m.a(), used), operand(m.b(), used), operand(m.c(), used));
        }
        if (op instanceof Op.BiasActivation b) {
            return CodeBlock.of("biasActivation($N, $L, $L,$W$L,$W$L,$W$L)", names.of(b.function().name()),
                    extent(b.rows()), b.cols(), operand(b.z(), used), nullable(b.bias(), used), operand(b.y(), used));
        }
        if (op instanceof Op.ActivationBackward b) {
            return CodeBlock.of("activationBackward($N, $L, $L,$W$L,$W$L,$W$L,$W$L)", names.of(b.function().name()),
                    extent(b.rows()), b.cols(), operand(b.z(), used), operand(b.y(), used),
                    operand(b.dy(), used), operand(b.dz(), used));
        }
        if (op instanceof Op.ColumnSums c) {
            return CodeBlock.of("columnSums($L, $L,$W$L,$W$L)", extent(c.rows()), c.cols(),
                    operand(c.x(), used), operand(c.sums(), used));
        }
        if (op instanceof Op.Dropout d) {
            return CodeBlock.of("dropout($N, dropoutSeed($L), step(), $L,$W$L,$W$L)", names.of(d.dropout().name()),
                    d.dropout().layerIndex(), extent(d.count()), operand(d.x(), used), operand(d.y(), used));
        }
        if (op instanceof Op.DropoutBackward d) {
            return CodeBlock.of("dropoutBackward($N, dropoutSeed($L), step(), $L,$W$L,$W$L)", names.of(d.dropout().name()),
                    d.dropout().layerIndex(), extent(d.count()), operand(d.dy(), used), operand(d.dx(), used));
        }
        Op.Copy c = (Op.Copy) op;
        return CodeBlock.of("copy($L,$W$L,$W$L)", operand(c.source(), used), operand(c.target(), used), extent(c.count()));
    }

    /** The sequence layers' kernels, their arguments as {@code Backend} declares them. */
    private CodeBlock sequenceCall(Op.Sequence op, Set<Space> used) {
        if (op instanceof Op.Recurrent r) {
            return CodeBlock.of("recurrent($L,$W$L,$W$L,$W$L,$W$L)", recurrentShape(r),
                    operand(r.x(), used), operand(r.weights(), used), operand(r.workspace(), used), operand(r.y(), used));
        }
        if (op instanceof Op.RecurrentBackward b) {
            Op.Recurrent r = b.forward();
            return CodeBlock.of("recurrentBackward($L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", recurrentShape(r),
                    operand(r.x(), used), operand(r.weights(), used), operand(r.workspace(), used),
                    operand(b.dy(), used), operand(b.dWeights(), used), operand(b.dWorkspace(), used), nullable(b.dx(), used));
        }
        if (op instanceof Op.Embedding e) {
            return CodeBlock.of("embedding($L, $L, $L,$W$L,$W$L,$W$L)", extent(e.rows()), e.inputDim(), e.outputDim(),
                    operand(e.indices(), used), operand(e.table(), used), operand(e.y(), used));
        }
        Op.EmbeddingBackward b = (Op.EmbeddingBackward) op;
        Op.Embedding e = b.forward();
        return CodeBlock.of("embeddingBackward($L, $L, $L,$W$L,$W$L,$W$L)", extent(e.rows()), e.inputDim(), e.outputDim(),
                operand(e.indices(), used), operand(b.dy(), used), operand(b.dTable(), used));
    }

    /** {@code RecurrentCell.LSTM, batch, steps, inputs, units, returnSequences}. */
    private static CodeBlock recurrentShape(Op.Recurrent r) {
        return CodeBlock.of("$T.$L, $L, $L, $L, $L, $L", RecurrentCell.class, r.cell(), extent(r.batch()), r.steps(), r.inputs(),
                r.units(), r.returnSequences());
    }

    /** {@code a, batch * HIDDEN_Z}: the buffer's local and the offset. */
    private CodeBlock operand(Operand operand, Set<Space> used) {
        used.add(operand.space());
        String offset = names.of(operand.region().name());
        String offsetClass = offsetClasses.get(operand.space());
        if (offsetClass != null) {
            return CodeBlock.of("$L, batch * $L.$N", local(operand.space()), offsetClass, offset);
        }
        return operand.space().perSample()
                ? CodeBlock.of("$L, batch * $N", local(operand.space()), offset)
                : CodeBlock.of("$L, $N", local(operand.space()), offset);
    }

    /** {@code null, 0} for an operand the call skips. */
    private CodeBlock nullable(Operand operand, Set<Space> used) {
        return operand == null ? CodeBlock.of("null, 0") : operand(operand, used);
    }

    private static String extent(Extent extent) {
        if (!extent.perSample()) {
            return Integer.toString(extent.value());
        }
        return extent.value() == 1 ? "batch" : "batch * " + extent.value();
    }

    private static String condition(Op.Condition condition) {
        return switch (condition) {
            case TRAINING -> "training";
            case OUTPUT_GRADIENT_NOT_FUSED -> "!outputGradientFused";
        };
    }

    private static String local(Space space) {
        return BUFFERS.get(space).local();
    }
}
