package dev.annonet.processor.check;

import dev.annonet.contract.ModelNames;
import dev.annonet.processor.read.LayerSpec;
import dev.annonet.processor.read.MemberSpec;
import dev.annonet.processor.read.MethodForm;
import dev.annonet.processor.read.NetworkSpec;
import dev.annonet.processor.read.Source;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/** Rules on the Java shape of a declaration: the annotated type and its methods. */
final class DeclarationRules {

    /** Examples, not the list: the layer annotations are every annotation of dev.annonet.dsl but @Network. */
    private static final String LAYER_ANNOTATIONS = "one of dev.annonet.dsl's, such as @Input, @Dense, @Conv2D or @LSTM";

    private DeclarationRules() {
    }

    /** Checks the annotated type; false when it is not an interface, which leaves nothing else to check. */
    static boolean checkType(NetworkSpec network, Diagnostics diagnostics) {
        TypeElement type = network.type();
        Source at = network.source();
        if (type.getKind() != ElementKind.INTERFACE) {
            diagnostics.error(at, "@Network goes on an interface, but " + type.getSimpleName() + " is " + article(type.getKind()));
            return false;
        }
        if (!type.getTypeParameters().isEmpty()) {
            diagnostics.error(at, "@Network interface " + type.getSimpleName() + " must not have type parameters");
        }
        if (type.getModifiers().contains(Modifier.PRIVATE)) {
            diagnostics.error(at, "@Network interface " + type.getSimpleName()
                    + " must not be private: its generated model, a class of the same package, implements it");
        }
        if (type.getModifiers().contains(Modifier.SEALED)) {
            diagnostics.error(at, "@Network interface " + type.getSimpleName()
                    + " must not be sealed: its generated model implements it");
        }
        checkModelName(network, diagnostics);
        for (ExecutableElement inherited : network.inheritedAbstractMethods()) {
            diagnostics.error(at, type.getSimpleName() + " inherits the abstract method " + inherited.getSimpleName()
                    + "() from " + inherited.getEnclosingElement().getSimpleName()
                    + ", which its model cannot implement: declare every layer in " + type.getSimpleName() + " itself");
        }
        return true;
    }

    private static void checkModelName(NetworkSpec network, Diagnostics diagnostics) {
        String name = network.modelName().value();
        Source at = new Source(network.type(), network.annotation(), network.modelName().written());
        if (!network.modelName().isWritten()) {
            return;
        }
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
            diagnostics.error(at, "@Network(name = \"" + name + "\") is not a valid Java class name");
        } else if (name.contentEquals(network.type().getSimpleName())) {
            diagnostics.error(at, "@Network(name = \"" + name + "\") is the interface's own name; the model class needs another");
        }
    }

    /** Checks each member's method form, annotations and name. */
    static void checkMembers(NetworkSpec network, Diagnostics diagnostics) {
        Set<String> names = new HashSet<>();
        for (MemberSpec member : network.members()) {
            checkMember(member, diagnostics);
            Source at = Source.of(member.method());
            if (ModelNames.METHODS.contains(member.name())) {
                diagnostics.error(at, member.name() + ": the name is taken by the method " + member.name()
                        + "() of the generated model; rename the layer");
            }
            if (!names.add(member.name())) {
                diagnostics.error(at, member.name() + ": another member is already named '" + member.name()
                        + "'; layer names must be unique (layers cannot be overloaded)");
            }
        }
    }

    /** Checks the member's annotations and method form, of a network or of a block. */
    static void checkMember(MemberSpec member, Diagnostics diagnostics) {
        if (member.usesBlock()) {
            checkBlockUse(member, diagnostics);
            return;
        }
        checkAnnotations(member, diagnostics);
        if (!member.layers().isEmpty()) {
            checkForm(member, diagnostics);
        }
    }

    private static void checkBlockUse(MemberSpec member, Diagnostics diagnostics) {
        Source at = Source.of(member.method());
        String block = member.use().block().getSimpleName().toString();
        if (!member.layers().isEmpty()) {
            diagnostics.error(member.layers().get(0).source(), member.name() + ": a member of type " + block
                    + " uses that block, which brings its own layers; it takes no layer annotation");
        }
        String prefix = member.name() + ": a block's use is an abstract method without parameters returning the block";
        if (!member.form().isAbstract()) {
            diagnostics.error(at, prefix + ", but this one is a " + member.form().body().name().toLowerCase(Locale.ROOT)
                    + " method");
        }
        if (member.form().parameterCount() > 0) {
            diagnostics.error(at, prefix + ", but this one takes parameters");
        }
        if (member.form().typeParameterCount() > 0) {
            diagnostics.error(at, prefix + ", but this one has type parameters");
        }
    }

    private static void checkAnnotations(MemberSpec member, Diagnostics diagnostics) {
        List<LayerSpec> layers = member.layers();
        if (layers.isEmpty()) {
            String message = member.form().returnsLayer()
                    ? member.name() + ": a layer needs a layer annotation: " + LAYER_ANNOTATIONS
                    : member.name() + ": the abstract methods of a @Network interface are its layers, but this one"
                            + " has no layer annotation and does not return Layer";
            diagnostics.error(Source.of(member.method()), message);
        } else if (layers.size() > 1) {
            String found = layers.stream().map(l -> "@" + l.annotationName()).collect(Collectors.joining(" and "));
            diagnostics.error(layers.get(1).source(), member.name() + ": a layer takes one layer annotation, but it has " + found);
        }
    }

    private static void checkForm(MemberSpec member, Diagnostics diagnostics) {
        MethodForm form = member.form();
        Source at = Source.of(member.method());
        String prefix = member.name() + ": a layer is an abstract method without parameters returning Layer";
        if (!form.isAbstract()) {
            diagnostics.error(at, prefix + ", but this one is a " + form.body().name().toLowerCase(Locale.ROOT) + " method");
        }
        if (form.parameterCount() > 0) {
            diagnostics.error(at, prefix + ", but this one takes parameters");
        }
        if (form.typeParameterCount() > 0) {
            diagnostics.error(at, prefix + ", but this one has type parameters");
        }
        if (!form.returnsLayer()) {
            diagnostics.error(at, prefix + ", but this one returns " + form.returnType());
        }
    }

    private static String article(ElementKind kind) {
        return switch (kind) {
            case CLASS -> "a class";
            case ENUM -> "an enum";
            case RECORD -> "a record";
            case ANNOTATION_TYPE -> "an annotation type";
            default -> "a " + kind.name().toLowerCase(Locale.ROOT);
        };
    }
}
