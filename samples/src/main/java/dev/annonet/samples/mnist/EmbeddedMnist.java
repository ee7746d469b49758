package dev.annonet.samples.mnist;

import dev.annonet.runtime.data.Mnist;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The 10,000 real MNIST digits shipped inside this jar (8,000 for training, 2,000 held out), in the
 * standard IDX files: no download, no set-up. See the samples' README for their source and split.
 */
public final class EmbeddedMnist {
    private EmbeddedMnist() {
    }

    public static Mnist load() {
        try {
            return Mnist.load(name -> EmbeddedMnist.class.getResourceAsStream(
                    "/dev/annonet/samples/mnist/" + name + ".gz"));
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded MNIST subset is unreadable; is the samples jar complete?", e);
        }
    }
}
