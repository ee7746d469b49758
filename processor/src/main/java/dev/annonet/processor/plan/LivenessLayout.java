package dev.annonet.processor.plan;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where a pass keeps the tensors of one buffer ({@link Space#ACTIVATIONS} for a prediction's
 * inference pass, {@link Space#ACTIVATION_GRADIENTS} for the backward pass) by liveness: the pass
 * keeps only the tensors still to be read, so a tensor's memory is reused once the last op that
 * reads it has run. Each tensor with memory of its own lives from the first op that names it in
 * that buffer to the last (one the runtime writes before the pass from before it, one the runtime
 * reads after it to its end); every tensor takes the lowest offset where it overlaps no tensor
 * alive at the same time, in the order the tensors come to life. Two tensors an op names never
 * share memory, so no kernel sees its operands overlap. Aliases (Flatten, Reshape, LINEAR) take
 * their owner's offset; tensors the pass never names in the buffer have none. The shared
 * convolution scratch ({@value NetworkPlan#SHARED_SCRATCH}) comes last, after every other tensor,
 * so that the runtime can leave out the part of it that its backend's convolutions never use.
 *
 * <p>The first op that names a tensor must write all of it (or the runtime must, before the pass):
 * the memory holds another tensor's values until then. Backward ops overwrite the gradients they
 * write, and a tensor that several layers read gets the later readers' parts added in after the
 * first reader's block wrote it ({@link Scheduler}).
 */
final class LivenessLayout {
    /** A tensor with memory of its own, alive from op {@code first} to op {@code last}, both included. */
    private record Life(ArenaTensor tensor, int first, int last) {
    }

    private final Map<ArenaTensor, Integer> offsets = new LinkedHashMap<>();
    private int size;
    private ArenaTensor sharedScratch;

    /**
     * {@code pass}: the ops in the order they run (branches flattened); {@code written} and
     * {@code read}: the owners the runtime writes before the pass and reads after it.
     */
    LivenessLayout(List<Op> pass, Space space, Set<ArenaTensor> written, Set<ArenaTensor> read) {
        Map<ArenaTensor, int[]> spans = new LinkedHashMap<>();
        written.forEach(tensor -> spans.put(tensor, new int[] {-1, -1}));
        for (int index = 0; index < pass.size(); index++) {
            for (ArenaTensor tensor : tensors((Record) pass.get(index), space)) {
                int at = index;
                spans.merge(MemoryLayout.owner(tensor), new int[] {at, at},
                        (span, now) -> new int[] {Math.min(span[0], at), Math.max(span[1], at)});
            }
        }
        read.forEach(tensor -> spans.get(tensor)[1] = pass.size());
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

    /** Values per sample of the arena. */
    int size() {
        return size;
    }

    /** The shared convolution scratch at the arena's end, or null when the pass names none. */
    ArenaTensor sharedScratch() {
        return sharedScratch;
    }

    /** The tensor's per-sample offset in the arena (its owner's for an alias), or null when the pass never names it. */
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
        return flatten(forward, branch -> {
            if (branch.condition() != Op.Condition.TRAINING) {
                throw new IllegalStateException("a forward pass branches on " + branch.condition());
            }
            return branch.otherwise();
        });
    }

    /** Every op of the blocks, both sides of each branch in turn: a tensor lives as long as either side needs it. */
    static List<Op> everyOp(List<Block> blocks) {
        return flatten(blocks, branch -> Stream.concat(branch.then().stream(), branch.otherwise().stream()).toList());
    }

    /** The blocks' ops in order, each branch replaced by the ops {@code taken} picks of it. */
    private static List<Op> flatten(List<Block> blocks, Function<Op.Branch, List<Op>> taken) {
        List<Op> ops = new ArrayList<>();
        blocks.forEach(block -> block.ops().forEach(op -> add(op, taken, ops)));
        return ops;
    }

    private static void add(Op op, Function<Op.Branch, List<Op>> taken, List<Op> ops) {
        if (op instanceof Op.Branch branch) {
            taken.apply(branch).forEach(inner -> add(inner, taken, ops));
        } else {
            ops.add(op);
        }
    }

    /**
     * The tensors an op names in {@code space}, read from its record components (an {@link ImageOp}'s
     * through {@link Op.Image}, a backward op's forward op through itself): every op is a record of
     * operands and constants, so a new op needs nothing here.
     */
    static List<ArenaTensor> tensors(Record op, Space space) {
        List<ArenaTensor> tensors = new ArrayList<>();
        for (RecordComponent component : op.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(op);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("reading " + component.getName() + " of " + op, e);
            }
            if (value instanceof Operand operand && operand.space() == space) {
                tensors.add((ArenaTensor) operand.region());
            } else if (value instanceof Record inner && (value instanceof ImageOp || value instanceof Op)) {
                tensors.addAll(tensors(inner, space));
            }
        }
        return tensors;
    }
}
