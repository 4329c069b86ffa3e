package hvlab.vmm.devices;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The PC/AT's real-time clock and CMOS RAM, a Motorola MC146818 at ports 0x70 (index) and 0x71
 * (data). A guest writes a register number to 0x70 (bit 7 of that byte disables NMI on a PC; we
 * have no NMI and ignore it) and then reads or writes the register at 0x71. The chip has 128
 * bytes: the clock in registers 0x00-0x09, status registers A-D at 0x0A-0x0D, and battery-backed
 * RAM after them, of which the PC uses 0x32 for the century (IBM's PC/AT BIOS convention).
 *
 * <p>Formats (MC146818 datasheet, "Register B"): bit 2 (DM) chooses binary (1) or BCD (0)
 * registers, bit 1 chooses 24-hour (1) or 12-hour (0) hours, where bit 7 of the hours register is
 * PM. PCs run in BCD, 24-hour mode, the power-on state here. Changing a format bit here re-encodes
 * the time at once; the real chip leaves its registers as they were, which is why drivers write
 * the time again after changing the format (that works here too).
 *
 * <p>Time is virtual: the clock shows the start time it was given plus the virtual time
 * {@link #advance(long)} has counted, so a run repeats exactly and a paused VM's clock stands
 * still. Setting the time the way drivers do (Linux's {@code mc146818_set_time}): set register
 * B's SET bit, which stops updates and makes the time registers plain storage, write them, and
 * clear SET, at which moment the chip takes them up and counts on from the start of that second.
 * Values out of range (day 31 in February, hour 25) then roll over into the next unit. A time
 * register written without SET takes effect at once. The day of week is computed from the date,
 * so writes to it are kept only while SET is on.
 *
 * <p>Register A's UIP bit is 1 during the last 244 us before each update of the seconds, the
 * window in which the datasheet promises the registers are about to change; code that waits for
 * UIP to clear then has 244 us of stable registers. Register A's divider and rate bits are stored
 * but the clock always runs. Not modelled (documented, not faked): the periodic, alarm and
 * update-ended interrupts. Their enables in register B (PIE, AIE, UIE) and the alarm registers
 * are stored, but IRQ8 is never raised and register C's flags read 0.
 */
public final class CmosRtc implements IoDevice {
    public static final int INDEX_PORT = 0x70;
    public static final int DATA_PORT = 0x71;
    public static final int SECONDS = 0x00, MINUTES = 0x02, HOURS = 0x04, DAY_OF_WEEK = 0x06, DAY_OF_MONTH = 0x07,
            MONTH = 0x08, YEAR = 0x09, STATUS_A = 0x0A, STATUS_B = 0x0B, STATUS_C = 0x0C, STATUS_D = 0x0D, CENTURY = 0x32;
    public static final int A_UPDATE_IN_PROGRESS = 0x80;
    public static final int B_SET = 0x80, B_UPDATE_INTERRUPT = 0x10, B_BINARY = 0x04, B_24_HOUR = 0x02;
    /** Register D bit 7, VRT: the battery is good, RAM and time are valid. */
    public static final int D_VALID = 0x80;
    private static final int SIZE = 128;
    private static final int[] TIME_REGISTERS = {SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY};
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long UIP_WINDOW_NANOS = 244_000;

    /**
     * @param cmos        the 128 bytes as stored; the time registers hold meaning only while SET is on
     * @param baseSeconds the time (seconds since 1970, UTC) the clock showed at virtual time {@code baseNanos}
     */
    public record State(int index, byte[] cmos, long now, long baseSeconds, long baseNanos) implements DeviceState {
        public State {
            cmos = cmos.clone();
        }
    }

    private final byte[] cmos = new byte[SIZE];
    private int index;
    private long now;
    private long baseSeconds;
    private long baseNanos;

    /** @param epochSeconds what the clock shows at virtual time 0, in seconds since 1970 (UTC), years 0-9999 */
    public CmosRtc(long epochSeconds) {
        if (epochSeconds < -62_167_219_200L || epochSeconds > 253_402_300_799L) {
            throw new IllegalArgumentException("the real-time clock shows years 0 to 9999 only, not " + epochSeconds
                    + " seconds since 1970");
        }
        baseSeconds = epochSeconds;
        cmos[STATUS_A] = 0x26; // divider 010 (32.768 kHz crystal), periodic rate 0110 (1024 Hz)
        cmos[STATUS_B] = B_24_HOUR;
        cmos[STATUS_D] = (byte) D_VALID;
    }

    @Override
    public String name() {
        return "MC146818 RTC and CMOS";
    }

    @Override
    public String id() {
        return "rtc";
    }

    @Override
    public int firstPort() {
        return INDEX_PORT;
    }

    @Override
    public int portCount() {
        return 2;
    }

    @Override
    public DeviceState save() {
        return new State(index, cmos, now, baseSeconds, baseNanos);
    }

    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        if (s.cmos().length != SIZE) {
            throw new IllegalArgumentException("device rtc cannot take " + s.cmos().length + " bytes of CMOS");
        }
        System.arraycopy(s.cmos(), 0, cmos, 0, SIZE);
        index = s.index() & (SIZE - 1);
        now = s.now();
        baseSeconds = s.baseSeconds();
        baseNanos = s.baseNanos();
    }

    /** The index port is write-only on the PC: reading it floats the bus. */
    @Override
    public int read(int port, int size) {
        return port == DATA_PORT ? readRegister(index) : 0xFF;
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == INDEX_PORT) index = value & (SIZE - 1); // bit 7 is the NMI mask, not ours
        else writeRegister(index, value & 0xFF);
    }

    /** Lets {@code nanos} of virtual time pass. */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time runs forward only: " + nanos + " ns");
        }
        now = Math.addExact(now, nanos);
    }

    /** The time the clock shows, in seconds since 1970 (UTC); while SET is on, the time it had when set. */
    public long epochSeconds() {
        return setting() ? decodeTime(cmos) : running();
    }

    private int readRegister(int register) {
        boolean time = isTimeRegister(register);
        if (time && !setting()) {
            return encodeTime(running())[register] & 0xFF;
        }
        return switch (register) {
            case STATUS_A -> (cmos[STATUS_A] & 0x7F) | (updateInProgress() ? A_UPDATE_IN_PROGRESS : 0);
            case STATUS_C -> 0; // no interrupt flags: the interrupts are not modelled
            case STATUS_D -> D_VALID;
            default -> cmos[register] & 0xFF;
        };
    }

    private void writeRegister(int register, int value) {
        switch (register) {
            case STATUS_A -> cmos[STATUS_A] = (byte) (value & 0x7F);
            case STATUS_B -> writeStatusB(value);
            case STATUS_C, STATUS_D -> { } // read-only
            default -> {
                if (isTimeRegister(register) && !setting()) {
                    byte[] registers = encodeTime(running());
                    registers[register] = (byte) value;
                    baseSeconds += decodeTime(registers) - running(); // keeps the phase of the second
                } else {
                    cmos[register] = (byte) value;
                }
            }
        }
    }

    /** SET rising freezes the time into the registers; SET falling takes them up and starts a new second. */
    private void writeStatusB(int value) {
        boolean wasSetting = setting();
        long shown = wasSetting ? 0 : running();
        if ((value & B_SET) != 0) value &= ~B_UPDATE_INTERRUPT; // the datasheet: SET clears UIE
        cmos[STATUS_B] = (byte) value;
        if (!wasSetting && setting()) {
            byte[] frozen = encodeTime(shown);
            for (int r : TIME_REGISTERS) cmos[r] = frozen[r];
        } else if (wasSetting && !setting()) {
            baseSeconds = decodeTime(cmos);
            baseNanos = now;
        }
    }

    private boolean setting() {
        return (cmos[STATUS_B] & B_SET) != 0;
    }

    private long running() {
        return baseSeconds + Math.floorDiv(now - baseNanos, NANOS_PER_SECOND);
    }

    private boolean updateInProgress() {
        return !setting() && Math.floorMod(now - baseNanos, NANOS_PER_SECOND) >= NANOS_PER_SECOND - UIP_WINDOW_NANOS;
    }

    private static boolean isTimeRegister(int register) {
        for (int r : TIME_REGISTERS) if (r == register) return true;
        return false;
    }

    /** The time registers (indexed by register number) showing {@code seconds}, in the current format. */
    private byte[] encodeTime(long seconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        byte[] r = new byte[SIZE];
        r[SECONDS] = encode(t.getSecond());
        r[MINUTES] = encode(t.getMinute());
        int hour = t.getHour();
        if (twentyFourHour()) {
            r[HOURS] = encode(hour);
        } else {
            r[HOURS] = (byte) (encode(hour % 12 == 0 ? 12 : hour % 12) | (hour >= 12 ? 0x80 : 0));
        }
        r[DAY_OF_WEEK] = encode(t.getDayOfWeek().getValue() % 7 + 1); // 1 is Sunday
        r[DAY_OF_MONTH] = encode(t.getDayOfMonth());
        r[MONTH] = encode(t.getMonthValue());
        r[YEAR] = encode(t.getYear() % 100);
        r[CENTURY] = encode(t.getYear() / 100);
        return r;
    }

    /** The time the registers name, rolling values out of range over into the next unit. */
    private long decodeTime(byte[] r) {
        int hour;
        if (twentyFourHour()) {
            hour = decode(r[HOURS]);
        } else {
            boolean pm = (r[HOURS] & 0x80) != 0;
            hour = decode((byte) (r[HOURS] & 0x7F)) % 12 + (pm ? 12 : 0);
        }
        int year = decode(r[CENTURY]) * 100 + decode(r[YEAR]);
        return LocalDateTime.of(year, 1, 1, 0, 0)
                .plusMonths(decode(r[MONTH]) - 1L).plusDays(decode(r[DAY_OF_MONTH]) - 1L)
                .plusHours(hour).plusMinutes(decode(r[MINUTES])).plusSeconds(decode(r[SECONDS]))
                .toEpochSecond(ZoneOffset.UTC);
    }

    private boolean binary() {
        return (cmos[STATUS_B] & B_BINARY) != 0;
    }

    private boolean twentyFourHour() {
        return (cmos[STATUS_B] & B_24_HOUR) != 0;
    }

    private byte encode(int value) {
        return (byte) (binary() ? value : (value / 10) << 4 | value % 10);
    }

    /** A BCD byte with a nibble above 9 (not BCD at all) still decodes, as tens and units. */
    private int decode(byte value) {
        int v = value & 0xFF;
        return binary() ? v : (v >> 4) * 10 + (v & 0x0F);
    }
}
