package dev.annonet.samples.bench;

import static dev.annonet.samples.bench.MnistBench.BATCH;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/** The course's MLP, or another network of the digits, on an annonet device. */
final class AnnonetEngine implements Engine {
    private final String name;
    private final Mnist mnist;
    private final Tensor yTrain;
    private final Model model;
    private final Tensor batch;
    private final float[][] images;
    private UnaryOperator<float[]> predictOne;
    private int next;

    AnnonetEngine(String name, Device device, Mnist mnist) {
        this(name, MnistMlpModel.create(device, 42), mnist);
        predictOne = ((MnistMlpModel) model)::predict;
        model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
    }

    /**
     * {@code model}, compiled, read from the digits' rows of 784 values, and its generated
     * single-sample {@code predict}; the engine closes it.
     */
    AnnonetEngine(String name, Model model, UnaryOperator<float[]> predictOne, Mnist mnist) {
        this(name, model, mnist);
        this.predictOne = predictOne;
    }

    private AnnonetEngine(String name, Model model, Mnist mnist) {
        this.name = name;
        this.mnist = mnist;
        yTrain = Labels.oneHot(mnist.trainLabels(), 10);
        float[] all = mnist.testImages().toArray();
        int[] batchShape = mnist.testImages().shape().clone();
        batchShape[0] = BATCH;
        batch = Tensor.of(Arrays.copyOf(all, BATCH * 784), batchShape);
        images = new float[mnist.testImages().samples()][];
        for (int i = 0; i < images.length; i++) {
            images[i] = Arrays.copyOfRange(all, i * 784, (i + 1) * 784);
        }
        this.model = model;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double trainEpoch() {
        return model.fit(mnist.trainImages(), yTrain, Fit.options().batchSize(BATCH).epochs(1).verbose(0))
                .epochSeconds().get(0);
    }

    @Override
    public double accuracy() {
        double accuracy = model.evaluate(mnist.testImages(), Labels.oneHot(mnist.testLabels(), 10)).get("accuracy");
        for (int i = 0; i < 20; i++) { // warm-up, as PyTorch's side does
            model.predict(batch, BATCH);
        }
        latencies(200);
        return accuracy;
    }

    @Override
    public double inferenceRate(double seconds) {
        return PredictRate.samplesPerSecond(model, batch, BATCH, seconds);
    }

    @Override
    public double[] latencies(int count) {
        double[] times = new double[count];
        for (int i = 0; i < count; i++) {
            float[] image = images[next++ % images.length];
            long t0 = System.nanoTime();
            predictOne.apply(image);
            times[i] = (System.nanoTime() - t0) / 1e3;
        }
        return times;
    }

    @Override
    public void close() {
        model.close();
    }
}
