package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Failures outside the declaration become errors on it, never a crash of javac. */
class ProcessorFailuresTest {

    @Test
    void internalErrorIsReportedOnTheNetwork() {
        JavaFileObject mnist = Networks.mnistMlp();
        Compilation compilation = Compiler.javac()
                .withProcessors(new RecordingProcessor(new IllegalStateException("disk on fire")))
                .compile(mnist);
        assertThat(compilation)
                .hadErrorContaining("annonet internal error: java.lang.IllegalStateException: disk on fire")
                .inFile(mnist)
                .onLineContaining("public interface MnistMlp");
        assertThat(compilation).hadErrorContaining("(please report)");
    }

    @Test
    void existingTypeOfTheModelsNameIsReported() {
        JavaFileObject mnist = Networks.mnistMlp();
        JavaFileObject taken = JavaFileObjects.forSourceString("example.MnistMlpModel",
                "package example;\nclass MnistMlpModel {\n}\n");
        Compilation compilation = Networks.compile(mnist, taken);
        assertThat(compilation)
                .hadErrorContaining("annonet: cannot write the model class of MnistMlp")
                .inFile(mnist)
                .onLineContaining("public interface MnistMlp");
    }
}
