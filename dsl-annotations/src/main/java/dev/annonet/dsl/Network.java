package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a neural network. Put it on an interface whose abstract methods return {@link Layer};
 * each method carries one layer annotation and names one layer. By default a layer's input is
 * the layer declared before it (Keras's Sequential); {@code from} on a layer annotation names
 * other layers instead (the functional API). The last declared layer is the output.
 *
 * <p>The annotation processor writes {@code <InterfaceName>Model}, a typed model class that
 * implements the interface.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Network {
    /** Simple name of the generated model class; default: the interface's name + {@code Model}. */
    String name() default "";
}
