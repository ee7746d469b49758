package dev.annonet.runtime;

import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.DeviceReduction;
import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.StepReplay;
import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.callbacks.TerminateOnNaN;
import dev.annonet.runtime.callbacks.Training;
import dev.annonet.runtime.data.Dataset;
import dev.annonet.runtime.distributed.Communicator;
import dev.annonet.runtime.distributed.DeviceCommunicator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A compiled model's training: the loss, metrics and optimizer bound to its memory, Keras's fit
 * and evaluate loops, and the training step, which allocates nothing on the Java heap.
 */
final class Trainer {
    private final Model model;
    private final Arena arena;
    private final Backend backend;
    private final Optimizer optimizer;
    private final Memory[] optimizerState;
    /** Each output's loss, weight and places; one for most networks. */
    private final OutputHead[] heads;
    /** The first output's loss kind, columns, rows and target width: all that sample and class weights, streamed data and the confusion matrix (one output) read. */
    private final LossKind loss;
    private final int columns;
    private final int rowsPerSample;
    private final int targetWidth;
    /**
     * Whether every output's loss works on its activation's input and skips that activation's
     * backward; the schedule has one switch for all outputs, so one output that cannot fuse turns it off.
     */
    private final boolean fused;
    /** {@code loss}, then with several outputs {@code <output>_loss} for each, then the metrics. */
    private final String[] names;
    /** The number of losses among {@link #names}: 1, or 1 + the outputs. */
    private final int lossCount;
    private final MetricCounts[] metrics;
    /** The output each metric counts. */
    private final int[] metricHeads;
    /** Where each metric's counts start in {@link #stepCounts}, and (last) their total. */
    private final int[] countOffsets;
    /** Each metric's first result in a recorded step (each output's loss is a result, in order, before them). */
    private final int[] firstResults;
    /** The results a recorded step computes: its losses and its metrics' counts. */
    private final int stepResults;
    private final int trainableSize;
    private long shuffleSeed;
    /** The backend's step recorder, or null when it runs every kernel call as it comes. */
    private final StepReplay replay;
    /** What a recording runs: the step on {@code recordedBatch} samples (a field, so no lambda per step). */
    private final Runnable recordStep = () -> runStep(this.recordedBatch);
    private final long[] stepCounts;
    /** Each output's loss sum of the step, unweighted. */
    private final double[] stepLosses;
    /** Host copies of a batch's outputs and targets, for the confusion matrix; grown as needed. */
    private float[] outputs;
    private float[] targets;
    private int recordedBatch;
    /** Whether the steps weigh the loss's rows: during a fit with sample or class weights. */
    private boolean weighted;
    /** Rows of the replayed step whose results are still to be collected, or -1. */
    private int pendingRows = -1;
    private double stepLoss;
    private long updates;
    /** The rate the optimizer's next update uses: its own until a callback changes it. */
    private float learningRate;
    /** Epochs shuffled since compile: each epoch's order comes from its own stream, so a checkpoint need keep only this. */
    private long shuffles;
    /** The number of the last epoch done, as fit numbers them (a checkpoint's epoch). */
    private int epochsDone;
    /** Where fit is, for the message when a loss is not finite; {@code fitRun} is null outside fit. */
    private Run fitRun;
    /** Whether a loss that is not finite ends fit quietly ({@link TerminateOnNaN}) instead of throwing. */
    private boolean terminateOnNaN;
    private int epochNumber;
    private int batchNumber;
    private int pendingBatchNumber;
    /** The rows the step's loss gradient is averaged over: the batch's, or a data-parallel global batch's. */
    private int gradientRows;
    /** This rank's part of a data-parallel fit, or null. */
    private DataParallel parallel;

    /**
     * Checks the configuration before it changes anything ({@code compile} is atomic: a bad metric
     * leaves the model's optimizer state and recordings as they were), then takes fresh optimizer
     * state from the model.
     */
    Trainer(Model model, Arena arena, Optimizer optimizer, Loss[] losses, float[] lossWeights, Metric[][] metrics,
            long shuffleSeed) {
        NetworkLayout layout = model.layout();
        this.model = model;
        this.arena = arena;
        this.backend = model.backend;
        this.optimizer = optimizer;
        this.heads = new OutputHead[losses.length];
        int targetOffset = 0;
        for (int o = 0; o < heads.length; o++) {
            heads[o] = new OutputHead(layout, o, losses[o], lossWeights[o], targetOffset);
            targetOffset += heads[o].targetWidth;
        }
        this.loss = heads[0].kind;
        this.columns = heads[0].columns;
        this.rowsPerSample = heads[0].rowsPerSample;
        this.targetWidth = heads[0].targetWidth;
        this.fused = Arrays.stream(heads).allMatch(head -> head.fusable);
        this.stepLosses = new double[heads.length];
        this.trainableSize = layout.trainableSize();
        this.shuffleSeed = shuffleSeed;
        this.learningRate = optimizer.learningRate();
        boolean several = heads.length > 1;
        List<String> named = new ArrayList<>(List.of("loss"));
        if (several) {
            Arrays.stream(heads).forEach(head -> named.add(head.name + "_loss"));
        }
        this.lossCount = named.size();
        List<MetricCounts> bound = new ArrayList<>();
        List<Integer> boundHeads = new ArrayList<>();
        List<Integer> firsts = new ArrayList<>();
        int results = heads.length;
        for (int o = 0; o < heads.length; o++) {
            for (Metric given : metrics[o]) {
                Metric metric = Objects.requireNonNull(given, "metric");
                String name = several ? heads[o].name + "_" + metric.name() : metric.name();
                if (named.contains(name)) {
                    throw new IllegalArgumentException("metric '" + name + "' is given twice (Metric.named gives"
                            + " one of them another name)");
                }
                named.add(name);
                MetricCounts counts = metric.bind(losses[o], heads[o].columns);
                bound.add(counts);
                boundHeads.add(o);
                firsts.add(results);
                results += counts.results();
            }
        }
        this.names = named.toArray(String[]::new);
        this.metrics = bound.toArray(MetricCounts[]::new);
        this.metricHeads = boundHeads.stream().mapToInt(Integer::intValue).toArray();
        this.firstResults = firsts.stream().mapToInt(Integer::intValue).toArray();
        this.stepResults = results;
        if (results > StepReplay.MAX_RESULTS) {
            throw new IllegalArgumentException("the metrics " + (several ? Arrays.deepToString(metrics)
                    : Arrays.toString(metrics[0])) + " count "
                    + (results - heads.length) + " values a step, more than the " + (StepReplay.MAX_RESULTS - heads.length)
                    + " a step may (an AUC counts two a threshold)");
        }
        this.countOffsets = MetricCounts.offsets(this.metrics);
        this.stepCounts = new long[countOffsets[this.metrics.length]];
        this.optimizerState = model.freshOptimizerState(optimizer.stateBuffers());
        this.replay = backend.stepReplay();
        if (replay != null) {
            replay.startOver(); // recordings ran the previous compile's loss and optimizer
        }
    }

    /**
     * Whether the steps that follow weigh the loss's rows by the arena's weights. Steps recorded
     * with the other setting are dropped: a recording fixes the loss kernel's arguments.
     */
    private void useWeights(boolean weights) {
        if (weights != weighted && replay != null) {
            replay.startOver();
        }
        weighted = weights;
    }

    /** Fit on tensors: one per input ({@code x}) and one of targets per output ({@code y}). */
    History fit(Tensor[] x, Tensor[] y, Fit options) {
        checkData("x", x, "y", y);
        int samples = x[0].samples();
        if (heads.length > 1 && (options.sampleWeight() != null || options.classWeight() != null)) {
            throw new IllegalArgumentException("sampleWeight and classWeight weigh the loss of a network with one output;"
                    + " " + model.name() + " has " + heads.length + ": weigh its outputs' losses at compile");
        }
        float[] weights = lossWeights(options, y[0], samples);
        int trained = samples - heldOut(options, samples);
        BatchSource validation = options.hasValidationData() ? checkedValidationData(options)
                : trained < samples ? hostBatches(x, y, options.sampleWeight() != null ? weights : null, trained, samples - trained)
                : null;
        ResidentData resident = model.layout().singlePorts()
                ? ResidentData.of(backend, x[0], y[0], targetWidth, weights, trained) : null;
        try (BatchSource training = resident != null ? resident : hostBatches(x, y, weights, 0, trained)) {
            return fit(training, validation, options);
        }
    }

    private HostBatches hostBatches(Tensor[] x, Tensor[] y, float[] weights, int first, int count) {
        int[] widths = Arrays.stream(heads).mapToInt(head -> head.targetWidth).toArray();
        int[] offsets = Arrays.stream(heads).mapToInt(head -> head.targetOffset).toArray();
        return new HostBatches(x, y, widths, offsets, weights, first, count);
    }

    /**
     * Trains on a dataset read a batch ahead on a background thread (see {@link StreamedBatches});
     * the held-out part of a validation split is read likewise at the end of each epoch.
     */
    History fit(Dataset data, Fit options) {
        Objects.requireNonNull(data, "dataset");
        model.layout().requireSinglePorts("a Dataset");
        if (options.dataParallel() != null) {
            throw new IllegalArgumentException("data-parallel fit takes tensors, fit(x, y, options): a Dataset is read"
                    + " a whole batch ahead, not a rank's slice of it");
        }
        if (options.sampleWeight() != null) {
            throw new IllegalArgumentException("sampleWeight weighs the samples of fit(x, y, options); "
                    + "a Dataset's samples can be weighed by class (classWeight)");
        }
        int samples = datasetSamples(data);
        double[] classWeights = classWeights(options);
        int trained = samples - heldOut(options, samples);
        BatchSource checkedValidation = options.hasValidationData() ? checkedValidationData(options) : null;
        try (StreamedBatches training = streamed(data, 0, trained, options.batchSize(), classWeights);
             BatchSource validation = checkedValidation != null ? checkedValidation
                     : trained < samples ? streamed(data, trained, samples - trained, options.batchSize(), null) : null) {
            return fit(training, validation, options);
        }
    }

    /** The loss and metrics over a dataset, read a batch ahead. */
    Evaluation evaluate(Dataset data, int batchSize) {
        model.layout().requireSinglePorts("a Dataset");
        int samples = datasetSamples(Objects.requireNonNull(data, "dataset"));
        int size = arena.fittingBatch(Math.min(batchSize, samples), Arena.Use.EVALUATE);
        try (StreamedBatches source = streamed(data, 0, samples, size, null)) {
            return evaluation(source, size, 0);
        }
    }

    private StreamedBatches streamed(Dataset data, long first, int count, int batchSize, double[] classWeights) {
        boolean sparse = loss == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY;
        NetworkLayout layout = model.layout();
        return new StreamedBatches(data, first, count, batchSize, new StreamedBatches.Format(layout.input().size(),
                layout.inputIndexLimit(), targetWidth, sparse, columns), classWeights);
    }

    /** A dataset's sample count, which fit's per-epoch order of samples (an int[]) must be able to hold. */
    private static int datasetSamples(Dataset data) {
        long size = data.size();
        if (size <= 0) {
            throw new IllegalArgumentException(data.source() + " holds no samples; at least one is needed");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(data.source() + " holds " + size + " samples; fit visits at most "
                    + (Integer.MAX_VALUE - 8) + " (one array holds an epoch's order)");
        }
        return (int) size;
    }

    private BatchSource checkedValidationData(Fit options) {
        Tensor[] x = options.validationInputs();
        Tensor[] y = options.validationTargets();
        checkData("validation x", x, "validation y", y);
        return hostBatches(x, y, null, 0, x[0].samples());
    }


    /**
     * The samples a validation split holds out of {@code samples}: those after the first
     * {@code floor(samples · (1 - fraction))}, as Keras splits; 0 without a split or when
     * validation data are given. Both parts must hold a sample.
     */
    private static int heldOut(Fit options, int samples) {
        double fraction = options.validationSplit();
        if (fraction == 0 || options.hasValidationData()) {
            return 0;
        }
        int trained = (int) Math.floor(samples * (1 - fraction));
        if (trained == 0 || trained == samples) {
            throw new IllegalArgumentException("validationSplit " + fraction + " of " + samples + " samples leaves "
                    + (trained == 0 ? "none to train on" : "none to validate on"));
        }
        return samples - trained;
    }

    /**
     * The loss weight of each output row of each sample of {@code y} (a sample's weight repeated
     * over its rows), from the options' sample or class weights; null when there are none.
     */
    private float[] lossWeights(Fit options, Tensor y, int samples) {
        Tensor sampleWeight = options.sampleWeight();
        double[] classWeights = classWeights(options);
        if (sampleWeight != null) {
            if (sampleWeight.samples() != samples) {
                throw new IllegalArgumentException("sampleWeight has " + sampleWeight.samples() + " weights, but x has "
                        + samples + " samples");
            }
            float[] perSample = sampleWeight.values();
            float[] weights = new float[Math.multiplyExact(samples, rowsPerSample)];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = perSample[i / rowsPerSample];
            }
            return weights;
        }
        if (classWeights == null) {
            return null;
        }
        float[] weights = new float[samples];
        float[] targets = y.values();
        for (int i = 0; i < samples; i++) {
            int label = targetClass(targets, i * targetWidth, targetWidth);
            weights[i] = label >= 0 && label < classWeights.length ? (float) classWeights[label] : 1f;
        }
        return weights;
    }

    /** A target's class as Keras finds it for class weights: the index of its largest value, or its value rounded. */
    private static int targetClass(float[] targets, int offset, int width) {
        if (width == 1) {
            return Math.round(targets[offset]);
        }
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (targets[offset + c] > targets[offset + best]) {
                best = c;
            }
        }
        return best;
    }

    /** The options' class weights indexed by class (1 where the map has none), or null. */
    private double[] classWeights(Fit options) {
        Map<Integer, Double> classWeight = options.classWeight();
        if (classWeight == null) {
            return null;
        }
        if (options.sampleWeight() != null) {
            throw new IllegalArgumentException("give classWeight or sampleWeight, not both (as Keras)");
        }
        if (rowsPerSample != 1) {
            throw new IllegalArgumentException("classWeight needs one target per sample, but the output has "
                    + rowsPerSample + " rows per sample; weigh samples with sampleWeight");
        }
        int size = classWeight.isEmpty() ? 0 : Collections.max(classWeight.keySet()) + 1;
        double[] weights = new double[size];
        Arrays.fill(weights, 1);
        classWeight.forEach((label, weight) -> weights[label] = weight);
        return weights;
    }

    private History fit(BatchSource source, BatchSource validationSource, Fit options) {
        boolean validating = validationSource != null;
        int samples = source.samples();
        int batchSize = Math.min(options.batchSize(), samples);
        int steps = (samples + batchSize - 1) / batchSize;
        int[] order = options.shuffle() ? new int[samples] : null;
        DataParallel parallel = options.dataParallel() == null ? null : dataParallel(options.dataParallel());
        Tally training = newTally();
        Tally validation = newTally();
        List<String> historyNames = historyNames(validating);
        History history = new History(historyNames);
        Callback[] callbacks = options.callbacks();
        int initialEpoch = options.initialEpoch();
        if (options.resumeFrom() != null) {
            try {
                initialEpoch = Checkpoint.load(model, this, options.resumeFrom());
            } catch (IOException e) {
                throw new UncheckedIOException("resuming from " + options.resumeFrom() + ": " + e.getMessage(), e);
            }
        }
        Run run = new Run(options.epochs(), steps, history);
        LogValues batchLogs = new LogValues(Arrays.asList(names));
        LogValues epochLogs = new LogValues(historyNames);
        ProgressBar progress = new ProgressBar(options.output(), options.verbose(), options.epochs(), steps, names, System::nanoTime,
                ProgressBar.isInteractive(options.output()));
        int stepBatch = parallel == null ? batchSize : parallel.sliceSize(batchSize, 0);
        arena.reserve(stepBatch, Arena.Use.TRAIN);
        collectPending(training); // left by an earlier fit that failed mid-epoch: dropped with the reset
        if (parallel != null) {
            parallel.start(backend, model.parameters(), new double[] {(int) model.seed(),
                    (int) (model.seed() >>> 32), model.step(), updates, shuffles, learningRate, samples, batchSize,
                    trainableSize});
        }
        this.parallel = parallel;
        if (parallel != null && replay != null) {
            replay.startOver(); // steps recorded without the all-reduces
            if (parallel.sumsDuringBackward()) {
                model.onFinalGradients(offset -> parallel.gradientsFinal(model.gradients(), offset));
            }
        }
        fitRun = run;
        terminateOnNaN = Arrays.stream(callbacks).anyMatch(TerminateOnNaN.class::isInstance);
        useWeights(source.weighted());
        try {
            for (Callback callback : callbacks) {
                callback.onTrainBegin(run);
            }
            for (int epoch = initialEpoch + 1; epoch <= options.epochs() && !run.stopping(); epoch++) {
                if (order != null) {
                    shuffle(order);
                }
                source.startEpoch(order);
                epochNumber = epoch;
                model.keepFiniteWeights();
                for (Callback callback : callbacks) {
                    callback.onEpochBegin(run, epoch);
                }
                progress.startEpoch(epoch);
                training.reset();
                long start = System.nanoTime();
                for (int step = 0; step < steps && !run.stopping(); step++) {
                    int from = step * batchSize;
                    int batch = Math.min(batchSize, samples - from);
                    batchNumber = step + 1;
                    // Back to training's layout after a validation or a callback's prediction: allocates nothing.
                    arena.reserve(stepBatch, Arena.Use.TRAIN);
                    if (parallel == null) {
                        source.load(arena, from, batch);
                        trainLoadedBatch(batch, batch * rowsPerSample, training);
                    } else {
                        trainSlice(source, from, batch, training);
                    }
                    progress.stepDone(step + 1, training);
                    for (Callback callback : callbacks) {
                        callback.onBatchEnd(run, epoch, step + 1, batchLogs.set(0, training));
                    }
                }
                collectPending(training);
                history.recordEpochSeconds((System.nanoTime() - start) * 1e-9);
                record(history, "", training);
                epochLogs.set(0, training);
                if (validating) {
                    evaluate(validationSource, options.batchSize(), validation, null, null);
                    record(history, "val_", validation);
                    epochLogs.set(names.length, validation);
                }
                progress.endEpoch(training, validating ? validation : null);
                epochsDone = epoch;
                for (Callback callback : callbacks) {
                    callback.onEpochEnd(run, epoch, epochLogs);
                }
            }
            for (Callback callback : callbacks) {
                callback.onTrainEnd(run);
            }
        } finally {
            fitRun = null;
            useWeights(false);
            if (parallel != null) {
                this.parallel = null;
                backend.dropoutSlice(0, 0);
                if (replay != null) { // the recorded steps hold this fit's all-reduces and dropout slices
                    replay.startOver();
                    pendingRows = -1;
                    model.onFinalGradients(null);
                }
                parallel.close();
            }
        }
        return history;
    }

    /**
     * This rank's part of a data-parallel fit, after checking that this configuration can run it:
     * gradients summed in place on the device where the backend and communicator can (a recorded
     * step needs that: its all-reduces are recorded with it), else through the host.
     */
    private DataParallel dataParallel(Communicator communicator) {
        model.layout().requireSinglePorts("data-parallel fit");
        DataParallel.requireSupported(model.layout());
        DeviceReduction onDevice = communicator instanceof DeviceCommunicator device ? backend.deviceReduction(device) : null;
        if (replay != null && onDevice == null) {
            throw new IllegalArgumentException("data-parallel fit on " + backend.name() + " records its steps, all-reduces"
                    + " included, so it needs a communicator that sums this backend's memory in place (an"
                    + " NcclCommunicator on the model's GPU; an InProcessGroup on the CUDA host executor), not "
                    + communicator + "; or a device without step graphs, whose gradients go through the host");
        }
        return new DataParallel(communicator, model.layout(), stepCounts.length, onDevice);
    }

    /**
     * A data-parallel step: this rank's slice of global batch {@code from .. from + batch} (possibly
     * empty), its dropout drawn as the global batch's, the loss averaged over the global batch.
     */
    private void trainSlice(BatchSource source, int from, int batch, Tally tally) {
        int start = parallel.sliceStart(batch);
        int size = parallel.sliceSize(batch, parallel.rank());
        if (size > 0) {
            source.load(arena, from + start, size);
            backend.dropoutSlice(start, size);
        }
        trainLoadedBatch(size, batch * rowsPerSample, tally);
    }

    /** One {@code fit} as its callbacks see it. */
    private final class Run implements Training {
        private final int epochs;
        private final int steps;
        private final History history;
        private boolean stopping;

        Run(int epochs, int steps, History history) {
            this.epochs = epochs;
            this.steps = steps;
            this.history = history;
        }

        @Override
        public Model model() {
            return model;
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public int stepsPerEpoch() {
            return steps;
        }

        @Override
        public History history() {
            return history;
        }

        @Override
        public void stop() {
            stopping = true;
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public float learningRate() {
            return learningRate;
        }

        @Override
        public void learningRate(float rate) {
            setLearningRate(rate);
        }
    }

    /** Keras's evaluate: the loss, the metrics and the confusion matrix, with a progress bar at verbose 1 or 2. */
    Evaluation evaluate(Tensor[] x, Tensor[] y, int batchSize, int verbose) {
        checkData("x", x, "y", y);
        int size = arena.fittingBatch(Math.min(batchSize, x[0].samples()), Arena.Use.EVALUATE);
        return evaluation(hostBatches(x, y, null, 0, x[0].samples()), Math.max(size, 1), verbose);
    }

    private Evaluation evaluation(BatchSource source, int batchSize, int verbose) {
        Tally tally = newTally();
        int classes = ConfusionMatrix.classesOf(Metrics.accuracy().accuracyFor(loss, columns), columns);
        ConfusionMatrix confusion = heads.length == 1 && classes <= ConfusionMatrix.MAX_CLASSES
                ? new ConfusionMatrix(classes) : null;
        ProgressBar progress = ProgressBar.pass(System.out, verbose, steps(source.samples(), batchSize), names);
        progress.startEpoch(1);
        evaluate(source, batchSize, tally, confusion, progress);
        progress.endEpoch(tally, null);
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            values.put(names[i], tally.value(i));
        }
        return new Evaluation(values, confusion);
    }

    /** The outputs and targets of the batch in the arena read back and counted. */
    private void countConfusion(ConfusionMatrix confusion, int batch) {
        AccuracyKind kind = Metrics.accuracy().accuracyFor(loss, columns);
        int outputSize = rowsPerSample * columns;
        if (outputs == null || outputs.length < batch * outputSize) {
            outputs = new float[batch * outputSize];
            targets = new float[batch * targetWidth];
        }
        arena.readOutputs(0, batch, outputs, 0);
        backend.download(arena.targets(), 0, targets, 0, batch * targetWidth);
        confusion.add(kind, batch * rowsPerSample, columns, outputs, targets, 0);
    }

    private static int steps(int samples, int batchSize) {
        int size = Math.min(batchSize, samples);
        return (samples + size - 1) / size;
    }

    /** Running sums for this configuration's loss and metrics. */
    Tally newTally() {
        return new Tally(lossCount, metrics);
    }

    /**
     * One training step on samples {@code order[from .. from + batch)} ({@code from ..} in order
     * when {@code order} is null): forward with dropout, loss, backward, optimizer update. The
     * arena must already hold room for {@code batch} samples. A backend that replays steps (CUDA
     * graphs) records the step once per batch size and replays it.
     */
    void trainBatch(Tensor x, Tensor y, int[] order, int from, int batch, Tally tally) {
        arena.loadInputs(0, x.values(), order, from, batch);
        arena.loadTargets(y.values(), targetWidth, 0, order, from, batch);
        trainLoadedBatch(batch, batch * rowsPerSample, tally);
    }

    /**
     * The step on the batch already in the arena. A replayed step's results reach the tally one
     * step late: they are collected after the next step is enqueued, so the GPU never waits for the
     * host between steps; {@link #collectPending} takes the last ones at the end of an epoch. A
     * loss that is not finite stops training ({@link #requireFiniteLoss}). The loss is averaged over
     * {@code rows} rows: the batch's own, or (data-parallel) the global batch's, whose loss and
     * metrics the tally then receives.
     */
    private void trainLoadedBatch(int batch, int rows, Tally tally) {
        gradientRows = rows;
        updates++;
        if (replay == null) {
            runStep(batch);
            addStep(tally, rows);
            requireFiniteLoss(batchNumber);
        } else {
            recordedBatch = batch;
            // keyed by the global batch, which fixes a data-parallel rank's slice: its size and where its dropout mask starts
            replay.replay(rows / rowsPerSample, model.step(), updates, learningRate, recordStep);
            if (collectPending(tally)) { // else the step just enqueued was dropped with the failed one
                pendingRows = rows;
                pendingBatchNumber = batchNumber;
            }
        }
        model.advanceStep();
    }

    /**
     * Ends {@code fit} when batch {@code batchNumber}'s loss is NaN or infinite. The weights that
     * gave it are suspect, and the update after it spoiled them and the optimizer's state, so the
     * weights go back to those of the epoch's start, the last that led to finite losses, and the
     * optimizer's state starts afresh. (A replayed step's loss arrives a step late, after the next
     * update: the same rule covers it.) With {@link TerminateOnNaN} among the callbacks, training
     * stops after this batch instead, and false is returned.
     */
    private boolean requireFiniteLoss(int batchNumber) {
        if (fitRun == null || Double.isFinite(stepLoss)) {
            return true;
        }
        if (replay != null) {
            replay.startOver(); // the step enqueued after this one is dropped with its results
        }
        model.restoreFiniteWeights();
        for (Memory buffer : optimizerState) {
            backend.fill(buffer, 0, trainableSize, 0f);
        }
        if (terminateOnNaN) {
            fitRun.stop();
            return false;
        }
        String kept = model.weightsFinite()
                ? "the weights it had when epoch " + epochNumber + " began (the optimizer's state starts afresh)"
                : "no finite weights: an update whose loss was finite had already made them overflow before epoch " + epochNumber;
        throw new LossNotFiniteException(model.name() + ": the loss became " + stepLoss + " at epoch " + epochNumber
                + ", batch " + batchNumber + "; training stopped, and the model keeps " + kept
                + ". A smaller learning rate, or inputs scaled to small values, usually prevent this.",
                epochNumber, batchNumber, fitRun.history());
    }

    /**
     * Adds the results of the replayed step not yet collected, if there is one, to {@code tally};
     * false when its loss was not finite and training stops ({@link #requireFiniteLoss}).
     */
    boolean collectPending(Tally tally) {
        if (pendingRows < 0) {
            return true;
        }
        replay.collect();
        int batch = pendingRows / rowsPerSample;
        for (int o = 0; o < heads.length; o++) {
            stepLosses[o] = replay.result(o);
        }
        stepLoss = totalLoss();
        for (int m = 0; m < metrics.length; m++) {
            metrics[m].collect(replay, firstResults[m], batch * heads[metricHeads[m]].rowsPerSample, stepCounts, countOffsets[m]);
        }
        addStep(tally, pendingRows);
        pendingRows = -1;
        return requireFiniteLoss(pendingBatchNumber);
    }

    /** Adds the step's losses and counts; {@code rows} are the first output's. */
    private void addStep(Tally tally, int rows) {
        addLosses(tally, stepLoss, rows);
        tally.addCounts(stepCounts);
    }

    /**
     * The total loss is {@code loss}'s sum over {@code rows} rows of the only output; with several
     * outputs it is Keras's sum of each output's mean loss times its weight, summed over the
     * batch's samples, and each output's own loss follows it.
     */
    private void addLosses(Tally tally, double loss, int rows) {
        if (heads.length == 1) {
            tally.addLoss(0, loss, rows);
            return;
        }
        int batch = rows / rowsPerSample;
        tally.addLoss(0, loss, batch);
        for (int o = 0; o < heads.length; o++) {
            tally.addLoss(1 + o, stepLosses[o], batch * heads[o].rowsPerSample);
        }
    }

    /**
     * The step's total from {@link #stepLosses}: the only output's sum over its rows times its
     * weight; with several, the sum over the batch's samples of each output's loss per sample
     * times its weight.
     */
    private double totalLoss() {
        if (heads.length == 1) {
            return heads[0].weight * stepLosses[0];
        }
        double total = 0;
        for (int o = 0; o < heads.length; o++) {
            total += heads[o].weight * stepLosses[o] / heads[o].rowsPerSample;
        }
        return total;
    }

    /**
     * The kernels of one step, on the batch in the arena: its loss goes to {@code stepLoss} and its
     * metrics' counts to {@code stepCounts} (while a step records, the backend keeps them instead).
     */
    private void runStep(int batch) {
        if (batch == 0) { // a data-parallel rank whose slice of a small last batch is empty
            backend.fill(model.gradients(), 0, trainableSize, 0f);
            stepLoss = 0;
            Arrays.fill(stepLosses, 0);
            Arrays.fill(stepCounts, 0);
        } else {
            forwardAndBackward(batch);
        }
        if (parallel != null) { // with a replay, this step is being recorded
            stepLoss = parallel.sumGradients(backend, model.gradients(), stepLoss, stepCounts,
                    replay != null ? stepResults : -1);
        }
        optimizer.update(backend, trainableSize, model.parameters(), model.gradients(), optimizerState, learningRate, updates);
    }

    /**
     * Each output's loss writes the gradient of its share of the total, its weight over its rows
     * (the only output's: over {@link #gradientRows}), where the backward pass starts from it.
     */
    private void forwardAndBackward(int batch) {
        model.forward(batch, true);
        Memory activations = model.activations();
        for (int o = 0; o < heads.length; o++) {
            OutputHead head = heads[o];
            int gradientOffset = fused ? head.preActivationGradientOffset : head.outputGradientOffset;
            float scale = head.weight / (heads.length == 1 ? gradientRows : batch * head.rowsPerSample);
            stepLosses[o] = backend.loss(head.kind, fused, batch * head.rowsPerSample, head.columns,
                    activations, head.outputOffset * batch, activations, head.preActivationOffset * batch,
                    arena.targets(), head.targetOffset * batch, weighted ? arena.weights() : null, 0,
                    model.activationGradients(), gradientOffset * batch, scale);
        }
        stepLoss = totalLoss();
        countMetrics(batch, true);
        model.backward(batch, fused);
    }

    /**
     * Adds the loss and metrics of a pass over {@code source} in sample order, run by the
     * inference pass over the inference arena, to a reset {@code tally}, and to {@code confusion} unless it is null; {@code progress}
     * (or null) is told of each batch.
     */
    private void evaluate(BatchSource source, int batchSize, Tally tally, ConfusionMatrix confusion, ProgressBar progress) {
        tally.reset();
        int samples = source.samples();
        int size = Math.min(batchSize, samples);
        arena.reserve(size, Arena.Use.EVALUATE);
        source.startEpoch(null);
        Memory weights = source.weighted() ? arena.weights() : null;
        for (int from = 0; from < samples; from += size) {
            int batch = Math.min(size, samples - from);
            source.load(arena, from, batch);
            model.infer(batch);
            Memory activations = model.activations();
            for (int o = 0; o < heads.length; o++) {
                OutputHead head = heads[o];
                stepLosses[o] = backend.lossValue(head.kind, fused, batch * head.rowsPerSample, head.columns, activations,
                        head.inferenceOutputOffset * batch, activations, head.inferencePreActivationOffset * batch,
                        arena.targets(), head.targetOffset * batch, weights, 0);
            }
            addLosses(tally, totalLoss(), batch * rowsPerSample);
            countMetrics(batch, false);
            tally.addCounts(stepCounts);
            if (confusion != null) {
                countConfusion(confusion, batch);
            }
            if (progress != null) {
                progress.stepDone(from / size + 1, tally);
            }
        }
    }

    /**
     * The metrics' counts of the batch in the arena, after its forward pass ({@code training}) or
     * its inference pass, into {@code stepCounts}.
     */
    private void countMetrics(int batch, boolean training) {
        for (int m = 0; m < metrics.length; m++) {
            OutputHead head = heads[metricHeads[m]];
            int outputOffset = training ? head.outputOffset : head.inferenceOutputOffset;
            metrics[m].count(backend, batch * head.rowsPerSample, head.columns, model.activations(), outputOffset * batch,
                    arena.targets(), head.targetOffset * batch, stepCounts, countOffsets[m]);
        }
    }

    /** Checked before anything changes, so bad data never leaves a model half-trained. */
    /**
     * One tensor of samples per input and one of targets per output; a tensor is called
     * {@code xName} (or {@code yName}) when the network has one input (output), else by its layer.
     */
    private void checkData(String xName, Tensor[] x, String yName, Tensor[] y) {
        NetworkLayout layout = model.layout();
        Model.checkInputs(layout, xName, x);
        if (y.length != heads.length) {
            throw new IllegalArgumentException(yName + ": " + model.name() + " has " + heads.length + " outputs, but "
                    + y.length + " tensors of targets were given");
        }
        DataChecks.requireNotEmpty(layout.singlePorts() ? xName : layout.input().name(), x[0]);
        for (int o = 0; o < heads.length; o++) {
            String name = heads.length == 1 ? yName : yName + " '" + heads[o].name + "'";
            heads[o].requireTargets(name, Objects.requireNonNull(y[o], name), x[0].samples());
        }
    }

    private List<String> historyNames(boolean validating) {
        List<String> all = new ArrayList<>(Arrays.asList(names));
        if (validating) {
            for (String name : names) {
                all.add("val_" + name);
            }
        }
        return all;
    }

    private void record(History history, String prefix, Tally tally) {
        for (int i = 0; i < names.length; i++) {
            history.record(prefix + names[i], tally.value(i));
        }
    }

    /**
     * Fisher–Yates over the samples in order, from the epoch's own stream of the model's shuffle
     * seed: a new order every epoch, the same for a seed, and the same after a resume.
     */
    private void shuffle(int[] order) {
        SplittableRandom shuffleRandom = new SplittableRandom(Seeds.mix(shuffleSeed, shuffles++));
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = shuffleRandom.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    // ---- what a checkpoint holds of the training (Checkpoint) ----------------------------------

    Optimizer optimizer() {
        return optimizer;
    }

    Memory[] optimizerState() {
        return optimizerState;
    }

    int trainableSize() {
        return trainableSize;
    }

    float learningRate() {
        return learningRate;
    }

    /** A rate of 0 is allowed here, unlike at compile: a schedule may decay to it (Keras's cosine decay does). */
    void setLearningRate(float rate) {
        if (!(rate >= 0 && Float.isFinite(rate))) {
            throw new IllegalArgumentException("learning rate must be 0 or more and finite, was " + rate);
        }
        learningRate = rate;
    }

    long updates() {
        return updates;
    }

    long shuffles() {
        return shuffles;
    }

    int epochsDone() {
        return epochsDone;
    }

    /**
     * Continues a checkpoint's training: its counters, rate and the model's shuffle seed (the caller
     * has restored the weights, the optimizer's state and the model's seed).
     */
    void resume(long updates, long shuffles, int epochsDone, float learningRate) {
        this.shuffleSeed = model.shuffleSeed();
        this.updates = updates;
        this.shuffles = shuffles;
        this.epochsDone = epochsDone;
        this.learningRate = learningRate;
    }
}
