package hvlab.vmm.gdb;

/**
 * One request of gdb's, parsed ({@link Requests#parse}). Only the requests a stub for one i386
 * CPU needs are modelled; every other one is {@link Unsupported}, answered with the empty packet,
 * which RSP defines as "not supported here" (gdb then tries another way or does without).
 */
public sealed interface Request {
    /** {@code ?}: why did the target stop? Asked once, on connect. */
    record WhyStopped() implements Request {}

    /** {@code g}: all registers. */
    record ReadRegisters() implements Request {}

    /** {@code G XX...}: all registers, in the {@code g} layout. */
    record WriteRegisters(byte[] bytes) implements Request {}

    /** {@code p n}: one register, by gdb's number. */
    record ReadRegister(int number) implements Request {}

    /** {@code P n=XX...}: one register. */
    record WriteRegister(int number, byte[] value) implements Request {}

    /** {@code m addr,length}: memory at a (guest-virtual) address. */
    record ReadMemory(long address, int length) implements Request {}

    /** {@code M addr,length:XX...}: write memory. */
    record WriteMemory(long address, byte[] bytes) implements Request {}

    /** {@code c}, {@code vCont;c}: run until something stops the target. */
    record Continue() implements Request {}

    /** {@code s}, {@code vCont;s}: one instruction. */
    record Step() implements Request {}

    /** {@code Z0}/{@code Z1} (insert) and {@code z0}/{@code z1} (remove): a breakpoint at an address. */
    record Breakpoint(boolean insert, long address) implements Request {}

    /** {@code vCont?}: which vCont actions we know. */
    record VContQuery() implements Request {}

    /** {@code qSupported:...}: the features both sides know. */
    record Supported() implements Request {}

    /** {@code qXfer:features:read:ANNEX:offset,length}: a piece of the target description. */
    record Features(String annex, int offset, int length) implements Request {}

    /** {@code qAttached}: did we attach to an existing process (yes: detaching must not kill it). */
    record Attached() implements Request {}

    /** {@code qC}: the current thread. */
    record CurrentThread() implements Request {}

    /** {@code qfThreadInfo} (first) and {@code qsThreadInfo} (the rest): the list of threads. */
    record ThreadList(boolean first) implements Request {}

    /** {@code H}, {@code T}: select or ask about a thread; we have one CPU, thread 1. */
    record Thread() implements Request {}

    /** {@code D}: detach; the target runs on without the debugger. */
    record Detach() implements Request {}

    /** {@code k}, {@code vKill}: kill the target; for a VM, power it off. Only vKill wants an answer. */
    record Kill(boolean answer) implements Request {}

    /** Anything else: answered with the empty packet. */
    record Unsupported(String body) implements Request {}

    /** A request we know, written wrong: answered with an error. */
    record Malformed(String why) implements Request {}
}
