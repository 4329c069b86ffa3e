package hvlab.vmmm.host;

import hvlab.vmm.host.Identity;
import hvlab.vmm.host.VmDefinition;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A serving host faced with peers that lie: migrations offered with impossible sizes, pages outside
 * the VM, a machine state that is not one, messages out of order, a peer that is not the manager.
 * Each gets one clear refusal, nothing is left behind, and the host serves on.
 */
class HostileServerTest {
    @TempDir
    Path dir;
    EmbeddedDatacenter dc;

    @BeforeEach
    void start() throws Exception {
        dc = EmbeddedDatacenter.start(dir, 1, 1, true);
    }

    @AfterEach
    void stop() {
        dc.close();
    }

    static byte[] definition(String name, long memory) throws Exception {
        return Json.MAPPER.writeValueAsBytes(new VmDefinition(name, Identity.newUuid(), "counter", memory, "trap", null, 256, 0,
                Instant.now(), Identity.newMac(), Identity.newGenerationId()));
    }

    /** Sends {@code messages} on the host's plaintext migration port and returns its last answer (a Failure, if any). */
    Message offer(Message... messages) throws Exception {
        var address = dc.server("h1").insecureAddress();
        try (Socket socket = Tls.connectInsecure(address, 5000); Frames link = new Frames(socket, 5000)) {
            Message answer = null;
            for (Message m : messages) {
                link.send(m);
                if (m instanceof Offer) {
                    answer = link.receive();
                    if (answer instanceof Failure) return answer;
                    assertInstanceOf(VtpmKey.class, link.receive(), "the target's TPM key for the vTPM follows its Accept");
                }
            }
            return link.receive();
        }
    }

    @Test
    void impossibleOffersAndPagesAreRefusedAndLeaveNothingBehind() throws Exception {
        Message tooBig = offer(new Offer("x", definition("big", 64L << 30), new byte[0], List.of(), List.of(), List.of()));
        assertTrue(tooBig instanceof Failure f && f.reason().contains("memory size"), tooBig.toString());
        Message notJson = offer(new Offer("x", "{not json".getBytes(), new byte[0], List.of(), List.of(), List.of()));
        assertTrue(notJson instanceof Failure f && f.reason().contains("not valid"), notJson.toString());
        Message elsewhere = offer(new Offer("x", definition("p", 1 << 20), new byte[0], List.of(), List.of("h7"), List.of()));
        assertTrue(elsewhere instanceof Failure f && f.reason().contains("may run only on h7"), elsewhere.toString());

        Message outside = offer(new Offer("x", definition("o", 2 << 20), new byte[] {(byte) 0xf4}, List.of(), List.of(), List.of()),
                new Pages(0, new int[] {512}, new byte[Codec.PAGE]));
        assertTrue(outside instanceof Failure f && f.reason().contains("page 512 is not a page"), outside.toString());
        Message badMachine = offer(new Offer("x", definition("m", 2 << 20), new byte[] {(byte) 0xf4}, List.of(), List.of(), List.of()),
                new Finish("{\"no\":1}".getBytes(), List.of()));
        assertTrue(badMachine instanceof Failure, badMachine.toString());
        Message outOfOrder = offer(new Offer("x", definition("q", 2 << 20), new byte[] {(byte) 0xf4}, List.of(), List.of(), List.of()),
                new Commit());
        assertTrue(outOfOrder instanceof Failure f && f.reason().contains("Commit in the middle"), outOfOrder.toString());
        Message noVtpm = offer(new Offer("x", definition("n", 2 << 20), new byte[] {(byte) 0xf4}, List.of(), List.of(), List.of()),
                new Finish("{}".getBytes(), List.of()));
        assertTrue(noVtpm instanceof Failure f && f.reason().contains("the vTPM of 'n' did not come"), noVtpm.toString());
        Message garbageVtpm = offer(new Offer("x", definition("g", 2 << 20), new byte[] {(byte) 0xf4}, List.of(), List.of(), List.of()),
                new VtpmState(new byte[] {0, 3, 1, 2, 3, 4, 5}), new Finish("{}".getBytes(), List.of()));
        assertTrue(garbageVtpm instanceof Failure f && f.reason().startsWith("refused the vTPM of 'g'"), garbageVtpm.toString());
        Message twoVtpms = offer(new Offer("x", definition("t", 2 << 20), new byte[] {(byte) 0xf4}, List.of(), List.of(), List.of()),
                new VtpmState(new byte[] {1}), new VtpmState(new byte[] {2}));
        assertTrue(twoVtpms instanceof Failure f && f.reason().contains("VtpmState in the middle"), twoVtpms.toString());

        var h1 = dc.host("h1");
        for (String vm : List.of("big", "p", "o", "m", "q", "n", "g", "t")) {
            for (int i = 0; i < 100 && h1.hasVm(vm); i++) Thread.sleep(20); // the server cleans up after it answers
            assertFalse(h1.hasVm(vm), vm + " was left behind");
        }
    }

    @Test
    void managementNeedsTheManagersCertificateAndThePlaintextPortTakesMigrationsOnly() throws Exception {
        DatacenterCa ca = DatacenterCa.open(dir.resolve("dc"));
        Tls otherHost = Tls.of(ca, "h5"); // a real node of this datacenter, but not the manager
        try (Socket socket = otherHost.connect(dc.server("h1").address(), "h1", 5000); Frames link = new Frames(socket, 5000)) {
            link.send(new Hello("manager", "manager", Codec.VERSION));
            Message answer = link.receive();
            assertTrue(answer instanceof Failure f && f.reason().contains("'h5' may not send Hello"), answer.toString());
        }
        try (Socket socket = Tls.connectInsecure(dc.server("h1").insecureAddress(), 5000); Frames link = new Frames(socket, 5000)) {
            link.send(new Call("list", List.of()));
            Message answer = link.receive();
            assertTrue(answer instanceof Failure f && f.reason().contains("migrations only"), answer.toString());
        }
        // not TLS on the TLS port: the handshake fails, the connection ends, the host serves on
        try (Socket socket = Tls.connectInsecure(dc.server("h1").address(), 5000)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes());
            out.flush();
            socket.setSoTimeout(5000);
            socket.getInputStream().readAllBytes();
        }
        assertEquals("[]", dc.manager().call("h1", "list"), "still serving its manager");
    }
}
