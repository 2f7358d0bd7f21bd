package dev.descent.core.testing;

import org.quicktheories.QuickTheory;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Gen;
import org.quicktheories.core.Reporter;
import org.quicktheories.generators.Generate;

import java.util.List;
import java.util.stream.Collectors;

import static org.quicktheories.QuickTheory.qt;

/**
 * The one setup of the property-based tests of every module: QuickTheories with the property's number of tries,
 * bounded shrinking, and a failure message that gives the shrunk case, the cause and the seed.
 *
 * <pre>{@code
 * Props.tries(200).forAll(Props.decimals(-5, 5, 2)).checkAssert(x -> assertTrue(Special.erf(x) <= 1));
 * }</pre>
 *
 * <p><b>Seeds.</b> Each property draws its cases from one seed. By default that is {@link #DEFAULT_SEED}, so
 * that every build draws the same cases and a green build stays green; {@code -DQT_SEED=n} picks another seed, and
 * {@code -Dqt.explore=true} takes a fresh one from the clock on every run, to search further for failing cases.
 *
 * <p><b>Replaying a failure.</b> The failure message states the seed:
 * {@code seed 123456789: replay with -DQT_SEED=123456789}. Run the one property
 * again with that seed, for example
 * {@code mvn -pl core test -Dtest=SpecialTest#erfIsMonotoneAndItsDerivativeMatches -DQT_SEED=123456789}
 * (add {@code -am -Dsurefire.failIfNoSpecifiedTests=false} for a module further down): Maven passes {@code -D}
 * properties on to the test JVM, and QuickTheories then draws the same cases in the same order and shrinks to the
 * same smallest case. In code, {@code Props.tries(n).withFixedSeed(123456789L)} does the same for one property
 * while debugging. {@code -DQT_SHRINKS=n} overrides the shrink budget.
 */
public final class Props {
    /** Upper bound on the shrink cycles of one failure (QuickTheories' own default, 100 per try, can take minutes). */
    static final int MAX_SHRINK_CYCLES = 2_000;
    /** How many of the other falsifying cases found while shrinking the message lists. */
    static final int OTHERS_SHOWN = 5;

    /** The seed every property draws from unless {@code QT_SEED} or {@code qt.explore} is set. */
    public static final long DEFAULT_SEED = 20_261_203L;

    private Props() {
    }

    /** A property checked on {@code tries} generated cases, shrinking a failure to a smallest case. */
    public static QuickTheory tries(int tries) {
        if (tries < 1) throw new IllegalArgumentException("tries must be at least 1, got " + tries);
        int shrinks = Integer.getInteger(Configuration.SHRINKS, Math.min(100 * tries, MAX_SHRINK_CYCLES));
        QuickTheory theory = qt().withExamples(tries).withShrinkCycles(shrinks).withReporter(new SeedReporter());
        boolean seedGiven = System.getProperty("QT_SEED") != null || Boolean.getBoolean("qt.explore");
        return seedGiven ? theory : theory.withFixedSeed(DEFAULT_SEED);
    }

    /**
     * Decimals {@code k / 10^scale} in {@code [min, max]}: the grid of {@code scale} decimal places, shrinking
     * towards zero or the bound nearest to it.
     */
    public static Gen<Double> decimals(double min, double max, int scale) {
        double unit = Math.pow(10, scale);
        long lo = (long) Math.ceil(min * unit - 1e-9), hi = (long) Math.floor(max * unit + 1e-9);
        if (lo > hi) throw new IllegalArgumentException("no decimal of scale " + scale + " in [" + min + ", " + max + "]");
        return Generate.longRange(lo, hi).map(k -> k / unit);
    }

    /** Any {@code long}, shrinking towards zero. */
    public static Gen<Long> anyLong() {
        return Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** {@code false} or {@code true}, shrinking towards {@code false}. */
    public static Gen<Boolean> bools() {
        return Generate.booleans();
    }

    /** Integers in {@code [min, max]}, shrinking towards zero or the bound nearest to it. */
    public static Gen<Integer> ints(int min, int max) {
        return Generate.range(min, max);
    }

    /** Arrays of {@code minLength..maxLength} elements drawn from {@code elements}, shown as {@code [1, 2, 3]}. */
    public static Gen<int[]> intArrays(int minLength, int maxLength, Gen<Integer> elements) {
        return Generate.intArrays(Generate.range(minLength, maxLength), elements);
    }

    /**
     * Reports a falsified property as an {@link AssertionError} with the shrunk case, the cause and the seed.
     * (QuickTheories 0.26 spells its method {@code falisification}.)
     */
    static final class SeedReporter implements Reporter {
        @Override
        public void falisification(long seed, int count, Object smallest, Throwable cause, List<Object> examples,
                                  AsString<Object> toString) {
            throw failure(seed, count, smallest, cause, examples, toString);
        }

        @Override
        public void falisification(long seed, int count, Object smallest, List<Object> examples,
                                  AsString<Object> toString) {
            throw failure(seed, count, smallest, null, examples, toString);
        }

        @Override
        public void valuesExhausted(int completedExamples) {
            throw new IllegalStateException("gave up after only " + completedExamples
                    + " case(s) that satisfy the property's assumptions");
        }

        static AssertionError failure(long seed, int count, Object smallest, Throwable cause, List<Object> examples,
                                      AsString<Object> toString) {
            String others = examples.stream().filter(e -> e != smallest).limit(OTHERS_SHOWN).map(toString::asString)
                    .collect(Collectors.joining("\n    ", "\n    ", ""));
            String message = "property falsified after " + count + " case(s)\n  smallest case (shrunk): "
                    + toString.asString(smallest)
                    + "\n  cause: " + (cause == null ? "the property returned false" : cause)
                    + (examples.size() > 1 ? "\n  other falsifying cases:" + others : "")
                    + "\n  seed " + seed + ": replay with -DQT_SEED=" + seed + " (see dev.descent.core.testing.Props)";
            return new AssertionError(message, cause);
        }
    }
}
