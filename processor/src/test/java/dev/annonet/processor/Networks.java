package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.tools.JavaFileObject;

/** Test sources: @Network interfaces in package {@code example}, with the DSL imported, and their compilation. */
final class Networks {

    private Networks() {
    }

    /** {@code @Network public interface <name> { <members> }}. */
    static JavaFileObject network(String name, String... members) {
        return declaration(name, "@Network\npublic interface " + name, members);
    }

    /** A source file of type {@code name} whose declaration line (annotations, kind, name) is {@code header}. */
    static JavaFileObject declaration(String name, String header, String... members) {
        return JavaFileObjects.forSourceString("example." + name, String.join("\n",
                "package example;",
                "",
                "import static dev.annonet.dsl.Activation.Kind.*;",
                "",
                "import dev.annonet.dsl.*;",
                "",
                header + " {",
                "    " + String.join("\n    ", members),
                "}",
                ""));
    }

    static JavaFileObject mnistMlp() {
        return network("MnistMlp",
                "@Input(shape = 784)                      Layer image();",
                "@Dense(units = 512, activation = RELU)   Layer hidden();",
                "@Dropout(rate = 0.2)                     Layer dropout();",
                "@Dense(units = 10, activation = SOFTMAX) Layer output();");
    }

    /** The network of the PyTorch CNN fixture. */
    static JavaFileObject smallCnn() {
        return network("SmallCnn",
                "@Input(shape = {8, 8, 2})                                                    Layer image();",
                "@Conv2D(filters = 4, kernel = 3, strides = 2, padding = Padding.SAME)         Layer conv();",
                "@BatchNormalization                                                          Layer norm();",
                "@Activation(RELU)                                                            Layer relu();",
                "@MaxPooling2D                                                                Layer pool();",
                "@Flatten                                                                     Layer flat();",
                "@Dense(units = 3, activation = SOFTMAX)                                      Layer output();");
    }

    static Compilation compile(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new NetworkProcessor()).compile(sources);
    }

    /** The text of a source file the compilation generated. */
    static String generatedSource(Compilation compilation, String qualifiedName) {
        try {
            return compilation.generatedSourceFile(qualifiedName).orElseThrow().getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that the compilation succeeded and that the generated class, whitespace collapsed, holds each part. */
    static void assertGeneratedContains(Compilation compilation, String qualifiedName, String... parts) {
        assertThat(compilation).succeededWithoutWarnings();
        String source = generatedSource(compilation, qualifiedName).replaceAll("\\s+", " ");
        for (String part : parts) {
            if (!source.contains(part)) {
                throw new AssertionError("generated source lacks <" + part + ">:\n" + source);
            }
        }
    }

    /**
     * Compiles {@code source} and asserts an error containing {@code message} on the line
     * containing {@code line}, and that no model was written.
     */
    static Compilation assertError(JavaFileObject source, String message, String line) {
        RecordingProcessor processor = new RecordingProcessor();
        Compilation compilation = Compiler.javac().withProcessors(processor).compile(source);
        assertThat(compilation).hadErrorContaining(message).inFile(source).onLineContaining(line);
        if (!processor.written().isEmpty()) {
            throw new AssertionError("a model was written despite the error: " + processor.written());
        }
        return compilation;
    }
}
