package dev.descent.spark;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import scala.Tuple2;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * One partition's rows, packed into primitive arrays once and cached by Spark: rows {@code start .. start+size-1}
 * of the data set (global indices from {@code zipWithIndex}, contiguous within a partition). A step selects the
 * rows of its batch that live here by their global indices, in the batch's order.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final long start;
    final int size;
    final int width;
    /** Target length; 0 for class indices. */
    final int targetWidth;
    final Sample first;
    /** The first row that disagrees with the partition's first row, in words; null when all agree. */
    final String problem;
    /** The first row holding NaN or an infinity, in words ({@code sample 50 holds NaN in its features ...}); or null. */
    final String nonFinite;
    private final double[] x;
    private final double[] y;
    private final int[] classes;

    private Shard(int partition, long start, int size, int width, int targetWidth, Sample first, String problem,
                  String nonFinite, double[] x, double[] y, int[] classes) {
        this.partition = partition;
        this.start = start;
        this.size = size;
        this.width = width;
        this.targetWidth = targetWidth;
        this.first = first;
        this.problem = problem;
        this.nonFinite = nonFinite;
        this.x = x;
        this.y = y;
        this.classes = classes;
    }

    /** Packs a partition of {@code (sample, global index)} pairs. */
    static Iterator<Shard> pack(int partition, Iterator<Tuple2<Sample, Long>> rows) {
        if (!rows.hasNext()) return List.of(new Shard(partition, -1, 0, 0, 0, null, null, null, null, null, null)).iterator();
        Tuple2<Sample, Long> head = rows.next();
        Sample first = head._1();
        long start = head._2();
        int width = first.featureLength(), targetWidth = first.targetLength();
        boolean classTarget = first.hasClassTarget();
        DoubleBuilder x = new DoubleBuilder(), y = new DoubleBuilder();
        IntBuilder classes = new IntBuilder();
        String problem = null, nonFinite = null;
        int size = 0;
        for (Tuple2<Sample, Long> row = head; row != null; row = rows.hasNext() ? rows.next() : null, size++) {
            Sample s = row._1();
            if (problem != null) continue;
            if (s == null) {
                problem = "row " + row._2() + " is null";
            } else if (s.featureLength() != width) {
                problem = "row " + row._2() + " has " + s.featureLength() + " features, row " + start + " has " + width;
            } else if (s.hasClassTarget() != classTarget || s.targetLength() != targetWidth) {
                problem = "row " + row._2() + " has " + describeTarget(s.hasClassTarget(), s.targetLength())
                        + ", row " + start + " has " + describeTarget(classTarget, targetWidth);
            } else {
                x.add(s);
                if (classTarget) classes.add(s.classIndex());
                else y.addTarget(s);
                if (nonFinite == null) nonFinite = nonFinite(row._2(), s);
            }
        }
        Shard shard = problem != null
                ? new Shard(partition, start, size, width, targetWidth, first, problem, null, null, null, null)
                : new Shard(partition, start, size, width, targetWidth, first, null, nonFinite, x.done(),
                        classTarget ? null : y.done(),
                        classTarget ? classes.done() : null);
        return List.of(shard).iterator();
    }

    /** Row {@code index}'s first NaN or infinity in words, as the trainer reports one; null when it is finite. */
    private static String nonFinite(long index, Sample s) {
        String bad = nonFinite(index, s.features(), "features");
        return bad != null || s.hasClassTarget() ? bad : nonFinite(index, s.target(), "labels");
    }

    private static String nonFinite(long index, double[] v, String what) {
        for (int j = 0; j < v.length; j++) {
            if (!Double.isFinite(v[j])) {
                return "sample " + index + " holds " + v[j] + " in its " + what + " (element " + j + " of " + v.length + ")";
            }
        }
        return null;
    }

    static String describeTarget(boolean classTarget, int width) {
        return classTarget ? "a class-index target" : "a target of length " + width;
    }

    boolean classTarget() {
        return classes != null || (first != null && first.hasClassTarget());
    }

    /** The local positions of the batch's rows that live here, in batch order. */
    int[] select(int[] samples) {
        int count = 0;
        for (int s : samples) if (s >= start && s < start + size) count++;
        int[] local = new int[count];
        int k = 0;
        for (int s : samples) if (s >= start && s < start + size) local[k++] = (int) (s - start);
        return local;
    }

    /** Local rows {@code from .. to-1}. */
    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    /** The features of local rows {@code rows}: {@code (rows, width)} in the factory's backend and dtype. */
    Tensor features(TensorFactory f, int[] rows) {
        double[] out = new double[rows.length * width];
        for (int i = 0; i < rows.length; i++) System.arraycopy(x, rows[i] * width, out, i * width, width);
        return f.of(out, rows.length, width);
    }

    /** The targets of local rows: INT32 {@code (rows)} for class indices, else {@code (rows, targetWidth)}. */
    Tensor targets(TensorFactory f, int[] rows) {
        if (classes != null) {
            int[] out = new int[rows.length];
            for (int i = 0; i < rows.length; i++) out[i] = classes[rows[i]];
            return Tensor.on(f.backend(), DType.INT32).of(out, rows.length);
        }
        double[] out = new double[rows.length * targetWidth];
        for (int i = 0; i < rows.length; i++) System.arraycopy(y, rows[i] * targetWidth, out, i * targetWidth, targetWidth);
        return f.of(out, rows.length, targetWidth);
    }

    private static final class DoubleBuilder {
        double[] data = new double[64];
        int n;

        void ensure(int extra) {
            if (n + extra > data.length) data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, n + extra));
        }

        void add(Sample s) {
            ensure(s.featureLength());
            s.copyFeaturesTo(data, n);
            n += s.featureLength();
        }

        void addTarget(Sample s) {
            ensure(s.targetLength());
            s.copyTargetTo(data, n);
            n += s.targetLength();
        }

        double[] done() {
            return java.util.Arrays.copyOf(data, n);
        }
    }

    private static final class IntBuilder {
        int[] data = new int[64];
        int n;

        void add(int v) {
            if (n == data.length) data = java.util.Arrays.copyOf(data, data.length * 2);
            data[n++] = v;
        }

        int[] done() {
            return java.util.Arrays.copyOf(data, n);
        }
    }
}
