package dev.descent.backend.jblas;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few C library functions the jBLAS backend calls before jBLAS's native library loads, through JNA, on the
 * process's own symbols (glibc on Linux).
 */
interface Libc extends Library {
    /** {@code dlopen} flags: resolve every symbol now, and make them visible to libraries loaded later. */
    int RTLD_NOW = 0x2, RTLD_GLOBAL = 0x100;
    /** glibc's {@code mallopt} parameters ({@code malloc.h}). */
    int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;

    Pointer dlopen(String file, int mode);

    String dlerror();

    int setenv(String name, String value, int overwrite);

    String getenv(String name);

    int mallopt(int param, int value);

    /** The process's C library, or an exception (for example when JNA's own native part cannot load). */
    static Libc load() {
        return Native.load(Libc.class);
    }
}
