package dev.descent.core.io;

import dev.descent.core.testing.ReferenceBackend;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * Reads each file named on the command line with {@link Safetensors#read} and prints one line per file:
 * {@code name TAB cpu-millis TAB wall-millis TAB outcome}, the outcome being {@code READ <tensors> <metadata>},
 * {@code REJECTED <message>} for a {@link SafetensorsFormatException}, or {@code FAILED <throwable>} for anything
 * else (an {@link OutOfMemoryError} included). Run in a child JVM by {@link SafetensorsHostileFilesTest}, with the
 * heap that the test chooses.
 */
public final class HostileFileReader {
    private HostileFileReader() {
    }

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String arg : args) {
            Path file = Path.of(arg);
            long cpu = threads.getCurrentThreadCpuTime(), wall = System.nanoTime();
            String outcome;
            try {
                Safetensors.Contents c = Safetensors.read(file, ReferenceBackend.INSTANCE);
                outcome = "READ " + c.tensors().size() + " " + c.metadata().size();
            } catch (SafetensorsFormatException e) {
                outcome = "REJECTED " + e.getMessage();
            } catch (Throwable e) {
                outcome = "FAILED " + e;
            }
            cpu = (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000;
            wall = (System.nanoTime() - wall) / 1_000_000;
            String line = outcome.replaceAll("[\\t\\r\\n]", " ");
            System.out.println(file.getFileName() + "\t" + cpu + "\t" + wall + "\t" + line.substring(0, Math.min(line.length(), 400)));
        }
        System.out.flush();
    }
}
