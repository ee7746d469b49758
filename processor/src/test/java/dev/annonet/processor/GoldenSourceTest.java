package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * The generated source of representative networks, compared with golden files word for word.
 *
 * <p>When the writer changes on purpose, rewrite the golden files and review their diff:
 * {@code mvn -o -q -pl processor test -Dtest=GoldenSourceTest -Dannonet.updateGolden=true}.
 */
class GoldenSourceTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("annonet.updateGolden");

    @Test
    void mnistMlp() throws IOException {
        assertGolden(Networks.mnistMlp(), "MnistMlpModel");
    }

    /** The MLP's CUDA kernels: the header with its launchers, and their JavaCPP binding. */
    @Test
    void mnistMlpCudaKernels() throws IOException {
        Compilation compilation = Networks.compile(Networks.mnistMlp());
        assertThat(compilation).succeededWithoutWarnings();
        assertGolden(Networks.generatedSource(compilation, "example.MnistMlpCudaKernels"), "MnistMlpCudaKernels.java");
        JavaFileObject header = compilation.generatedFile(StandardLocation.SOURCE_OUTPUT, "example", "MnistMlpCudaKernels.cuh")
                .orElseThrow();
        assertGolden(header.getCharContent(true).toString(), "MnistMlpCudaKernels.cuh");
    }

    @Test
    void perceptronOr() throws IOException {
        assertGolden(Networks.network("PerceptronOr",
                "@Input(shape = 2) Layer x();",
                "@Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = {-0.5f}) Layer or();"),
                "PerceptronOrModel");
    }

    /** Conv2D (SAME, stride 2) → BatchNormalization → ReLU → MaxPooling2D → Flatten → Dense softmax. */
    @Test
    void smallCnn() throws IOException {
        assertGolden(Networks.smallCnn(), "SmallCnnModel");
    }

    /** Conv1D (CAUSAL, dilated, ReLU) → Flatten → Dense sigmoid. */
    @Test
    void causalConv1D() throws IOException {
        assertGolden(Networks.network("CausalConv",
                "@Input(shape = {16, 2})                                                                 Layer series();",
                "@Conv1D(filters = 4, kernel = 3, dilation = 2, padding = Padding.CAUSAL, activation = RELU) Layer conv();",
                "@Flatten                                                                                Layer flat();",
                "@Dense(units = 1, activation = SIGMOID)                                                 Layer output();"),
                "CausalConvModel");
    }

    /** Embedding → GRU → Dense sigmoid. */
    @Test
    void embeddingGru() throws IOException {
        assertGolden(Networks.network("WordsGru",
                "@Input(shape = 12)                        Layer words();",
                "@Embedding(inputDim = 50, outputDim = 8)  Layer embed();",
                "@GRU(units = 5)                           Layer gru();",
                "@Dense(units = 1, activation = SIGMOID)   Layer output();"),
                "WordsGruModel");
    }

    /**
     * A residual block: stem → conv → BN → ReLU → conv → BN, added to the stem with a ReLU. The stem
     * feeds two layers, so the second gradient written in backward order is added in.
     */
    @Test
    void residualBlock() throws IOException {
        assertGolden(Networks.network("ResidualBlock",
                "@Input(shape = {6, 6, 2})                                                      Layer image();",
                "@Conv2D(filters = 4, kernel = 1, activation = RELU)                            Layer stem();",
                "@Conv2D(filters = 4, kernel = 3, padding = Padding.SAME, useBias = false)      Layer conv1();",
                "@BatchNormalization                                                            Layer norm1();",
                "@Activation(RELU)                                                              Layer relu1();",
                "@Conv2D(filters = 4, kernel = 3, padding = Padding.SAME, useBias = false)      Layer conv2();",
                "@BatchNormalization                                                            Layer norm2();",
                "@Add(from = {\"norm2\", \"stem\"}, activation = RELU)                           Layer residual();",
                "@GlobalAveragePooling2D                                                        Layer pool();",
                "@Dense(units = 3, activation = SOFTMAX)                                        Layer output();"),
                "ResidualBlockModel");
    }

    /** A block used twice: Conv2D → BatchNormalization → ReLU, its filters and strides given where it is used. */
    @Test
    void blockUsedTwice() throws IOException {
        Compilation compilation = Networks.compile(BlocksTest.convNormRelu(), Networks.network("TwoStages",
                "@Input(shape = {8, 8, 2})                                                            Layer image();",
                "ConvNormRelu conv1();",
                "@Use(args = {@Arg(name = \"filters\", value = 6), @Arg(name = \"stride\", value = 2)}) ConvNormRelu conv2();",
                "@GlobalAveragePooling2D                                                              Layer pool();",
                "@Dense(units = 3, activation = SOFTMAX)                                              Layer output();"));
        assertThat(compilation).succeededWithoutWarnings();
        assertGolden(Networks.generatedSource(compilation, "example.TwoStagesModel"), "TwoStagesModel.java");
    }

    /** Two inputs, two outputs: the typed fit, evaluate and predictOutputs, and the Outputs class. */
    @Test
    void digitParity() throws IOException {
        assertGolden(PortsTest.digitParity(), "DigitParityModel");
    }

    private static void assertGolden(JavaFileObject declaration, String model) throws IOException {
        Compilation compilation = Networks.compile(declaration);
        assertThat(compilation).succeededWithoutWarnings();
        assertGolden(Networks.generatedSource(compilation, "example." + model), model + ".java");
    }

    private static void assertGolden(String generated, String file) throws IOException {
        Path golden = GOLDEN.resolve(file);
        if (UPDATE) {
            Files.writeString(golden, generated);
        }
        assertEquals(Files.readString(golden), generated,
                "generated source differs from " + golden + "; if the change is intended, rerun with -Dannonet.updateGolden=true");
    }
}
