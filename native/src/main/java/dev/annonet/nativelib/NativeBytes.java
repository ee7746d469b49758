package dev.annonet.nativelib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/** Host memory that native code allocated, seen from Java as a buffer. */
public final class NativeBytes {
    private NativeBytes() {
    }

    /** {@code byteCount} bytes at host address {@code nativeAddress}, in the machine's byte order; the caller keeps them allocated. */
    public static ByteBuffer at(long nativeAddress, long byteCount) {
        // Inside the Pointer subclass a plain "address" would mean its own field, not this parameter.
        return new BytePointer(new Pointer() {
            {
                address = nativeAddress;
            }
        }).capacity(byteCount).limit(byteCount).asByteBuffer().order(ByteOrder.nativeOrder());
    }
}
