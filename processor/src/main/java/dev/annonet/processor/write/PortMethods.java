package dev.annonet.processor.write;

import com.squareup.javapoet.ArrayTypeName;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterSpec;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import dev.annonet.processor.plan.LayerEntry;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.Port;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The typed fit, evaluate and predict of a network with several inputs or outputs: one
 * {@code Tensor} argument per input, named after it, then (fit, evaluate) one per output's
 * targets, named after the output; several outputs come back as the nested class
 * {@code Outputs}, one accessor per output.
 */
final class PortMethods {
    private static final ClassName TENSOR = ClassName.get("dev.annonet.runtime", "Tensor");
    private static final ClassName FIT = ClassName.get("dev.annonet.runtime", "Fit");
    private static final ClassName HISTORY = ClassName.get("dev.annonet.runtime", "History");
    private static final ClassName EVALUATION = ClassName.get("dev.annonet.runtime", "Evaluation");
    private static final String OUTPUTS = "Outputs";

    private final List<Port> inputs;
    private final List<Port> outputs;
    private final ClassName outputsType;
    /** The parameters after the tensors, named apart from every layer. */
    private final String options;
    private final String batchSize;

    PortMethods(NetworkPlan plan, ClassName model) {
        this.inputs = plan.inputs().stream().map(NetworkPlan.InputPort::port).toList();
        this.outputs = plan.outputs().stream().map(NetworkPlan.OutputPort::port).toList();
        this.outputsType = model.nestedClass(OUTPUTS);
        this.options = apart("options", plan);
        this.batchSize = apart("batchSize", plan);
    }

    /** {@code name}, or {@code name_}, {@code name__}...: the first that no layer is called. */
    private static String apart(String name, NetworkPlan plan) {
        Set<String> layers = plan.layers().stream().map(LayerEntry::name).collect(Collectors.toSet());
        String free = name;
        while (layers.contains(free)) {
            free += "_";
        }
        return free;
    }

    void addTo(TypeSpec.Builder type) {
        type.addMethod(fit());
        type.addMethod(evaluate(false));
        type.addMethod(evaluate(true));
        if (outputs.size() > 1) {
            type.addType(outputsClass());
        }
        type.addMethod(predict(false));
        type.addMethod(predict(true));
    }

    private MethodSpec fit() {
        return MethodSpec.methodBuilder("fit")
                .addJavadoc("Trains on the samples of the inputs $L (first axis: samples) with the targets of the outputs $L,"
                        + "\nas Keras's {@code fit(x=[...], y=[...])}: returns the loss and metrics of each epoch.\n",
                        names(inputs), names(outputs))
                .addModifiers(Modifier.PUBLIC)
                .returns(HISTORY)
                .addParameters(tensors(inputs))
                .addParameters(tensors(outputs))
                .addParameter(FIT, options)
                .addStatement("return fitPorts($L, $L, $N)", array(inputs), array(outputs), options)
                .build();
    }

    private MethodSpec evaluate(boolean batched) {
        MethodSpec.Builder method = MethodSpec.methodBuilder("evaluate")
                .addJavadoc("The loss and metrics over the samples of $L with the targets of $L, $L, without dropout.\n",
                        names(inputs), names(outputs), batched ? "{@code batchSize} at a time" : "in batches of 32")
                .addModifiers(Modifier.PUBLIC)
                .returns(EVALUATION)
                .addParameters(tensors(inputs))
                .addParameters(tensors(outputs));
        if (batched) {
            return method.addParameter(TypeName.INT, batchSize)
                    .addStatement("return evaluatePorts($L, $L, $N)", array(inputs), array(outputs), batchSize)
                    .build();
        }
        return method.addStatement("return evaluate($L, DEFAULT_BATCH_SIZE)", arguments()).build();
    }

    /** A class, not a record: JavaPoet 1.13 writes no records. */
    private TypeSpec outputsClass() {
        TypeSpec.Builder type = TypeSpec.classBuilder(OUTPUTS)
                .addJavadoc("What {@code predictOutputs} returns: each output's values, shape (samples, output shape...).\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL);
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(ArrayTypeName.of(TENSOR), "values");
        for (int o = 0; o < outputs.size(); o++) {
            Port output = outputs.get(o);
            type.addField(TENSOR, output.layer(), Modifier.PRIVATE, Modifier.FINAL);
            constructor.addStatement("this.$N = values[$L]", output.layer(), o);
            type.addMethod(MethodSpec.methodBuilder(output.layer())
                    .addJavadoc("The values of {@code $L}, shape (samples, $L).\n", output.layer(),
                            output.shape().dims().stream().map(String::valueOf).collect(Collectors.joining(", ")))
                    .addModifiers(Modifier.PUBLIC)
                    .returns(TENSOR)
                    .addStatement("return $N", output.layer())
                    .build());
        }
        return type.addMethod(constructor.build()).build();
    }

    private MethodSpec predict(boolean batched) {
        boolean several = outputs.size() > 1;
        MethodSpec.Builder method = MethodSpec.methodBuilder(several ? "predictOutputs" : "predict")
                .addJavadoc("The $L for the samples of $L, computed $L at a time.\n",
                        several ? "outputs " + names(outputs) : "output '" + outputs.get(0).layer() + "'",
                        names(inputs), batched ? "{@code " + batchSize + "}" : "32")
                .addModifiers(Modifier.PUBLIC)
                .returns(several ? outputsType : TENSOR)
                .addParameters(tensors(inputs));
        if (!batched) {
            return method.addStatement("return $L($L, DEFAULT_BATCH_SIZE)", several ? "predictOutputs" : "predict",
                    inputs.stream().map(Port::layer).collect(Collectors.joining(", "))).build();
        }
        method.addParameter(TypeName.INT, batchSize);
        return several
                ? method.addStatement("return new $T(predictPorts($L, $N))", outputsType, array(inputs), batchSize).build()
                : method.addStatement("return predictPorts($L, $N)[0]", array(inputs), batchSize).build();
    }

    private CodeBlock arguments() {
        return CodeBlock.of("$L, $L", inputs.stream().map(Port::layer).collect(Collectors.joining(", ")),
                outputs.stream().map(Port::layer).collect(Collectors.joining(", ")));
    }

    private static List<ParameterSpec> tensors(List<Port> ports) {
        return ports.stream().map(port -> ParameterSpec.builder(TENSOR, port.layer()).build()).toList();
    }

    /** {@code new Tensor[] {image, metadata}}. */
    private static CodeBlock array(List<Port> ports) {
        return CodeBlock.of("new $T[] {$L}", TENSOR, ports.stream().map(Port::layer).collect(Collectors.joining(", ")));
    }

    /** "{@code image} (784), {@code metadata} (4)": each port's name and per-sample shape, for Javadoc. */
    private static String names(List<Port> ports) {
        return ports.stream()
                .map(port -> "{@code " + port.layer() + "} " + port.shape())
                .collect(Collectors.joining(", "));
    }
}
