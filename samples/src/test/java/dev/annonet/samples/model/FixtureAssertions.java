package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.Weights;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The PyTorch fixture tests' files and comparisons: relative error of whole tensors, and the weights they compare. */
final class FixtureAssertions {
    private FixtureAssertions() {
    }

    /**
     * The devices every fixture test runs on, each with its tolerance: the float64 reference tight,
     * the float32 backends (CPU, and the CUDA kernels run by the host executor) looser.
     */
    static Stream<Arguments> devices() {
        return Stream.of(Arguments.of(Device.reference(), 1e-5), Arguments.of(Device.cpu(), 1e-4),
                Arguments.of(Device.cudaHostExecutor(), 1e-4));
    }

    /**
     * A fixture file from the test classpath (test resources' {@code fixtures/}), so the tests read it
     * wherever they run: in the module, or from the GPU check's bundle.
     */
    static SafeTensors.Contents fixture(String name) throws IOException {
        return SafeTensors.read(fixturePath(name));
    }

    /** Where fixture {@code name} lies, for the readers that take a file. */
    static Path fixturePath(String name) throws IOException {
        URL resource = FixtureAssertions.class.getResource("/fixtures/" + name);
        if (resource == null) {
            throw new IOException("fixture " + name + " is not on the test classpath (samples/src/test/resources/fixtures;"
                    + " the scripts in scripts/pytorch write it)");
        }
        try {
            return Path.of(resource.toURI());
        } catch (URISyntaxException e) {
            throw new IOException("fixture " + name + " at " + resource, e);
        }
    }

    /** ‖actual − expected‖ / ‖expected‖ below {@code tolerance}. */
    static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += Math.pow((double) actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        double relative = Math.sqrt(difference) / Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        assertTrue(relative < tolerance, what + ": relative error " + relative + " ≥ " + tolerance);
    }

    static float[] minus(float[] a, float[] b) {
        float[] difference = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            difference[i] = a[i] - b[i];
        }
        return difference;
    }

    /** The fixture's tensor {@code name}, shaped as stored. */
    static Tensor tensor(SafeTensors.Contents fixture, String name) {
        SafeTensors.Entry entry = fixture.get(name);
        return Tensor.of(entry.values(), entry.shape());
    }

    /** Sets each trainable weight of {@code model} to the fixture's tensor of its name. */
    static void loadTrainableWeights(Model model, SafeTensors.Contents fixture) {
        for (Weights w : model.weights()) {
            if (w.trainable() && fixture.entries().containsKey("grad." + w.name())) {
                w.set(fixture.get(w.name()).values());
            }
        }
    }

    /**
     * After one Adam step from the fixture's weights: each weight's gradient ({@code grad.<name>})
     * and update ({@code adam.<name>} minus the weight before), and each other weight the fixture
     * holds (a BatchNormalization's moving statistics) as it stands after the step.
     */
    static void assertAdamStep(Model model, SafeTensors.Contents fixture, double tolerance) {
        for (Weights w : model.weights()) {
            String name = w.name();
            if (fixture.entries().containsKey("grad." + name)) {
                assertClose("gradient of " + name, fixture.get("grad." + name).values(),
                        ModelInternals.gradient(model, name), tolerance);
                float[] before = fixture.get(name).values();
                assertClose("Adam update of " + name, minus(fixture.get("adam." + name).values(), before),
                        minus(w.toArray(), before), tolerance);
            } else {
                assertClose(name + " after the step", fixture.get(name).values(), w.toArray(), tolerance);
            }
        }
    }

    /** The model's weight {@code name}, as {@link Model#weights()} names it. */
    static Weights weight(Model model, String name) {
        return model.weights().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(model.name() + " has no weight '" + name + "'"));
    }
}
