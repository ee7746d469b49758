package dev.annonet.processor.write;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterSpec;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import dev.annonet.dsl.Activation;
import dev.annonet.processor.plan.NetworkPlan;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Writes a network's CUDA kernels: a header ({@code <Network>CudaKernels.cuh}) whose launchers fix
 * the network's sizes and kinds at compile time, and its JavaCPP binding ({@code
 * <Network>CudaKernels.java}), which the CUDA backend calls through {@code NetworkKernels}. nvcc
 * builds them in the user's module; the model names the binding in its layout.
 */
public final class NetworkKernelsWriter {
    /** Where annonet-native's jar keeps its CUDA headers, for JavaCPP's build to extract. */
    static final String HEADERS_RESOURCE = "/dev/annonet/cuda/include/";
    private static final ClassName NETWORK_KERNELS = ClassName.get("dev.annonet.cuda", "NetworkKernels");
    private static final ClassName LIBRARIES = ClassName.get("dev.annonet.nativelib", "Libraries");
    private static final String JAVACPP = "org.bytedeco.javacpp.annotation";
    /** The header's line length. */
    private static final int LINE = 110;

    /** One launcher of the binding: its Java name, its C++ name and its parameters after the context. */
    private record Launcher(String java, String cpp, List<ParameterSpec> parameters) {
    }

    private static final List<Launcher> LAUNCHERS = List.of(
            launcher("biasActivation", "bias_activation", "int kind", "float lower", "float upper", "float slope", "int rows",
                    "int cols", "long z", "long bias", "long y"),
            launcher("activationBackward", "activation_backward", "int kind", "float lower", "float upper", "float slope",
                    "int rows", "int cols", "long z", "long y", "long dy", "long dz"),
            launcher("columnSums", "column_sums", "int rows", "int cols", "long x", "long sums"),
            launcher("dropout", "dropout", "int threshold", "float scale", "long seed", "long step", "long stepAddress",
                    "long count", "long x", "long y"),
            launcher("loss", "loss", "int kind", "boolean fused", "int rows", "int cols", "long output", "long targets",
                    "int targetWidth", "long weights", "long gradient", "float scale", "long result"),
            launcher("countCorrect", "count_correct", "int kind", "int rows", "int cols", "long y", "long targets",
                    "int targetWidth", "long result"),
            launcher("sgd", "sgd", "long count", "long weights", "long gradients", "long velocity", "float learningRate",
                    "long learningRateAddress", "float momentum", "boolean nesterov"),
            launcher("rmsprop", "rmsprop", "long count", "long weights", "long gradients", "long velocity",
                    "float learningRate", "long learningRateAddress", "float rho", "float epsilon"),
            launcher("adam", "adam", "long count", "long weights", "long gradients", "long m", "long v",
                    "float learningRate", "long learningRateAddress", "float beta1", "float beta2", "float epsilon", "long t",
                    "long tAddress"));

    private final NetworkPlan plan;
    private final KernelSpecializations kernels;
    private final ClassName binding;
    private final String library;

    private NetworkKernelsWriter(NetworkPlan plan, String library) {
        this.plan = plan;
        this.kernels = new KernelSpecializations(plan);
        this.binding = bindingName(plan.declaration());
        this.library = library != null ? library : "jni" + binding.simpleName();
    }

    /** {@code library}: the JavaCPP library the binding loads; null for one of its own ({@code jni<Network>CudaKernels}). */
    public static NetworkKernelsWriter of(NetworkPlan plan, String library) {
        return new NetworkKernelsWriter(plan, library);
    }

    /** The binding's class: {@code <Network>CudaKernels}, beside the declaration. */
    public static ClassName bindingName(TypeElement declaration) {
        return ClassName.get(ClassName.get(declaration).packageName(), declaration.getSimpleName() + "CudaKernels");
    }

    /** The header's file name, in the binding's package. */
    public String headerName() {
        return binding.simpleName() + ".cuh";
    }

    private String headerPath() {
        String folder = binding.packageName().replace('.', '/');
        return folder.isEmpty() ? headerName() : folder + "/" + headerName();
    }

    private String namespace() {
        return "annonet_" + binding.canonicalName().replace('.', '_');
    }

    // ---- the header -------------------------------------------------------------------------------------

    public String header() {
        String network = plan.declaration().getQualifiedName().toString();
        StringBuilder out = new StringBuilder()
                .append("// The CUDA kernels of ").append(network).append(", specialized to its constants.\n")
                .append("// Written by the annonet processor from the declaration; rewritten on every build.\n")
                .append("//\n")
                .append("// Each launcher runs the calls of the layers named in it with their sizes and kinds fixed at\n")
                .append("// compile time (annonet::fixed), and hands any other call to annonet's generic kernels,\n")
                .append("// whose bodies these are (annonet/kernels.cuh). ").append(binding.simpleName())
                .append(".java binds them; annonet's\n")
                .append("// CUDA backend calls them through dev.annonet.cuda.NetworkKernels.\n")
                .append("#pragma once\n\n")
                .append("#include <atomic>\n\n")
                .append("#include \"annonet/kernels.cuh\"\n\n")
                .append("namespace ").append(namespace()).append(" {\n\n")
                .append("using annonet::fixed;\n\n")
                .append("// Calls that ran a specialized kernel (NetworkKernels.specializedLaunches).\n")
                .append("inline std::atomic<long long> specialized_launches{0};\n\n")
                .append("inline int specialized(int status) {\n")
                .append("    specialized_launches.fetch_add(1, std::memory_order_relaxed);\n")
                .append("    return status;\n")
                .append("}\n\n")
                .append("inline long long launches() { return specialized_launches.load(std::memory_order_relaxed); }\n\n")
                .append("inline const char* last_error() { return annonet::last_error(); }\n\n")
                .append("// What this library was built with, which the backend checks against annonet-native:\n")
                .append("// the layout of the context it reads, and the GPUs it has code for.\n")
                .append("inline const char* context_layout() { return annonet::context_layout(); }\n\n")
                .append("inline const char* cuda_architectures() { return annonet::cuda_architectures(); }\n\n");
        biasActivation(out);
        activationBackward(out);
        columnSums(out);
        dropout(out);
        lossAndMetric(out);
        optimizers(out);
        return out.append("}  // namespace ").append(namespace()).append('\n').toString();
    }

    /** A launcher's specialized call, made when {@code condition} holds, for the layers named. */
    private record Case(List<String> layers, String condition, String call) {
    }

    /** A launcher: its specialized cases in schedule order, then the generic kernel for every other call. */
    private static void launcher(StringBuilder out, String comment, String signature, List<Case> cases, String generic) {
        if (comment != null) {
            out.append("// ").append(comment).append('\n');
        }
        out.append(wrapped("inline int " + signature + " {")).append('\n');
        for (Case c : cases) {
            c.layers().forEach(layer -> out.append("    // ").append(layer).append('\n'));
            out.append("    if (").append(c.condition()).append(") {\n")
                    .append(wrapped("        return specialized(annonet::" + c.call() + ");")).append('\n')
                    .append("    }\n");
        }
        out.append(wrapped("    return annonet::" + generic + ";")).append("\n}\n\n");
    }

    /** A line of at most LINE characters where it can be: broken after commas, continued under the call's '('. */
    private static String wrapped(String line) {
        int open = line.lastIndexOf('(', Math.max(line.indexOf(','), 0));
        if (open < 0) {
            return line;
        }
        String indent = " ".repeat(open + 1);
        StringBuilder out = new StringBuilder();
        String rest = line;
        while (rest.length() > LINE) {
            int cut = rest.lastIndexOf(", ", LINE - 1);
            if (cut <= open) {
                break;
            }
            out.append(rest, 0, cut + 1).append('\n');
            rest = indent + rest.substring(cut + 2);
        }
        return out.append(rest).toString();
    }

    private void biasActivation(StringBuilder out) {
        activationLauncher(out, kernels.biasActivations, "bias_activation", List.of("z", "bias", "y"),
                "bias_softmax_rows", List.of("z", "bias", "y"), "bias_activation_elements");
    }

    private void activationBackward(StringBuilder out) {
        activationLauncher(out, kernels.activationBackwards, "activation_backward", List.of("z", "y", "dy", "dz"),
                "softmax_backward_rows", List.of("y", "dy", "dz"), "activation_backward_elements");
    }

    /** An activation's launcher: softmax by rows, the others by elements, each with its kind and width fixed. */
    private static void activationLauncher(StringBuilder out, List<KernelSpecializations.Activated> found, String name,
                                           List<String> pointers, String softmaxKernel, List<String> softmaxPointers,
                                           String elementsKernel) {
        String arguments = String.join(", ", pointers);
        List<Case> cases = found.stream().map(a -> new Case(a.layers(),
                "kind == " + kindName(a.kind()) + " && cols == " + a.cols(),
                a.kind() == Activation.Kind.SOFTMAX
                        ? softmaxKernel + "(handle, rows, fixed<" + a.cols() + ">(), " + String.join(", ", softmaxPointers) + ")"
                        : elementsKernel + "(handle, fixed<" + kindName(a.kind()) + ">(), lower, upper, slope, rows, fixed<"
                                + a.cols() + ">(), " + arguments + ")")).toList();
        String parameters = pointers.stream().map(p -> "long long " + p).collect(Collectors.joining(", "));
        launcher(out, null, name + "(long long handle, int kind, float lower, float upper, float slope, int rows, int cols, "
                        + parameters + ")",
                cases, name + "(handle, kind, lower, upper, slope, rows, cols, " + arguments + ")");
    }

    private void columnSums(StringBuilder out) {
        List<Case> cases = kernels.columnSums.stream().map(s -> new Case(s.layers(), "cols == " + s.value(),
                "column_sums(handle, rows, fixed<" + s.value() + ">(), x, sums)")).toList();
        launcher(out, "The bias gradients.", "column_sums(long long handle, int rows, int cols, long long x, long long sums)",
                cases, "column_sums(handle, rows, cols, x, sums)");
    }

    private void dropout(StringBuilder out) {
        List<Case> cases = kernels.dropoutThresholds.stream().map(s -> new Case(s.layers(), "threshold == " + s.value(),
                "dropout(handle, fixed<" + s.value() + ">(), scale, seed, step, step_address, count, x, y)")).toList();
        launcher(out, "Forward and backward: the same mask, from (seed, step, index).",
                "dropout(long long handle, int threshold, float scale, long long seed, long long step,"
                        + " long long step_address, long long count, long long x, long long y)",
                cases, "dropout(handle, threshold, scale, seed, step, step_address, count, x, y)");
    }

    private void lossAndMetric(StringBuilder out) {
        int width = kernels.outputWidth;
        List<String> output = List.of(plan.outputs().get(0).port().layer() + ": the network's " + (plan.outputs().size() == 1 ? "" : "first ") + "output, " + width + " values a row");
        launcher(out, null, "loss(long long handle, int kind, bool fused, int rows, int cols, long long output,"
                        + " long long targets, int target_width, long long weights, long long gradient, float scale,"
                        + " long long result)",
                List.of(new Case(output, "cols == " + width, "loss(handle, kind, fused, rows, fixed<" + width
                        + ">(), output, targets, target_width, weights, gradient, scale, result)")),
                "loss(handle, kind, fused, rows, cols, output, targets, target_width, weights, gradient, scale, result)");
        launcher(out, null, "count_correct(long long handle, int kind, int rows, int cols, long long y, long long targets,"
                        + " int target_width, long long result)",
                List.of(new Case(output, "cols == " + width, "count_correct(handle, kind, rows, fixed<" + width
                        + ">(), y, targets, target_width, result)")),
                "count_correct(handle, kind, rows, cols, y, targets, target_width, result)");
    }

    /** The optimizers' pass over the parameter buffer, its length fixed. */
    private void optimizers(StringBuilder out) {
        String count = kernels.trainableCount + "LL";
        List<String> parameters = List.of("the " + kernels.trainableCount + " trainable parameters, one contiguous buffer");
        String[][] optimizers = {
                {"sgd(long long handle, long long count, long long w, long long g, long long v, float learning_rate,"
                        + " long long learning_rate_address, float momentum, bool nesterov)",
                        "sgd(handle, %s, w, g, v, learning_rate, learning_rate_address, momentum, nesterov)"},
                {"rmsprop(long long handle, long long count, long long w, long long g, long long v, float learning_rate,"
                        + " long long learning_rate_address, float rho, float epsilon)",
                        "rmsprop(handle, %s, w, g, v, learning_rate, learning_rate_address, rho, epsilon)"},
                {"adam(long long handle, long long count, long long w, long long g, long long m, long long v,"
                        + " float learning_rate, long long learning_rate_address, float beta1, float beta2, float epsilon,"
                        + " long long t, long long t_address)",
                        "adam(handle, %s, w, g, m, v, learning_rate, learning_rate_address, beta1, beta2, epsilon, t, t_address)"}};
        for (String[] optimizer : optimizers) {
            launcher(out, optimizer == optimizers[0] ? "The optimizers, each one pass over the parameter buffer." : null,
                    optimizer[0],
                    List.of(new Case(parameters, "count == " + count, String.format(optimizer[1], "fixed<" + count + ">()"))),
                    String.format(optimizer[1], "count"));
        }
    }

    private static String kindName(Activation.Kind kind) {
        return "annonet::" + kind.name().toUpperCase(Locale.ROOT);
    }

    // ---- the binding ------------------------------------------------------------------------------------

    public JavaFile binding() {
        TypeElement declaration = plan.declaration();
        String network = declaration.getSimpleName().toString();
        TypeSpec.Builder type = TypeSpec.classBuilder(binding)
                .addOriginatingElement(declaration)
                .addJavadoc("The CUDA kernels of {@link $T}, specialized to its constants: the JavaCPP binding of\n"
                        + "{@code $L}, which the annonet processor writes beside it. nvcc builds their library\n"
                        + "({@code $L}) in this module with annonet's recipe (README, \"On a GPU\"); where it\n"
                        + "was not built, the CUDA backend says so once and runs annonet-native's generic kernels.\n",
                        declaration, headerName(), library)
                .addAnnotation(AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
                        .addMember("value", "$S", "dev.annonet.processor.NetworkProcessor")
                        .build())
                .addAnnotation(AnnotationSpec.builder(ClassName.get(JAVACPP, "Platform"))
                        .addMember("include", "$S", headerPath())
                        .addMember("includeresource", "$S", HEADERS_RESOURCE)
                        .addMember("library", "$S", library)
                        .build())
                .addAnnotation(AnnotationSpec.builder(ClassName.get(JAVACPP, "Namespace"))
                        .addMember("value", "$S", namespace())
                        .build())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(NETWORK_KERNELS)
                .addField(FieldSpec.builder(String.class, "LOAD_PROBLEM", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.load($T.class, $S,$W$T::nativeContextLayout)", LIBRARIES, binding,
                                network + "'s CUDA kernels", binding)
                        .build())
                .addMethod(override("description", String.class)
                        .addStatement("return $S", network + "'s generated CUDA kernels (" + binding.simpleName() + ")")
                        .build())
                .addMethod(override("loadProblem", String.class).addStatement("return LOAD_PROBLEM").build())
                .addMethod(override("contextLayout", String.class).addStatement("return nativeContextLayout()").build())
                .addMethod(override("cudaArchitectures", String.class).addStatement("return nativeCudaArchitectures()").build())
                .addMethod(override("specializedLaunches", long.class).addStatement("return nativeLaunches()").build())
                .addMethod(override("lastError", String.class).addStatement("return nativeLastError()").build());
        for (Launcher launcher : LAUNCHERS) {
            String arguments = launcher.parameters().stream().map(p -> p.name).collect(Collectors.joining(", "));
            type.addMethod(override(launcher.java(), int.class)
                    .addParameter(long.class, "context")
                    .addParameters(launcher.parameters())
                    .addStatement("return $L(context, $L)", nativeName(launcher.java()), arguments)
                    .build());
        }
        type.addMethod(nativeMethod("nativeLaunches", "launches", TypeName.LONG).build());
        type.addMethod(nativeMethod("nativeLastError", "last_error", ClassName.get(String.class)).build());
        type.addMethod(nativeMethod("nativeContextLayout", "context_layout", ClassName.get(String.class)).build());
        type.addMethod(nativeMethod("nativeCudaArchitectures", "cuda_architectures", ClassName.get(String.class)).build());
        for (Launcher launcher : LAUNCHERS) {
            type.addMethod(nativeMethod(nativeName(launcher.java()), launcher.cpp(), TypeName.INT)
                    .addParameter(long.class, "context")
                    .addParameters(launcher.parameters())
                    .build());
        }
        return JavaFile.builder(binding.packageName(), type.build()).skipJavaLangImports(true).indent("    ").build();
    }

    private static MethodSpec.Builder override(String name, Class<?> returns) {
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
    }

    private static MethodSpec.Builder nativeMethod(String name, String cpp, TypeName returns) {
        return MethodSpec.methodBuilder(name)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(JAVACPP, "Name")).addMember("value", "$S", cpp).build())
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.NATIVE)
                .returns(returns);
    }

    private static String nativeName(String java) {
        return "native" + Character.toUpperCase(java.charAt(0)) + java.substring(1);
    }

    private static Launcher launcher(String java, String cpp, String... parameters) {
        List<ParameterSpec> specs = Arrays.stream(parameters).map(p -> {
            String[] typeAndName = p.split(" ");
            TypeName type = switch (typeAndName[0]) {
                case "int" -> TypeName.INT;
                case "long" -> TypeName.LONG;
                case "float" -> TypeName.FLOAT;
                case "boolean" -> TypeName.BOOLEAN;
                default -> throw new IllegalArgumentException(p);
            };
            return ParameterSpec.builder(type, typeAndName[1]).build();
        }).toList();
        return new Launcher(java, cpp, specs);
    }
}
