package dev.descent.spark;

import dev.descent.autodiff.Variable;
import org.apache.spark.TaskContext;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the tasks of a {@link SparkTrainer.Builder#stepsPerJob} barrier job meet: a TCP server on the driver. In
 * {@link SparkTrainer.Exchange#ALL_REDUCE} mode it only introduces them: each task sends the address of its
 * {@link AllReduce} server once per job and receives every task's. In {@link SparkTrainer.Exchange#DRIVER} mode it
 * carries the shares: each task connects once per job, then per step sends its share and waits for the sum of all
 * shares, which the server adds up in partition order (whatever order they arrive in) and sends to every task
 * (rounded to float32 when every share was float32, as the tasks would round it), so every replica takes the same
 * step. NOTE: not {@code BarrierTaskContext.allGather}, which waits for its reply by polling once a second (Spark
 * 4.0.1's {@code runBarrier} sleeps 1000 ms while the reply is pending), so that every exchange in which one task
 * waits for another costs a second.
 *
 * <p>A task attempt announces its job and stage attempt; a newer attempt (Spark reruns a failed barrier stage as a
 * whole) discards the rounds of the older one, whose connections are closed. A task waits at most
 * {@code spark.descent.exchange.timeout} for a reply.
 */
final class GradientExchange implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GradientExchange.class.getName());

    /** Where the tasks connect: the driver's host as Spark knows it, and the server's port. */
    record Address(String host, int port) implements Serializable {
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final Object lock = new Object();
    /** The job and stage attempt whose rounds are being collected; older ones are refused. */
    private long current = Long.MIN_VALUE;
    private Peer[] peers = new Peer[0];
    private final Map<Integer, GradientSum[]> rounds = new HashMap<>();
    private volatile boolean closed;
    /** The rendezvous of {@link AllReduce}: the attempt whose addresses are being collected, and those addresses. */
    private final Object meeting = new Object();
    private long meetingAttempt = Long.MIN_VALUE;
    private InetSocketAddress[] table = new InetSocketAddress[0];
    private final long timeoutNanos;

    /** What a task's hello asks for: its shares summed every step, or the all-reduce's addresses once. */
    static final byte SHARES = 0, RENDEZVOUS = 1;

    GradientExchange(String host, int port, long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new IllegalStateException("SparkTrainer: stepsPerJob cannot open its gradient exchange on " + host
                    + ":" + port + " (spark.driver.host; the port is spark.descent.exchange.port, 0 for any): " + e, e);
        }
        acceptor = new Thread(this::accept, "descent-gradient-exchange");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Address address() {
        return new Address(server.getInetAddress().getHostAddress(), server.getLocalPort());
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "descent-gradient-exchange-peer");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) LOG.log(System.Logger.Level.WARNING, "gradient exchange: accept failed: " + e);
            }
        }
    }

    private static final class Peer {
        final Socket socket;
        final DataOutputStream out;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        }
    }

    /**
     * One task's connection: a hello (job and stage attempt, partition, partitions, what it asks for), then the
     * rendezvous, or one share per step.
     */
    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            Frames in = new Frames(s.getInputStream(), null, Long.MAX_VALUE);
            byte[] first = in.frame();
            if (first == null) return;
            ByteBuffer hello = ByteBuffer.wrap(first);
            long attempt = hello.getLong();
            int partition = hello.getInt(), partitions = hello.getInt();
            if (partition < 0 || partition >= partitions) return;
            if (hello.hasRemaining() && hello.get() == RENDEZVOUS) meet(s, hello, attempt, partition, partitions);
            else shares(s, in, attempt, partition, partitions);
        } catch (IOException e) {
            if (!closed) LOG.log(System.Logger.Level.DEBUG, "gradient exchange: a task's connection ended: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records a task's all-reduce address, waits (bounded) for the attempt's others, and sends them all. */
    private void meet(Socket s, ByteBuffer hello, long attempt, int partition, int partitions)
            throws IOException, InterruptedException {
        int port = hello.getInt();
        byte[] host = new byte[hello.remaining()];
        hello.get(host);
        InetSocketAddress[] all;
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (meeting) {
            if (attempt < meetingAttempt) return;
            if (attempt > meetingAttempt) {
                meetingAttempt = attempt;
                table = new InetSocketAddress[partitions];
                meeting.notifyAll();
            }
            if (table.length != partitions) return;
            table[partition] = InetSocketAddress.createUnresolved(new String(host, StandardCharsets.UTF_8), port);
            meeting.notifyAll();
            while (meetingAttempt == attempt && java.util.Arrays.asList(table).contains(null) && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return; // the task gives up too, and says so
                meeting.wait(Math.max(1, Math.min(1000, left / 1_000_000)));
            }
            if (meetingAttempt != attempt || closed) return;
            all = table.clone();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (InetSocketAddress a : all) {
            out.writeInt(a.getPort());
            out.writeUTF(a.getHostString());
        }
        DataOutputStream to = new DataOutputStream(s.getOutputStream());
        to.writeInt(bytes.size());
        bytes.writeTo(to);
        to.flush();
    }

    /** The shares of one task, a step at a time, summed with the other tasks' in partition order. */
    private void shares(Socket s, Frames in, long attempt, int partition, int partitions) throws IOException {
        Peer me = new Peer(s);
        synchronized (lock) {
            if (attempt < current) return;
            if (attempt > current) {
                for (Peer p : peers) if (p != null) p.socket.close();
                current = attempt;
                peers = new Peer[partitions];
                rounds.clear();
            }
            if (peers.length != partitions) return;
            peers[partition] = me;
        }
        while (true) {
            byte[] frame = in.frame();
            if (frame == null) return;
            GradientSum share = GradientSum.decode(frame);
            int step = ByteBuffer.wrap(frame).getInt(frame.length - 4);
            synchronized (lock) {
                if (attempt != current) return;
                GradientSum[] round = rounds.computeIfAbsent(step, k -> new GradientSum[peers.length]);
                round[partition] = share;
                boolean complete = true;
                for (GradientSum g : round) complete &= g != null;
                if (!complete) continue;
                rounds.remove(step);
                GradientSum sum = GradientSum.zero();
                boolean single = true;
                for (GradientSum g : round) { // partition order
                    sum.add(g);
                    single &= g.rows == 0 || g.f32 != null;
                }
                byte[] bytes = sum.encode(-1, single);
                for (Peer p : peers) {
                    p.out.writeInt(bytes.length);
                    p.out.write(bytes);
                    p.out.flush();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (lock) {
            for (Peer p : peers) {
                if (p == null) continue;
                try {
                    p.socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    // ---------------------------------------------------------------- the tasks' side

    /**
     * A task's side of the rendezvous: sends the address of its all-reduce server and returns every task's, in
     * partition order, waiting at most {@code timeoutNanos}.
     */
    static List<InetSocketAddress> rendezvous(Address driver, long attempt, int partition, int partitions, String host,
                                              int port, long timeoutNanos, TaskContext task) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(driver.host(), driver.port()), millis(timeoutNanos));
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(1000); // to notice a killed task while waiting
            byte[] name = host.getBytes(StandardCharsets.UTF_8);
            byte[] hello = ByteBuffer.allocate(21 + name.length).putLong(attempt).putInt(partition).putInt(partitions)
                    .put(RENDEZVOUS).putInt(port).put(name).array();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(hello.length);
            out.write(hello);
            out.flush();
            byte[] reply = new Frames(socket.getInputStream(), task, timeoutNanos).frame();
            if (reply == null) throw new IOException("the driver closed the connection (a newer attempt of the job?)");
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(reply));
            List<InetSocketAddress> all = new ArrayList<>();
            for (int q = 0; q < partitions; q++) {
                int p = in.readInt();
                all.add(new InetSocketAddress(in.readUTF(), p));
            }
            return all;
        } catch (IOException e) {
            throw new IOException("the rendezvous of partition " + partition + " with the driver at " + driver.host() + ":"
                    + driver.port() + " failed: " + e, e);
        }
    }

    private static int millis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, nanos / 1_000_000));
    }

    /** A task's connection to the exchange in {@link SparkTrainer.Exchange#DRIVER} mode. */
    static final class Client implements BarrierSteps.Exchanger {
        private final Socket socket;
        private final DataOutputStream out;
        private final Frames in;

        Client(Address address, long attempt, int partition, int partitions, long timeoutNanos) {
            try {
                socket = new Socket();
                socket.connect(new InetSocketAddress(address.host(), address.port()), millis(timeoutNanos));
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(1000); // to notice a killed task while waiting
                out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
                in = new Frames(socket.getInputStream(), TaskContext.get(), timeoutNanos);
                byte[] hello = ByteBuffer.allocate(17).putLong(attempt).putInt(partition).putInt(partitions).put(SHARES).array();
                out.writeInt(hello.length);
                out.write(hello);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("SparkTrainer: a task cannot reach the driver's gradient exchange at "
                        + address.host() + ":" + address.port() + ": " + e, e);
            }
        }

        /** Sends this task's share of step {@code step} and returns the sum of every task's share. */
        @Override
        public GradientSum exchange(List<Variable> params, long rows, double loss, int step, BarrierSteps.Times times)
                throws IOException {
            long start = System.nanoTime();
            GradientSum share = rows == 0 ? GradientSum.zero() : GradientSum.share(params, loss, rows, 0, 0);
            byte[] bytes = share.encode(-1, share.f32 != null);
            times.pack += System.nanoTime() - start;
            try {
                out.writeInt(bytes.length + 4);
                out.write(bytes);
                out.writeInt(step);
                out.flush();
                byte[] sum = in.frame();
                if (sum == null) throw new IOException("the driver closed the exchange");
                return GradientSum.decode(sum);
            } catch (IOException e) {
                throw new IOException("the gradient exchange with the driver failed at step " + step + ": " + e, e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Length-prefixed frames; a read that times out (the socket's 1 s) checks whether the task was killed, and fails
     * once {@code timeoutNanos} passed without a whole frame.
     */
    private static final class Frames {
        private final InputStream in;
        private final TaskContext task;
        private final long timeoutNanos;

        Frames(InputStream in, TaskContext task, long timeoutNanos) {
            this.in = new BufferedInputStream(in, 1 << 16);
            this.task = task;
            this.timeoutNanos = timeoutNanos;
        }

        /** The next frame, or null at the end of the stream. */
        byte[] frame() throws IOException {
            long deadline = System.nanoTime() + timeoutNanos;
            byte[] length = new byte[4];
            if (!fill(length, true, deadline)) return null;
            byte[] frame = new byte[ByteBuffer.wrap(length).getInt()];
            fill(frame, false, deadline);
            return frame;
        }

        private boolean fill(byte[] b, boolean endAllowed, long deadline) throws IOException {
            int n = 0;
            while (n < b.length) {
                int r;
                try {
                    r = in.read(b, n, b.length - n);
                } catch (SocketTimeoutException e) {
                    if (task != null && task.isInterrupted()) throw new IOException("the task was killed");
                    if (timeoutNanos != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
                        throw new SocketTimeoutException("no reply within " + timeoutNanos / 1_000_000
                                + " ms (spark.descent.exchange.timeout)");
                    }
                    continue;
                }
                if (r < 0) {
                    if (n == 0 && endAllowed) return false;
                    throw new IOException("the connection ended inside a frame");
                }
                n += r;
            }
            return true;
        }
    }
}
