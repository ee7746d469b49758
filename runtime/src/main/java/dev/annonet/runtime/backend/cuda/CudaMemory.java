package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Memory;

/** A CUDA-backend memory: float32 values at a device address (host memory for the host executor). */
final class CudaMemory implements Memory {
    final CudaBackend owner;
    final long address;
    private final int size;
    /** Set when the owner frees it early, so that later use fails instead of touching freed memory. */
    boolean released;

    CudaMemory(CudaBackend owner, long address, int size) {
        this.owner = owner;
        this.address = address;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    /** The address of value {@code offset}. */
    long at(int offset) {
        return address + (long) offset * Float.BYTES;
    }

    @Override
    public String toString() {
        return "cuda memory of " + size + " values";
    }
}
