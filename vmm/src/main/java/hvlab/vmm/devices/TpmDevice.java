package hvlab.vmm.devices;

import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.tpm.Installation;
import hvlab.vmm.tpm.KeyWrap;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.TpmCommand;
import hvlab.vmm.tpm.TpmResponse;
import hvlab.vmm.tpm.TpmResult;
import hvlab.vmm.tpm.TpmState;
import hvlab.vmm.tpm.VirtualTpm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The VM's vTPM, reached through a command buffer in guest RAM, like TPM 2.0's Command Response
 * Buffer (CRB) interface, on three 32-bit registers:
 * <pre>
 *   0x4C0  ADDRESS  guest-physical address of the buffer            (read/write)
 *   0x4C4  SIZE     its size in bytes, 8 to 4096                     (read/write)
 *   0x4C8  START    write: run the command in the buffer; read: its status (0 = success,
 *                   else a {@link TpmResponse} code; 0xFFFFFFFF before the first command)
 * </pre>
 * The format of the buffer is in {@link TpmCommandBuffer}. Everything the guest says is checked:
 * a buffer not wholly in RAM, a length past the buffer, an unknown command, each gives an error
 * status and changes nothing. The buffer is read and written only through {@link GuestRam}, the
 * VMM's one door to guest memory, and the command runs to its end before the OUT returns, so a
 * guest cannot change the buffer while the vTPM reads it (no time-of-check/time-of-use gap:
 * the vTPM works on its own copy).
 */
public final class TpmDevice implements IoDevice {
    public static final int FIRST_PORT = 0x4C0;
    public static final int MAX_BUFFER = 4096;
    private Runnable commandListener;
    private static final int PORTS = 12;

    /** The vTPM's state as a saved machine carries it: wrapped whole under the host's vTPM key. */
    public record State(String owner, byte[] wrapped, byte[] registers) implements DeviceState {}

    private final GuestRam ram;
    private final VirtualTpm host;
    private Tpm tpm;
    private final byte[] registers = new byte[PORTS];
    /** Set when a restored state could not be unwrapped here (it came from another installation). */
    private boolean foreignStateRefused;

    public TpmDevice(VirtualTpm host, GuestRam ram) {
        this.host = host;
        this.tpm = host.tpm();
        this.ram = ram;
        setRegister(8, -1);
    }

    /** The vTPM as it is now (a restore may have replaced it). */
    public Tpm tpm() {
        return tpm;
    }

    /** True when the last restore met a state this host cannot unwrap, and kept its own vTPM. */
    public boolean foreignStateRefused() {
        return foreignStateRefused;
    }

    /** The owner of the state last taken up (a clone's differs from its own UUID). */
    private String owner;

    public String owner() {
        return owner == null ? host.owner() : owner;
    }

    /** Gives the vTPM a new identity (a clone's): new EK, AK and SRK, measurements kept. */
    public void replaceTpm(Tpm replacement) {
        this.tpm = replacement;
        this.owner = host.owner();
        host.persist().accept(replacement);
    }

    /** Writes the vTPM's persistent part where its host keeps it (after a restore). */
    public void persistNow() {
        host.persist().accept(tpm);
    }

    @Override public String name() { return "vTPM (command buffer)"; }

    @Override public String id() { return "vtpm"; }

    @Override public int firstPort() { return FIRST_PORT; }

    @Override public int portCount() { return PORTS; }

    @Override
    public int read(int port, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            int at = port - FIRST_PORT + i;
            value |= (at < PORTS ? registers[at] & 0xFF : 0xFF) << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        int from = port - FIRST_PORT;
        if (from >= 8) {
            start(); // a write to START, whatever its value
            return;
        }
        for (int i = 0; i < size && from + i < 8; i++) {
            registers[from + i] = (byte) (value >>> (8 * i));
        }
    }

    private int register(int offset) {
        return ByteBuffer.wrap(registers, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private void setRegister(int offset, int value) {
        ByteBuffer.wrap(registers, offset, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
    }

    /** Runs the command in the buffer; the status goes to START (and into the buffer when it can). */
    private void start() {
        long address = Integer.toUnsignedLong(register(0));
        int size = register(4);
        if (size < TpmCommandBuffer.HEADER || size > MAX_BUFFER || !ram.contains(address, size)) {
            setRegister(8, TpmResponse.BAD_ADDRESS.code());
            return;
        }
        byte[] buffer = ram.readBytes(address, size); // the vTPM's own copy: later guest stores cannot change it
        ByteBuffer in = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        int code = in.getInt();
        long length = Integer.toUnsignedLong(in.getInt());
        TpmResult result;
        if (length > size - TpmCommandBuffer.HEADER) {
            result = new TpmResult.Failed(TpmResponse.BAD_SIZE, "the payload runs past the buffer");
        } else {
            result = run(code, java.util.Arrays.copyOfRange(buffer, TpmCommandBuffer.HEADER, TpmCommandBuffer.HEADER + (int) length));
        }
        byte[] data = TpmCommandBuffer.data(result);
        int status = result instanceof TpmResult.Failed f ? f.response().code() : 0;
        if (data.length > size - TpmCommandBuffer.HEADER) {
            status = TpmResponse.BAD_SIZE.code();
            data = new byte[0];
        }
        ram.writeBytes(address, TpmCommandBuffer.response(status, data));
        setRegister(8, status);
    }

    /** Told before each command the guest gives the vTPM runs (on the VM's thread): a recording must know. */
    public void onCommand(Runnable listener) {
        this.commandListener = listener;
    }

    private TpmResult run(int code, byte[] payload) {
        if (commandListener != null) {
            commandListener.run();
        }
        TpmCommand command = TpmCommandBuffer.decode(code, payload);
        if (command == null) {
            return new TpmResult.Failed(TpmResponse.BAD_COMMAND, "unknown command " + code);
        }
        if (command == TpmCommandBuffer.MALFORMED) {
            return new TpmResult.Failed(TpmResponse.BAD_SIZE, "a payload of the wrong length for command " + code);
        }
        try {
            TpmResult result = tpm.execute(command);
            if (command instanceof TpmCommand.NvWrite && result instanceof TpmResult.Done) {
                host.persist().accept(tpm);
            }
            return result;
        } catch (RuntimeException inside) {
            // A bug in the model must not become a VMM failure: the guest gets TPM_RC_FAILURE.
            return new TpmResult.Failed(TpmResponse.FAILURE, "internal error");
        }
    }

    @Override
    public DeviceState save() {
        try {
            byte[] json = Installation.json().writeValueAsBytes(tpm.state(host.wrapping()));
            return new State(owner(), KeyWrap.wrap(host.wrapping(), json, KeyWrap.utf8("vtpm-state")), registers.clone());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the vTPM state could not be written", e);
        }
    }

    /**
     * Takes up a saved vTPM: its PCRs, log, NV and keys, but never its monotonic counters, which
     * stay this VM's own (a revert must not take them back). A state this host cannot unwrap
     * (from another installation) leaves the vTPM as it is, and says so.
     */
    @Override
    public void restore(DeviceState state) {
        State s = Device.expect(State.class, state, id());
        if (s.registers() != null && s.registers().length == PORTS) { // the guest's command buffer, not a secret
            System.arraycopy(s.registers(), 0, registers, 0, PORTS);
        }
        byte[] json = KeyWrap.unwrap(host.wrapping(), s.wrapped(), KeyWrap.utf8("vtpm-state"));
        foreignStateRefused = json == null;
        if (json == null) {
            return;
        }
        try {
            TpmState saved = Installation.json().readValue(json, TpmState.class);
            tpm = Tpm.fromState(saved, host.wrapping(), tpm.counters());
            owner = s.owner();
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the saved vTPM cannot be read: " + e.getMessage());
        }
    }
}
