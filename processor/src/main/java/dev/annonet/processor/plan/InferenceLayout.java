package dev.annonet.processor.plan;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a prediction keeps each tensor: the inference pass (forward without training) keeps only
 * the tensors still to be read, so a tensor's memory is reused once the last op that reads it has
 * run. Each tensor with memory of its own lives from the first op that names it to the last (an
 * input from before the pass, an output to its end, as the runtime writes and reads them); every
 * tensor takes the lowest offset where it overlaps no tensor alive at the same time, in the
 * order the tensors come to life. Two tensors an op names never share memory, so no kernel sees
 * its operands overlap. Aliases (Flatten, Reshape, LINEAR) take their owner's offset; tensors the
 * inference pass never names (gradient parts, statistics kept for backward) have none. The shared
 * convolution scratch ({@value NetworkPlan#SHARED_SCRATCH}) comes last, after every other tensor,
 * so that the runtime can leave out the part of it that its backend's convolutions never use.
 */
final class InferenceLayout {
    /** A tensor with memory of its own, alive from op {@code first} to op {@code last}, both included. */
    private record Life(ArenaTensor tensor, int first, int last) {
    }

    private final Map<ArenaTensor, Integer> offsets = new LinkedHashMap<>();
    private int size;
    private ArenaTensor sharedScratch;

    /** {@code pass}: the inference pass's ops in order; {@code inputs} and {@code outputs}: the owners the runtime writes and reads. */
    InferenceLayout(List<Op> pass, Set<ArenaTensor> inputs, Set<ArenaTensor> outputs) {
        Map<ArenaTensor, int[]> spans = new LinkedHashMap<>();
        inputs.forEach(input -> spans.put(input, new int[] {-1, -1}));
        for (int index = 0; index < pass.size(); index++) {
            for (ArenaTensor tensor : activationTensors((Record) pass.get(index))) {
                int at = index;
                spans.merge(MemoryLayout.owner(tensor), new int[] {at, at},
                        (span, now) -> new int[] {Math.min(span[0], at), Math.max(span[1], at)});
            }
        }
        outputs.forEach(output -> spans.get(output)[1] = pass.size());
        List<Life> placed = new ArrayList<>();
        spans.forEach((tensor, span) -> {
            if (tensor.name().equals(NetworkPlan.SHARED_SCRATCH)) {
                sharedScratch = tensor;
                return;
            }
            Life life = new Life(tensor, span[0], span[1]);
            int offset = lowestFreeOffset(life, placed);
            offsets.put(tensor, offset);
            size = Math.max(size, offset + tensor.size());
            placed.add(life);
        });
        if (sharedScratch != null) {
            offsets.put(sharedScratch, size);
            size = Math.addExact(size, sharedScratch.size());
        }
    }

    /** Values per sample of the inference arena. */
    int size() {
        return size;
    }

    /** The shared convolution scratch at the arena's end, or null when the inference pass names none. */
    ArenaTensor sharedScratch() {
        return sharedScratch;
    }

    /** The tensor's per-sample offset in the inference arena (its owner's for an alias), or null when inference never names it. */
    Integer offset(ArenaTensor tensor) {
        return offsets.get(MemoryLayout.owner(tensor));
    }

    /** The lowest offset where {@code life} overlaps none of the tensors placed whose lives overlap its own. */
    private int lowestFreeOffset(Life life, List<Life> placed) {
        List<int[]> taken = new ArrayList<>();
        for (Life other : placed) {
            if (other.first <= life.last && life.first <= other.last) {
                int start = offsets.get(other.tensor);
                taken.add(new int[] {start, start + other.tensor.size()});
            }
        }
        taken.sort((a, b) -> Integer.compare(a[0], b[0]));
        int offset = 0;
        for (int[] range : taken) {
            if (offset + life.tensor.size() <= range[0]) {
                break;
            }
            offset = Math.max(offset, range[1]);
        }
        return offset;
    }

    /** The inference pass of the forward blocks: every op but those only training runs. */
    static List<Op> inferencePass(List<Block> forward) {
        List<Op> ops = new ArrayList<>();
        forward.forEach(block -> block.ops().forEach(op -> addInference(op, ops)));
        return ops;
    }

    private static void addInference(Op op, List<Op> ops) {
        if (op instanceof Op.Branch branch) {
            if (branch.condition() != Op.Condition.TRAINING) {
                throw new IllegalStateException("a forward pass branches on " + branch.condition());
            }
            branch.otherwise().forEach(inner -> addInference(inner, ops));
        } else {
            ops.add(op);
        }
    }

    /**
     * The activation tensors an op names, read from its record components (an {@link ImageOp}'s
     * through {@link Op.Image}): every op is a record of operands and constants, so a new op needs
     * nothing here.
     */
    private static List<ArenaTensor> activationTensors(Record op) {
        List<ArenaTensor> tensors = new ArrayList<>();
        for (RecordComponent component : op.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(op);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("reading " + component.getName() + " of " + op, e);
            }
            if (value instanceof Operand operand && operand.space() == Space.ACTIVATIONS) {
                tensors.add((ArenaTensor) operand.region());
            } else if (value instanceof Record inner && (value instanceof ImageOp || value instanceof Op)) {
                tensors.addAll(activationTensors(inner));
            }
        }
        return tensors;
    }
}
