package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An input of the network: one sample's shape, without the batch dimension. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Input {
    /** Shape of one sample, every size positive: {@code 784}, or {@code {28, 28}}. */
    int[] shape();
}
