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
 * other layers instead (the functional API). A network may declare several {@code @Input}s; its
 * outputs are the layers {@link #outputs} names, or the last declared layer when it names none.
 * A member whose type is a {@link Block} interface puts that block's layers in its place.
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

    /**
     * The layers whose values the network returns, in the order the generated model's methods take
     * their targets and return their values (Keras's {@code Model(inputs, outputs=[...])}); empty:
     * the last declared layer.
     */
    String[] outputs() default {};
}
