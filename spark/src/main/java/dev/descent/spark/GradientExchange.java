package dev.descent.spark;

import org.apache.spark.TaskContext;

import java.io.BufferedInputStream;
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
import java.util.HashMap;
import java.util.Map;

/**
 * Where the tasks of a {@link SparkTrainer.Builder#stepsPerJob} barrier job exchange their gradient shares every
 * step: a TCP server on the driver. Each task connects once per job, then per step sends its share and waits for
 * the sum of all shares, which the server adds up in partition order (whatever order they arrive in) and sends to
 * every task, so every replica takes the same step. NOTE: not {@code BarrierTaskContext.allGather}, which waits for
 * its reply by polling once a second (Spark 4.0.1's {@code runBarrier} sleeps 1000 ms while the reply is pending), so
 * that every exchange in which one task waits for another costs a second.
 *
 * <p>A task attempt announces its job and stage attempt; a newer attempt (Spark reruns a failed barrier stage as a
 * whole) discards the rounds of the older one, whose connections are closed.
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

    GradientExchange(String host, int port) {
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

    /** One task's connection: a hello (job, stage attempt, partition, partitions), then one share per step. */
    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            Frames in = new Frames(s.getInputStream(), null);
            ByteBuffer hello = ByteBuffer.wrap(in.frame());
            long attempt = hello.getLong();
            int partition = hello.getInt(), partitions = hello.getInt();
            Peer me = new Peer(s);
            synchronized (lock) {
                if (attempt < current) return;
                if (attempt > current) {
                    for (Peer p : peers) if (p != null) p.socket.close();
                    current = attempt;
                    peers = new Peer[partitions];
                    rounds.clear();
                }
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
                    for (GradientSum g : round) sum.add(g); // partition order
                    byte[] bytes = sum.encode(-1);
                    for (Peer p : peers) {
                        p.out.writeInt(bytes.length);
                        p.out.write(bytes);
                        p.out.flush();
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) LOG.log(System.Logger.Level.DEBUG, "gradient exchange: a task's connection ended: " + e);
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

    /** A task's connection to the exchange. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final DataOutputStream out;
        private final Frames in;

        Client(Address address, long attempt, int partition, int partitions) {
            try {
                socket = new Socket(address.host(), address.port());
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(1000); // to notice a killed task while waiting
                out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
                in = new Frames(socket.getInputStream(), TaskContext.get());
                byte[] hello = ByteBuffer.allocate(16).putLong(attempt).putInt(partition).putInt(partitions).array();
                out.writeInt(hello.length);
                out.write(hello);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("SparkTrainer: a task cannot reach the driver's gradient exchange at "
                        + address.host() + ":" + address.port() + ": " + e, e);
            }
        }

        /** Sends this task's share of step {@code step} and returns the sum of every task's share. */
        GradientSum exchange(GradientSum share, int partition, int step) {
            try {
                byte[] bytes = share.encode(partition);
                out.writeInt(bytes.length + 4);
                out.write(bytes);
                out.writeInt(step);
                out.flush();
                byte[] sum = in.frame();
                if (sum == null) throw new IOException("the driver closed the exchange");
                return GradientSum.decode(sum);
            } catch (IOException e) {
                throw new UncheckedIOException("SparkTrainer: the gradient exchange with the driver failed at step "
                        + step + ": " + e, e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Length-prefixed frames; with a task context, a read that times out checks whether the task was killed. */
    private static final class Frames {
        private final InputStream in;
        private final TaskContext task;

        Frames(InputStream in, TaskContext task) {
            this.in = new BufferedInputStream(in, 1 << 16);
            this.task = task;
        }

        /** The next frame, or null at the end of the stream. */
        byte[] frame() throws IOException {
            byte[] length = new byte[4];
            if (!fill(length, true)) return null;
            byte[] frame = new byte[ByteBuffer.wrap(length).getInt()];
            fill(frame, false);
            return frame;
        }

        private boolean fill(byte[] b, boolean endAllowed) throws IOException {
            int n = 0;
            while (n < b.length) {
                int r;
                try {
                    r = in.read(b, n, b.length - n);
                } catch (SocketTimeoutException e) {
                    if (task != null && task.isInterrupted()) throw new IOException("the task was killed");
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
