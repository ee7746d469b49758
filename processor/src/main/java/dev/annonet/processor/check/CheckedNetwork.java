package dev.annonet.processor.check;

import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A declaration that passed every check: its layers in declaration order, each with a resolved
 * input and a static shape, and the name of the model class to write.
 */
public record CheckedNetwork(TypeElement type, String modelName, List<CheckedLayer> layers, CheckedLayer input, CheckedLayer output) {
}
