package dev.annonet.samples.sequence;

import static dev.annonet.dsl.Activation.Kind.RELU;

import dev.annonet.dsl.Conv1D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;

/** A dilated causal convolution, then a strided one: 7 steps of 2 features to 3 steps of 2. */
@Network
interface CausalConv {
    @Input(shape = {7, 2})
    Layer series();

    @Conv1D(filters = 3, kernel = 2, dilation = 2, padding = Padding.CAUSAL, activation = RELU)
    Layer causal();

    @Conv1D(filters = 2, kernel = 3, strides = 2, padding = Padding.SAME)
    Layer strided();
}
