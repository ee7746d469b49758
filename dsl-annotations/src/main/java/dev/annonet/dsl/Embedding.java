package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keras's Embedding: turns each integer index of a sequence (time) into a row of its
 * {@code embeddings} table (inputDim, outputDim, uniform in ±0.05), giving (time, outputDim). Its
 * input is an {@code @Input} whose values are the indices, whole numbers in [0, inputDim).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Embedding {
    /** Size of the vocabulary: indices run from 0 to inputDim - 1. */
    int inputDim();

    /** Values per index. */
    int outputDim();

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
