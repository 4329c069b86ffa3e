package hvlab.vmm.gdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One gdb connection: reads requests, answers them against a {@link DebugTarget}, and reports
 * how each run ended. gdb works in "all-stop" mode here: while the target runs, gdb sends nothing
 * but Ctrl-C, and waits for the stop reply that ends {@code c}.
 *
 * <p>Two sources feed one queue, so the session is a plain loop over events: the client's bytes
 * (a reader thread turns them into {@link Incoming} units) and the target's stops (from whatever
 * thread the target stops on). Nothing the client sends can end the loop but the end of the
 * connection, a detach or a kill; a request that fails is an error reply, never an exception.
 */
public final class GdbSession {
    /** What gdb is told about the target: only the architecture; gdb then uses its own i386 register set. */
    static final String TARGET_XML = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
            + "<target version=\"1.0\"><architecture>i386</architecture></target>\n";
    static final String BAD_REQUEST = "E01";
    static final String BAD_ADDRESS = "E0e";
    static final String REFUSED = "E16";

    /** Units from the client the session may have waiting at most (see {@link #read}). */
    private static final int BACKLOG = 64;

    private final DebugTarget target;
    private final OutputStream out;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private byte[] lastSent = new byte[0];
    private DebugTarget.Stop lastStop;
    private boolean running;
    private volatile boolean over;

    public GdbSession(DebugTarget target, OutputStream out) {
        this.target = target;
        this.out = out;
    }

    /** Serves the connection until it ends, gdb detaches or kills. The target is left as the attach found it, minus the debugger. */
    public void serve(InputStream in) throws IOException {
        Thread reader = new Thread(() -> read(new PacketReader(in)), "hvlab-gdb-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            lastStop = target.attach();
        } catch (RuntimeException e) {
            lastStop = new DebugTarget.Stop.Gone(9, e.getMessage());
        }
        try {
            while (!over) {
                Object event = events.take();
                handle(event);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!over) {
                leave();
            }
        }
    }

    /**
     * The reader thread. A client that sends without reading our answers would fill the queue
     * while the session waits to write: the reader waits instead (the client's bytes then stay in
     * its socket), so no client makes the stub hold more than {@link #BACKLOG} units.
     */
    private void read(PacketReader reader) {
        try {
            Incoming unit;
            do {
                unit = reader.next();
                while (events.size() >= BACKLOG && !over) {
                    Thread.sleep(1);
                }
                events.add(unit);
            } while (!(unit instanceof Incoming.End) && !over);
        } catch (IOException e) {
            events.add(new Incoming.End());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(Object event) throws IOException {
        switch (event) {
            case Incoming.Packet packet -> {
                write(new byte[] {'+'});
                if (running) {
                    send(REFUSED); // all-stop: nothing but Ctrl-C while the target runs
                } else {
                    answer(Requests.parse(packet.body()));
                }
            }
            case Incoming.TooLong tooLong -> {
                write(new byte[] {'+'});
                send(BAD_REQUEST);
            }
            case Incoming.Damaged damaged -> write(new byte[] {'-'});
            case Incoming.Nack nack -> write(lastSent);
            case Incoming.Ack ack -> { }
            case Incoming.Interrupt interrupt -> {
                if (running) {
                    target.interrupt();
                }
            }
            case Incoming.End end -> leave();
            case DebugTarget.Stop stop -> {
                running = false;
                lastStop = stop;
                send(stopReply(stop));
            }
            default -> throw new IllegalStateException("unknown event " + event);
        }
    }

    /** The connection ended without a detach: gdb went away, the target runs on without it. */
    private void leave() {
        over = true;
        try {
            if (!(lastStop instanceof DebugTarget.Stop.Exited || lastStop instanceof DebugTarget.Stop.Gone)) {
                target.detach();
            }
        } catch (RuntimeException ignored) {
            // the machine went away meanwhile: nothing left to give back
        }
    }

    private void answer(Request request) throws IOException {
        String reply;
        try {
            reply = reply(request);
        } catch (DebugTarget.TargetException e) {
            reply = BAD_ADDRESS;
        } catch (IllegalArgumentException e) {
            reply = BAD_REQUEST;
        } catch (RuntimeException e) {
            reply = REFUSED; // whatever went wrong behind the target, the client gets an answer
        }
        if (reply != null) {
            send(reply);
        }
    }

    /** The answer to one request; null when there is none now (a run: the stop reply comes later). */
    private String reply(Request request) {
        boolean alive = !(lastStop instanceof DebugTarget.Stop.Exited || lastStop instanceof DebugTarget.Stop.Gone);
        return switch (request) {
            case Request.WhyStopped w -> stopReply(lastStop);
            case Request.Supported s -> "PacketSize=" + Integer.toHexString(Rsp.MAX_BODY) + ";qXfer:features:read+;swbreak+;hwbreak+";
            case Request.Features f -> features(f);
            case Request.Attached a -> "1";
            case Request.CurrentThread c -> "QC1";
            case Request.ThreadList list -> list.first() ? "m1" : "l";
            case Request.Thread t -> "OK";
            case Request.VContQuery v -> "vCont;c;C;s;S";
            case Request.Unsupported u -> "";
            case Request.Malformed m -> BAD_REQUEST;
            case Request.Detach d -> {
                over = true;
                if (alive) target.detach();
                yield "OK";
            }
            case Request.Kill k -> {
                over = true;
                if (alive) target.kill();
                yield k.answer() ? "OK" : null;
            }
            default -> alive ? onMachine(request) : REFUSED;
        };
    }

    private String onMachine(Request request) {
        return switch (request) {
            case Request.ReadRegisters r -> target.registers().toHex();
            case Request.WriteRegisters w -> {
                target.setRegisters(target.registers().withAll(w.bytes()));
                yield "OK";
            }
            case Request.ReadRegister r -> I386Registers.size(r.number()) < 0 ? REFUSED : Rsp.hex(target.registers().bytes(r.number()));
            case Request.WriteRegister w -> {
                target.setRegisters(target.registers().with(w.number(), w.value()));
                yield "OK";
            }
            case Request.ReadMemory m -> m.length() == 0 ? REFUSED : Rsp.hex(target.readMemory(m.address(), m.length()));
            case Request.WriteMemory m -> {
                if (m.bytes().length > 0) target.writeMemory(m.address(), m.bytes());
                yield "OK";
            }
            case Request.Breakpoint b -> {
                if (b.insert()) target.insertBreakpoint(b.address());
                else target.removeBreakpoint(b.address());
                yield "OK";
            }
            case Request.Step s -> {
                lastStop = target.step();
                yield stopReply(lastStop);
            }
            case Request.Continue c -> {
                running = true;
                target.resume(events::add);
                yield null;
            }
            default -> REFUSED;
        };
    }

    private static String features(Request.Features f) {
        if (!f.annex().equals("target.xml")) {
            return BAD_REQUEST;
        }
        if (f.offset() >= TARGET_XML.length()) {
            return "l";
        }
        int end = (int) Math.min(TARGET_XML.length(), (long) f.offset() + f.length());
        return (end == TARGET_XML.length() ? "l" : "m") + TARGET_XML.substring(f.offset(), end);
    }

    /** A stop reply (gdb manual, E.3 "Stop Reply Packets"); thread 1 is our one CPU. */
    static String stopReply(DebugTarget.Stop stop) {
        return switch (stop) {
            case DebugTarget.Stop.Signal s -> String.format("T%02xthread:1;%s", s.signal(), s.breakpoint() ? "swbreak:;" : "");
            case DebugTarget.Stop.Exited e -> String.format("W%02x", e.code() & 0xFF);
            case DebugTarget.Stop.Gone g -> String.format("X%02x", g.signal() & 0xFF);
        };
    }

    private void send(String body) throws IOException {
        lastSent = Rsp.frame(body);
        write(lastSent);
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }
}
