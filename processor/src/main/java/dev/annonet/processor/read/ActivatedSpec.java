package dev.annonet.processor.read;

import dev.annonet.dsl.Activation;
import java.util.List;

/** A layer that applies an activation function: {@code @Dense} and {@code @Activation}. */
public sealed interface ActivatedSpec extends ConnectedLayerSpec permits DenseSpec, ActivationSpec, Conv2DSpec {

    Attribute<Activation.Kind> activationKind();

    Attribute<List<Double>> thresholds();
}
