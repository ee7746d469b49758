package example;

import static dev.annonet.dsl.Activation.Kind.SIGMOID;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

@Network
public interface OrGate {
    @Input(shape = 2)
    Layer x();

    @Dense(units = 1, activation = SIGMOID)
    Layer output();
}
