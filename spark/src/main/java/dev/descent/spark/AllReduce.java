package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The all-reduce of a barrier job's gradient shares among its N tasks, with no driver in the data path: every step,
 * a reduce-scatter, then an all-gather, over one TCP connection per pair of tasks.
 *
 * <p>The gradient (all parameters in order, each at its full size) is cut into N contiguous chunks; task c owns chunk
 * c. In the reduce-scatter every task sends chunk c of its share, with its rows, loss and per-parameter gradient
 * lengths, to task c, which adds the N shares of chunk c in partition order 0..N-1 (a partition without rows in the
 * batch, or without a gradient for a parameter, is skipped, and the first one present starts the sum), exactly as
 * {@link GradientSum#add} sums the whole shares on the driver. In the all-gather task c sends its summed chunk to
 * every task. Each task thus receives the driver's partition-order sum bit for bit, about 2 × (N − 1) / N of the
 * gradient's bytes each way per step whatever N is. A float32 model's sums go out rounded to float32, which is what
 * {@link GradientSum#setGrads} would round them to; a model with another dtype exchanges float64.
 *
 * <p>The tasks find each other through the driver's {@link GradientExchange} (control only: one address each per
 * job). NOTE: not {@code BarrierTaskContext.allGather}, which polls for its reply once a second in Spark 4.0.1. Every
 * wait is bounded ({@code timeoutNanos}, a peer silent that long fails the step with its name) and checks whether
 * Spark killed the task; a peer that dies closes its connections, which fails the step at once; every failure closes
 * all sockets, so that the barrier stage fails and is rerun from the job's start.
 *
 * <p>NOTE: the buffers are direct, little-endian and allocated once per job; the sum is written straight into the
 * parameters' gradient buffers, so a step makes no tensor here.
 */
final class AllReduce implements BarrierSteps.Exchanger {
    private static final int MAGIC = 0x44534152; // "DSAR"

    private final int partition, partitions, width;
    private final int[] sizes, offsets, bounds;
    private final long timeoutNanos;
    private final TaskContext task;
    private final String[] names;
    /** The whole gradient: this task's share, then (its chunk summed, the others received) the sum. */
    private final ByteBuffer values;
    /**
     * Per peer q, views of {@link #values} (one per use, for their positions): chunk q as sent to q, chunk q as
     * received from q, and this task's chunk as sent to q.
     */
    private final ByteBuffer[] sendTheirs, receiveTheirs, sendMine;
    /** Per peer: its values of this task's chunk. */
    private final ByteBuffer[] received;
    /** Per partition: step, rows, loss and gradient lengths of its share of the current step. */
    private final ByteBuffer[] headers;
    private final ByteBuffer[] headerCopies, stepsIn, stepsOut;
    private final ByteBuffer stepOut;
    private final Link[] links;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final int[] merged;
    private long rows;
    private double loss;

    /** One connection to a peer: what is still to be written, and the buffers the next bytes are read into. */
    private static final class Link {
        final int peer;
        final SocketChannel channel;
        SelectionKey key;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        final ArrayDeque<ByteBuffer> in = new ArrayDeque<>();

        Link(int peer, SocketChannel channel) {
            this.peer = peer;
            this.channel = channel;
        }
    }

    /**
     * Opens this task's side of the all-reduce of job attempt {@code attempt}: a server socket on {@code host}, the
     * peers' addresses from the driver's rendezvous, then a connection to every peer (this task connects to the
     * lower partitions and accepts the higher ones).
     *
     * @param sizes the elements of every parameter, in order, the same on every task
     * @param width bytes per value, 4 (float32 model) or 8
     */
    static AllReduce open(GradientExchange.Address rendezvous, long attempt, int partition, int partitions, String host,
                          int[] sizes, int width, long timeoutNanos, TaskContext task) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        Selector selector = null;
        Link[] links = new Link[partitions];
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), partitions);
            InetSocketAddress me = (InetSocketAddress) server.getLocalAddress();
            List<InetSocketAddress> peers = GradientExchange.rendezvous(rendezvous, attempt, partition, partitions,
                    me.getAddress().getHostAddress(), me.getPort(), timeoutNanos, task);
            selector = Selector.open();
            AllReduce a = new AllReduce(partition, partitions, sizes, width, timeoutNanos, task, peers, server, selector, links);
            a.connect(attempt, peers);
            return a;
        } catch (IOException | RuntimeException e) {
            closeQuietly(server, selector, links);
            throw e;
        }
    }

    private AllReduce(int partition, int partitions, int[] sizes, int width, long timeoutNanos, TaskContext task,
                      List<InetSocketAddress> peers, ServerSocketChannel server, Selector selector, Link[] links) {
        this.partition = partition;
        this.partitions = partitions;
        this.sizes = sizes.clone();
        this.width = width;
        this.timeoutNanos = timeoutNanos;
        this.task = task;
        this.server = server;
        this.selector = selector;
        this.links = links;
        offsets = new int[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) offsets[i + 1] = offsets[i] + sizes[i];
        long total = offsets[sizes.length];
        if (total * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("SparkTrainer: the all-reduce holds at most " + Integer.MAX_VALUE / width
                    + " gradient values of " + width + " bytes, the model has " + total);
        }
        bounds = new int[partitions + 1];
        for (int c = 0; c <= partitions; c++) bounds[c] = (int) (total * c / partitions);
        names = new String[partitions];
        for (int q = 0; q < partitions; q++) {
            names[q] = "partition " + q + " (" + peers.get(q).getHostString() + ":" + peers.get(q).getPort() + ")";
        }
        values = ByteBuffer.allocateDirect((int) total * width).order(ByteOrder.LITTLE_ENDIAN);
        sendTheirs = new ByteBuffer[partitions];
        receiveTheirs = new ByteBuffer[partitions];
        sendMine = new ByteBuffer[partitions];
        received = new ByteBuffer[partitions];
        headers = new ByteBuffer[partitions];
        headerCopies = new ByteBuffer[partitions];
        stepsIn = new ByteBuffer[partitions];
        stepsOut = new ByteBuffer[partitions];
        int mine = (bounds[partition + 1] - bounds[partition]) * width, header = 4 + 8 + 8 + 4 * sizes.length;
        stepOut = ByteBuffer.allocate(4);
        for (int c = 0; c < partitions; c++) headers[c] = ByteBuffer.allocate(header).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < partitions; c++) {
            if (c == partition) continue;
            sendTheirs[c] = chunk(c);
            receiveTheirs[c] = chunk(c);
            sendMine[c] = chunk(partition);
            received[c] = ByteBuffer.allocateDirect(mine).order(ByteOrder.LITTLE_ENDIAN);
            headerCopies[c] = headers[partition].duplicate();
            stepsIn[c] = ByteBuffer.allocate(4);
            stepsOut[c] = stepOut.duplicate();
        }
        merged = new int[sizes.length];
    }

    private ByteBuffer chunk(int c) {
        return values.slice(bounds[c] * width, (bounds[c + 1] - bounds[c]) * width);
    }

    /** Connects to partitions below this one and accepts those above, each link opened by a hello naming its side. */
    private void connect(long attempt, List<InetSocketAddress> peers) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (int q = 0; q < partition; q++) {
            SocketChannel c = SocketChannel.open();
            links[q] = new Link(q, c);
            configure(c);
            try {
                c.socket().connect(peers.get(q), (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutNanos / 1_000_000)));
            } catch (IOException e) {
                throw new IOException("cannot connect to " + names[q] + ": " + e, e);
            }
            ByteBuffer hello = ByteBuffer.allocate(16).putInt(MAGIC).putLong(attempt).putInt(partition).flip();
            while (hello.hasRemaining()) c.write(hello);
        }
        server.configureBlocking(false);
        SelectionKey accepting = server.register(selector, SelectionKey.OP_ACCEPT);
        int missing = partitions - 1 - partition;
        java.util.Map<SocketChannel, ByteBuffer> hellos = new java.util.HashMap<>();
        while (missing > 0) {
            await(deadline, () -> "the connections of partitions above " + partition + " (" + missingPeers() + ")");
            for (SelectionKey k : selector.selectedKeys()) {
                if (k == accepting) {
                    SocketChannel c = server.accept();
                    if (c == null) continue;
                    configure(c);
                    c.configureBlocking(false);
                    hellos.put(c, ByteBuffer.allocate(16));
                    c.register(selector, SelectionKey.OP_READ);
                    continue;
                }
                SocketChannel c = (SocketChannel) k.channel();
                ByteBuffer hello = hellos.get(c);
                int n;
                try {
                    n = c.read(hello);
                } catch (IOException e) {
                    n = -1; // a stale attempt's task that went away
                }
                if (n < 0) {
                    k.cancel();
                    c.close();
                    hellos.remove(c);
                    continue;
                }
                if (hello.hasRemaining()) continue;
                hello.flip();
                int magic = hello.getInt(), q = hello.getInt(12);
                long theirs = hello.getLong(4);
                k.cancel();
                hellos.remove(c);
                if (magic != MAGIC || theirs != attempt || q <= partition || q >= partitions || links[q] != null) {
                    c.close(); // a stale attempt's task, or not one of ours
                    continue;
                }
                links[q] = new Link(q, c);
                missing--;
            }
            selector.selectedKeys().clear();
        }
        accepting.cancel();
        for (SocketChannel c : hellos.keySet()) c.close();
        selector.selectNow(); // flushes the cancelled keys before the links register again
        for (Link l : links) {
            if (l == null) continue;
            l.channel.configureBlocking(false);
            l.key = l.channel.register(selector, 0, l);
        }
    }

    private String missingPeers() {
        StringBuilder sb = new StringBuilder();
        for (int q = partition + 1; q < partitions; q++) if (links[q] == null) sb.append(sb.length() == 0 ? "" : ", ").append(names[q]);
        return sb.toString();
    }

    private static void configure(SocketChannel c) throws IOException {
        // NOTE: no SO_SNDBUF/SO_RCVBUF: setting them turns off Linux's buffer autotuning, and caps them at
        // net.core.[rw]mem_max (often 208 kB); the links are written and read at once, so no side waits on a buffer
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    public BarrierSteps.Total exchange(List<Variable> params, long rows, double loss, int step, BarrierSteps.Times times)
            throws IOException {
        long start = System.nanoTime();
        ByteBuffer header = headers[partition].clear();
        header.putInt(step).putLong(rows).putDouble(loss);
        for (int i = 0; i < sizes.length; i++) {
            Tensor g = params.get(i).grad();
            header.putInt(rows == 0 || g == null ? -1 : sizes[i]);
            if (rows == 0 || g == null) continue;
            if (g.size() != sizes[i] || g.dtype() != (width == 4 ? DType.FLOAT32 : g.dtype())) {
                throw new IllegalStateException("SparkTrainer: the gradient of parameter " + i + " is " + g.dtype() + " "
                        + g.shape() + ", the all-reduce expected " + sizes[i] + " values of " + (width == 4 ? "FLOAT32" : "any dtype"));
            }
            ByteBuffer at = values.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(offsets[i] * width).limit(offsets[i + 1] * width);
            if (width == 4) g.copyTo(at.asFloatBuffer());
            else g.to(DType.FLOAT64).copyTo(at.asDoubleBuffer());
        }
        header.flip();
        stepOut.clear().putInt(0, step);
        long packed = System.nanoTime();
        times.pack += packed - start;

        // reduce-scatter: chunk q of this share to partition q; the peers' shares of this task's chunk back
        for (Link l : links) {
            if (l == null) continue;
            l.out.add(headerCopies[l.peer].clear());
            l.out.add(sendTheirs[l.peer].clear());
            l.in.add(headers[l.peer].clear());
            l.in.add(received[l.peer].clear());
        }
        long deadline = packed + timeoutNanos;
        // NOTE: until every peer's header is in, this task waits for the slowest peer's computing, not for bytes
        pump(deadline, step, "the shares of chunk " + partition, () -> {
            for (Link l : links) if (l != null && l.in.size() > 1) return false;
            return true;
        });
        times.waiting += System.nanoTime() - packed;
        pump(deadline, step, "the shares of chunk " + partition, () -> {
            for (Link l : links) if (l != null && l.in.size() > 0) return false;
            return true;
        });
        for (int q = 0; q < partitions; q++) {
            if (q == partition) continue;
            headers[q].flip();
            int theirs = headers[q].getInt(0);
            if (theirs != step) {
                throw new IllegalStateException("SparkTrainer: " + names[q] + " sent its share of step " + theirs
                        + " during step " + step + " of the all-reduce");
            }
        }
        long reducing = System.nanoTime();
        reduce();
        times.reduce += System.nanoTime() - reducing;

        // all-gather: this task's summed chunk to every peer, theirs into their chunks
        for (Link l : links) {
            if (l == null) continue;
            l.out.add(stepsOut[l.peer].clear());
            l.out.add(sendMine[l.peer].clear());
            l.in.add(stepsIn[l.peer].clear());
            // NOTE: the region just sent to that peer: it answers only once it has read all of it
            l.in.add(receiveTheirs[l.peer].clear());
        }
        pump(deadline, step, "the summed chunks", () -> {
            for (Link l : links) if (l != null && (l.in.size() > 0 || l.out.size() > 0)) return false;
            return true;
        });
        for (int q = 0; q < partitions; q++) {
            if (q != partition && stepsIn[q].getInt(0) != step) {
                throw new IllegalStateException("SparkTrainer: " + names[q] + " sent its summed chunk of step "
                        + stepsIn[q].getInt(0) + " during step " + step + " of the all-reduce");
            }
        }
        total();
        return new BarrierSteps.Total() {
            @Override
            public long rows() {
                return AllReduce.this.rows;
            }

            @Override
            public double loss() {
                return AllReduce.this.loss;
            }

            @Override
            public void setGrads(List<Variable> ps) {
                apply(ps);
            }
        };
    }

    /** The rows, the loss and the gradient lengths of the sum, folded over the partitions in order as the driver does. */
    private void total() {
        rows = 0;
        loss = 0;
        java.util.Arrays.fill(merged, -1);
        for (int q = 0; q < partitions; q++) {
            ByteBuffer h = headers[q];
            long r = h.getLong(4);
            if (r == 0) continue;
            loss = rows == 0 ? h.getDouble(12) : loss + h.getDouble(12);
            rows += r;
            for (int i = 0; i < sizes.length; i++) merged[i] = Math.max(merged[i], h.getInt(20 + 4 * i));
        }
    }

    /**
     * Sums this task's chunk over the partitions in order into {@link #values}: per parameter, the partitions that
     * have rows and a gradient for it, the first one's value, then each next one's added in float64.
     */
    private void reduce() {
        int from = bounds[partition], to = bounds[partition + 1];
        int[] present = new int[partitions];
        ByteBuffer[] source = new ByteBuffer[partitions];
        int[] base = new int[partitions];
        for (int q = 0; q < partitions; q++) {
            source[q] = q == partition ? values : received[q];
            base[q] = q == partition ? 0 : from;
        }
        for (int i = 0; i < sizes.length; i++) {
            int a = Math.max(from, offsets[i]), b = Math.min(to, offsets[i + 1]);
            if (a >= b) continue;
            int n = 0;
            for (int q = 0; q < partitions; q++) {
                ByteBuffer h = headers[q];
                if (h.getLong(4) != 0 && h.getInt(20 + 4 * i) >= 0) present[n++] = q;
            }
            if (n == 0) continue;
            for (int j = a; j < b; j++) {
                double sum = value(source[present[0]], j - base[present[0]]);
                for (int k = 1; k < n; k++) sum += value(source[present[k]], j - base[present[k]]);
                if (width == 4) values.putFloat(j * 4, (float) sum);
                else values.putDouble(j * 8, sum);
            }
        }
    }

    private double value(ByteBuffer b, int j) {
        return width == 4 ? b.getFloat(j * 4) : b.getDouble(j * 8);
    }

    /**
     * Sets the parameters' gradients to the sum, as {@link GradientSum#setGrads} does with the driver's sum: read
     * straight out of {@link #values} into the gradients' buffers.
     */
    private void apply(List<Variable> params) {
        for (int i = 0; i < sizes.length; i++) {
            if (merged[i] < 0) {
                params.get(i).zeroGrad();
                continue;
            }
            ByteBuffer at = values.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(offsets[i] * width).limit(offsets[i + 1] * width);
            GradientSum.setGrad(params.get(i), width == 4 ? at.asFloatBuffer() : at.asDoubleBuffer());
        }
    }

    /** Writes and reads the links' queues until {@code done}; fails on a closed link, a kill, or the deadline. */
    private void pump(long deadline, int step, String what, BooleanSupplier done) throws IOException {
        while (true) {
            for (Link l : links) {
                if (l == null) continue;
                int ops = (l.out.isEmpty() ? 0 : SelectionKey.OP_WRITE) | (l.in.isEmpty() ? 0 : SelectionKey.OP_READ);
                if (l.key.interestOps() != ops) l.key.interestOps(ops);
            }
            if (done.getAsBoolean()) return;
            await(deadline, () -> what + " of step " + step + " from " + pending());
            for (SelectionKey k : selector.selectedKeys()) {
                Link l = (Link) k.attachment();
                try {
                    if (k.isWritable()) write(l);
                    if (k.isReadable()) read(l);
                } catch (IOException e) {
                    throw new IOException("the connection to " + names[l.peer] + " failed at step " + step + ": " + e, e);
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private static void write(Link l) throws IOException {
        while (!l.out.isEmpty()) {
            ByteBuffer b = l.out.peek();
            l.channel.write(b);
            if (b.hasRemaining()) return;
            l.out.poll();
        }
    }

    private void read(Link l) throws IOException {
        while (!l.in.isEmpty()) {
            ByteBuffer b = l.in.peek();
            int n = l.channel.read(b);
            if (n < 0) throw new IOException(names[l.peer] + " closed the connection");
            if (b.hasRemaining()) return;
            l.in.poll();
        }
    }

    private String pending() {
        StringBuilder sb = new StringBuilder();
        for (Link l : links) {
            if (l != null && (!l.in.isEmpty() || !l.out.isEmpty())) sb.append(sb.length() == 0 ? "" : ", ").append(names[l.peer]);
        }
        return sb.toString();
    }

    /** Selects for at most a second at a time until a key is ready, the task is killed, or the deadline passes. */
    private void await(long deadline, java.util.function.Supplier<String> waitingFor) throws IOException {
        while (true) {
            if (task != null && task.isInterrupted()) throw new IOException("the task was killed");
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("waited " + timeoutNanos / 1_000_000 + " ms (spark.descent.exchange.timeout) for "
                        + waitingFor.get());
            }
            if (selector.select(Math.max(1, Math.min(1000, left / 1_000_000))) > 0) return;
        }
    }

    @Override
    public void close() {
        closeQuietly(server, selector, links);
    }

    private static void closeQuietly(ServerSocketChannel server, Selector selector, Link[] links) {
        for (Link l : links) {
            if (l == null) continue;
            try {
                l.channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
