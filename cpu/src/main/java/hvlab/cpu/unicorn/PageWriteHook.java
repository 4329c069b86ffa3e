package hvlab.cpu.unicorn;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Which pages of RAM the guest stored to, seen by the emulator itself: a {@code UC_HOOK_MEM_WRITE}
 * hook whose callback is a few native instructions that mark the page in a byte map. One of the
 * candidate ways of finding the pages a snapshot must keep, measured by the benchmarks
 * (B09_Snapshot) and not used by the VMM; DESIGN.md says why.
 *
 * <h2>The callback</h2>
 * Unicorn calls it before every guest store, with the store's address and size:
 * <pre>
 *   ; void on_write(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, Map *map)
 *   ;   SysV AMD64: rdi = uc, esi = type, rdx = address, ecx = size, r8 = value, r9 = map
 *   ;   Map: +0 u64 pages of RAM, +8 one byte per page (1 = written)
 *   on_write:
 *       mov  ecx, ecx                ; 89 C9            size, zero-extended: the upper half of rcx is undefined
 *       lea  rax, [rdx + rcx - 1]    ; 48 8D 44 0A FF   the last byte stored
 *       shr  rdx, 12                 ; 48 C1 EA 0C      the first page
 *       shr  rax, 12                 ; 48 C1 E8 0C      the last page: the next one when the store straddles two
 *       cmp  rdx, [r9]               ; 49 3B 11         past the end of RAM (the VMM region, say)?
 *       jae  .last                   ; 73 06
 *       mov  byte [r9 + rdx + 8], 1  ; 41 C6 44 11 08 01
 *   .last:
 *       cmp  rax, [r9]               ; 49 3B 01
 *       jae  .done                   ; 73 06
 *       mov  byte [r9 + rax + 8], 1  ; 41 C6 44 01 08 01
 *   .done:
 *       ret                          ; C3
 * </pre>
 * A byte per page rather than a bit: a plain store, no read-modify-write.
 *
 * <h2>What it cannot see</h2>
 * <ul>
 *   <li>Stores that do not go through the emulator: the VMM's own writes to guest RAM (interrupt
 *       frames, disk transfers, string I/O, a restore). Each of those paths would have to mark
 *       pages too, and one forgotten path is a corrupt snapshot.</li>
 *   <li>Physical pages: Unicorn passes the <em>linear</em> address. With paging off (and RAM at
 *       guest-physical 0) that is the physical address; a guest that turns paging on would need
 *       each address translated, which Unicorn 2.0.1 offers no call for.</li>
 * </ul>
 * And it costs on every store, not once per page: any memory hook also makes Unicorn's code
 * generator leave its inline fast path for loads and stores ({@code tcg-target.inc.c}).
 */
public final class PageWriteHook {
    private static final byte[] CODE = {
        (byte) 0x89, (byte) 0xC9,                                  // mov ecx, ecx
        0x48, (byte) 0x8D, 0x44, 0x0A, (byte) 0xFF,                // lea rax, [rdx + rcx - 1]
        0x48, (byte) 0xC1, (byte) 0xEA, 0x0C,                      // shr rdx, 12
        0x48, (byte) 0xC1, (byte) 0xE8, 0x0C,                      // shr rax, 12
        0x49, 0x3B, 0x11,                                          // cmp rdx, [r9]
        0x73, 0x06,                                                // jae .last
        0x41, (byte) 0xC6, 0x44, 0x11, 0x08, 0x01,                 // mov byte [r9 + rdx + 8], 1
        0x49, 0x3B, 0x01,                                          // .last: cmp rax, [r9]
        0x73, 0x06,                                                // jae .done
        0x41, (byte) 0xC6, 0x44, 0x01, 0x08, 0x01,                 // mov byte [r9 + rax + 8], 1
        (byte) 0xC3                                                // .done: ret
    };
    private static final int PAGE_SHIFT = 12;
    private static final long MAP = 8;

    private final MemorySegment map;
    private final int pages;

    /** Hooks every store of {@code engine}'s guest; RAM is [0, ramBytes). Install before the guest first runs. */
    PageWriteHook(UnicornEngine engine, long ramBytes) {
        pages = (int) (ramBytes >>> PAGE_SHIFT);
        map = engine.arena().allocate(MAP + pages, 8);
        map.set(JAVA_LONG, 0, pages);
        engine.addHook(UnicornConstants.UC_HOOK_MEM_WRITE, callback(), map, 1, 0, 0);
    }

    /** The pages stored to since the last call (or since the hook was installed), and forgets them. Call while the CPU is stopped. */
    public BitSet takeWritten() {
        BitSet written = new BitSet(pages);
        MemorySegment bytes = map.asSlice(MAP, pages);
        for (long at = 0; at < pages; ) {
            // mismatch against zero skips clean runs a vector at a time
            long next = bytes.asSlice(at).mismatch(ZERO.asSlice(0, pages - at));
            if (next < 0) {
                break;
            }
            written.set((int) (at + next));
            bytes.set(JAVA_BYTE, at + next, (byte) 0);
            at += next + 1;
        }
        return written;
    }

    private static final MemorySegment ZERO = MemorySegment.ofArray(new byte[1 << 20]);

    private static MemorySegment callback() {
        return Stub.ADDRESS;
    }

    /** The executable copy of the code, made when first asked for, once per process (the JVM's lazy class initialization). */
    private static final class Stub {
        static final MemorySegment ADDRESS = MachineCode.executable(CODE, "page write hook");
    }

    /** For tests: the stub's bytes. */
    static byte[] machineCode() {
        return CODE.clone();
    }
}
