package dev.annonet.processor.read;

/** A layer over inputs of shape (height, width, channels): Conv2D, pooling and zero padding. */
public sealed interface ImageLayerSpec extends ConnectedLayerSpec
        permits Conv2DSpec, Pooling2DSpec, GlobalPooling2DSpec, ZeroPadding2DSpec {
}
