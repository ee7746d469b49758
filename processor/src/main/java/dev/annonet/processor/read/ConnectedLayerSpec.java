package dev.annonet.processor.read;

import java.util.List;

/** A layer that takes the output of other layers: the previous member, or those named in {@code from}. */
public sealed interface ConnectedLayerSpec extends LayerSpec
        permits ActivatedSpec, DropoutSpec, FlattenSpec, ReshapeSpec, ImageLayerSpec, BatchNormalizationSpec,
                LstmSpec, EmbeddingSpec {

    /** Names of the input layers; empty: the member declared before this one. */
    Attribute<List<String>> from();
}
