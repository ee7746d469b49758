package dev.annonet.processor.write;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Block;
import dev.annonet.dsl.Layer;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.ActivationFunctionPlan;
import dev.annonet.processor.plan.DropoutPlan;
import dev.annonet.processor.plan.LayerEntry;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.ArenaTensor;
import dev.annonet.processor.plan.ParameterSlot;
import dev.annonet.processor.plan.Port;
import dev.annonet.processor.plan.WeightValues;
import dev.annonet.processor.read.BlockNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.util.ElementFilter;

/** Writes the model class of a plan. It reads the plan and decides nothing the plan has not. */
public final class ModelWriter {
    private static final String GENERATOR = "dev.annonet.processor.NetworkProcessor";
    private static final ClassName MODEL = ClassName.get("dev.annonet.runtime", "Model");
    private static final ClassName TWIN = MODEL.nestedClass("Twin");
    private static final ClassName NETWORK_LAYOUT = ClassName.get("dev.annonet.runtime", "NetworkLayout");
    private static final ClassName INITIALIZER = ClassName.get(Initializer.class);
    private static final ClassName DEVICE = ClassName.get("dev.annonet.runtime", "Device");
    private static final ClassName DENSE_LAYER = ClassName.get("dev.annonet.runtime", "DenseLayer");
    private static final ClassName WEIGHTED_LAYER = ClassName.get("dev.annonet.runtime", "WeightedLayer");
    private static final ClassName ACTIVATION_FUNCTION = ClassName.get("dev.annonet.runtime.backend", "ActivationFunction");
    static final ClassName MEMORY = ClassName.get("dev.annonet.runtime.backend", "Memory");
    private static final ClassName KIND = ClassName.get(Activation.Kind.class);
    private static final String LAYOUT = "LAYOUT";
    private static final String PARAMETER_COUNT = "PARAMETER_COUNT";
    private static final String TRAINABLE_PARAMETER_COUNT = "TRAINABLE_PARAMETER_COUNT";
    private static final String NON_TRAINABLE_PARAMETER_COUNT = "NON_TRAINABLE_PARAMETER_COUNT";
    private static final String TRAINING_VALUES_PER_SAMPLE = "TRAINING_VALUES_PER_SAMPLE";
    private static final String PREDICTION_VALUES_PER_SAMPLE = "PREDICTION_VALUES_PER_SAMPLE";
    private static final String MODEL_VALUES = "MODEL_VALUES";

    private final NetworkPlan plan;
    private final ConstantNames names = new ConstantNames(LAYOUT, PARAMETER_COUNT, TRAINABLE_PARAMETER_COUNT,
            NON_TRAINABLE_PARAMETER_COUNT, TRAINING_VALUES_PER_SAMPLE, PREDICTION_VALUES_PER_SAMPLE, MODEL_VALUES);
    private final ClassName model;
    private final Map<String, LayerEntry> layersByName;

    private ModelWriter(NetworkPlan plan) {
        this.plan = plan;
        this.model = ClassName.get(ClassName.get(plan.declaration()).packageName(), plan.modelName());
        this.layersByName = plan.layers().stream().collect(Collectors.toMap(LayerEntry::name, layer -> layer));
        plan.tensors().forEach(tensor -> names.register(tensor.name()));
        plan.parameters().forEach(parameter -> names.register(parameter.name()));
        plan.activationFunctions().forEach(function -> names.register(function.name()));
        plan.dropouts().forEach(dropout -> names.register(dropout.name()));
        plan.windows().forEach(window -> names.register(window.name()));
    }

    public static JavaFile write(NetworkPlan plan) {
        return new ModelWriter(plan).javaFile();
    }

    private JavaFile javaFile() {
        TypeElement declaration = plan.declaration();
        TypeSpec.Builder type = TypeSpec.classBuilder(model)
                .addOriginatingElement(declaration)
                .avoidClashesWithNestedClasses(declaration)
                .addJavadoc("The model of {@link $T}, written by the annonet processor: its memory layout and its\n"
                        + "forward and backward passes. Create one with {@link #create}.\n\n"
                        + "<p>A constant named after a tensor is its offset per sample in the activation arena: the\n"
                        + "tensor of a batch starts at {@code batch * OFFSET}. A constant named after a parameter is its\n"
                        + "offset in the parameter buffer and, for a trainable one, in the gradient buffer. A prediction\n"
                        + "and an evaluation run {@code infer} in an arena of their own, where tensors share memory once\n"
                        + "dead, at the offsets of the nested class {@code Inference}; {@code backward} keeps the\n"
                        + "activations' gradients so, at the offsets of the nested class {@code Gradients}.\n", declaration)
                .addAnnotation(AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
                        .addMember("value", "$S", GENERATOR)
                        .build())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .superclass(MODEL)
                .addSuperinterface(ClassName.get(declaration));
        plan.tensors().stream().filter(ArenaTensor::inActivationArena).forEach(tensor -> type.addField(tensorOffset(tensor)));
        plan.parameters().forEach(parameter -> type.addField(parameterOffset(parameter)));
        plan.activationFunctions().forEach(function -> type.addField(activationFunction(function)));
        plan.dropouts().forEach(dropout -> type.addField(dropoutRate(dropout)));
        plan.windows().forEach(window -> type.addField(ImageCalls.constant(window, names.of(window.name()))));
        parameterCounts(type);
        memoryCounts(type);
        layout(type);
        layersWithWeights().forEach(layer -> type.addField(layerView(layer)));
        type.addMethod(constructor());
        type.addMethod(twinConstructor());
        type.addMethod(create());
        type.addMethod(twin());
        Set<String> members = ElementFilter.methodsIn(declaration.getEnclosedElements()).stream()
                .map(method -> method.getSimpleName().toString())
                .collect(Collectors.toSet());
        plan.layers().stream()
                .filter(layer -> members.contains(layer.name()))
                .forEach(layer -> type.addMethod(accessor(layer.name(), layer)));
        blockUses(declaration).forEach(use -> type.addMethod(blockAccessor(use, "")));
        if (plan.inputs().size() == 1 && plan.outputs().size() == 1) {
            type.addMethod(predict());
        } else {
            new PortMethods(plan, model).addTo(type);
        }
        Schedule.forward(names, plan.forward()).forEach(type::addMethod);
        Schedule.backward(names, plan.backward()).forEach(type::addMethod);
        Schedule.infer(names, plan.inference().forward()).forEach(type::addMethod);
        type.addType(inferenceOffsets());
        type.addType(gradientOffsets());
        return JavaFile.builder(model.packageName(), type.build()).skipJavaLangImports(true).indent("    ").build();
    }

    /**
     * The nested class of the inference arena's offsets, named as the training arena's: each
     * tensor the inference pass names, where tensors share memory once no later op reads them.
     */
    private TypeSpec inferenceOffsets() {
        return offsetsClass(Schedule.INFERENCE, CodeBlock.of("The arena of {@code infer}, the forward pass of a prediction and an"
                + " evaluation: $L values per\nsample, each tensor's offset per sample named as in the training arena. A"
                + " tensor's memory is\nreused once no later layer reads it; aliases share their tensor's offset.\n", plan.inference().activationSize()),
                plan.inference().tensors(), plan.inference().offsets());
    }

    /**
     * The nested class of the offsets of the activations' gradients, named as the training arena's
     * tensors: each tensor whose gradient backward names or the loss writes.
     */
    private TypeSpec gradientOffsets() {
        return offsetsClass(Schedule.GRADIENTS, CodeBlock.of("The arena of the activations' gradients in {@code backward}: $L values"
                + " per sample, each tensor's\ngradient's offset per sample named as the tensor. A gradient's memory is reused"
                + " once no later\nbackward op reads it; aliases share their tensor's offset.\n", plan.gradients().size()),
                plan.tensors(), plan.gradients().offsets());
    }

    /** A nested class of an arena's offsets by tensor name, for those of {@code tensors} that {@code offsets} has, in their order. */
    private TypeSpec offsetsClass(String name, CodeBlock javadoc, List<ArenaTensor> tensors, Map<String, Integer> offsets) {
        TypeSpec.Builder arena = TypeSpec.classBuilder(name)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc(javadoc);
        for (ArenaTensor tensor : tensors) {
            if (offsets.containsKey(tensor.name())) {
                FieldSpec.Builder field = FieldSpec.builder(TypeName.INT, names.of(tensor.name()), Modifier.STATIC,
                        Modifier.FINAL);
                arena.addField(tensor.aliasOf() == null
                        ? field.initializer("$L", offsets.get(tensor.name())).build()
                        : field.initializer("$N", names.of(tensor.aliasOf().name())).build());
            }
        }
        return arena.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build()).build();
    }

    /** {@code new int[] {Inference.IMAGE}}: the tensors' offsets in the arena whose offsets nested class {@code arena} holds. */
    private CodeBlock offsets(String arena, Stream<ArenaTensor> tensors) {
        return CodeBlock.of("new int[] {$L}", tensors
                .map(tensor -> CodeBlock.of("$L.$N", arena, names.of(tensor.name())))
                .collect(CodeBlock.joining(", ")));
    }

    private FieldSpec tensorOffset(ArenaTensor tensor) {
        FieldSpec.Builder field = constant(TypeName.INT, tensor.name());
        if (tensor.aliasOf() != null) {
            return field.addJavadoc("$L: the values of $L, in the same memory.\n", tensor.name(), tensor.aliasOf().name())
                    .initializer("$N", names.of(tensor.aliasOf().name()))
                    .build();
        }
        field.addJavadoc("$L: $L values per sample.\n", tensor.name(), tensor.size());
        if (tensor.name().equals(NetworkPlan.SHARED_SCRATCH)) {
            field.addJavadoc("The largest scratch of a layer: every layer whose scratch holds nothing between calls\n"
                    + "(a convolution's im2col columns) uses it inside its call.\n");
        }
        return field.initializer("$L", tensor.offset()).build();
    }

    private FieldSpec parameterOffset(ParameterSlot parameter) {
        return constant(TypeName.INT, parameter.name())
                .addJavadoc("$L $L, $L.\n", parameter.name(), parameter.shape(), parameter.trainable() ? "trainable"
                        : parameter.values() instanceof WeightValues.State ? "updated by training, not trainable" : "fixed")
                .initializer("$L", parameter.offset())
                .build();
    }

    /** Keras's three totals as public constants, so that a network's size is known without allocating it. */
    private void parameterCounts(TypeSpec.Builder type) {
        long trainable = plan.parameters().stream().filter(ParameterSlot::trainable).mapToLong(p -> p.shape().size()).sum();
        long all = plan.parameters().stream().mapToLong(p -> p.shape().size()).sum();
        type.addField(count(PARAMETER_COUNT, "Every parameter (Keras's \"Total params\"), as {@link #parameterCount()} counts them.", all));
        type.addField(count(TRAINABLE_PARAMETER_COUNT, "The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.",
                trainable));
        type.addField(count(NON_TRAINABLE_PARAMETER_COUNT,
                "Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.", all - trainable));
    }

    /**
     * What the runtime allocates, in values (4 bytes each on the cpu and cuda backends), so that a
     * network's memory is known before it is created; {@code summary()} prints the same per sample.
     */
    private void memoryCounts(TypeSpec.Builder type) {
        type.addField(count(TRAINING_VALUES_PER_SAMPLE, "Values allocated per sample of a training batch: the activations,"
                + " the arena of their gradients,\nthe targets and the loss's weights.", plan.trainingValuesPerSample()));
        type.addField(count(PREDICTION_VALUES_PER_SAMPLE, "The most values allocated per sample of a prediction batch: the activations"
                + " with the whole\nconvolution scratch (a backend that convolves without im2col allocates less of it).",
                plan.predictionValuesPerSample()));
        type.addField(count(MODEL_VALUES, "Values allocated when the model is created: the parameters and the trainable ones'"
                + " gradients\n(compile adds the optimizer's state).", plan.modelValues()));
    }

    private static FieldSpec count(String name, String javadoc, long value) {
        return FieldSpec.builder(TypeName.LONG, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc(javadoc + "\n")
                .initializer("$LL", value)
                .build();
    }

    private FieldSpec activationFunction(ActivationFunctionPlan function) {
        CodeBlock value = switch (function.kind()) {
            case HEAVISIDE -> CodeBlock.of("$T.heaviside($L)", ACTIVATION_FUNCTION, function.lower());
            case THRESHOLDED_LINEAR -> CodeBlock.of("$T.thresholdedLinear($L, $L)", ACTIVATION_FUNCTION,
                    function.lower(), function.upper());
            default -> function.parametrizedRelu()
                    ? CodeBlock.of("$T.relu($L, $L, $L)", ACTIVATION_FUNCTION, Double.isInfinite(function.upper())
                            ? "Double.POSITIVE_INFINITY" : function.upper(), function.slope(), function.lower())
                    : CodeBlock.of("$T.of($T.$L)", ACTIVATION_FUNCTION, KIND, function.kind());
        };
        return constant(ACTIVATION_FUNCTION, function.name()).initializer(value).build();
    }

    private FieldSpec dropoutRate(DropoutPlan dropout) {
        return constant(TypeName.DOUBLE, dropout.name()).initializer("$L", dropout.rate()).build();
    }

    private FieldSpec.Builder constant(TypeName type, String dottedName) {
        return FieldSpec.builder(type, names.of(dottedName), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL);
    }

    /** Whether every layer reads at most one layer and is read by at most one: Keras then prints a Sequential summary. */
    private static boolean isChain(List<LayerEntry> layers) {
        Set<String> read = new HashSet<>();
        for (LayerEntry layer : layers) {
            if (layer.inputs().size() > 1 || !layer.inputs().stream().allMatch(read::add)) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the runtime is told: ports, arena size, parameters (trainable first), summary rows and the CUDA kernels.
     * The rows of a large network are added by {@code layoutPart<n>} methods, which keep the static
     * initializer under the JVM's 64 KB.
     */
    private void layout(TypeSpec.Builder type) {
        CodeBlock.Builder head = CodeBlock.builder()
                .add("$T.builder($S)$>$>", NETWORK_LAYOUT, plan.declaration().getSimpleName().toString());
        for (NetworkPlan.InputPort input : plan.inputs()) {
            head.add("\n.input($S, $N, $L)", input.port().layer(), names.of(input.port().tensor().name()),
                    dims(input.port().shape()));
            if (input.indexLimit() > 0) {
                head.add("\n.inputIndices($L)", input.indexLimit());
            }
        }
        for (NetworkPlan.OutputPort output : plan.outputs()) {
            head.add("\n.output($S, $N, $T.$L, $N, $L)", output.port().layer(), names.of(output.port().tensor().name()),
                    KIND, output.activation(), names.of(output.preActivation().name()), dims(output.port().shape()));
        }
        head.add("\n.activationSize($L)", plan.activationSize());
        head.add("\n.inference($L, $L,$W$L,$W$L)", plan.inference().activationSize(),
                offsets(Schedule.INFERENCE, plan.inputs().stream().map(input -> input.port().tensor())),
                offsets(Schedule.INFERENCE, plan.outputs().stream().map(output -> output.port().tensor())),
                offsets(Schedule.INFERENCE, plan.outputs().stream().map(NetworkPlan.OutputPort::preActivation)));
        head.add("\n.gradients($L, $L,$W$L)", plan.gradients().size(),
                offsets(Schedule.GRADIENTS, plan.outputs().stream().map(output -> output.port().tensor())),
                offsets(Schedule.GRADIENTS, plan.outputs().stream().map(NetworkPlan.OutputPort::preActivation)));
        if (!plan.inference().scratchWindows().isEmpty()) {
            head.add("\n.convolutionScratch($L.$N, $L)", Schedule.INFERENCE, names.of(NetworkPlan.SHARED_SCRATCH),
                    plan.inference().scratchWindows().stream().map(window -> CodeBlock.of("$N", names.of(window.name())))
                            .collect(CodeBlock.joining(", ")));
        }
        List<CodeBlock> rows = new ArrayList<>();
        for (ParameterSlot parameter : plan.parameters()) {
            rows.add(parameterRow(parameter));
        }
        boolean chain = isChain(plan.layers());
        for (LayerEntry layer : plan.layers()) {
            CodeBlock.Builder row = CodeBlock.builder().add(".layer($S, $S, new int[] {$L}, $L, $LL)", layer.name(),
                    layer.kerasType(), dims(layer.shape()), layer.parameterCount(), layer.multiplyAdds());
            if (!chain && !layer.inputs().isEmpty()) {
                row.add(".from($L)", layer.inputs().stream().map(input -> CodeBlock.of("$S", input))
                        .collect(CodeBlock.joining(", ")));
            }
            rows.add(row.build());
        }
        List<List<CodeBlock>> parts = MethodParts.split(rows, row -> row.toString().length(), MethodParts.LAYOUT_TEXT);
        CodeBlock.Builder layout = CodeBlock.builder();
        if (parts.size() == 1) {
            layout.add(head.build());
            rows.forEach(row -> layout.add("\n").add(row));
        } else {
            ClassName builder = NETWORK_LAYOUT.nestedClass("Builder");
            for (int index = parts.size(); index > 0; index--) {
                layout.add("layoutPart$L(", index);
            }
            layout.add(head.build());
            for (int index = 0; index < parts.size(); index++) {
                layout.add(")");
                CodeBlock.Builder part = CodeBlock.builder().add("return layout$>$>");
                parts.get(index).forEach(row -> part.add("\n").add(row));
                type.addMethod(MethodSpec.methodBuilder("layoutPart" + (index + 1))
                        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                        .returns(builder)
                        .addParameter(builder, "layout")
                        .addStatement(part.add("$<$<").build())
                        .build());
            }
        }
        layout.add("\n.cudaKernels($T::new)", NetworkKernelsWriter.bindingName(plan.declaration()))
                .add("\n.build()$<$<");
        type.addField(FieldSpec.builder(NETWORK_LAYOUT, LAYOUT, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer(layout.build())
                .build());
    }

    private CodeBlock parameterRow(ParameterSlot parameter) {
        String offset = names.of(parameter.name());
        String shape = dims(parameter.shape());
        if (parameter.values() instanceof WeightValues.Fixed fixed) {
            String values = fixed.values().stream().map(v -> v + "f").collect(Collectors.joining(",$W"));
            return CodeBlock.of(".fixed($S, $N, new float[] {" + values + "}, $L)", parameter.name(), offset, shape);
        }
        if (parameter.values() instanceof WeightValues.State state) {
            return CodeBlock.of(".state($S, $N, $L, $L)", parameter.name(), offset, initializer(state.initial()), shape);
        }
        Initializer initial = ((WeightValues.Trained) parameter.values()).initial();
        return CodeBlock.of(".trainable($S, $N, $L, $L)", parameter.name(), offset, initializer(initial), shape);
    }

    /** {@code Initializer.glorotUniform(784, 512)}: the record as its factory call. */
    private static CodeBlock initializer(Initializer initial) {
        if (initial instanceof Initializer.GlorotUniform glorot) {
            return CodeBlock.of("$T.glorotUniform($L, $L)", INITIALIZER, glorot.fanIn(), glorot.fanOut());
        }
        if (initial instanceof Initializer.Orthogonal orthogonal) {
            return CodeBlock.of("$T.orthogonal($L, $L)", INITIALIZER, orthogonal.rows(), orthogonal.cols());
        }
        if (initial instanceof Initializer.Uniform uniform) {
            return CodeBlock.of("$T.uniform($L)", INITIALIZER, uniform.limit());
        }
        if (initial instanceof Initializer.UnitForgetBias bias) {
            return CodeBlock.of("$T.unitForgetBias($L)", INITIALIZER, bias.units());
        }
        return CodeBlock.of(initial instanceof Initializer.Ones ? "$T.ones()" : "$T.zeros()", INITIALIZER);
    }

    /** Initialized where declared, so that both constructors make the views. */
    private static FieldSpec layerView(LayerEntry layer) {
        return FieldSpec.builder(viewType(layer), layerField(layer), Modifier.PRIVATE, Modifier.FINAL)
                .initializer("$L($S)", layer.dense() ? "denseLayer" : "weightedLayer", layer.name())
                .build();
    }

    private MethodSpec constructor() {
        return MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(DEVICE, "device")
                .addParameter(long.class, "seed")
                .addStatement("super($N, device, seed)", LAYOUT)
                .build();
    }

    private static MethodSpec twinConstructor() {
        return MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(TWIN, "twin")
                .addStatement("super(twin)")
                .build();
    }

    private MethodSpec twin() {
        return MethodSpec.methodBuilder("twin")
                .addJavadoc("This network over this model's parameters, for a predictor.\n")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .returns(model)
                .addParameter(TWIN, "twin")
                .addStatement("return new $T(twin)", model)
                .build();
    }

    private MethodSpec create() {
        return MethodSpec.methodBuilder("create")
                .addJavadoc("Creates the model on {@code device}, its trainable weights initialized from {@code seed}.\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(model)
                .addParameter(DEVICE, "device")
                .addParameter(long.class, "seed")
                .addStatement("return new $T(device, seed)", model)
                .build();
    }

    /** The method {@code method} returning the layer's view: a network's member, or a block's. */
    private MethodSpec accessor(String method, LayerEntry layer) {
        MethodSpec.Builder accessor = MethodSpec.methodBuilder(method)
                .addJavadoc("$L: {@code $L}, output shape $L.\n", layer.name(), layer.declaration(), layer.shape())
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC);
        return hasWeights(layer)
                ? accessor.returns(viewType(layer)).addStatement("return $N", layerField(layer)).build()
                : accessor.returns(Layer.class).addStatement("return layer($S)", layer.name()).build();
    }

    /** The abstract methods of a network or block interface that return a {@code @Block} interface. */
    private static List<ExecutableElement> blockUses(TypeElement type) {
        return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
                .filter(method -> method.getModifiers().contains(Modifier.ABSTRACT))
                .filter(method -> method.getReturnType() instanceof DeclaredType declared
                        && declared.asElement().getAnnotation(Block.class) != null)
                .toList();
    }

    /** {@code conv2_block1()}: a view of the block's layers as the use names them, nested blocks as views too. */
    private MethodSpec blockAccessor(ExecutableElement use, String prefix) {
        String name = BlockNames.layerName(prefix, use.getSimpleName().toString());
        TypeElement block = (TypeElement) ((DeclaredType) use.getReturnType()).asElement();
        TypeSpec.Builder view = TypeSpec.anonymousClassBuilder("").addSuperinterface(ClassName.get(block));
        List<ExecutableElement> nested = blockUses(block);
        for (ExecutableElement member : ElementFilter.methodsIn(block.getEnclosedElements())) {
            LayerEntry layer = layersByName.get(BlockNames.layerName(name, member.getSimpleName().toString()));
            if (nested.contains(member)) {
                view.addMethod(blockAccessor(member, name));
            } else if (layer != null) {
                view.addMethod(accessor(member.getSimpleName().toString(), layer));
            }
        }
        return MethodSpec.methodBuilder(use.getSimpleName().toString())
                .addJavadoc("$L: block {@link $T}, its layers named {@code $L_<member>}.\n", name, block, name)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(ClassName.get(block))
                .addStatement("return $L", view.build())
                .build();
    }

    private MethodSpec predict() {
        Port inputPort = plan.inputs().get(0).port();
        Port outputPort = plan.outputs().get(0).port();
        String input = inputPort.layer();
        return MethodSpec.methodBuilder("predict")
                .addJavadoc("Predicts one sample.\n\n"
                        + "@param $L one sample of {@code $L}, shape $L, its values in row-major order\n"
                        + "@return the output {@code $L}, shape $L, its values in row-major order\n",
                        input, input, inputPort.shape(), outputPort.layer(), outputPort.shape())
                .addModifiers(Modifier.PUBLIC)
                .returns(float[].class)
                .addParameter(float[].class, input)
                .addStatement("return predictSample($N)", input)
                .build();
    }

    /** The layers whose accessor returns a view of their weights: DenseLayer, or WeightedLayer for the others. */
    private List<LayerEntry> layersWithWeights() {
        return plan.layers().stream().filter(this::hasWeights).toList();
    }

    private boolean hasWeights(LayerEntry layer) {
        return layer.dense() || plan.parameters().stream().anyMatch(p -> p.name().startsWith(layer.name() + "."));
    }

    private static ClassName viewType(LayerEntry layer) {
        return layer.dense() ? DENSE_LAYER : WEIGHTED_LAYER;
    }

    /** {@code hiddenLayer}: distinct for distinct members, and never a Model field or a constant. */
    private static String layerField(LayerEntry layer) {
        return layer.name() + "Layer";
    }

    private static String dims(Shape shape) {
        return shape.dims().stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
