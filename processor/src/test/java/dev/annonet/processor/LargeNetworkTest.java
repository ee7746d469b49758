package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A network of several hundred layers: its generated passes and layout are split under the JVM's
 * method limits, and the model compiles, loads and trains a step.
 */
class LargeNetworkTest {
    /** Uses of the two-layer block: with the input and the output, 302 layers. */
    private static final int USES = 150;

    @Test
    void hundredsOfLayersCompileAndTrainAStep() throws Exception {
        List<String> members = new ArrayList<>(List.of("@Input(shape = 6) Layer x();"));
        IntStream.range(0, USES).mapToObj(use -> "@Use(args = @Arg(name = \"units\", value = " + (6 + use % 3)
                + ")) DenseRelu dense" + use + "();").forEach(members::add);
        members.add("@Dense(units = 2) Layer output();");
        JavaFileObject block = BlocksTest.block("DenseRelu", "@Dense(units = 4) @Param(\"units\") Layer dense();",
                "@Activation(RELU) Layer relu();");
        long start = System.nanoTime();
        assertThat(Networks.compile(Networks.mnistMlp())).succeeded(); // javac warmed up, and the time of a small network
        long small = System.nanoTime();
        Compilation compilation = Networks.compile(block, Networks.network("Deep", members.toArray(String[]::new)));
        long large = System.nanoTime();
        assertThat(compilation).succeededWithoutWarnings();
        System.out.printf("LargeNetworkTest: javac took %d ms for MnistMlp (4 layers, first in this JVM),"
                + " %d ms for Deep (%d layers)%n", (small - start) / 1_000_000, (large - small) / 1_000_000, 2 * USES + 2);
        String source = Networks.generatedSource(compilation, "example.DeepModel");
        assertTrue(source.contains("forwardPart2(batch, training);")
                && source.contains("backwardPart2(batch, outputGradientFused);")
                && source.contains("layoutPart2("), "the passes and the layout are split");

        Class<?> modelClass = new GeneratedClasses(compilation).loadClass("example.DeepModel");
        Object created = modelClass.getMethod("create", Device.class, long.class).invoke(null, Device.reference(), 7L);
        try (Model model = (Model) created) {
            model.compile(Optimizers.sgd(0.01f), Losses.meanSquaredError());
            float[] x = new float[4 * 6];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 5) / 5f;
            }
            History history = model.fit(Tensor.of(x, 4, 6), Tensor.of(new float[8], 4, 2),
                    Fit.options().batchSize(4).epochs(1).verbose(0));
            assertEquals(1, history.epochs());
            assertTrue(Double.isFinite(history.get("loss").get(0)), "the loss of the step: " + history);
        }
    }

    /** The classes a compilation wrote, loaded over the test's class path. */
    private static final class GeneratedClasses extends ClassLoader {
        private final Map<String, JavaFileObject> classes = new HashMap<>();

        GeneratedClasses(Compilation compilation) {
            super(LargeNetworkTest.class.getClassLoader());
            for (JavaFileObject file : compilation.generatedFiles()) {
                if (file.getKind() == JavaFileObject.Kind.CLASS) {
                    String path = file.toUri().getPath();
                    String name = path.substring(path.indexOf("/example/") + 1, path.length() - ".class".length());
                    classes.put(name.replace('/', '.'), file);
                }
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            JavaFileObject file = classes.get(name);
            if (file == null) {
                throw new ClassNotFoundException(name);
            }
            try (InputStream in = file.openInputStream()) {
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
