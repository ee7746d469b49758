package dev.annonet.runtime;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Conv1D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;

/** The network of scripts/pytorch/conv1d_fixture.py: a dilated causal Conv1D, a strided SAME one, a classifier. */
@Network
interface CausalConvNet {
    @Input(shape = {9, 3})
    Layer x();

    @Conv1D(filters = 4, kernel = 3, dilation = 2, padding = Padding.CAUSAL, activation = RELU)
    Layer causal();

    @Conv1D(filters = 2, kernel = 2, strides = 2, padding = Padding.SAME)
    Layer strided();

    @Flatten
    Layer flat();

    @Dense(units = 3, activation = SOFTMAX)
    Layer output();
}
