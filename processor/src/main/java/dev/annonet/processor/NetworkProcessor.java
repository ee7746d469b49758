package dev.annonet.processor;

import com.google.auto.service.AutoService;
import dev.annonet.dsl.Block;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Param;
import dev.annonet.dsl.Use;
import dev.annonet.processor.check.CheckedNetwork;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.NetworkChecker;
import dev.annonet.processor.plan.Planner;
import dev.annonet.processor.read.LayerAnnotations;
import dev.annonet.processor.read.NetworkReader;
import dev.annonet.processor.read.NetworkSpec;
import dev.annonet.processor.read.Source;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.write.ModelWriter;
import dev.annonet.processor.write.NetworkKernelsWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Compiles {@code @Network} interfaces into model classes: read the declaration, check it,
 * plan it, write it. Every mistake becomes a javac error on the element that caused it, and
 * nothing is written for a declaration with an error.
 */
@AutoService(Processor.class)
public final class NetworkProcessor extends AbstractProcessor {
    private static final String CUDA_LIBRARY_OPTION = "annonet.cudaLibrary";

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Network.class.getPackageName() + ".*");
    }

    /**
     * {@code -Aannonet.cudaLibrary=NAME} builds every network's CUDA kernels of a module into one
     * library (one nvcc run); by default each network has its own, {@code jni<Network>CudaKernels}.
     */
    @Override
    public Set<String> getSupportedOptions() {
        return Set.of(CUDA_LIBRARY_OPTION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (TypeElement annotation : annotations) {
            boolean network = annotation.getQualifiedName().contentEquals(Network.class.getCanonicalName());
            for (Element element : round.getElementsAnnotatedWith(annotation)) {
                if (network) {
                    guarded(element, () -> compile((TypeElement) element));
                } else if (LayerAnnotations.isLayer(annotation)) {
                    guarded(element, () -> checkEnclosingNetwork(element, annotation));
                } else if (annotation.getQualifiedName().contentEquals(Use.class.getCanonicalName())) {
                    guarded(element, () -> checkUsesBlock(element));
                } else if (annotation.getQualifiedName().contentEquals(Param.class.getCanonicalName())
                        || annotation.getQualifiedName().contentEquals(Param.List.class.getCanonicalName())) {
                    guarded(element, () -> checkInBlock(element));
                }
            }
        }
        return true; // the dsl annotations are this processor's alone
    }

    private void compile(TypeElement type) throws IOException {
        Optional<NetworkSpec> spec = new NetworkReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils()).read(type);
        if (spec.isEmpty()) {
            return;
        }
        Diagnostics diagnostics = new Diagnostics();
        Optional<CheckedNetwork> checked = NetworkChecker.check(spec.get(), diagnostics);
        diagnostics.errors().forEach(error -> report(error.source(), error.message()));
        if (checked.isPresent()) {
            NetworkPlan plan = Planner.plan(checked.get());
            ModelWriter.write(plan).writeTo(processingEnv.getFiler());
            writeCudaKernels(plan, type);
        }
    }

    /** The network's CUDA header, beside its sources (nvcc reads it from there), and its JavaCPP binding. */
    private void writeCudaKernels(NetworkPlan plan, TypeElement type) throws IOException {
        NetworkKernelsWriter kernels = NetworkKernelsWriter.of(plan, processingEnv.getOptions().get(CUDA_LIBRARY_OPTION));
        kernels.binding().writeTo(processingEnv.getFiler());
        String packageName = processingEnv.getElementUtils().getPackageOf(type).getQualifiedName().toString();
        FileObject header = processingEnv.getFiler().createResource(StandardLocation.SOURCE_OUTPUT, packageName,
                kernels.headerName(), type);
        try (Writer writer = header.openWriter()) {
            writer.write(kernels.header());
        }
    }

    /** Layer annotations count only on the methods of a {@code @Network} interface. */
    private void checkEnclosingNetwork(Element method, TypeElement annotation) {
        Element enclosing = method.getEnclosingElement();
        if (enclosing.getAnnotation(Network.class) != null || enclosing.getAnnotation(Block.class) != null) {
            return; // the network's own checks cover its members, or its not being an interface; a block's, its uses
        }
        for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
            if (mirror.getAnnotationType().asElement().equals(annotation)) {
                report(new Source(method, mirror, null), method.getSimpleName() + ": @" + annotation.getSimpleName()
                        + " declares a layer, but " + enclosing.getSimpleName()
                        + " is neither a @Network nor a @Block interface");
            }
        }
    }

    /** {@code @Use} counts only on a member whose type is a {@code @Block} interface. */
    private void checkUsesBlock(Element method) {
        TypeMirror type = ((ExecutableElement) method).getReturnType();
        if (!(type instanceof DeclaredType declared && declared.asElement().getAnnotation(Block.class) != null)) {
            report(Source.of(method), method.getSimpleName() + ": @Use applies a block, but " + type
                    + " is not a @Block interface");
        }
    }

    /** {@code @Param} counts only on the members of a {@code @Block} interface. */
    private void checkInBlock(Element method) {
        Element enclosing = method.getEnclosingElement();
        if (enclosing.getAnnotation(Block.class) == null) {
            report(Source.of(method), method.getSimpleName() + ": @Param declares a block's parameter, but "
                    + enclosing.getSimpleName() + " is not a @Block interface");
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /** Runs a step so that nothing escapes to javac as a crash: every failure becomes an error on the element. */
    private void guarded(Element element, Step step) {
        try {
            step.run();
        } catch (IOException e) {
            report(Source.of(element), "annonet: cannot write the model class of " + element.getSimpleName() + ": "
                    + e.getMessage() + "; if a type of that name exists, name the model with @Network(name = ...)");
        } catch (Throwable e) { // the compiler must get a diagnostic, not a stack trace
            StackTraceElement[] trace = e.getStackTrace();
            report(Source.of(element), "annonet internal error: " + e
                    + (trace.length > 0 ? " at " + trace[0] : "") + " (please report)");
        }
    }

    /**
     * An error inside a block goes to the network's member that uses it, and a note to each place
     * between: the block's member, and the uses of blocks inside blocks.
     */
    private void report(Source at, String message) {
        Source use = at;
        while (use.usedAt() != null) {
            use = use.usedAt();
        }
        print(Diagnostic.Kind.ERROR, use, message + (at == use ? "" : " (" + blockMember(at) + ")"));
        for (Source inside = at; inside.usedAt() != null; inside = inside.usedAt()) {
            print(Diagnostic.Kind.NOTE, inside, "the error at " + inside.usedAt().element().getSimpleName() + " comes from "
                    + blockMember(inside) + ", declared here");
        }
    }

    /** {@code member conv of block ConvNormRelu}. */
    private static String blockMember(Source inside) {
        return "member " + inside.element().getSimpleName() + " of block "
                + inside.element().getEnclosingElement().getSimpleName();
    }

    private void print(Diagnostic.Kind kind, Source at, String message) {
        processingEnv.getMessager().printMessage(kind, message, at.element(), at.annotation(), at.value());
    }
}
