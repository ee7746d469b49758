package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.annonet.processor.Networks.compile;
import static dev.annonet.processor.Networks.network;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Valid declarations compile without warnings, together with the model class written for them. */
class ValidNetworksTest {

    @Test
    void mnistMlpModelIsTypedByItsDeclaration() {
        JavaFileObject client = JavaFileObjects.forSourceString("example.Client", String.join("\n",
                "package example;",
                "import dev.annonet.runtime.DenseLayer;",
                "import dev.annonet.runtime.Device;",
                "class Client {",
                "    float[] use(Device device) {",
                "        MnistMlpModel model = MnistMlpModel.create(device, 42);",
                "        DenseLayer hidden = model.hidden();",
                "        MnistMlp declared = model;",
                "        return model.predict(new float[784]);",
                "    }",
                "}"));
        Compilation compilation = compile(Networks.mnistMlp(), client);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("example.MnistMlpModel")
                .contentsAsUtf8String()
                .contains("public final class MnistMlpModel extends Model implements MnistMlp");
    }

    @Test
    void perceptronOrHasFixedWeightsAndNoGradients() {
        Compilation compilation = compile(network("PerceptronOr",
                "@Input(shape = 2) Layer x();",
                "@Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = {-0.5f}) Layer or();"));
        assertThat(compilation).succeededWithoutWarnings();
        String model = Networks.generatedSource(compilation, "example.PerceptronOrModel");
        assertContains(model,
                ".fixed(\"or.kernel\", OR_KERNEL, new float[] {1.0f, 1.0f}, 2, 1)",
                ".fixed(\"or.bias\", OR_BIAS, new float[] {-0.5f}, 1)",
                "ActivationFunction.heaviside(0.0)",
                "// no trainable weights before it: no gradient");
    }

    @Test
    void xorWithReluHiddenAndSigmoidOutput() {
        Compilation compilation = compile(network("Xor",
                "@Input(shape = 2) Layer x();",
                "@Dense(units = 2, activation = RELU) Layer hidden();",
                "@Dense(units = 1, activation = SIGMOID) Layer output();"));
        assertThat(compilation).succeededWithoutWarnings();
        assertContains(Networks.generatedSource(compilation, "example.XorModel"),
                ".output(\"output\", OUTPUT, Activation.Kind.SIGMOID, OUTPUT_Z, 1)",
                "if (!outputGradientFused) {");
    }

    @Test
    void reshapeFlattenActivationAndFromOnRankTwoInput() {
        Compilation compilation = compile(network("Shapes",
                "@Input(shape = {28, 28}) Layer image();",
                "@Activation(value = TANH, from = \"rows\") Layer squashed();",
                "@Dense(units = 16, from = \"image\") Layer rows();",
                "@Reshape(shape = {-1, 32}, from = \"squashed\") Layer pairs();",
                "@Flatten Layer flat();",
                "@Dense(units = 10, activation = SOFTMAX) Layer output();"));
        assertThat(compilation).succeededWithoutWarnings();
        assertContains(Networks.generatedSource(compilation, "example.ShapesModel"),
                // Dense on the last axis: 28 rows of 28 values per sample
                "backend.matmul(false, false, batch * 28, 16, 28,",
                "backend.biasActivation(SQUASHED_ACTIVATION, batch * 28, 16, a, batch * ROWS, null, 0,",
                // Reshape and Flatten share the memory of the tensor they view
                "private static final int PAIRS = SQUASHED;",
                "private static final int FLAT = SQUASHED;",
                // summary rows in declaration order, whatever the order of computation
                ".layer(\"squashed\", \"Activation\", 0, 28, 16)\n            .layer(\"rows\", \"Dense\", 464, 28, 16)",
                ".layer(\"pairs\", \"Reshape\", 0, 14, 32)");
    }

    @Test
    void collidingConstantNamesAreMadeUnique() {
        Compilation compilation = compile(network("Collide",
                "@Input(shape = 3) Layer x();",
                "@Dense(units = 4, activation = RELU) Layer hidden();",
                "@Dense(units = 4, activation = RELU) Layer HIDDEN();",
                "@Dense(units = 2, activation = RELU) Layer hiddenZ();",
                "@Dense(units = 2, activation = RELU) Layer LAYOUT();"));
        assertThat(compilation).succeededWithoutWarnings();
        assertContains(Networks.generatedSource(compilation, "example.CollideModel"),
                "private static final int HIDDEN_Z_2 =",
                "private static final int LAYOUT_2 =");
    }

    @Test
    void networkNameChoosesTheModelClass() {
        Compilation compilation = compile(Networks.declaration("Declared", "@Network(name = \"Custom\")\npublic interface Declared",
                "@Input(shape = 3) Layer x();",
                "@Dense(units = 1) Layer y();"));
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("example.Custom");
    }

    private static void assertContains(String source, String... parts) {
        for (String part : parts) {
            if (!source.contains(part)) {
                throw new AssertionError("generated source lacks <" + part + ">:\n" + source);
            }
        }
    }
}
