package dev.annonet.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the cuDNN convolutions do around cuDNN, on the host executor: a Keras kernel (kh, kw, in_c,
 * out_c) goes into cuDNN's KRSC filter (out_c, kh, kw, in_c) and a KRSC gradient comes back, and
 * the host executor, which has no GPU, is refused a plan set with the reason.
 */
class CudnnConvolutionLayoutTest {
    private final long context = CudaLibrary.contextCreate(-1, false);

    @AfterEach
    void close() {
        CudaLibrary.contextDestroy(context);
    }

    @Test
    void aKerasKernelBecomesCudnnsKrscFilterAndComesBack() {
        int kh = 3, kw = 2, inC = 5, outC = 7, patch = kh * kw * inC;
        float[] kernel = new float[patch * outC];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = i * 0.25f - 3;
        }
        long keras = upload(kernel);
        long krsc = CudaLibrary.memoryAllocate(context, (long) kernel.length * Float.BYTES);
        long back = CudaLibrary.memoryAllocate(context, (long) kernel.length * Float.BYTES);
        assertEquals(0, CudaLibrary.transposeMatrix(context, patch, outC, keras, krsc));
        float[] filter = download(krsc, kernel.length);
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                for (int ci = 0; ci < inC; ci++) {
                    for (int co = 0; co < outC; co++) {
                        float value = kernel[((i * kw + j) * inC + ci) * outC + co];
                        assertEquals(value, filter[((co * kh + i) * kw + j) * inC + ci], "(" + i + ", " + j + ", " + ci + ", " + co + ")");
                    }
                }
            }
        }
        assertEquals(0, CudaLibrary.transposeMatrix(context, outC, patch, krsc, back));
        assertArrayEquals(kernel, download(back, kernel.length));
        for (long address : new long[] {keras, krsc, back}) {
            CudaLibrary.memoryFree(context, address);
        }
    }

    @Test
    void theHostExecutorHasNoCudnnAndSaysSo() {
        assertEquals(0L, CudaLibrary.cudnnConvolutionsCreate(context, "libcudnn.so.9", false));
        assertTrue(CudaLibrary.lastError().contains("the host executor has no GPU for cuDNN"), CudaLibrary.lastError());
    }

    private long upload(float[] values) {
        long address = CudaLibrary.memoryAllocate(context, (long) values.length * Float.BYTES);
        view(address, values.length).put(values);
        return address;
    }

    private static float[] download(long address, int count) {
        float[] values = new float[count];
        view(address, count).get(values);
        return values;
    }

    private static FloatPointer view(long at, int count) {
        return new FloatPointer(new Pointer() { { address = at; } }).capacity(count);
    }
}
