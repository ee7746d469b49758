package dev.annonet.processor;

import com.google.testing.compile.Compiler;
import dev.annonet.dsl.Network;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.NetworkChecker;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.Planner;
import dev.annonet.processor.read.NetworkReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;

/** Runs read, check and plan inside javac and keeps the plans, for tests of the plan itself. */
final class PlanCapture extends AbstractProcessor {
    private final List<NetworkPlan> plans = new ArrayList<>();

    /** The plan of the one valid network in {@code source}. */
    static NetworkPlan plan(JavaFileObject source) {
        PlanCapture capture = new PlanCapture();
        Compiler.javac().withProcessors(capture).compile(source);
        if (capture.plans.size() != 1) {
            throw new AssertionError("expected one valid network, planned " + capture.plans.size());
        }
        return capture.plans.get(0);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Network.class.getCanonicalName());
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        NetworkReader reader = new NetworkReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
        for (Element element : round.getElementsAnnotatedWith(Network.class)) {
            reader.read((TypeElement) element)
                    .flatMap(spec -> NetworkChecker.check(spec, new Diagnostics()))
                    .ifPresent(network -> plans.add(Planner.plan(network)));
        }
        return false;
    }
}
