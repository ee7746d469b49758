package dev.annonet.applications;

import static dev.annonet.dsl.Activation.Kind.RELU;

import dev.annonet.dsl.Block;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.Param;

/** A VGG16 block of three 3×3 convolutions and a 2×2 max pooling ({@code block3_conv1} ... {@code block3_pool}). */
@Block
public interface ThreeConvolutions {
    @Conv2D(filters = 256, kernel = 3, padding = Padding.SAME, activation = RELU) @Param("filters")  Layer _conv1();
    @Conv2D(filters = 256, kernel = 3, padding = Padding.SAME, activation = RELU) @Param("filters")  Layer _conv2();
    @Conv2D(filters = 256, kernel = 3, padding = Padding.SAME, activation = RELU) @Param("filters")  Layer _conv3();
    @MaxPooling2D(pool = 2, strides = 2)                                                            Layer _pool();
}
