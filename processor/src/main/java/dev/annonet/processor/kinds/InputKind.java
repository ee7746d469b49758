package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import java.util.List;
import java.util.Optional;

/** {@code @Input(shape)}: the network's input, written by the runtime. */
final class InputKind implements SingleInputKind {

    private record Resolved(Shape shape) implements ResolvedLayer {
    }

    @Override
    public String kerasType() {
        return "InputLayer";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.reportProblem(layer, "shape", InputKind::problem, diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        List<Integer> dims = layer.spec().<List<Integer>>attribute("shape").value();
        return problem(dims).isPresent() ? Optional.empty() : Optional.of(new Resolved(new Shape(dims)));
    }

    private static Optional<String> problem(List<Integer> dims) {
        if (dims.isEmpty()) {
            return Optional.of("is empty; give the size of one sample along each axis, e.g. shape = 784");
        }
        if (dims.stream().anyMatch(dim -> dim <= 0)) {
            return Optional.of("has a size that is not positive");
        }
        return Shape.tooLarge(Shape.count(dims));
    }
}
