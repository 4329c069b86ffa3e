package hvlab.cpu.unicorn;

import hvlab.cpu.linux.LinuxCallException;
import hvlab.cpu.linux.LinuxCalls;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * Keeps QEMU's check for stores into translated code on every store, by patching one function of
 * Unicorn 2.1 in this process's memory: {@code tlb_set_dirty} returns at once (DESIGN.md section 18).
 *
 * <h2>Why</h2>
 * QEMU marks each TLB entry of RAM "not dirty", so a store through it takes the slow path, which
 * removes the translated blocks the store overlaps; once a page holds no code, QEMU clears the mark
 * ({@code tlb_set_dirty}) and stores to it run at full speed. Unicorn 2.0.2 and later clear it
 * after the first store to any page, code or not, through that one linear address: the rest of a
 * page of code is then written unchecked, and a kernel that copies a new program over an old
 * one's frame through its own mapping runs the old program's blocks (hvos's {@code cat} ran
 * {@code echo}'s code). With {@code tlb_set_dirty} a no-op every store is checked, as it was in
 * Unicorn 2.0.1, and loads keep their fast path.
 *
 * <h2>How, and the way back</h2>
 * The function is exported ({@code tlb_set_dirty_x86_64}) and its only caller is the slow store
 * path, through the PLT (the library is built to allow interposition), so its first byte becomes
 * {@code ret}: the page is made writable and executable, patched, and made read-and-execute again,
 * before any engine of the process runs, and never without execute permission, so a thread in
 * that page meanwhile cannot fault. Where the symbol is missing, the first bytes are not a
 * function's, or the kernel refuses the protection change, nothing is patched and the backend
 * falls back to an empty memory hook ({@link #keepEveryStoreChecked}): Unicorn skips its shortcut
 * whenever a memory hook exists, so one over an address no guest reaches has the same effect, at
 * the price of sending every load through QEMU's helpers too. {@code HvosTest} fails if neither works.
 * This is hot-patching, the classic way to fix a library one cannot rebuild; the sound fix is in
 * Unicorn (clear the mark only for pages without code, as QEMU does).
 */
final class StoreCheckPatch {
    private static final String FUNCTION = "tlb_set_dirty_x86_64";
    /** {@code endbr64}, which Debian's build puts at the start of every function. */
    private static final byte[] ENDBR64 = {(byte) 0xF3, 0x0F, 0x1E, (byte) 0xFA};
    private static final byte RET_BYTE = (byte) 0xC3;

    /** Why the patch was not applied, or null if it was. Decided once per process. */
    static final String REFUSED = apply();

    private StoreCheckPatch() {}

    static boolean applied() {
        return REFUSED == null;
    }

    /** For a new engine on Unicorn 2.1: nothing if the patch holds, else the empty memory hook. */
    static void keepEveryStoreChecked(UnicornEngine engine) {
        if (!applied()) {
            engine.addHook(UnicornConstants.UC_HOOK_MEM_WRITE, EmptyHook.RET, NO_GUEST_ADDRESS, NO_GUEST_ADDRESS + 0xFFF, 0);
        }
    }

    /** Which way holds, as a person reads it. */
    static String how() {
        return applied() ? "tlb_set_dirty patched to return at once" : "an empty memory hook (" + REFUSED + ")";
    }

    /** A range no 32-bit guest address reaches: a hook there exists, and never fires. */
    private static final long NO_GUEST_ADDRESS = 0xFFFF_FFFF_FFFF_F000L;

    /** A callback that returns at once (x86-64 {@code ret}), made once per process. */
    private static final class EmptyHook {
        static final MemorySegment RET = MachineCode.executable(new byte[] {RET_BYTE}, "empty store hook");
    }

    private static String apply() {
        Optional<MemorySegment> found = UnicornLibrary.find(FUNCTION);
        if (found.isEmpty()) {
            return "this libunicorn exports no " + FUNCTION;
        }
        long address = found.get().address();
        MemorySegment code = MemorySegment.ofAddress(address).reinterpret(ENDBR64.length + 1);
        int at = code.asSlice(0, ENDBR64.length).mismatch(MemorySegment.ofArray(ENDBR64)) == -1 ? ENDBR64.length : 0;
        if (code.get(ValueLayout.JAVA_BYTE, at) == RET_BYTE) {
            return null; // patched before (another class loader in this process)
        }
        long page = address & ~(LinuxCalls.PAGE - 1);
        MemorySegment pages = MemorySegment.ofAddress(page).reinterpret(2 * LinuxCalls.PAGE);
        try {
            LinuxCalls.mprotect(pages, LinuxCalls.PROT_READ | LinuxCalls.PROT_WRITE | LinuxCalls.PROT_EXEC);
        } catch (LinuxCallException refused) {
            return "cannot make " + FUNCTION + " writable: " + refused.getMessage();
        }
        try {
            code.set(ValueLayout.JAVA_BYTE, at, RET_BYTE);
        } finally {
            LinuxCalls.mprotect(pages, LinuxCalls.PROT_READ | LinuxCalls.PROT_EXEC);
        }
        return null;
    }
}
