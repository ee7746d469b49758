package dev.annonet.spark;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Dropout;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** The MNIST MLP's layers at a size that 100,000 rows of fit through Spark's tests quickly. */
@Network
public interface SparkMlp {
    @Input(shape = 20)                      Layer features();
    @Dense(units = 32, activation = RELU)   Layer hidden();
    @Dropout(rate = 0.2)                    Layer dropout();
    @Dense(units = 4, activation = SOFTMAX) Layer output();
}
