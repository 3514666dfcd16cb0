package dev.xidlab.lab.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy to a local port that can go silent: frozen, it stops passing bytes in either direction but closes
 * nothing, as a machine that stopped would (no FIN, no RST). Thawed, new connections pass again; connections
 * that lived through a freeze stay dead.
 */
final class FreezingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long frozenAt = Long.MAX_VALUE;
    private volatile int generation;

    private FreezingProxy(ServerSocket listener, int target) {
        this.listener = listener;
        this.target = target;
    }

    static FreezingProxy to(int port) throws IOException {
        FreezingProxy proxy = new FreezingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), port);
        Thread accept = new Thread(proxy::accept, "freezing-proxy");
        accept.setDaemon(true);
        accept.start();
        return proxy;
    }

    int port() {
        return listener.getLocalPort();
    }

    void freezeAfter(Duration delay) {
        frozenAt = System.nanoTime() + delay.toNanos();
    }

    void thaw() {
        generation++;
        frozenAt = Long.MAX_VALUE;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                int born = generation;
                pump(client, server, born);
                pump(server, client, born);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, int born) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    // Once frozen, bytes of this connection go nowhere, for good: the peer has stopped.
                    while (System.nanoTime() >= frozenAt || generation != born) {
                        Thread.sleep(50);
                        if (generation != born && System.nanoTime() < frozenAt) {
                            break;
                        }
                    }
                    if (generation != born) {
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // The test is over or the connection was closed.
            }
        }, "freezing-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
