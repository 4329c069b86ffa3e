package hvlab.vmm.devices;

import hvlab.vmm.console.ConsoleLog;
import hvlab.vmm.VmExit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The devices of hvlab's virtual PC, built and wired in one place: which chip sits on which
 * ports and drives which interrupt line. The VM holds this list rather than one field per
 * device, and saves and restores the machine by walking it.
 *
 * <pre>
 *  ports       device                          interrupt
 *  0x20-0x21   8259A PIC, master               INTR of the CPU
 *  0xA0-0xA1   8259A PIC, slave                master IR2
 *  0x40-0x43   8254 PIT                        IRQ0
 *  0x3F8-0x3FF COM1 (16550A)                   IRQ4
 *  0x70-0x71   MC146818 RTC and CMOS RAM       (IRQ8, not raised)
 *  0x1F0-0x1F7 ATA disk, primary channel       IRQ14   (only with a disk image;
 *  0x3F6         and its control block                   without, the ports float)
 *  0x4E0-0x4EF VM generation ID (read-only)     -
 *  0x4F0-0x4F1 power button and soft-off       IRQ9
 *  0x4C0-0x4CB vTPM command buffer (only with a vTPM)  -
 *  0x500-0x51F paravirtual NIC (only with a NIC) IRQ11
 *  0xF4        debug exit (isa-debug-exit)     -
 *  0x60, 0x64  8042 keyboard controller        IRQ1    (typed text too, with typeOnKeyboard)
 *  0x3D4-0x3D5 CGA's 6845 CRTC (text at 0xB8000 in RAM)  -
 *
 *  physical    device (only with PlatformOptions.apic)
 *  0xFEE00000  local APIC: the CPU's interrupt source, the 8259A pair on its LINT0
 *  0xFEC00000  I/O APIC: every ISA line above also drives one of its pins (IRQ0 pin 2, else pin = IRQ)
 * </pre>
 */
public final class PcPlatform implements AutoCloseable {
    private final IoBus bus = new IoBus();
    private final InterruptController pic = new InterruptController();
    private final MmioBus mmio = new MmioBus();
    private final Pit8254 pit = new Pit8254(irqLine(0));
    private LocalApic lapic;
    private IoApic ioapic;
    private final SerialPort serial;
    /** One character on a 115200-baud line (ten bits: start, eight data, stop). */
    private static final long CHARACTER_NANOS = 86_806;
    /** What was typed and has not yet found room in the receive FIFO (see {@link #receive}). */
    private final java.util.ArrayDeque<Integer> typed = new java.util.ArrayDeque<>();
    private final CmosRtc rtc;
    private final AtaDisk disk;
    private final PowerButton powerButton;
    private final GenerationIdDevice generationId;
    private final Ps2Keyboard keyboard = new Ps2Keyboard(irqLine(Ps2Keyboard.IRQ));
    private final CgaText cga = new CgaText();
    private final boolean typeOnKeyboard;
    private final List<Device> devices = new ArrayList<>();
    private TpmDevice tpm;
    private NetworkCard nic;

    /**
     * @param console receives each byte the guest writes to COM1, as it writes it
     * @param log     keeps the guest's console output
     * @param exit    told when a device ends the VM (the debug-exit port, the power-off switch)
     * @param options the disk, the clock's start, the disk limits
     * @throws IllegalArgumentException naming the file, if the disk image is missing, too small or cannot be opened
     */
    public PcPlatform(IntConsumer console, ConsoleLog log, Consumer<VmExit> exit, PlatformOptions options) {
        this.serial = new SerialPort(console, log, irqLine(4));
        this.rtc = new CmosRtc(options.rtcEpochSeconds());
        this.powerButton = new PowerButton(irqLine(PowerButton.IRQ), () -> exit.accept(new VmExit.PowerOff()));
        add(pic.master());
        add(pic.slave());
        add(pit);
        add(serial);
        add(rtc);
        this.disk = options.disk() == null ? null
                : new AtaDisk(DiskImage.open(options.disk()), irqLine(14), options.diskLimits(), options.diskUnit());
        if (disk != null) {
            add(disk);
        }
        add(powerButton);
        add(new DebugExitDevice(value -> exit.accept(new VmExit.DebugExit(value))));
        this.generationId = new GenerationIdDevice(options.generationId());
        add(generationId);
        add(keyboard);
        add(cga);
        this.typeOnKeyboard = options.typeOnKeyboard();
        if (options.apic()) {
            lapic = new LocalApic(pic);
            ioapic = new IoApic(lapic);
            for (MmioDevice device : List.of(lapic, ioapic)) {
                mmio.attach(device);
                devices.add(device);
            }
        }
    }

    /**
     * ISA line {@code irq} as its devices drive it: into the 8259A pair and, on an APIC machine,
     * into the I/O APIC as well. Each controller decides by its own masks whether it interrupts
     * (xv6 masks every 8259A input and unmasks I/O APIC pins). The wiring is the MP table's.
     */
    private InterruptLine irqLine(int irq) {
        InterruptLine toPic = pic.line(irq);
        int pin = ioApicPin(irq);
        return high -> {
            toPic.set(high);
            if (ioapic != null && pin >= 0) {
                ioapic.setPin(pin, high);
            }
        };
    }

    /**
     * The I/O APIC pin an ISA IRQ drives on every PC since the MP spec: IRQ0 (the PIT) on pin 2,
     * because pin 0 carries the 8259A's output; IRQ2 nowhere (it is the cascade); the rest on the
     * pin of their number. {@link MpTable} states the same wiring to the guest.
     */
    public static int ioApicPin(int irq) {
        return irq == 0 ? 2 : irq == InterruptController.CASCADE_IRQ ? -1 : irq;
    }

    /** The CPU's interrupt source: the local APIC on an APIC machine (the 8259A pair behind its LINT0), else the pair. */
    public InterruptSource interrupts() {
        return lapic != null ? lapic : pic;
    }

    /** Device memory: the APICs' pages, or nothing. */
    public MmioBus mmio() {
        return mmio;
    }

    public Ps2Keyboard keyboard() {
        return keyboard;
    }

    /** The text screen's controller; {@link CgaText#screen} reads the screen. */
    public CgaText cga() {
        return cga;
    }

    /** The local APIC, or null on a machine without APICs. */
    public LocalApic lapic() {
        return lapic;
    }

    /** The I/O APIC, or null on a machine without APICs. */
    public IoApic ioapic() {
        return ioapic;
    }

    /**
     * Plugs in the VM's vTPM; its command buffer is read and written through {@code ram}, the one
     * door to guest memory. Done once, as the machine is built (it then saves and restores with
     * the other devices).
     */
    public TpmDevice attachTpm(hvlab.vmm.tpm.VirtualTpm vtpm, hvlab.vmm.memory.GuestRam ram) {
        if (tpm != null) {
            throw new IllegalStateException("this machine already has a vTPM");
        }
        tpm = new TpmDevice(vtpm, ram);
        add(tpm);
        return tpm;
    }

    /**
     * Plugs in the VM's network card on IRQ 11; its rings are read and written through {@code ram},
     * the one door to guest memory. Done once, as the machine is built.
     */
    public NetworkCard attachNic(NicOptions options, hvlab.vmm.memory.GuestRam ram) {
        if (nic != null) {
            throw new IllegalStateException("this machine already has a network card");
        }
        nic = new NetworkCard(options, ram, irqLine(NetworkCard.IRQ));
        add(nic);
        return nic;
    }

    /** The network card, or null for a machine without one. */
    public NetworkCard nic() {
        return nic;
    }

    /** The vTPM, or null for a machine without one. */
    public TpmDevice tpm() {
        return tpm;
    }

    void add(IoDevice device) {
        bus.attach(device);
        devices.add(device);
    }

    /**
     * Bytes arrive on COM1's receive line (typed by a user, or sent by a script). A line is not
     * a FIFO: the bytes wait here and go into the 16-byte receive FIFO as the guest makes room,
     * as they would on a wire at line rate, so that a command longer than 16 characters is not
     * cut short by an overrun.
     */
    public void receive(byte[] bytes) {
        for (byte b : bytes) {
            typed.add(b & 0xFF);
        }
        feedSerial();
        alsoOnKeyboard(bytes);
    }

    /** Typed text goes to the PS/2 keyboard too, on a machine that has it typed there ({@code --keyboard}). */
    public void alsoOnKeyboard(byte[] bytes) {
        if (typeOnKeyboard) {
            keyboard.type(bytes);
        }
    }

    /** Moves typed bytes into the receive FIFO while it has room. */
    private void feedSerial() {
        while (!typed.isEmpty() && serial.bytesWaiting() < SerialPort.FIFO_DEPTH) {
            serial.receive(typed.poll());
        }
    }

    /** The power button is pressed: the guest learns it from the {@link PowerButton} (and IRQ9, if it asked). */
    public void pressPowerButton() {
        powerButton.press();
    }

    /**
     * Lets {@code nanos} of virtual time pass for every device that keeps time: the PIT counts
     * (and raises IRQ0 on the way), the real-time clock moves on, and the disk's rate limiter
     * refills (a throttled transfer may go, and interrupt). The VM calls this, and only this, to
     * move its machine's time.
     */
    public void advance(long nanos) {
        feedSerial();
        pit.advance(nanos);
        rtc.advance(nanos);
        if (disk != null) {
            disk.advance(nanos);
        }
        if (nic != null) {
            nic.advance(nanos);
        }
        if (lapic != null) {
            lapic.advance(nanos);
        }
    }

    /**
     * Virtual nanoseconds until a device next raises an interrupt on its own (the PIT's next
     * tick, or a throttled disk transfer that will have its tokens), or {@link Pit8254#NEVER}.
     * A VM whose guest halts skips this far ahead.
     */
    public long nanosUntilNextEvent() {
        long next = pit.nanosUntilNextInterrupt();
        if (!typed.isEmpty()) {
            next = Math.min(next, CHARACTER_NANOS); // the next typed byte reaches the FIFO
        }
        if (lapic != null) next = Math.min(next, lapic.nanosUntilNextInterrupt());
        return disk == null ? next : Math.min(next, disk.nanosUntilReady());
    }

    public IoBus bus() {
        return bus;
    }

    public InterruptController pic() {
        return pic;
    }

    public Pit8254 pit() {
        return pit;
    }

    public SerialPort serial() {
        return serial;
    }

    public CmosRtc rtc() {
        return rtc;
    }

    public GenerationIdDevice generationId() {
        return generationId;
    }

    public PowerButton powerButton() {
        return powerButton;
    }

    /** The disk on the primary ATA channel, or null for a machine without one. */
    public AtaDisk disk() {
        return disk;
    }

    /** Every device, in a fixed order (the order their states are saved in). */
    public List<Device> devices() {
        return Collections.unmodifiableList(devices);
    }

    /** The states of every device, in {@link #devices()} order. */
    public List<DeviceState> save() {
        return devices.stream().map(Device::save).toList();
    }

    /** Closes the disk image. The machine must not run afterwards. */
    @Override
    public void close() {
        if (disk != null) {
            disk.image().close();
        }
    }

    /**
     * Restores every device from {@link #save()}'s list (from a machine with the same devices).
     * The one device that may come or go between a save and a restore is the NIC (a VM attached to
     * a network, or detached, after a snapshot): a card plugged in since starts fresh, and the
     * state of a card unplugged since is left behind, as if the cable had been pulled.
     */
    public void restore(List<DeviceState> states) {
        List<DeviceState> saved = new ArrayList<>(states);
        if (nic == null) {
            saved.removeIf(NetworkCard.State.class::isInstance);
        }
        List<Device> targets = new ArrayList<>(devices);
        if (nic != null && saved.stream().noneMatch(NetworkCard.State.class::isInstance)) {
            targets.remove(nic);
        }
        // Machines saved before the keyboard and the CGA existed: both start fresh.
        if (saved.stream().noneMatch(Ps2Keyboard.State.class::isInstance)) {
            targets.remove(keyboard);
        }
        if (saved.stream().noneMatch(CgaText.State.class::isInstance)) {
            targets.remove(cga);
        }
        if (saved.size() != targets.size()) {
            throw new IllegalArgumentException("the saved machine had " + states.size() + " devices, this one has " + devices.size());
        }
        for (int i = 0; i < saved.size(); i++) {
            targets.get(i).restore(saved.get(i));
        }
    }
}
