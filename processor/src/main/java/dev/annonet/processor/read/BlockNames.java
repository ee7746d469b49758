package dev.annonet.processor.read;

/** The names of a block's layers where it is used, as Keras names the layers of its applications. */
public final class BlockNames {

    private BlockNames() {
    }

    /**
     * {@code conv2_block1_1_conv} for the member {@code _1_conv} of the block used as
     * {@code conv2_block1}: one leading underscore of the member is dropped, since it only lets
     * a Java name start with a digit. An empty {@code use} (the network itself) keeps the member's name.
     */
    public static String layerName(String use, String member) {
        if (use.isEmpty()) {
            return member;
        }
        return use + "_" + (member.startsWith("_") ? member.substring(1) : member);
    }
}
