package dev.annonet.samples.resnet;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Arg;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.Use;

/**
 * A small ResNet for the digits, layer for layer the one of scripts/pytorch/bench_resnet.py (its
 * PyTorch twin for the bench): a stem, an identity block of 16 filters, a stride-2 block of 32 with
 * a projection shortcut, an identity block of 32, global average pooling, softmax; 38,266
 * parameters. The blocks' layers get Keras's names: {@code block2_0_conv}, {@code block3_out}.
 */
@Network
public interface MnistResNet {
    @Input(shape = {28, 28, 1})                                                         Layer image();
    @Conv2D(filters = 16, kernel = 3, padding = Padding.SAME, useBias = false)          Layer stem_conv();
    @BatchNormalization(momentum = 0.9)                                                 Layer stem_bn();
    @Activation(RELU)                                                                   Layer stem_relu();
    IdentityBlock block1();
    ProjectionBlock block2();
    @Use(args = @Arg(name = "filters", value = 32))
    IdentityBlock block3();
    @GlobalAveragePooling2D                                                             Layer avg_pool();
    @Dense(units = 10, activation = SOFTMAX)                                            Layer predictions();
}
