package dev.annonet.spark;

import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.distributed.Communicator;
import java.util.List;

/**
 * One task's rows, and how the tasks share them: each tells the others its row count and widths
 * (through {@code allGather}), then every rank writes its rows at its offset of the whole set,
 * zeros elsewhere, and one all-reduce gives every rank the whole set, in the partitions' order.
 */
final class Shard {
    private final int rank;
    private final int rows;
    private final int featureWidth;
    private final int targetWidth;
    private final float[] features;
    private final float[] targets;

    private Shard(int rank, int rows, int featureWidth, int targetWidth, float[] features, float[] targets) {
        this.rank = rank;
        this.rows = rows;
        this.featureWidth = featureWidth;
        this.targetWidth = targetWidth;
        this.features = features;
        this.targets = targets;
    }

    static Shard of(int rank, List<float[]> x, List<float[]> y, String featuresName, String targetsName) {
        int featureWidth = x.isEmpty() ? 0 : x.get(0).length;
        int targetWidth = y.isEmpty() ? 0 : y.get(0).length;
        float[] features = new float[Math.multiplyExact(x.size(), featureWidth)];
        float[] targets = new float[Math.multiplyExact(y.size(), targetWidth)];
        for (int i = 0; i < x.size(); i++) {
            requireWidth(featuresName, x.get(i), featureWidth, rank, i);
            requireWidth(targetsName, y.get(i), targetWidth, rank, i);
            System.arraycopy(x.get(i), 0, features, i * featureWidth, featureWidth);
            System.arraycopy(y.get(i), 0, targets, i * targetWidth, targetWidth);
        }
        return new Shard(rank, x.size(), featureWidth, targetWidth, features, targets);
    }

    private static void requireWidth(String column, float[] values, int width, int partition, int row) {
        if (values.length != width) {
            throw new IllegalArgumentException("column '" + column + "' holds " + values.length + " values in row " + row
                    + " of partition " + partition + " but " + width + " in its first row; every row needs the same number");
        }
    }

    /** "rows featureWidth targetWidth", what allGather carries. */
    String describe() {
        return rows + " " + featureWidth + " " + targetWidth;
    }

    /** Another rank's description: its rows and widths, without its values. */
    static Shard parse(String description) {
        String[] parts = description.split(" ");
        return new Shard(-1, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), null, null);
    }

    /** The whole training set, features and targets, on every rank. */
    Tensor[] gather(Communicator ring, List<Shard> shards, int worldSize) {
        int total = 0;
        int offset = 0;
        int featureWidth = 0;
        int targetWidth = 0;
        for (int r = 0; r < worldSize; r++) {
            Shard shard = shards.get(r);
            if (r == rank) {
                offset = total;
            }
            total = Math.addExact(total, shard.rows);
            if (shard.rows > 0) {
                if (featureWidth != 0 && (shard.featureWidth != featureWidth || shard.targetWidth != targetWidth)) {
                    throw new IllegalArgumentException("partition " + r + " has rows of " + shard.featureWidth
                            + " features and " + shard.targetWidth + " targets, but an earlier one " + featureWidth
                            + " and " + targetWidth);
                }
                featureWidth = shard.featureWidth;
                targetWidth = shard.targetWidth;
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("the training data holds no rows");
        }
        float[] x = new float[Math.multiplyExact(total, featureWidth)];
        float[] y = new float[Math.multiplyExact(total, targetWidth)];
        System.arraycopy(features, 0, x, offset * featureWidth, features.length);
        System.arraycopy(targets, 0, y, offset * targetWidth, targets.length);
        ring.allReduceSum(x, 0, x.length);
        ring.allReduceSum(y, 0, y.length);
        return new Tensor[] {Tensor.of(x, total, featureWidth), Tensor.of(y, total, targetWidth)};
    }
}
