package dev.annonet.processor.check;

import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A declaration that passed every check: its layers in declaration order, each with a resolved
 * input and a static shape, its inputs in declaration order, its outputs in the order
 * {@code @Network(outputs)} names them, and the name of the model class to write.
 */
public record CheckedNetwork(TypeElement type, String modelName, List<CheckedLayer> layers, List<CheckedLayer> inputs,
                             List<CheckedLayer> outputs) {
}
