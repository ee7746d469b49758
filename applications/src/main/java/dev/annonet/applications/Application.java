package dev.annonet.applications;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The Keras Applications the classify command knows, by Keras's name, with their input size and preprocessing. */
public enum Application {
    VGG16("VGG16", 224, Preprocessing.CAFFE, VGG16Model::create),
    VGG19("VGG19", 224, Preprocessing.CAFFE, VGG19Model::create),
    RESNET50("ResNet50", 224, Preprocessing.CAFFE, ResNet50Model::create),
    INCEPTION_V3("InceptionV3", 299, Preprocessing.TF, InceptionV3Model::create),
    INCEPTION_RESNET_V2("InceptionResNetV2", 299, Preprocessing.TF, InceptionResNetV2Model::create),
    MOBILENET("MobileNet", 224, Preprocessing.TF, MobileNetModel::create),
    XCEPTION("Xception", 299, Preprocessing.TF, XceptionModel::create);

    /** A generated model's {@code create}. */
    interface Factory {
        Model create(Device device, long seed);
    }

    private final String kerasName;
    private final int size;
    private final Preprocessing preprocessing;
    private final Factory factory;

    Application(String kerasName, int size, Preprocessing preprocessing, Factory factory) {
        this.kerasName = kerasName;
        this.size = size;
        this.preprocessing = preprocessing;
        this.factory = factory;
    }

    /** The application named {@code name} as Keras names it (any case); an error listing them where none is. */
    public static Application named(String name) {
        for (Application a : values()) {
            if (a.kerasName.equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown application '" + name + "': the applications are " + names());
    }

    /** Every application's Keras name, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(a -> a.kerasName).collect(Collectors.joining(", "));
    }

    public String kerasName() {
        return kerasName;
    }

    /** The input's height and width (square). */
    public int size() {
        return size;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The network with initial weights, for {@link Model#loadKerasWeights}. */
    public Model create(Device device) {
        return factory.create(device, 0);
    }
}
