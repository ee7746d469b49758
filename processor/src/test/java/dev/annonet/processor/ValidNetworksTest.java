package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.annonet.processor.Networks.compile;
import static dev.annonet.processor.Networks.declaration;
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
        assertModel("example.MnistMlpModel", compile(Networks.mnistMlp(), client),
                "public final class MnistMlpModel extends Model implements MnistMlp");
    }

    @Test
    void perceptronOrHasFixedWeightsAndNoGradients() {
        assertModel("example.PerceptronOrModel", network("PerceptronOr",
                        "@Input(shape = 2) Layer x();",
                        "@Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = {-0.5f}) Layer or();"),
                ".fixed(\"or.kernel\", OR_KERNEL, new float[] {1.0f, 1.0f}, 2, 1)",
                ".fixed(\"or.bias\", OR_BIAS, new float[] {-0.5f}, 1)",
                "ActivationFunction.heaviside(0.0)",
                "// no trainable weights before it: no gradient");
    }

    @Test
    void xorWithReluHiddenAndSigmoidOutput() {
        assertModel("example.XorModel", network("Xor",
                        "@Input(shape = 2) Layer x();",
                        "@Dense(units = 2, activation = RELU) Layer hidden();",
                        "@Dense(units = 1, activation = SIGMOID) Layer output();"),
                ".output(\"output\", OUTPUT, Activation.Kind.SIGMOID, OUTPUT_Z, 1)",
                "if (!outputGradientFused) {");
    }

    @Test
    void reshapeFlattenActivationAndFromOnRankTwoInput() {
        assertModel("example.ShapesModel", network("Shapes",
                        "@Input(shape = {28, 28}) Layer image();",
                        "@Activation(value = TANH, from = \"rows\") Layer squashed();",
                        "@Dense(units = 16, from = \"image\") Layer rows();",
                        "@Reshape(shape = {-1, 32}, from = \"squashed\") Layer pairs();",
                        "@Flatten Layer flat();",
                        "@Dense(units = 10, activation = SOFTMAX) Layer output();"),
                // Dense on the last axis: 28 rows of 28 values per sample
                "backend.denseForward(ROWS_ACTIVATION, batch * 28, 28, 16,",
                "backend.biasActivation(SQUASHED_ACTIVATION, batch * 28, 16, a, batch * ROWS, null, 0,",
                // Reshape and Flatten share the memory of the tensor they view
                "private static final int PAIRS = SQUASHED;",
                "private static final int FLAT = SQUASHED;",
                // summary rows in declaration order, whatever the order of computation
                ".layer(\"squashed\", \"Activation\", new int[] {28, 16}, 0, 0L)\n            .layer(\"rows\", \"Dense\", new int[] {28, 16}, 464, 464L)",
                ".layer(\"pairs\", \"Reshape\", new int[] {14, 32}, 0, 0L)");
    }

    @Test
    void thresholdsReachTheActivationFunctions() {
        assertModel("example.ThresholdsModel", network("Thresholds",
                        "@Input(shape = 2) Layer x();",
                        "@Dense(units = 2, activation = THRESHOLDED_LINEAR, thresholds = {-1, 1}) Layer clipped();",
                        "@Activation(value = HEAVISIDE, thresholds = 0.5) Layer fired();"),
                "CLIPPED_ACTIVATION = ActivationFunction.thresholdedLinear(-1.0, 1.0);",
                "FIRED_ACTIVATION = ActivationFunction.heaviside(0.5);");
    }

    @Test
    void collidingConstantNamesAreMadeUnique() {
        assertModel("example.CollideModel", network("Collide",
                        "@Input(shape = 3) Layer x();",
                        "@Dense(units = 4, activation = RELU) Layer hidden();",
                        "@Dense(units = 4, activation = RELU) Layer HIDDEN();",
                        "@Dense(units = 2, activation = RELU) Layer hiddenZ();",
                        "@Dense(units = 2, activation = RELU) Layer LAYOUT();",
                        "@Dense(units = 2, activation = RELU) Layer PARAMETER_COUNT();"),
                "private static final int HIDDEN_Z_2 =",
                "private static final int LAYOUT_2 =",
                "private static final int PARAMETER_COUNT_2 =",
                "public static final long PARAMETER_COUNT = 58L;");
    }

    @Test
    void networkNameChoosesTheModelClass() {
        assertModel("example.Custom", declaration("Declared", "@Network(name = \"Custom\")\npublic interface Declared",
                        "@Input(shape = 3) Layer x();",
                        "@Dense(units = 1) Layer y();"),
                "public final class Custom extends Model implements Declared");
    }

    @Test
    void nestedInterface() {
        assertModel("example.InnerModel", declaration("Outer", "public class Outer {\n    @Network\n    interface Inner",
                        "@Input(shape = 3) Layer x();",
                        "@Dense(units = 1) Layer y();\n    }"),
                "public final class InnerModel extends Model implements Outer.Inner");
    }

    private static void assertModel(String model, JavaFileObject declaration, String... parts) {
        assertModel(model, compile(declaration), parts);
    }

    /** Asserts a clean compilation whose model contains each of {@code parts}. */
    private static void assertModel(String model, Compilation compilation, String... parts) {
        assertThat(compilation).succeededWithoutWarnings();
        String source = Networks.generatedSource(compilation, model);
        for (String part : parts) {
            if (!source.contains(part)) {
                throw new AssertionError("generated source lacks <" + part + ">:\n" + source);
            }
        }
    }
}
