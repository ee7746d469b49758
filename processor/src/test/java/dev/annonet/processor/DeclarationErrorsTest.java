package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.declaration;
import static dev.annonet.processor.Networks.network;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mistakes in the Java shape of a declaration: the annotated type and its methods. */
class DeclarationErrorsTest {

    @Test
    void networkOnAClass() {
        assertError(declaration("Mlp", "@Network\npublic abstract class Mlp", "@Input(shape = 2) abstract Layer x();"),
                "@Network goes on an interface, but Mlp is a class", "@Network");
    }

    @Test
    void networkOnAnEnum() {
        assertError(declaration("Mlp", "@Network\npublic enum Mlp", "X;"),
                "@Network goes on an interface, but Mlp is an enum", "@Network");
    }

    @Test
    void networkOnARecord() {
        assertError(declaration("Mlp", "@Network\npublic record Mlp(int size)"),
                "@Network goes on an interface, but Mlp is a record", "@Network");
    }

    @Test
    void networkOnAnAnnotationType() {
        assertError(declaration("Mlp", "@Network\npublic @interface Mlp"),
                "@Network goes on an interface, but Mlp is an annotation type", "@Network");
    }

    @Test
    void modelNameThatIsNotAnIdentifier() {
        assertError(declaration("Mlp", "@Network(name = \"1st\")\npublic interface Mlp",
                        "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer y();"),
                "@Network(name = \"1st\") is not a valid Java class name", "name = \"1st\"");
    }

    @Test
    void genericInterface() {
        assertError(declaration("Mlp", "@Network\npublic interface Mlp<T>",
                        "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer y();"),
                "@Network interface Mlp must not have type parameters", "@Network");
    }

    @Test
    void privateNestedInterface() {
        assertError(declaration("Outer", "public class Outer {\n    @Network\n    private interface Mlp",
                        "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer y();\n    }"),
                "@Network interface Mlp must not be private", "@Network");
    }

    @Test
    void sealedInterface() {
        assertError(declaration("Mlp", "@Network\npublic sealed interface Mlp permits Mlp.Only",
                        "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer y();", "final class Only implements Mlp {}"),
                "@Network interface Mlp must not be sealed", "@Network");
    }

    @Test
    void inheritedAbstractMethod() {
        JavaFileObject base = JavaFileObjects.forSourceString("example.Base",
                "package example;\npublic interface Base {\n    dev.annonet.dsl.Layer extra();\n}\n");
        JavaFileObject child = declaration("Child", "@Network\npublic interface Child extends Base",
                "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer y();");
        Compilation compilation = Networks.compile(base, child);
        assertThat(compilation).hadErrorContaining("Child inherits the abstract method extra() from Base")
                .inFile(child).onLineContaining("@Network");
    }

    @Test
    void layerAnnotationOutsideANetwork() {
        assertError(declaration("Plain", "public interface Plain", "@Dense(units = 2) Layer hidden();"),
                "hidden: @Dense declares a layer, but Plain is neither a @Network nor a @Block interface", "@Dense(units = 2)");
    }

    @Test
    void layerWithoutAnnotation() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "Layer forgotten();", "@Dense(units = 1) Layer y();"),
                "forgotten: a layer needs a layer annotation: one of dev.annonet.dsl's, such as @Input, @Dense, @Conv2D or @LSTM",
                "Layer forgotten()");
    }

    @Test
    void abstractMethodThatIsNotALayer() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer y();", "int size();"),
                "size: the abstract methods of a @Network interface are its layers, but this one has no layer"
                        + " annotation and does not return Layer",
                "int size()");
    }

    @Test
    void twoLayerAnnotations() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 2)\n    @Dropout(rate = 0.1)\n    Layer both();"),
                "both: a layer takes one layer annotation, but it has @Dense and @Dropout", "@Dropout(rate = 0.1)");
    }

    /** A layer annotation on a method that the model cannot implement as a layer. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            default Layer y() { return null; } | but this one is a default method
            static Layer y() { return null; }  | but this one is a static method
            Layer y(int units);                | but this one takes parameters
            <T> Layer y();                     | but this one has type parameters
            Object y();                        | but this one returns java.lang.Object
            """)
    void layerMethodOfTheWrongForm(String method, String problem) {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 2)\n    " + method),
                "y: a layer is an abstract method without parameters returning Layer, " + problem, method);
    }

    @Test
    void overloadedLayerName() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 2) Layer y();", "@Dense(units = 3) Layer y(int size);"),
                "y: another member is already named 'y'; layer names must be unique", "Layer y(int size)");
    }

    @Test
    void layerNamedLikeAModelMethod() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer summary();"),
                "summary: the name is taken by the method summary() of the generated model; rename the layer",
                "Layer summary()");
    }

    @Test
    void layerNamedLikeAMethodModelGainedLater() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer weights();"),
                "weights: the name is taken by the method weights() of the generated model", "Layer weights()");
    }

    @Test
    void layerNamedLikeAnObjectMethod() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = 1) Layer hashCode();"),
                "hashCode: the name is taken by the method hashCode() of the generated model", "Layer hashCode()");
    }

    @Test
    void everyMistakeIsReported() {
        Compilation compilation = assertError(network("Mlp",
                        "@Input(shape = 2) Layer x();",
                        "@Dense(units = 0) Layer hidden();",
                        "@Dropout(rate = 2) Layer dropout();",
                        "@Dense(units = 1) Layer predict();"),
                "hidden: @Dense(units = 0) must be positive", "units = 0");
        assertThat(compilation).hadErrorContaining("dropout: @Dropout(rate = 2) must be in [0, 1)");
        assertThat(compilation).hadErrorContaining("predict: the name is taken");
        assertThat(compilation).hadErrorCount(3);
    }
}
