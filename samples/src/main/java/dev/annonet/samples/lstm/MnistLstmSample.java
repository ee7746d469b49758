package dev.annonet.samples.lstm;

import dev.annonet.runtime.data.Mnist;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.samples.mnist.MnistMlpSample;
import java.io.IOException;
import java.nio.file.Path;

/**
 * MNIST with an LSTM: each image is a sequence of 28 rows of 28 pixels, LSTM(128) reads it and
 * Dense(10, softmax) classifies its last state; Adam, categorical cross-entropy, batch 128, 12
 * epochs on the embedded 8,000 digits, then evaluation on the 2,000 held-out ones. Options as the
 * MNIST MLP sample's: {@code --data DIR --epochs N --batch-size N --device auto|cpu|cuda|reference --seed N --verbose 0|1|2 --logs DIR}.
 */
public final class MnistLstmSample {
    static final int DEFAULT_EPOCHS = 12;
    static final Path DEFAULT_LOGS = Path.of("target", "mnist-lstm");

    private MnistLstmSample() {
    }

    public static void main(String[] args) throws IOException {
        MnistMlpSample.runDigitsSample("MnistLstmSample", DEFAULT_EPOCHS, DEFAULT_LOGS, args, MnistLstmSample::train);
    }

    /** Each image's 784 pixels as 28 time steps of 28: the same values, seen as (samples, 28, 28). */
    static Tensor sequences(Tensor images) {
        return Tensor.of(images.toArray(), images.samples(), 28, 28);
    }

    /** Trains on the training digits and evaluates on the held-out ones. */
    static Evaluation train(Mnist mnist, MnistMlpSample.Options options) {
        Tensor xTrain = sequences(mnist.trainImages());
        Tensor xTest = sequences(mnist.testImages());
        Tensor yTrain = Labels.oneHot(mnist.trainLabels(), 10);
        Tensor yTest = Labels.oneHot(mnist.testLabels(), 10);
        try (MnistLstmModel model = MnistLstmModel.create(options.device(), options.seed())) {
            if (options.verbose() > 0) {
                model.summary();
            }
            model.compile(Optimizers.adam(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = model.fit(xTrain, yTrain, MnistMlpSample.withTensorBoard(Fit.options()
                    .batchSize(options.batchSize())
                    .epochs(options.epochs())
                    .verbose(options.verbose())
                    .validationData(xTest, yTest), options));
            MnistMlpSample.writeCurves(history, options);
            return model.evaluate(xTest, yTest);
        }
    }
}
