package dev.annonet.processor.write;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.plan.Block;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.ParameterSlot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel calls of a plan's schedule whose sizes and kinds a network's CUDA kernels fix at
 * compile time, each with the layers that make it. Read from the plan's ops, in schedule order.
 */
final class KernelSpecializations {

    /** An activation of {@code cols} values a row, its kind fixed; {@code layers}: the block headers that use it. */
    record Activated(Activation.Kind kind, int cols, List<String> layers) {
    }

    /** A launcher's constant, as a C++ expression ({@code 512}, a dropout threshold), and the layers that use it. */
    record Sized(String value, List<String> layers) {
    }

    final List<Activated> biasActivations;
    final List<Activated> activationBackwards;
    final List<Sized> columnSums;
    final List<Sized> dropoutThresholds;
    /** The output's values a sample: the width of the loss and metric rows. */
    final int outputWidth;
    /** The trainable parameters, contiguous: the optimizers' count. */
    final long trainableCount;

    KernelSpecializations(NetworkPlan plan) {
        Map<List<Object>, Activated> forward = new LinkedHashMap<>();
        Map<List<Object>, Activated> backward = new LinkedHashMap<>();
        Map<String, Sized> sums = new LinkedHashMap<>();
        Map<String, Sized> dropouts = new LinkedHashMap<>();
        List<Block> blocks = new ArrayList<>(plan.forward());
        blocks.addAll(plan.backward());
        for (Block block : blocks) {
            String layer = block.comment().lines().findFirst().orElse("");
            for (Op op : flatten(block.ops())) {
                if (op instanceof Op.BiasActivation b) {
                    activated(forward, b.function().kind(), b.cols(), layer);
                } else if (op instanceof Op.ActivationBackward b) {
                    activated(backward, b.function().kind(), b.cols(), layer);
                } else if (op instanceof Op.ColumnSums c) {
                    sized(sums, String.valueOf(c.cols()), layer);
                } else if (op instanceof Op.Dropout d) {
                    sized(dropouts, dropoutThreshold(d.dropout().rate()), layer);
                } else if (op instanceof Op.DropoutBackward d) {
                    sized(dropouts, dropoutThreshold(d.dropout().rate()), layer);
                }
            }
        }
        this.biasActivations = List.copyOf(forward.values());
        this.activationBackwards = List.copyOf(backward.values());
        this.columnSums = List.copyOf(sums.values());
        this.dropoutThresholds = List.copyOf(dropouts.values());
        this.outputWidth = plan.outputs().get(0).port().shape().size();
        this.trainableCount = plan.parameters().stream().filter(ParameterSlot::trainable).mapToLong(p -> p.shape().size()).sum();
    }

    /** The threshold the runtime passes for a dropout rate, computed by element_math.cuh's mirror of DropoutMask.threshold. */
    private static String dropoutThreshold(double rate) {
        return "annonet::dropout_threshold(" + rate + ")";
    }

    private static void activated(Map<List<Object>, Activated> found, Activation.Kind kind, int cols, String layer) {
        named(found.computeIfAbsent(List.of(kind, cols), key -> new Activated(kind, cols, new ArrayList<>())).layers(), layer);
    }

    private static void sized(Map<String, Sized> found, String value, String layer) {
        named(found.computeIfAbsent(value, key -> new Sized(value, new ArrayList<>())).layers(), layer);
    }

    /** Adds {@code layer} to a call's layers once, however many of its ops (a branch's two sides) make the call. */
    private static void named(List<String> layers, String layer) {
        if (!layers.contains(layer)) {
            layers.add(layer);
        }
    }

    private static List<Op> flatten(List<Op> ops) {
        List<Op> flat = new ArrayList<>();
        for (Op op : ops) {
            if (op instanceof Op.Branch branch) {
                flat.addAll(flatten(branch.then()));
                flat.addAll(flatten(branch.otherwise()));
            } else {
                flat.add(op);
            }
        }
        return flat;
    }
}
