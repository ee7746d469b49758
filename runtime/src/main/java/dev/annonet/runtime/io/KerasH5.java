package dev.annonet.runtime.io;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FloatingPoint;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A Keras weights file in the HDF5 format (read with jhdf, in pure Java): the files
 * {@code keras.applications} downloads ({@code *_weights_tf_dim_ordering_tf_kernels.h5}) and
 * {@code save_weights('x.h5')} writes, whose root attribute {@code layer_names} lists the layers,
 * each a group whose attribute {@code weight_names} lists its weights as datasets inside it
 * ({@code "block1_conv1/kernel:0"}); and the files {@code model.save('x.h5')} writes, the same
 * under the group {@code model_weights}. An attribute that HDF5's 64 KiB header limit made Keras
 * split ({@code layer_names0}, {@code layer_names1}, ...) is joined again.
 *
 * <p>Every problem with the file, whatever jhdf's reader met (not HDF5, truncated, damaged, not
 * Keras's layout), is an {@link IOException} whose message starts with the file's name.
 * Shapes are read first, values only on {@link #read}, so a caller checks sizes before anything
 * large is allocated.
 */
public final class KerasH5 implements Closeable {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** A weight of a layer: its name in the file ({@code "conv/kernel:0"}) and shape. */
    public record Weight(String layer, String name, int[] shape, Dataset dataset) {
        public long size() {
            long size = 1;
            for (int d : shape) {
                size *= d;
            }
            return size;
        }

        /** The name without the layer's path and TensorFlow's ":0": {@code "kernel"}. */
        public String baseName() {
            String base = name.substring(name.lastIndexOf('/') + 1);
            int colon = base.lastIndexOf(':');
            return colon < 0 ? base : base.substring(0, colon);
        }
    }

    private final Path file;
    /**
     * The file's channel, opened and closed here: jhdf's HdfFile(Path) leaves its channel open when
     * it fails, and HdfFile.close() fails on a channel it was given.
     */
    private final FileChannel channel;
    private final HdfFile hdf;
    private final Group weights;
    private final List<String> layerNames;

    private KerasH5(Path file, FileChannel channel, HdfFile hdf) throws IOException {
        this.file = file;
        this.channel = channel;
        this.hdf = hdf;
        this.weights = jhdf(() -> hdf.getAttribute("layer_names")) == null && find(hdf, "model_weights") instanceof Group g
                ? g : hdf;
        List<String> names = strings(weights, "layer_names");
        if (names == null) {
            throw new IOException(file + ": not a Keras weights file: neither its root nor a group 'model_weights'"
                    + " has the attribute 'layer_names'");
        }
        this.layerNames = List.copyOf(names);
    }

    /** Opens {@code file} and reads its list of layers. */
    public static KerasH5 open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a Keras .h5 file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw FileErrors.naming(file, e);
        }
        try {
            ByteBuffer head = ByteBuffer.allocate(SIGNATURE.length);
            channel.read(head, 0);
            HdfFile hdf;
            try {
                hdf = new HdfFile(channel);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                boolean signed = Arrays.equals(head.array(), SIGNATURE);
                throw damaged(file, signed ? "a damaged or truncated HDF5 file" : "not an HDF5 file", e);
            }
            requireWhole(file, hdf, channel.size());
            return new KerasH5(file, channel, hdf);
        } catch (IOException e) {
            channel.close();
            throw FileErrors.naming(file, e);
        } catch (RuntimeException e) {
            channel.close();
            throw damaged(file, "a damaged HDF5 file", e);
        }
    }

    /** As HDF5's own library refuses a file shorter than its superblock says (jhdf would read zeros past the end). */
    private static void requireWhole(Path file, HdfFile hdf, long size) throws IOException {
        Superblock superblock = hdf.getHdfBackingStorage().getSuperblock();
        long stated = superblock.getBaseAddressByte() + superblock.getEndOfFileAddress();
        if (stated > size) {
            throw new IOException(file + ": a truncated HDF5 file: its superblock says " + stated + " bytes, it has " + size);
        }
    }

    /** The layers the file lists, in its order (layers without weights included, as Keras lists them). */
    public List<String> layerNames() {
        return layerNames;
    }

    /** Whether the file is a whole model's ({@code model.save}), its weights in the group {@code model_weights}. */
    public boolean fullModel() {
        return weights != hdf;
    }

    /** The weights of {@code layer}, one of {@link #layerNames}, in the file's order (Keras's {@code layer.weights}). */
    public List<Weight> weights(String layer) throws IOException {
        Node node = find(weights, layer);
        if (!(node instanceof Group group)) {
            throw new IOException(file + ": layer '" + layer + "' is listed in 'layer_names' but has no group");
        }
        List<String> names = strings(group, "weight_names");
        if (names == null) {
            throw new IOException(file + ": layer '" + layer + "' has no attribute 'weight_names'");
        }
        List<Weight> result = new ArrayList<>();
        for (String name : names) {
            Node dataset = find(group, name);
            if (!(dataset instanceof Dataset d)) {
                throw new IOException(file + ": layer '" + layer + "' lists weight '" + name + "', which is not a dataset in it");
            }
            if (!(jhdf(d::getDataType) instanceof FloatingPoint)) {
                throw new IOException(file + ": layer '" + layer + "', weight '" + name + "' holds "
                        + jhdf(d::getJavaType).getSimpleName() + " values, not floating point");
            }
            result.add(new Weight(layer, name, jhdf(d::getDimensions).clone(), d));
        }
        return result;
    }

    /** The values of {@code weight} (of this file) as float32, in row-major order. */
    public float[] read(Weight weight) throws IOException {
        if (weight.size() > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": layer '" + weight.layer() + "', weight '" + weight.name() + "' has "
                    + weight.size() + " values, more than one array holds");
        }
        Object data = jhdf(() -> weight.dataset().getDataFlat());
        float[] values;
        if (data instanceof float[] f) {
            values = f;
        } else if (data instanceof double[] d) {
            values = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                values[i] = (float) d[i];
            }
        } else {
            throw new IOException(file + ": layer '" + weight.layer() + "', weight '" + weight.name()
                    + "' could not be read as numbers");
        }
        if (values.length != weight.size()) {
            throw new IOException(file + ": layer '" + weight.layer() + "', weight '" + weight.name() + "' has shape "
                    + Arrays.toString(weight.shape()) + " but holds " + values.length + " values");
        }
        return values;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Keras's load_attributes_from_hdf5_group: the strings of attribute {@code name} of {@code node},
     * or of its chunks {@code name0}, {@code name1}, ...; null when there is neither. An empty
     * array of any type (Keras writes a layer without weights' {@code weight_names} as float64) is no strings.
     */
    private List<String> strings(Node node, String name) throws IOException {
        Attribute whole = jhdf(() -> node.getAttribute(name));
        if (whole != null) {
            return strings(node, whole);
        }
        List<String> joined = null;
        for (int chunk = 0; ; chunk++) {
            String chunkName = name + chunk;
            Attribute part = jhdf(() -> node.getAttribute(chunkName));
            if (part == null) {
                return joined;
            }
            if (joined == null) {
                joined = new ArrayList<>();
            }
            joined.addAll(strings(node, part));
        }
    }

    private List<String> strings(Node node, Attribute attribute) throws IOException {
        if (jhdf(attribute::getSize) == 0) {
            return List.of();
        }
        Object data = jhdf(attribute::getData);
        if (data instanceof String single) {
            return List.of(single);
        }
        if (data instanceof String[] array) {
            return List.of(array);
        }
        throw new IOException(file + ": attribute '" + attribute.getName() + "' of '" + node.getPath()
                + "' is not a list of strings");
    }

    /**
     * The node at {@code path} inside {@code group}, or null where there is none. (Walked here:
     * jhdf's getByPath reports a missing node with an exception that needs the file's path, which
     * a jhdf file opened on a channel has not.)
     */
    private Node find(Group group, String path) throws IOException {
        Node node = group;
        for (String part : path.split("/")) {
            if (!(node instanceof Group g)) {
                return null;
            }
            node = jhdf(() -> g.getChildren().get(part));
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /** Runs a call into jhdf, turning whatever it throws on a malformed file into an IOException naming the file. */
    private <T> T jhdf(Callable<T> call) throws IOException {
        try {
            return call.call();
        } catch (IOException e) {
            throw FileErrors.naming(file, e);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            throw damaged(file, "a damaged HDF5 file", e);
        }
    }

    /**
     * What jhdf threw, as an IOException naming the file. jhdf trusts the sizes and links in the
     * file: a damaged size makes it allocate that much at once (an OutOfMemoryError that left the
     * heap as it was), a link back to a parent makes it recurse without end.
     */
    private static IOException damaged(Path file, String what, Throwable e) {
        String why = e instanceof OutOfMemoryError ? "a size in it is more than the memory there is"
                : e instanceof StackOverflowError ? "its groups link in a cycle" : e.getMessage();
        return new IOException(file + ": " + what + " (" + why + ")", e);
    }
}
