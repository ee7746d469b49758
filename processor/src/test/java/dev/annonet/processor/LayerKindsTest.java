package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.annonet.dsl.Network;
import dev.annonet.processor.kinds.LayerKinds;
import dev.annonet.processor.read.LayerAnnotations;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import org.junit.jupiter.api.Test;

/** Every layer annotation of the DSL has its kind in the one table, and the table nothing else. */
class LayerKindsTest {

    @Test
    void everyLayerAnnotationHasAKind() {
        Set<String> layerAnnotations = new TreeSet<>();
        AbstractProcessor lister = new AbstractProcessor() {
            @Override
            public Set<String> getSupportedAnnotationTypes() {
                return Set.of("*");
            }

            @Override
            public SourceVersion getSupportedSourceVersion() {
                return SourceVersion.latestSupported();
            }

            @Override
            public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
                for (TypeElement type : ElementFilter.typesIn(processingEnv.getElementUtils()
                        .getPackageElement(Network.class.getPackageName()).getEnclosedElements())) {
                    if (LayerAnnotations.isLayer(type)) {
                        layerAnnotations.add(type.getQualifiedName().toString());
                    }
                }
                return false;
            }
        };
        assertThat(Compiler.javac().withProcessors(lister)
                .compile(JavaFileObjects.forSourceString("example.Empty", "package example; class Empty {}"))).succeeded();
        assertEquals(new TreeSet<>(LayerKinds.annotations()), layerAnnotations);
    }
}
