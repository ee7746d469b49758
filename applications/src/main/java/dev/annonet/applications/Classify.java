package dev.annonet.applications;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ResourceExhaustedException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The command that classifies an image with a Keras Application and Keras's own weights:
 * {@code Classify <application> <weights.h5> <image>}, e.g.
 * {@code Classify ResNet50 resnet50_weights_tf_dim_ordering_tf_kernels.h5 elephant.jpg}. Prints
 * the five likeliest ImageNet classes with their probabilities.
 */
public final class Classify {
    private static final int TOP = 5;

    private Classify() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns its exit status: 0, 1 for a problem with the files, 2 for a wrong command line. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 3) {
            err.println("usage: Classify <application> <weights.h5> <image>   (applications: " + Application.names() + ")");
            return 2;
        }
        Application application;
        try {
            application = Application.named(args[0]);
        } catch (IllegalArgumentException e) {
            err.println("classify: " + e.getMessage());
            return 2;
        }
        Path weights = Path.of(args[1]);
        Path imageFile = Path.of(args[2]);
        try {
            BufferedImage image = ImageNetClassifier.read(imageFile);
            try (Model model = application.create(Device.auto())) {
                model.loadKerasWeights(weights);
                ImageNetClassifier classifier = new ImageNetClassifier(model, application.size(), application.size(),
                        application.preprocessing());
                List<ImageNetClassifier.Guess> guesses = classifier.top(image, TOP);
                out.printf("%s on %s (%dx%d, resized to %dx%d by nearest neighbour, %s preprocessing):%n",
                        application.kerasName(), imageFile, image.getWidth(), image.getHeight(), application.size(),
                        application.size(), application.preprocessing().name().toLowerCase());
                for (int i = 0; i < guesses.size(); i++) {
                    ImageNetClassifier.Guess g = guesses.get(i);
                    out.printf("  %d. %7.3f%%  %s (class %d)%n", i + 1, 100.0 * g.probability(), g.name(), g.index());
                }
            }
            return 0;
        } catch (IOException | IllegalArgumentException | ResourceExhaustedException e) {
            err.println("classify: " + e.getMessage());
            return 1;
        }
    }
}
