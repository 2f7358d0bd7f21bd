package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reuses the storage of a training step's tensors in the next steps of the same shapes, as PyTorch's caching
 * allocator does: while a {@link Scope} of this pool is open on a thread, every tensor created on that thread takes
 * its storage from the pool (a buffer of the same backend, dtype and size that an earlier scope gave back) or
 * allocates it; when the scope closes, the storage of every tensor created inside it goes back to the pool, except
 * the tensors that escaped: those {@link #keep kept} and those a library {@link #hold holds} across steps
 * (parameters, optimiser state, gradients, module buffers). It works through the backend SPI alone
 * ({@link Backend#allocate}, {@link Backend#fill}), so on every backend.
 *
 * <pre>{@code
 * BufferPool pool = new BufferPool();
 * for (Batch b : loader) {
 *     try (BufferPool.Scope step = pool.open()) {
 *         optimizer.zeroGrad();
 *         Variable loss = lossFn.apply(model.apply(Variable.constant(b.features())), Variable.constant(b.labels()));
 *         loss.backward();
 *         optimizer.step();
 *         losses.add(loss.value().item());                  // read inside the scope
 *         last = BufferPool.keep(loss.value());              // or keep what must outlive it
 *     }
 * }
 * }</pre>
 *
 * <p><b>Safety.</b> Each tensor remembers the generation of its buffer; recycling a buffer starts a new generation,
 * so any later use of a tensor whose buffer was recycled (through any operation, {@link InPlace} included) throws an
 * {@link IllegalStateException} that names the operation, instead of reading another step's values. Keep a tensor
 * that must outlive its scope, or copy it with {@code BufferPool.outside(t::copy)} (a copy made inside the scope is
 * pooled too). A recycled buffer is not cleared when the kernel that fills it writes every element; it is zeroed
 * where the tensor must start at zero.
 *
 * <p><b>Threads.</b> Scopes are per thread: a scope pools only what its own thread creates (tensors created on other
 * threads, such as a loader's, are ordinary), it must be closed on that thread, and a pool serves one thread at a
 * time (opening a scope of a pool that has a scope open on another thread is an error: give each thread its own
 * pool). Tensors created in a scope may be read by other threads while the scope is open, not after. Scopes nest;
 * an inner scope's tensors go back when it closes. Outside any scope nothing changes: tensors own their storage and
 * the garbage collector frees it.
 *
 * <p><b>Memory.</b> Between scopes the pool keeps the buffers the last scopes gave back (about one step's worth);
 * buffers of a backend, dtype and size that no scope asked for during the last {@value #IDLE_SCOPES} scopes are
 * released, and {@link #clear()} releases them all. A pool no longer referenced is garbage with its buffers.
 */
public final class BufferPool {
    /** How many scopes a size class may go unused before its buffers are released. */
    static final int IDLE_SCOPES = 4;

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Map<Key, Bucket> free = new HashMap<>();
    private Thread owner;
    private int open;
    private long closed;
    private long allocated, reused;

    /** An empty pool. */
    public BufferPool() {
    }

    // ---------------------------------------------------------------- scopes

    /**
     * Opens a scope on this thread: until it is closed, the tensors this thread creates take pooled storage.
     *
     * @throws IllegalStateException when a scope of this pool is open on another thread
     */
    public Scope open() {
        synchronized (this) {
            Thread me = Thread.currentThread();
            if (open > 0 && owner != me) {
                throw new IllegalStateException("BufferPool.open: this pool has a scope open on thread "
                        + owner.getName() + "; a pool serves one thread at a time (give each thread its own pool)");
            }
            owner = me;
            open++;
        }
        Scope scope = new Scope(this, CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** Whether a scope (of any pool) is open on this thread, so that the tensors it creates are pooled. */
    public static boolean inScope() {
        return CURRENT.get() != null;
    }

    /**
     * Runs {@code work} with pooling suspended on this thread: the tensors it creates are ordinary, owned by whoever
     * keeps them (for state created lazily during a step, such as an optimiser's moments).
     */
    public static <T> T outside(Supplier<T> work) {
        Scope scope = CURRENT.get();
        if (scope == null) return work.get();
        CURRENT.set(null);
        try {
            return work.get();
        } finally {
            CURRENT.set(scope);
        }
    }

    // ---------------------------------------------------------------- escaping tensors

    /**
     * Keeps {@code t} (and every view of its storage) out of recycling for good: it stays valid after its scope
     * closes and no later step overwrites it. A tensor made outside any scope is returned unchanged.
     *
     * @return {@code t}
     * @throws IllegalStateException when {@code t}'s buffer was already recycled
     */
    public static Tensor keep(Tensor t) {
        Lease lease = live("BufferPool.keep", t);
        if (lease != null) lease.state = Lease.KEPT;
        return t;
    }

    /**
     * For a library that owns a buffer across steps (a variable's gradient): takes {@code t}'s storage out of its
     * scope's recycling, as {@link #keep}, but lets the owner {@link #reclaim} it later. Unchanged for a tensor made
     * outside any scope or already kept.
     *
     * @return {@code t}
     */
    public static Tensor hold(Tensor t) {
        Lease lease = live("BufferPool.hold", t);
        if (lease != null && lease.state == Lease.SCOPED) lease.state = Lease.HELD;
        return t;
    }

    /**
     * For the owner of a {@link #hold held} buffer whose values are dead (a gradient after {@code zeroGrad}): a new
     * tensor of {@code t}'s shape on the same storage, to overwrite, while {@code t} and every other earlier tensor on
     * that storage become unusable (their use throws). Empty when the buffer cannot be reused: {@code t} was not
     * held, someone {@link #keep kept} it, or it is no longer valid.
     */
    public static Optional<Tensor> reclaim(Tensor t) {
        Lease lease = t.lease();
        if (lease == null || lease.state != Lease.HELD || lease.generation != t.generation()) return Optional.empty();
        lease.generation++;
        return Optional.of(new Tensor(t.backend(), t.shape(), t.dtype(), lease.storage, lease, lease.generation));
    }

    /**
     * Whether {@code t} is valid and {@link #hold held} by a library, neither in a scope's recycling nor
     * {@link #keep kept}: its owner may then write into it in place.
     */
    public static boolean isHeld(Tensor t) {
        Lease lease = t.lease();
        return lease != null && lease.state == Lease.HELD && lease.generation == t.generation();
    }

    /** Whether {@code t}'s buffer has been recycled since {@code t} was made, so that using it throws. */
    public static boolean isRecycled(Tensor t) {
        Lease lease = t.lease();
        return lease != null && lease.generation != t.generation();
    }

    private static Lease live(String op, Tensor t) {
        if (t == null) throw new IllegalArgumentException(op + ": tensor must not be null");
        if (isRecycled(t)) throw recycled(op, t);
        return t.lease();
    }

    // ---------------------------------------------------------------- statistics and release

    /** Storages this pool allocated from its backends so far. */
    public synchronized long allocations() {
        return allocated;
    }

    /** Tensors that took a recycled storage instead of a new one so far. */
    public synchronized long reuses() {
        return reused;
    }

    /** The bytes of the storages waiting in the pool for reuse. */
    public synchronized long cachedBytes() {
        long bytes = 0;
        for (Map.Entry<Key, Bucket> e : free.entrySet()) {
            bytes += (long) e.getValue().leases.size() * e.getKey().size * e.getKey().dtype.byteSize();
        }
        return bytes;
    }

    /**
     * Releases every storage waiting for reuse (as {@code torch.cuda.empty_cache}); tensors in open scopes are not
     * affected, and go back to the pool when their scope closes.
     */
    public synchronized void clear() {
        free.clear();
    }

    @Override
    public synchronized String toString() {
        return "BufferPool[" + free.size() + " sizes, " + cachedBytes() + " bytes cached, " + allocated
                + " allocated, " + reused + " reused]";
    }

    // ---------------------------------------------------------------- the allocation path

    /**
     * A tensor for {@link Tensor#allocate}: from the innermost scope open on this thread, or {@code null} when none
     * is (the caller then allocates as usual). {@code zero}: the tensor must start at zero (a kernel accumulates
     * into it); otherwise a recycled buffer keeps its old values for the kernel to overwrite.
     */
    static Tensor take(Backend backend, DType dtype, Shape shape, boolean zero) {
        Scope scope = CURRENT.get();
        if (scope == null || shape.size() == 0) return null;
        Lease lease = scope.pool.lease(backend, dtype, shape.size(), zero);
        scope.leases.add(lease);
        return new Tensor(backend, shape, dtype, lease.storage, lease, lease.generation);
    }

    private synchronized Lease lease(Backend backend, DType dtype, int size, boolean zero) {
        Key key = new Key(backend, dtype, size);
        Bucket bucket = free.computeIfAbsent(key, k -> new Bucket());
        bucket.lastUse = closed;
        Lease lease = bucket.leases.pollFirst();
        if (lease == null) {
            allocated++;
            return new Lease(key, backend.allocate(dtype, size));
        }
        reused++;
        if (zero) backend.fill(lease.storage, 0);
        return lease;
    }

    /** Gives back a closed scope's storages: a new generation each, then drops the size classes left idle. */
    private synchronized void recycle(List<Lease> leases) {
        closed++;
        for (Lease lease : leases) {
            if (lease.state != Lease.SCOPED) continue;       // kept or held: it left the pool
            lease.generation++;
            free.computeIfAbsent(lease.key, k -> new Bucket()).leases.addFirst(lease);
        }
        for (Iterator<Bucket> it = free.values().iterator(); it.hasNext(); ) {
            if (it.next().lastUse < closed - IDLE_SCOPES) it.remove();
        }
        if (--open == 0) owner = null;
    }

    /** Error for the use of a tensor whose buffer was recycled, naming the operation that used it. */
    static IllegalStateException recycled(Tensor t) {
        return recycled(entryPoint(), t);
    }

    /** The operation of core's API that the caller called: the outermost frame of core in the current stack. */
    private static String entryPoint() {
        Object core = location(BufferPool.class);
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> {
            String entry = null;
            for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames::iterator) {
                String cls = f.getClassName();
                if (cls.equals(BufferPool.class.getName()) || f.getMethodName().equals("storage")) continue;
                if (!cls.startsWith("dev.descent.core.") || !Objects.equals(location(f.getDeclaringClass()), core)) break;
                String simple = cls.substring(cls.lastIndexOf('.') + 1).replace('$', '.');
                String method = f.getMethodName();
                if (!method.startsWith("lambda$")) entry = simple.equals("Tensor") ? method : simple + "." + method;
            }
            return entry != null ? entry : "tensor access";
        });
    }

    /** Where a class was loaded from (core's jar or classes directory), or null. */
    private static Object location(Class<?> c) {
        java.security.CodeSource source = c.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? null : source.getLocation().toString();
    }

    private static IllegalStateException recycled(String op, Tensor t) {
        return new IllegalStateException(op + ": this " + t.dtype() + " " + t.shape() + " tensor was made inside a "
                + "BufferPool scope and its buffer has been recycled since (its scope closed, or its owner reused it), "
                + "so it no longer holds its values; to use it later, BufferPool.keep(t) it while the scope is open, or "
                + "copy it with BufferPool.outside(t::copy)");
    }

    // ---------------------------------------------------------------- types

    /**
     * An open scope of a {@link BufferPool} on one thread; closing it gives back the storage of every tensor created
     * inside it that did not escape. Closing an outer scope closes the inner ones still open.
     */
    public static final class Scope implements AutoCloseable {
        private final BufferPool pool;
        private final Scope parent;
        private final Thread thread = Thread.currentThread();
        private final List<Lease> leases = new ArrayList<>();
        private boolean closed;

        private Scope(BufferPool pool, Scope parent) {
            this.pool = pool;
            this.parent = parent;
        }

        /** The pool this scope takes from. */
        public BufferPool pool() {
            return pool;
        }

        /** {@link BufferPool#keep}: {@code t} outlives this scope. */
        public Tensor keep(Tensor t) {
            return BufferPool.keep(t);
        }

        /** How many tensors took pooled storage in this scope so far. */
        public int tensors() {
            return leases.size();
        }

        /**
         * Gives back the storage of this scope's tensors; using one of them afterwards throws. Closing twice does
         * nothing.
         *
         * @throws IllegalStateException on another thread than the one that opened it, or inside an
         *                               {@link BufferPool#outside} block entered after it
         */
        @Override
        public void close() {
            if (closed) return;
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("BufferPool.Scope.close: a scope must be closed on the thread that "
                        + "opened it (" + thread.getName() + "), not " + Thread.currentThread().getName());
            }
            Scope current = CURRENT.get();
            boolean inChain = false;
            for (Scope s = current; s != null; s = s.parent) inChain |= s == this;
            if (!inChain) {
                throw new IllegalStateException("BufferPool.Scope.close: this scope is not open on this thread here "
                        + "(inside BufferPool.outside, scopes opened before it cannot close)");
            }
            while (current != this) {                          // inner scopes left open close first
                current.close();
                current = CURRENT.get();
            }
            closed = true;
            CURRENT.set(parent);
            pool.recycle(leases);
            leases.clear();
        }
    }

    /** The size class of a storage: storages of equal backends, dtype and size are interchangeable. */
    private record Key(Backend backend, DType dtype, int size) {
    }

    /** The free storages of one size class, most recently given back first. */
    private static final class Bucket {
        final ArrayDeque<Lease> leases = new ArrayDeque<>();
        long lastUse;
    }

    /**
     * One pooled storage and its generation, shared by every tensor made on it in one generation (views included);
     * tensors remember the generation they were made in. The state says who owns it now.
     */
    static final class Lease {
        static final int SCOPED = 0, HELD = 1, KEPT = 2;

        final Key key;
        final Storage storage;
        volatile int generation;
        volatile int state = SCOPED;

        private Lease(Key key, Storage storage) {
            this.key = key;
            this.storage = storage;
        }
    }
}
