package dev.annonet.runtime;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Layer;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.data.Dataset;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * Base of every generated model. The generated subclass supplies the network (its
 * {@link NetworkLayout} and the straight-line {@link #forward} / {@link #backward} schedules);
 * this class owns the memory and runs Keras's compile / fit / evaluate / predict around them.
 *
 * <p>Creating the model allocates its parameters (trainable first, then the fixed ones) and their
 * gradients; compile adds the optimizer's state. The memory of a batch (the activation arena, and
 * for training the arena of their gradients and the targets) is allocated by the first fit, evaluate or
 * predict, for its batch size, and grows only when a larger batch arrives: as in Keras, a network
 * too large for a batch of 32 is created and then run at a batch that fits. Every allocation is
 * checked first: memory that is not there is a {@link ResourceExhaustedException} saying what
 * would fit. predict and evaluate run a batch that fits when the one asked for does not. A
 * training step allocates nothing. Close the model to free its memory.
 *
 * <p>Initialization follows Keras's defaults and is deterministic for a seed: trainable parameters
 * draw, in layout order, from one {@link SplittableRandom} seeded with the model's seed (Glorot
 * uniform kernels, zero biases); fixed ones take their declared values. Dropout masks and the
 * epoch shuffle use seeds derived from the same seed.
 *
 * <p>Threads: a model is safe to share. Its own calls (compile, fit, evaluate, predict, save, load,
 * reading or setting weights, close) take turns: each holds the model's lock, so a call waits for
 * the one in flight on another thread and then sees its results, and a call after {@link #close}
 * fails with an {@link IllegalStateException}. The lock is reentrant. To predict on many threads at
 * once, give each its own {@link #predictor()}: predictors read the weights in place, together,
 * while fit, load, setting weights and close wait for the predictions in flight (and hold new ones
 * back), so a prediction never sees weights half updated.
 */
public abstract class Model implements AutoCloseable {

    /** The batch size of the generated fit, evaluate and predict overloads that take none: Keras's 32. */
    protected static final int DEFAULT_BATCH_SIZE = Fit.DEFAULT_BATCH_SIZE;

    /** The backend the generated schedule calls. */
    protected final Backend backend;

    private final NetworkLayout layout;
    /** Told by {@link #gradientsFinal} while a data-parallel step sums buckets during backward; else null. */
    private IntConsumer finalGradients;
    private final Device device;
    /** Initializes the weights; then keys dropout and the shuffle, so a checkpoint's replaces it. */
    private long seed;
    private final Memory parameters;
    private final Memory gradients;
    private final Arena arena;
    private final Map<String, NetworkLayout.Parameter> parametersByName;
    private final Map<String, NetworkLayout.LayerRow> layersByName;
    /**
     * The model's own calls hold it: its backend and arena serve one call at a time. A predictor's
     * forward pass holds the predictor's turn, with its own backend and arena: predictors run
     * together, and never while the weights change or the memory is freed.
     */
    private final ServingLock lock = new ServingLock();
    /** The predictors not closed yet, which close with the model; its monitor guards it. */
    private final List<Predictor> predictors = new ArrayList<>();
    // Kept across compiles so recompiling reuses (and zeroes) the buffers instead of allocating more.
    private Memory[] optimizerState = new Memory[0];
    private Trainer trainer;
    /** The parameters as an epoch began, allocated by the first fit: what fit restores when a loss is not finite. */
    private Memory finiteWeights;
    private long step;
    private boolean closed;

    protected Model(NetworkLayout layout, Device device, long seed) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.device = Objects.requireNonNull(device, "device");
        this.seed = seed;
        this.parametersByName = new HashMap<>();
        for (NetworkLayout.Parameter parameter : layout.parameters()) {
            parametersByName.put(parameter.name(), parameter);
        }
        this.layersByName = new LinkedHashMap<>();
        for (NetworkLayout.LayerRow row : layout.layers()) {
            layersByName.put(row.name(), row);
        }
        this.backend = device.newBackend(layout);
        ResourceExhaustedException.requireRoom(backend, (long) layout.parameterSize() + layout.trainableSize(),
                layout.parameterSize(), layout.name() + "'s parameters and their gradients");
        this.parameters = backend.allocate(layout.parameterSize());
        this.gradients = backend.allocate(layout.trainableSize());
        this.arena = new Arena(backend, layout);
        backend.upload(initialParameters(layout, seed), 0, parameters, 0, layout.parameterSize());
    }

    /**
     * A twin for a {@link Predictor} (see {@link #twin}): the network of {@code twin}'s model over
     * that model's parameters, borrowed by a backend forked from its own, with an arena of its own
     * for inference and no gradients.
     */
    protected Model(Twin twin) {
        Model source = twin.source;
        this.layout = source.layout;
        this.device = source.device;
        this.seed = source.seed;
        this.parametersByName = source.parametersByName;
        this.layersByName = source.layersByName;
        this.backend = twin.backend;
        this.parameters = backend.borrow(source.parameters);
        this.gradients = null;
        this.arena = new Arena(backend, layout);
    }

    private static float[] initialParameters(NetworkLayout layout, long seed) {
        float[] values = new float[layout.parameterSize()];
        SplittableRandom random = new SplittableRandom(seed);
        for (NetworkLayout.Parameter parameter : layout.parameters()) {
            if (parameter.fixed()) {
                System.arraycopy(parameter.fixedValues(), 0, values, parameter.offset(), parameter.size());
            } else if (parameter.init() instanceof Initializer.GlorotUniform glorot) {
                double limit = Math.sqrt(6.0 / (glorot.fanIn() + glorot.fanOut()));
                for (int i = 0; i < parameter.size(); i++) {
                    values[parameter.offset() + i] = (float) random.nextDouble(-limit, limit);
                }
            } else if (parameter.init() instanceof Initializer.Ones) {
                Arrays.fill(values, parameter.offset(), parameter.offset() + parameter.size(), 1f);
            } else {
                Initializers.fill(parameter, values, random); // Zeros: the array starts zeroed
            }
        }
        return values;
    }

    // ---- what a user calls -------------------------------------------------------------------

    /** The network's name. */
    public String name() {
        return layout.name();
    }

    public Device device() {
        return device;
    }

    /** Prints {@link #summaryText()} to System.out. */
    public void summary() {
        System.out.print(summaryText());
    }

    /** Keras's summary: each layer's output shape and parameter count, then the totals. */
    public String summaryText() {
        return Summary.text(layout);
    }

    /**
     * The dynamic loss scale of a model on a GPU under {@code Precision.MIXED_FLOAT16} (it halves on a
     * step whose gradients overflowed, which is skipped, and doubles after 2,000 finite steps in a
     * row): to watch it, as Keras's {@code optimizer.loss_scale}. NaN on every other device or policy.
     */
    public double lossScale() {
        lock.lock();
        try {
            return backend.lossScale();
        } finally {
            lock.unlock();
        }
    }

    public long parameterCount() {
        return layout.parameterSize();
    }

    public long trainableParameterCount() {
        return layout.trainableSize();
    }

    /** Parameters fixed in the declaration, and state such as moving statistics: no optimizer changes them. */
    public long nonTrainableParameterCount() {
        return layout.parameterSize() - layout.trainableSize();
    }

    /** Every weight tensor, trainable and fixed, in layout order, named as {@link #save} names them (Keras's {@code model.weights}). */
    public List<Weights> weights() {
        return layout.parameters().stream().map(p -> (Weights) new ParameterWeights(this, p)).toList();
    }

    /**
     * Configures training: the optimizer (its state starts fresh), the loss and the metrics. Call
     * again to change them; the weights are kept. Everything is checked first: a compile that
     * throws leaves the model as it was, its previous configuration and optimizer state included.
     */
    public void compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        Objects.requireNonNull(loss, "loss");
        int outputs = layout.outputs().size();
        Loss[] losses = new Loss[outputs];
        float[] weights = new float[outputs];
        Metric[][] perOutput = new Metric[outputs][];
        Arrays.fill(losses, loss);
        Arrays.fill(weights, 1f);
        Arrays.fill(perOutput, metrics);
        compile(optimizer, losses, weights, perOutput);
    }

    /**
     * Keras's {@code compile(loss={...}, loss_weights={...}, metrics={...})} for a network with
     * several outputs: one loss per output (by the output layer's name), each output's weight in
     * the total loss (1 where {@code lossWeights} names none) and its metrics (none where
     * {@code metrics} names none). History and the logs then hold {@code loss}, the weighted total,
     * {@code <output>_loss} and {@code <output>_<metric>} for each output, as Keras names them.
     */
    public void compile(Optimizer optimizer, Map<String, Loss> losses, Map<String, ? extends Number> lossWeights,
                        Map<String, List<Metric>> metrics) {
        Objects.requireNonNull(losses, "losses");
        Objects.requireNonNull(lossWeights, "lossWeights");
        Objects.requireNonNull(metrics, "metrics");
        List<String> outputs = layout.outputs().stream().map(NetworkLayout.Port::name).toList();
        for (Map<String, ?> byOutput : List.of(losses, lossWeights, metrics)) {
            for (String name : byOutput.keySet()) {
                if (!outputs.contains(name)) {
                    throw new IllegalArgumentException("'" + name + "' is not an output of " + layout.name()
                            + "; its outputs are " + outputs);
                }
            }
        }
        Loss[] lossArray = new Loss[outputs.size()];
        float[] weights = new float[outputs.size()];
        Metric[][] perOutput = new Metric[outputs.size()][];
        for (int o = 0; o < outputs.size(); o++) {
            String output = outputs.get(o);
            lossArray[o] = losses.get(output);
            if (lossArray[o] == null) {
                throw new IllegalArgumentException("no loss for output '" + output + "' of " + layout.name()
                        + "; losses name " + losses.keySet() + " of " + outputs);
            }
            Number weight = lossWeights.get(output);
            weights[o] = weight == null ? 1f : weight.floatValue();
            if (!(weights[o] >= 0 && Float.isFinite(weights[o]))) {
                throw new IllegalArgumentException("the loss weight of output '" + output + "' must be 0 or more and"
                        + " finite, was " + weight);
            }
            perOutput[o] = metrics.getOrDefault(output, List.of()).toArray(Metric[]::new);
        }
        compile(optimizer, lossArray, weights, perOutput);
    }

    private void compile(Optimizer optimizer, Loss[] losses, float[] lossWeights, Metric[][] metrics) {
        lock.lock();
        try {
            requireOpen();
            Objects.requireNonNull(optimizer, "optimizer");
            trainer = new Trainer(this, arena, optimizer, losses, lossWeights, metrics, shuffleSeed());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Trains on samples {@code x} (first axis: samples) with targets {@code y}, as Keras's
     * {@code fit}: returns the loss and metrics of each epoch.
     */
    public History fit(Tensor x, Tensor y, Fit options) {
        requireSinglePorts("fit");
        return fitPorts(new Tensor[] {x}, new Tensor[] {y}, options);
    }

    /** Generated code's typed fit: one tensor per input and one of targets per output, in the layout's order. */
    protected final History fitPorts(Tensor[] inputs, Tensor[] targets, Fit options) {
        lock.lock();
        try {
            return compiled("fit").fit(inputs, targets, Objects.requireNonNull(options, "options"));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Trains on a {@link Dataset}, which may be larger than memory: each batch is read on a
     * background thread while the previous step runs, in a new order every epoch when shuffling.
     * A read that fails ends fit with an {@link java.io.UncheckedIOException} naming the file.
     */
    public History fit(Dataset data, Fit options) {
        lock.lock();
        try {
            return compiled("fit").fit(data, Objects.requireNonNull(options, "options"));
        } finally {
            lock.unlock();
        }
    }

    /** {@link #fit(Tensor, Tensor, Fit)} with one row per sample. */
    public History fit(float[][] x, float[][] y, Fit options) {
        return fit(Tensor.of(x), Tensor.of(y), options);
    }

    /** The loss and metrics over {@code x} and {@code y}, in batches of 32, without dropout; silent. */
    public Evaluation evaluate(Tensor x, Tensor y) {
        return evaluate(x, y, Fit.DEFAULT_BATCH_SIZE);
    }

    /** {@link #evaluate(Tensor, Tensor, int, int)}, silent. */
    public Evaluation evaluate(Tensor x, Tensor y, int batchSize) {
        return evaluate(x, y, batchSize, 0);
    }

    /**
     * The loss, metrics and confusion matrix over {@code x} and {@code y}, {@code batchSize} samples
     * at a time, without dropout. {@code verbose} as Keras's: 0 silent, 1 a progress bar on
     * System.out ending {@code 63/63 [====...] - 0s 2ms/step - loss: 0.0731 - accuracy: 0.9780}, 2
     * that line alone. (Keras prints the bar by default; annonet's shorter overloads stay silent,
     * as they always were, so code that calls them prints nothing new.)
     */
    public Evaluation evaluate(Tensor x, Tensor y, int batchSize, int verbose) {
        requireSinglePorts("evaluate");
        return evaluatePorts(new Tensor[] {x}, new Tensor[] {y}, batchSize, verbose);
    }

    /** Generated code's typed evaluate, silent: one tensor per input and one of targets per output. */
    protected final Evaluation evaluatePorts(Tensor[] inputs, Tensor[] targets, int batchSize) {
        return evaluatePorts(inputs, targets, batchSize, 0);
    }

    private Evaluation evaluatePorts(Tensor[] inputs, Tensor[] targets, int batchSize, int verbose) {
        lock.lock();
        try {
            Trainer compiled = compiled("evaluate");
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
            }
            return compiled.evaluate(inputs, targets, batchSize, requireVerbose(verbose));
        } finally {
            lock.unlock();
        }
    }

    private static int requireVerbose(int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0, 1 or 2, was " + verbose);
        }
        return verbose;
    }

    /** The loss and metrics over a {@link Dataset}, read in batches of {@code batchSize}, without dropout. */
    public Evaluation evaluate(Dataset data, int batchSize) {
        lock.lock();
        try {
            Trainer compiled = compiled("evaluate");
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
            }
            return compiled.evaluate(data, batchSize);
        } finally {
            lock.unlock();
        }
    }

    public Evaluation evaluate(float[][] x, float[][] y) {
        return evaluate(Tensor.of(x), Tensor.of(y));
    }

    /** The outputs for samples {@code x}: a tensor of shape (samples, output shape...). */
    public Tensor predict(Tensor x) {
        return predict(x, Fit.DEFAULT_BATCH_SIZE);
    }

    /** The outputs for the samples of {@code x}, computed {@code batchSize} samples at a time; silent. */
    public Tensor predict(Tensor x, int batchSize) {
        return predict(x, batchSize, 0);
    }

    /**
     * {@link #predict(Tensor, int)} with Keras's {@code verbose}: 1 a progress bar over the
     * batches on System.out, 2 its last line alone, 0 nothing.
     */
    public Tensor predict(Tensor x, int batchSize, int verbose) {
        requireSinglePorts("predict");
        lock.lock();
        try {
            requireOpen();
            return forwardBatches(x, batchSize, requireVerbose(verbose));
        } finally {
            lock.unlock();
        }
    }

    /** Generated code's typed predict: one tensor per input; one tensor per output, in the layout's order. */
    protected final Tensor[] predictPorts(Tensor[] inputs, int batchSize) {
        lock.lock();
        try {
            requireOpen();
            return forwardBatches(inputs, batchSize, 0);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #predict(Tensor, int, int)} in this model's arena, for a caller that holds the lock it needs. */
    Tensor forwardBatches(Tensor x, int batchSize, int verbose) {
        return forwardBatches(new Tensor[] {x}, batchSize, verbose)[0];
    }

    private Tensor[] forwardBatches(Tensor[] x, int batchSize, int verbose) {
        checkInputs(layout, "x", x);
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, but is " + batchSize);
        }
        int samples = x[0].samples();
        List<NetworkLayout.Port> ports = layout.outputs();
        float[][] outputs = new float[ports.size()][];
        for (int o = 0; o < outputs.length; o++) {
            outputs[o] = new float[resultSize(samples, ports.get(o).size(), "x")];
        }
        batchSize = arena.fittingBatch(Math.min(batchSize, samples), Arena.Use.PREDICT);
        arena.reserve(batchSize, Arena.Use.PREDICT);
        int steps = samples == 0 ? 0 : (samples + batchSize - 1) / batchSize;
        // An empty x has no batches: no bar to draw.
        ProgressBar progress = ProgressBar.pass(System.out, steps == 0 ? 0 : verbose, steps, new String[0]);
        progress.startEpoch(1);
        for (int from = 0; from < samples; from += batchSize) {
            int batch = Math.min(batchSize, samples - from);
            for (int i = 0; i < x.length; i++) {
                arena.loadInputs(i, x[i].values(), null, from, batch);
            }
            infer(batch);
            for (int o = 0; o < outputs.length; o++) {
                arena.readOutputs(o, batch, outputs[o], from * ports.get(o).size());
            }
            progress.stepDone(from / batchSize + 1, null);
        }
        progress.endEpoch(null, null);
        Tensor[] tensors = new Tensor[outputs.length];
        for (int o = 0; o < outputs.length; o++) {
            tensors[o] = Tensor.of(outputs[o], outputShape(ports.get(o), samples));
        }
        return tensors;
    }

    /**
     * Checks one tensor of samples per input ({@code x} names it when the network has one input,
     * else its input's name): each of its input's shape, finite, indices in range where it feeds an
     * Embedding, and all of the same number of samples.
     */
    static void checkInputs(NetworkLayout layout, String xName, Tensor[] x) {
        List<NetworkLayout.Port> inputs = layout.inputs();
        if (x.length != inputs.size()) {
            throw new IllegalArgumentException(layout.name() + " takes " + inputs.size() + " inputs, but " + x.length
                    + " tensors were given");
        }
        for (int i = 0; i < x.length; i++) {
            NetworkLayout.Port input = inputs.get(i);
            String name = inputs.size() == 1 ? xName : input.name();
            Objects.requireNonNull(x[i], name);
            DataChecks.requireInputs(name, x[i], input);
            if (x[i].samples() != x[0].samples()) {
                throw new IllegalArgumentException(name + " has " + x[i].samples() + " samples, but "
                        + inputs.get(0).name() + " has " + x[0].samples());
            }
            DataChecks.requireFinite(name, x[i]);
            if (layout.inputIndexLimit(i) > 0) {
                DataChecks.requireIndices(name, x[i], input, layout.inputIndexLimit(i));
            }
        }
    }

    /**
     * The untyped fit, evaluate and predict take one input and one output; a network with more has
     * generated ones that take a tensor per input (and per output's targets), named in the message.
     */
    private void requireSinglePorts(String operation) {
        if (!layout.singlePorts()) {
            boolean predicting = operation.equals("predict");
            String method = predicting && layout.outputs().size() > 1 ? "predictOutputs" : operation;
            throw new IllegalArgumentException(layout.name() + " has " + layout.inputs().size() + " inputs and "
                    + layout.outputs().size() + " outputs: call the generated " + method + " that takes one tensor per"
                    + " input (" + names(layout.inputs()) + ")"
                    + (predicting ? "" : " and one of targets per output (" + names(layout.outputs()) + ")"));
        }
    }

    private static String names(List<NetworkLayout.Port> ports) {
        return ports.stream().map(NetworkLayout.Port::name).collect(Collectors.joining(", "));
    }

    /** Values of the outputs of {@code samples} samples, {@code outputSize} each: one Java array must hold them. */
    private static int resultSize(long samples, int outputSize, String source) {
        long values = samples * outputSize;
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the outputs of the %,d samples of %s, %,d values"
                    + " each, do not fit in one Java array (%,d values at most); predict part of them at a time",
                    samples, source, outputSize, Integer.MAX_VALUE - 8));
        }
        return (int) values;
    }

    /** (samples, output shape...). */
    private int[] outputShape(int samples) {
        return outputShape(layout.output(), samples);
    }

    private static int[] outputShape(NetworkLayout.Port output, int samples) {
        int[] outputShape = output.shape();
        int[] shape = new int[outputShape.length + 1];
        shape[0] = samples;
        System.arraycopy(outputShape, 0, shape, 1, outputShape.length);
        return shape;
    }

    /**
     * The outputs for the samples of a {@link Dataset}, read {@code batchSize} at a time on this
     * thread (its targets are read and ignored): a tensor of shape (samples, output shape...),
     * which must fit in one array. A read that fails is an {@link IOException} naming the file.
     */
    public Tensor predict(Dataset data, int batchSize) throws IOException {
        layout.requireSinglePorts("a Dataset");
        lock.lock();
        try {
            requireOpen();
            Objects.requireNonNull(data, "dataset");
            NetworkLayout.Port input = layout.input();
            if (data.inputWidth() != input.size()) {
                throw new IllegalArgumentException(data.source() + ": input '" + input.name() + "' takes " + input.size()
                        + " values per sample, but the dataset's samples hold " + data.inputWidth());
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, but is " + batchSize);
            }
            int outputSize = layout.output().size();
            float[] outputs = new float[resultSize(data.size(), outputSize, data.source())];
            int samples = (int) data.size();
            int size = arena.fittingBatch(Math.max(1, Math.min(batchSize, samples)), Arena.Use.PREDICT);
            long[] indices = new long[size];
            float[] inputs = new float[size * input.size()];
            float[] targets = new float[size * data.targetWidth()];
            arena.reserve(size, Arena.Use.PREDICT);
            for (int from = 0; from < samples; from += size) {
                int batch = Math.min(size, samples - from);
                for (int i = 0; i < batch; i++) {
                    indices[i] = from + i;
                }
                data.read(indices, batch, inputs, targets);
                StreamedBatches.checkInputs(data, indices, inputs, batch, input.size(), layout.inputIndexLimit());
                arena.loadInputs(0, inputs, null, 0, batch);
                infer(batch);
                arena.readOutputs(0, batch, outputs, from * outputSize);
            }
            return Tensor.of(outputs, outputShape(samples));
        } finally {
            lock.unlock();
        }
    }

    /** The outputs for samples given one per row, one flattened output per row. */
    public float[][] predict(float[][] x) {
        return rows(predict(Tensor.of(x)));
    }

    static float[][] rows(Tensor outputs) {
        float[][] rows = new float[outputs.samples()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = outputs.row(i);
        }
        return rows;
    }

    /**
     * A predictor for one thread (or a few taking turns), to predict on many threads at once: each
     * has its own activations and kernel scratch and reads this model's weights in place. Its
     * predictions equal {@link #predict}'s. On a GPU the predictors take turns on the model instead
     * (one device stream). Close it when done; closing the model closes its predictors.
     */
    public Predictor predictor() {
        layout.requireSinglePorts("a predictor");
        lock.lock();
        try {
            requireOpen();
            Model twin = twinOnForkedBackend();
            Predictor predictor = twin == null ? new Predictor(this, this, lock)
                    : new Predictor(this, twin, lock.newTurn());
            synchronized (predictors) {
                predictors.add(predictor);
            }
            return predictor;
        } finally {
            lock.unlock();
        }
    }

    /** Frees a predictor's memory when it closes, holding its turn, unless the model has done so already. */
    void forget(Predictor predictor, Turn turn) {
        lock.forget(turn);
        synchronized (predictors) {
            if (predictors.remove(predictor)) {
                predictor.release();
            }
        }
    }

    /** A twin on a backend forked from this model's, or null when the backend or the subclass makes none. */
    private Model twinOnForkedBackend() {
        Backend forked = backend.fork();
        if (forked == null) {
            return null;
        }
        Model twin = null;
        try {
            twin = twin(new Twin(this, forked));
            return twin;
        } finally {
            if (twin == null) {
                forked.close();
            }
        }
    }

    /**
     * Frees the model's memory, once the call in flight on another thread (and every prediction of
     * its predictors) is done; the model and its predictors are unusable afterwards. Closing twice
     * is harmless.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                    synchronized (predictors) {
                        predictors.forEach(Predictor::release);
                        predictors.clear();
                    }
                backend.close();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return layout.name() + " on " + backend.name();
    }

    // ---- the contract with generated code ----------------------------------------------------

    /** Forward pass over {@code batch} samples whose input is already in the activation arena. */
    protected abstract void forward(int batch, boolean training);

    /**
     * A prediction's forward pass over {@code batch} samples whose input is already in the
     * activation arena, laid out as the layout's inference arena: generated models reuse the
     * memory of tensors no later layer reads. By default, {@code forward} without training, for a
     * layout that declares no inference arena.
     */
    protected void infer(int batch) {
        forward(batch, false);
    }

    /**
     * Backward pass. The loss has written d(loss)/d(output) into {@link #activationGradients()} at
     * the output's gradient offset, or, when {@code outputGradientFused}, d(loss)/d(pre-activation)
     * at the output activation's input's (softmax + cross-entropy): then the output activation's
     * backward is skipped. The offsets are the layout's {@link NetworkLayout#gradientOutputOffset}
     * and {@link NetworkLayout#gradientPreActivationOffset}.
     */
    protected abstract void backward(int batch, boolean outputGradientFused);

    /**
     * Called by {@code backward} once the gradients of the trainable parameters from {@code offset}
     * to the end are final: a data-parallel step then starts summing them over the ranks while
     * backward goes on.
     */
    protected final void gradientsFinal(int offset) {
        if (finalGradients != null) {
            finalGradients.accept(offset);
        }
    }

    /** What {@link #gradientsFinal} tells during the steps that follow (a data-parallel fit's), or null for nothing. */
    final void onFinalGradients(IntConsumer listener) {
        finalGradients = listener;
    }

    /** All parameters: trainable first, then fixed ones. */
    protected final Memory parameters() {
        return parameters;
    }

    /** Gradients of the trainable parameters, same offsets. */
    protected final Memory gradients() {
        return gradients;
    }

    /** The activation arena: a tensor at per-sample offset o lives at {@code batch * o}. */
    protected final Memory activations() {
        return arena.activations();
    }

    /**
     * The activations' gradients, laid out as the layout's gradient arena ({@link
     * NetworkLayout#gradientSize()} values per sample, a tensor's gradient at per-sample offset o
     * at {@code batch * o}); the activation arena's twin, same offsets, for a layout without one.
     */
    protected final Memory activationGradients() {
        return arena.activationGradients();
    }

    /**
     * A new instance of the generated class made with {@link #Model(Twin)}: the same network,
     * reading this model's parameters, for a {@link Predictor}. Generated code returns
     * {@code new <Network>Model(twin)}; a subclass that makes no twin (null) has predictors that take
     * turns on the model itself.
     */
    protected Model twin(Twin twin) {
        return null;
    }

    /** What {@link #Model(Twin)} is made of: the model whose parameters it reads and the backend forked from its own. */
    protected static final class Twin {
        private final Model source;
        private final Backend backend;

        private Twin(Model source, Backend backend) {
            this.source = source;
            this.backend = backend;
        }
    }

    /** The current training step (forward and backward of one step see the same value). */
    protected final long step() {
        return step;
    }

    /** The dropout seed of the layer at {@code layerIndex} (declaration order), from the model's seed. */
    protected final long dropoutSeed(int layerIndex) {
        return Seeds.mix(seed, layerIndex);
    }

    /** A view of the dense layer {@code name}, with its {@code name.kernel} and (if any) {@code name.bias}. */
    protected final DenseLayer denseLayer(String name) {
        if (!parametersByName.containsKey(name + ".kernel")) {
            throw new IllegalArgumentException("layer '" + name + "' has no parameter '" + name + ".kernel'");
        }
        return new DenseLayerView(layerRow(name), weightsOf(name));
    }

    /** A view of the layer {@code name} and its weights ({@code name.*}), in layout order. */
    protected final WeightedLayer weightedLayer(String name) {
        return new WeightedLayerView(layerRow(name), weightsOf(name));
    }

    private List<Weights> weightsOf(String layer) {
        List<Weights> weights = new ArrayList<>();
        for (NetworkLayout.Parameter p : layout.parameters()) {
            if (p.name().startsWith(layer + ".")) {
                weights.add(new ParameterWeights(this, p));
            }
        }
        return weights;
    }

    /** A view of a layer without weights. */
    protected final Layer layer(String name) {
        return new LayerView(layerRow(name));
    }

    /** Predicts one sample given as its flattened values. */
    protected final float[] predictSample(float[] sample) {
        lock.lock();
        try {
            requireOpen();
                return forwardSample(sample);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #predictSample} in this model's arena, for a caller that holds the lock it needs. */
    float[] forwardSample(float[] sample) {
        NetworkLayout.Port input = layout.input();
        if (sample.length != input.size()) {
            throw new IllegalArgumentException("input '" + input.name() + "' takes " + input.size()
                    + " values (shape " + Summary.batchShape(input.shape()) + "), but the sample has " + sample.length);
        }
        DataChecks.requireFinite(input.name(), sample, sample.length);
        arena.reserve(1, Arena.Use.PREDICT);
        arena.loadInputs(0, sample, null, 0, 1);
        infer(1);
        float[] output = new float[layout.output().size()];
        arena.readOutputs(0, 1, output, 0);
        return output;
    }

    /**
     * Writes every weight, trainable and fixed, to a safetensors file (readable by PyTorch and the
     * Hugging Face tools), named as the layers name them ({@code hidden.kernel}). The file is
     * replaced atomically: a crash leaves the old file or the new one, never half of one. It keeps
     * its permissions, a symbolic link is written through to its target, and a directory or device
     * is never replaced ({@link SafeTensors#write}).
     */
    public void save(Path file) throws IOException {
        lock.lock();
        try {
            SafeTensors.write(file, weightEntries(), Map.of("format", "annonet", "network", layout.name()));
        } finally {
            lock.unlock();
        }
    }

    /** Every weight, named as {@link #save} names them, in layout order. */
    List<SafeTensors.Entry> weightEntries() {
        requireOpen();
        List<SafeTensors.Entry> entries = new ArrayList<>();
        for (NetworkLayout.Parameter p : layout.parameters()) {
            float[] values = new float[p.size()];
            readParameters(p.offset(), values, 0, values.length);
            entries.add(new SafeTensors.Entry(p.name(), p.shape(), values));
        }
        return entries;
    }

    /**
     * Reads the weights that {@link #save} wrote (or any safetensors file with the same names and
     * shapes in float32). Everything is checked before anything changes: a missing or extra
     * tensor, a shape that differs, or a fixed weight that differs from the declaration is an
     * error naming it, and the model keeps its weights.
     */
    public void load(Path file) throws IOException {
        lock.lock();
        try {
            requireOpen();
            SafeTensors.Contents contents = SafeTensors.read(file);
            restoreFitting(file, contents.entries());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads Keras's weights from an HDF5 file: one that {@code keras.applications} downloads
     * ({@code *_weights_tf_dim_ordering_tf_kernels.h5}) or {@code save_weights('x.h5')} writes, or a
     * whole model's {@code model.save('x.h5')} (its group {@code model_weights}). Layers match by
     * name, as Keras's {@code load_weights(by_name=True)}: the file's layers this network lacks are
     * ignored (a file of a larger network loads into a smaller one), and within a layer the weights go
     * in Keras's order (kernel, bias; gamma, beta, moving_mean, moving_variance), in Keras's layouts.
     * Unlike Keras, which would leave it as it is, a layer with weights that the file lacks is an
     * error. Everything is checked before anything changes: a missing layer, a weight count or shape
     * that differs (the message names the layer, the weight, both shapes) is an
     * IllegalArgumentException listing them all; a file that is not HDF5, is truncated or is not in
     * Keras's layout an IOException naming it; either way the model keeps its weights.
     */
    public void loadKerasWeights(Path file) throws IOException {
        lock.lock();
        try {
            requireOpen();
            restoreFitting(file, KerasWeights.read(file, layout));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a training checkpoint: the weights, the optimizer's state, its learning rate, the
     * epoch and the random streams' positions, in one safetensors file (its header's metadata says
     * which network and optimizer), replaced atomically. {@link Fit#resumeFrom} goes on from it,
     * in this process or another, bit for bit as if training had never stopped. Needs a compile.
     */
    public void saveCheckpoint(Path file) throws IOException {
        lock.lock();
        try {
            Checkpoint.save(this, compiled("saveCheckpoint"), file);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts back what {@link #saveCheckpoint} wrote, into this model compiled with the same optimizer,
     * and returns the checkpoint's epoch (for {@link Fit#initialEpoch}; {@link Fit#resumeFrom} does
     * both). The model takes the checkpoint's seed for dropout and shuffling. Everything is checked
     * first: a file from another network or optimizer changes nothing, and the message says why.
     */
    public int loadCheckpoint(Path file) throws IOException {
        lock.lock();
        try {
            return Checkpoint.load(this, compiled("loadCheckpoint"), file);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A copy of every weight as it is now, which {@link #restoreWeights(WeightSnapshot)} puts back
     * (Keras's {@code get_weights}; EarlyStopping keeps the best epoch's this way).
     */
    public WeightSnapshot copyWeights() {
        float[] values = new float[layout.parameterSize()];
        readParameters(0, values, 0, values.length);
        return new WeightSnapshot(layout.name(), values);
    }

    /** Puts back weights that {@link #copyWeights()} copied from this network. */
    public void restoreWeights(WeightSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (!snapshot.network().equals(layout.name()) || snapshot.values().length != layout.parameterSize()) {
            throw new IllegalArgumentException("these weights were copied from " + snapshot.network() + ", not "
                    + layout.name());
        }
        writeParameters(snapshot.values(), 0);
    }

    /** What keeps {@code entries} (by name) from being this network's weights; empty when they are. */
    List<String> weightProblems(Map<String, SafeTensors.Entry> entries) {
        List<String> problems = new ArrayList<>();
        for (NetworkLayout.Parameter p : layout.parameters()) {
            SafeTensors.Entry entry = entries.get(p.name());
            if (entry == null) {
                problems.add("'" + p.name() + "' is missing");
            } else if (!Arrays.equals(entry.shape(), p.shape())) {
                problems.add("'" + p.name() + "' has shape " + Arrays.toString(entry.shape())
                        + " in the file but " + Arrays.toString(p.shape()) + " in " + layout.name());
            } else if (p.fixed() && !Arrays.equals(entry.values(), p.fixedValues())) {
                problems.add("'" + p.name() + "' is fixed in the declaration and the file holds other values");
            }
        }
        for (String name : entries.keySet()) {
            if (!parametersByName.containsKey(name)) {
                problems.add("'" + name + "' is not a weight of " + layout.name());
            }
        }
        return problems;
    }

    /** Writes the weights of {@code entries} read from {@code file}, or throws listing what keeps them from fitting. */
    private void restoreFitting(Path file, Map<String, SafeTensors.Entry> entries) {
        List<String> problems = weightProblems(entries);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " does not fit " + layout.name() + ": " + String.join("; ", problems));
        }
        restoreWeights(entries);
    }

    /** Writes the weights of {@code entries}, which {@link #weightProblems} found fit. */
    void restoreWeights(Map<String, SafeTensors.Entry> entries) {
        for (NetworkLayout.Parameter p : layout.parameters()) {
            if (!p.fixed()) {
                writeParameters(entries.get(p.name()).values(), p.offset());
            }
        }
    }

    long seed() {
        return seed;
    }

    /** The seed of the epoch shuffle's streams. */
    long shuffleSeed() {
        return Seeds.mix(seed, Seeds.SHUFFLE_STREAM);
    }

    /** Goes on from a checkpoint's random streams: its seed (dropout, shuffle) and step (dropout). */
    void resumeAt(long seed, long step) {
        this.seed = seed;
        this.step = step;
    }

    // ---- for the runtime's own classes -------------------------------------------------------

    NetworkLayout layout() {
        return layout;
    }

    /** The trainer of the last compile, or null. */
    Trainer trainer() {
        return trainer;
    }

    Arena arena() {
        return arena;
    }

    /** Called once a step's backward pass is done. */
    void advanceStep() {
        step++;
    }

    /** Copies the parameters aside, as they are when an epoch begins. */
    void keepFiniteWeights() {
        if (finiteWeights == null) {
            ResourceExhaustedException.requireRoom(backend, layout.parameterSize(), layout.parameterSize(),
                    "a copy of " + layout.name() + "'s parameters, which fit restores when a loss is not finite");
            finiteWeights = backend.allocate(layout.parameterSize());
        }
        backend.copy(parameters, 0, finiteWeights, 0, layout.parameterSize());
    }

    /** Puts back the parameters {@link #keepFiniteWeights} copied aside. */
    void restoreFiniteWeights() {
        backend.copy(finiteWeights, 0, parameters, 0, layout.parameterSize());
    }

    /** Whether every parameter is a finite number (reads them all back: for failures, not for steps). */
    boolean weightsFinite() {
        float[] values = new float[layout.parameterSize()];
        readParameters(0, values, 0, values.length);
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    void readParameters(int offset, float[] into, int intoOffset, int count) {
        lock.lock();
        try {
            requireOpen();
            backend.download(parameters, offset, into, intoOffset, count);
        } finally {
            lock.unlock();
        }
    }

    void writeParameters(float[] values, int offset) {
        lock.lock();
        try {
            requireOpen();
            backend.upload(values, 0, parameters, offset, values.length);
        } finally {
            lock.unlock();
        }
    }

    private Trainer compiled(String operation) {
        requireOpen();
        if (trainer == null) {
            throw new IllegalStateException("call compile(...) before " + operation);
        }
        return trainer;
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("model '" + layout.name() + "' is closed");
        }
    }

    private NetworkLayout.LayerRow layerRow(String name) {
        NetworkLayout.LayerRow row = layersByName.get(name);
        if (row == null) {
            throw new IllegalArgumentException("no layer '" + name + "' in " + layout.name()
                    + "; its layers are " + layersByName.keySet());
        }
        return row;
    }

    /** {@code buffers} zeroed optimizer state buffers, reusing those of an earlier compile. */
    Memory[] freshOptimizerState(int buffers) {
        if (optimizerState.length < buffers) {
            ResourceExhaustedException.requireRoom(backend, (long) (buffers - optimizerState.length) * layout.trainableSize(),
                    layout.trainableSize(), "the optimizer's state of " + layout.name() + " (" + buffers + " values per trainable"
                            + " parameter)");
            Memory[] grown = Arrays.copyOf(optimizerState, buffers);
            for (int i = optimizerState.length; i < buffers; i++) {
                grown[i] = backend.allocate(layout.trainableSize());
            }
            optimizerState = grown;
        }
        for (Memory buffer : optimizerState) {
            backend.fill(buffer, 0, layout.trainableSize(), 0f);
        }
        return optimizerState;
    }
}
