package dev.annonet.processor.check;

import dev.annonet.dsl.Block;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.BlockNames;
import dev.annonet.processor.read.BlockSpec;
import dev.annonet.processor.read.LayerSpec;
import dev.annonet.processor.read.MemberSpec;
import dev.annonet.processor.read.NetworkSpec;
import dev.annonet.processor.read.ParamSpec;
import dev.annonet.processor.read.Source;
import dev.annonet.processor.read.UseSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;

/**
 * Puts each block's layers in place of the members that use it, so that the checks after see
 * plain layers: a layer of a block is named after the use and the member ({@link BlockNames}),
 * its {@code from} names the network's layers ({@code "input"}: what the block is applied to, a
 * member: that member's layer, or a block member's output), its parameters hold the use's
 * arguments, and its diagnostics go to the use ({@link Source#usedAt}).
 */
final class BlockExpander {

    /**
     * One level of members being expanded: the network's own (prefix "", no input) or those of a
     * block's use; {@code inputWritten} is the use's {@code from} where the user wrote one.
     */
    private record Scope(List<MemberSpec> members, String prefix, String input, AnnotationValue inputWritten,
                         Source usedAt, Map<String, UseSpec.ArgSpec> args, List<TypeElement> enclosing) {

        boolean inBlock() {
            return !enclosing.isEmpty();
        }

        String blockName() {
            return enclosing.get(enclosing.size() - 1).getSimpleName().toString();
        }
    }

    private final NetworkSpec network;
    private final Diagnostics diagnostics;
    private final List<LayerNode> layers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    /** Names of layers that come from blocks: a network member of the same name is reported here, not as a duplicate member. */
    private final Set<String> blockLayers = new HashSet<>();
    private boolean failed;

    private BlockExpander(NetworkSpec network, Diagnostics diagnostics) {
        this.network = network;
        this.diagnostics = diagnostics;
    }

    /**
     * The network's layers, blocks expanded, in declaration order, and the network with its
     * {@code outputs} resolved (a block's use names its output layer).
     */
    record Expansion(NetworkSpec network, List<LayerNode> layers) {
    }

    /** The network expanded; empty when a use of a block is wrong. */
    static Optional<Expansion> expand(NetworkSpec network, Diagnostics diagnostics) {
        BlockExpander expander = new BlockExpander(network, diagnostics);
        Scope top = new Scope(network.members(), "", null, null, null, Map.of(), List.of());
        expander.expand(top);
        Attribute<List<String>> outputs = network.outputs();
        List<String> resolved = outputs.value().stream().map(name -> expander.resolve(name, top, null)).toList();
        NetworkSpec expanded = new NetworkSpec(network.type(), network.annotation(), network.modelName(),
                new Attribute<>(outputs.name(), resolved, outputs.written()), network.members(),
                network.inheritedAbstractMethods(), network.blocks());
        return expander.failed ? Optional.empty() : Optional.of(new Expansion(expanded, List.copyOf(expander.layers)));
    }

    /** Expands the scope's members in order; returns the name of the last one's output (null if none). */
    private String expand(Scope scope) {
        String previous = scope.input();
        for (MemberSpec member : scope.members()) {
            if (scope.inBlock()) {
                checkBlockMember(member, scope);
            }
            if (member.usesBlock()) {
                previous = expandUse(member, scope, previous);
            } else if (!member.layers().isEmpty()) {
                previous = expandLayer(member, scope, previous);
            }
        }
        return previous;
    }

    private void checkBlockMember(MemberSpec member, Scope scope) {
        DeclarationRules.checkMember(member, diagnostics);
        Source at = new Source(member.method(), null, null, scope.usedAt());
        if (member.name().equals(Block.INPUT)) {
            error(at, member.name() + ": inside a block, '" + Block.INPUT + "' names what the block is applied to;"
                    + " rename the member");
        }
        if (!member.layers().isEmpty() && !member.layers().get(0).takesInput()) {
            error(new Source(member.method(), member.layers().get(0).annotation(), null, scope.usedAt()),
                    scopeName(member, scope) + ": a block takes what it is applied to; @Input belongs to the network");
        }
    }

    private String expandLayer(MemberSpec member, Scope scope, String previous) {
        LayerSpec spec = member.layers().get(0);
        String name = scopeName(member, scope);
        List<Attribute<?>> replaced = new ArrayList<>(scope.inBlock() ? arguments(member, scope) : List.of());
        if (spec.takesInput()) {
            replaced.add(from(spec.from(), member, scope, previous));
        }
        LayerSpec expanded = spec.expanded(replaced, scope.usedAt());
        if (!names.add(name) && (scope.inBlock() || blockLayers.contains(name))) {
            error(expanded.source(), name + ": another layer of " + network.type().getSimpleName() + " has this name"
                    + (scope.inBlock() ? ", which member " + member.name() + " of block " + scope.blockName() + " gets" : ""));
        }
        if (scope.inBlock()) {
            blockLayers.add(name);
        }
        layers.add(new LayerNode(layers.size(), name, expanded));
        return name;
    }

    /**
     * {@code from} with every name resolved. Inside a block, the first member's implicit input is
     * written out: what the block is applied to need not be the layer expanded before it.
     */
    private Attribute<List<String>> from(Attribute<List<String>> from, MemberSpec member, Scope scope, String previous) {
        if (from.value().isEmpty()) {
            boolean first = scope.inBlock() && member == scope.members().get(0);
            return first && previous != null ? new Attribute<>(from.name(), List.of(previous), scope.inputWritten()) : from;
        }
        Source at = new Source(member.method(), member.layers().get(0).annotation(), from.written(), scope.usedAt());
        List<String> resolved = from.value().stream().map(name -> resolve(name, scope, at)).toList();
        return new Attribute<>(from.name(), resolved, from.written());
    }

    /**
     * The layer {@code name} stands for in the scope; inside a block, a name that is no member is an
     * error at {@code at}. At the network's level a name that is no member stays as it is, for the graph
     * rules to report.
     */
    private String resolve(String name, Scope scope, Source at) {
        if (scope.inBlock() && name.equals(Block.INPUT)) {
            if (scope.input() == null) {
                error(at, "from = \"" + Block.INPUT + "\" names what block " + scope.blockName()
                        + " is applied to, but no layer is declared before its use");
            }
            return scope.input();
        }
        for (MemberSpec member : scope.members()) {
            if (member.name().equals(name)) {
                String layer = BlockNames.layerName(scope.prefix(), name);
                return member.usesBlock() ? output(member, layer, scope.enclosing()) : layer;
            }
        }
        if (scope.inBlock()) {
            error(at, "from = \"" + name + "\" names no member of block " + scope.blockName() + "; inside a block, from names"
                    + " its members, or \"" + Block.INPUT + "\" for what the block is applied to");
        }
        return name;
    }

    /** The output of {@code member}'s block used as {@code use}: its last member's; null if it has none or is cyclic. */
    private String output(MemberSpec member, String use, List<TypeElement> enclosing) {
        BlockSpec block = network.blocks().get(member.use().block());
        if (enclosing.contains(block.type()) || block.members().isEmpty()) {
            return null; // the use reports it
        }
        MemberSpec last = block.members().get(block.members().size() - 1);
        String layer = BlockNames.layerName(use, last.name());
        return last.usesBlock() ? output(last, layer, append(enclosing, block.type())) : layer;
    }

    private String expandUse(MemberSpec member, Scope scope, String previous) {
        UseSpec use = member.use();
        BlockSpec block = network.blocks().get(use.block());
        Source at = new Source(member.method(), use.annotation(), null, scope.usedAt());
        String name = scopeName(member, scope);
        if (!checkBlock(block, scope, at, name)) {
            return previous;
        }
        String input = previous;
        Attribute<List<String>> from = use.from();
        if (!from.value().isEmpty()) {
            Source fromAt = new Source(member.method(), use.annotation(), from.written(), scope.usedAt());
            if (from.value().size() > 1) {
                error(fromAt, name + ": a block is applied to one layer, but " + from.text() + " names "
                        + from.value().size());
            }
            input = resolve(from.value().get(0), scope, fromAt);
        }
        Map<String, UseSpec.ArgSpec> args = arguments(use, block, member, scope);
        return expand(new Scope(block.members(), name, input, from.written(), at, args,
                append(scope.enclosing(), block.type())));
    }

    /** Whether the block can be expanded: an interface with members that is not among the blocks using it. */
    private boolean checkBlock(BlockSpec block, Scope scope, Source at, String name) {
        String type = block.type().getSimpleName().toString();
        if (scope.enclosing().contains(block.type())) {
            String cycle = Stream.concat(scope.enclosing().stream(), Stream.of(block.type()))
                    .map(element -> element.getSimpleName().toString())
                    .collect(Collectors.joining(" uses "));
            error(at, name + ": block " + type + " uses itself: " + cycle);
            return false;
        }
        if (block.type().getKind() != ElementKind.INTERFACE) {
            error(at, name + ": @Block goes on an interface, but " + type + " is not one");
            return false;
        }
        if (!block.type().getTypeParameters().isEmpty()) {
            error(at, name + ": @Block interface " + type + " must not have type parameters");
        }
        block.inheritedAbstractMethods().forEach(method -> error(at, name + ": block " + type
                + " inherits the abstract method " + method.getSimpleName() + "(), which its use cannot implement;"
                + " declare every layer in " + type + " itself"));
        if (block.members().stream().noneMatch(member -> member.usesBlock() || !member.layers().isEmpty())) {
            error(at, name + ": block " + type + " declares no layers");
            return false;
        }
        return true;
    }

    /** The use's arguments by name, each naming a parameter of the block. */
    private Map<String, UseSpec.ArgSpec> arguments(UseSpec use, BlockSpec block, MemberSpec member, Scope scope) {
        Set<String> parameters = block.members().stream()
                .flatMap(blockMember -> blockMember.params().stream())
                .map(ParamSpec::name)
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, UseSpec.ArgSpec> args = new LinkedHashMap<>();
        String name = scopeName(member, scope);
        for (UseSpec.ArgSpec arg : use.args()) {
            Source at = new Source(member.method(), use.annotation(), arg.written(), scope.usedAt());
            if (!parameters.contains(arg.name())) {
                error(at, name + ": block " + block.type().getSimpleName() + " has no parameter '" + arg.name() + "'"
                        + (parameters.isEmpty() ? "; it declares none (@Param)" : "; its parameters: "
                        + String.join(", ", parameters)));
            } else if (args.putIfAbsent(arg.name(), arg) != null) {
                error(at, name + ": the parameter '" + arg.name() + "' is given twice");
            }
        }
        return args;
    }

    /** The member's attributes its parameters set from the scope's arguments; those without one stay as written. */
    private List<Attribute<?>> arguments(MemberSpec member, Scope scope) {
        List<Attribute<?>> replaced = new ArrayList<>();
        for (ParamSpec param : member.params()) {
            Source at = new Source(member.method(), param.annotation(), null, scope.usedAt());
            String layer = scopeName(member, scope);
            switch (param.type()) {
                case MISSING -> error(at, layer + ": @Param(\"" + param.name() + "\") sets the attribute '" + param.attribute()
                        + "', but " + (member.layers().isEmpty() ? "the member has no layer annotation"
                        : "@" + member.layers().get(0).annotationName() + " has none of that name"));
                case OTHER -> error(at, layer + ": @Param(\"" + param.name() + "\") sets '" + param.attribute()
                        + "', but parameters set int and int[] attributes only");
                default -> {
                    UseSpec.ArgSpec arg = scope.args().get(param.name());
                    if (arg != null) {
                        replaced.add(argument(param, arg, member.layers().get(0).attribute(param.attribute()), layer, scope));
                    }
                }
            }
        }
        return replaced;
    }

    private Attribute<?> argument(ParamSpec param, UseSpec.ArgSpec arg, Attribute<?> attribute, String layer, Scope scope) {
        // the value the user wrote: the block's, or else the use's (a diagnostic on it goes to the use anyway)
        AnnotationValue written = attribute.isWritten() ? attribute.written() : arg.written();
        if (param.type() == ParamSpec.AttributeType.INT_ARRAY) {
            return new Attribute<>(attribute.name(), arg.values(), written);
        }
        if (arg.values().size() != 1) {
            error(new Source(scope.usedAt().element(), scope.usedAt().annotation(), arg.written(), scope.usedAt().usedAt()),
                    layer + ": the parameter '" + param.name() + "' sets the int attribute '" + attribute.name()
                    + "' and takes one value, but " + arg.values().size() + " are given");
            return attribute;
        }
        return new Attribute<>(attribute.name(), arg.values().get(0), written);
    }

    private static String scopeName(MemberSpec member, Scope scope) {
        return BlockNames.layerName(scope.prefix(), member.name());
    }

    private void error(Source at, String message) {
        diagnostics.error(at, message);
        failed = true;
    }

    private static List<TypeElement> append(List<TypeElement> list, TypeElement element) {
        List<TypeElement> appended = new ArrayList<>(list);
        appended.add(element);
        return List.copyOf(appended);
    }
}
