package hvlab.cpu.unicorn;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Keeps Unicorn's {@code abort()} from killing the whole JVM.
 *
 * <h2>Why</h2>
 * Unicorn 2.0.1's translator has bugs that end in {@code tcg_abort()}, which prints
 * "tcg fatal error" and calls {@code abort()}: the process dies, and with it every VM of the
 * host. A guest triggers them with two or three bytes of code, for example {@code F0 39 05 ..}
 * (LOCK CMP [mem], r32: the decoder forgets to load the operand and TCG finds a dead temporary),
 * {@code F0 0F A3 C0} (LOCK BT r32, r32, unicorn PR #2358) or {@code FF D8} (CALL FAR with a
 * register operand, unicorn issue #1716). A real CPU raises #UD for all of them. hvlab's fuzzer
 * found them within a few thousand random guests.
 *
 * <h2>How</h2>
 * Every {@code uc_emu_start} goes through a small native routine that first marks a
 * {@code sigsetjmp} point, and a SIGABRT handler jumps back there ({@code siglongjmp}) when the
 * abort happens on a thread that is inside a guarded start; on any other thread it returns and
 * glibc's {@code abort()} ends the process as usual. The engine that aborted is left in the
 * middle of a translation and must never run again ({@link UnicornEngine} retires it, and leaks
 * it rather than risk {@code uc_close}); its VM ends with a CPU error, and the JVM and all other
 * engines (each has its own translator state) carry on. This is the classic way to contain a
 * crash in a library one cannot fix; the sound fix is a Unicorn without the bugs, or one
 * process per VM. Its limit: any abort() on a guarded thread is taken for Unicorn's, so if the
 * JVM's own fatal-error handler (after a SIGSEGV inside Unicorn, say) ended in abort() there,
 * the guard would cut it short and the VM would end the same way.
 * <pre>
 *   ; int guarded_start(uc, begin, until, timeout, count, sigjmp_buf *cell)   (SysV AMD64)
 *   guarded_start:
 *       push rbx / rbp / r12 / r13 / r14 / r15 ; sub rsp, 8     ; keep the arguments, align the stack
 *       mov rbx, rdi ; mov r12, rsi ; mov r13, rdx ; mov r14, rcx ; mov r15, r8 ; mov rbp, r9
 *       mov edi, [key] ; mov rsi, rbp ; call [pthread_setspecific]   ; this thread's jump point
 *       mov rdi, rbp ; mov esi, 1 ; call [__sigsetjmp]             ; 0 now, 1 after an abort
 *       test eax, eax ; jnz .aborted
 *       mov rdi, rbx ; mov rsi, r12 ; mov rdx, r13 ; mov rcx, r14 ; mov r8, r15
 *       call [uc_emu_start] ; mov r12d, eax ; jmp .done
 *   .aborted: mov r12d, ABORTED
 *   .done:
 *       mov edi, [key] ; xor esi, esi ; call [pthread_setspecific]  ; no jump point any more
 *       mov eax, r12d ; add rsp, 8 ; pop r15 / r14 / r13 / r12 / rbp / rbx ; ret
 *
 *   ; void on_abort(int signal)
 *   on_abort:
 *       sub rsp, 8 ; mov edi, [key] ; call [pthread_getspecific]
 *       test rax, rax ; jz .not_ours
 *       mov rdi, rax ; mov esi, 1 ; call [siglongjmp]               ; back into guarded_start
 *   .not_ours: add rsp, 8 ; ret                                    ; abort() goes on and ends the process
 *   ; then, 8-byte aligned at 0xB0: key, pthread_getspecific, pthread_setspecific,
 *   ;   __sigsetjmp, siglongjmp, uc_emu_start (RIP-relative operands above)
 * </pre>
 */
final class AbortGuard {
    /** What a guarded start returns when Unicorn aborted inside it: no Unicorn error has this value. */
    static final int ABORTED = 0x7AB0D1ED;
    /** A sigjmp_buf is 200 bytes on x86-64 glibc. */
    static final long JUMP_BUFFER_BYTES = 256;

    private static final byte[] CODE = {
        0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, 0x48, (byte) 0x83,
        (byte) 0xEC, 0x08, 0x48, (byte) 0x89, (byte) 0xFB, 0x49, (byte) 0x89, (byte) 0xF4, 0x49, (byte) 0x89, (byte) 0xD5, 0x49,
        (byte) 0x89, (byte) 0xCE, 0x4D, (byte) 0x89, (byte) 0xC7, 0x4C, (byte) 0x89, (byte) 0xCD, (byte) 0x8B, 0x3D, (byte) 0x8A, 0x00,
        0x00, 0x00, 0x48, (byte) 0x89, (byte) 0xEE, (byte) 0xFF, 0x15, (byte) 0x91, 0x00, 0x00, 0x00, 0x48,
        (byte) 0x89, (byte) 0xEF, (byte) 0xBE, 0x01, 0x00, 0x00, 0x00, (byte) 0xFF, 0x15, (byte) 0x8B, 0x00, 0x00,
        0x00, (byte) 0x85, (byte) 0xC0, 0x75, 0x1A, 0x48, (byte) 0x89, (byte) 0xDF, 0x4C, (byte) 0x89, (byte) 0xE6, 0x4C,
        (byte) 0x89, (byte) 0xEA, 0x4C, (byte) 0x89, (byte) 0xF1, 0x4D, (byte) 0x89, (byte) 0xF8, (byte) 0xFF, 0x15, (byte) 0x82, 0x00,
        0x00, 0x00, 0x41, (byte) 0x89, (byte) 0xC4, (byte) 0xEB, 0x06, 0x41, (byte) 0xBC, (byte) 0xED, (byte) 0xD1, (byte) 0xB0,
        0x7A, (byte) 0x8B, 0x3D, 0x49, 0x00, 0x00, 0x00, 0x31, (byte) 0xF6, (byte) 0xFF, 0x15, 0x51,
        0x00, 0x00, 0x00, 0x44, (byte) 0x89, (byte) 0xE0, 0x48, (byte) 0x83, (byte) 0xC4, 0x08, 0x41, 0x5F,
        0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, (byte) 0xC3, 0x48, (byte) 0x83, (byte) 0xEC,
        0x08, (byte) 0x8B, 0x3D, 0x25, 0x00, 0x00, 0x00, (byte) 0xFF, 0x15, 0x27, 0x00, 0x00,
        0x00, 0x48, (byte) 0x85, (byte) 0xC0, 0x74, 0x0E, 0x48, (byte) 0x89, (byte) 0xC7, (byte) 0xBE, 0x01, 0x00,
        0x00, 0x00, (byte) 0xFF, 0x15, 0x2C, 0x00, 0x00, 0x00, 0x48, (byte) 0x83, (byte) 0xC4, 0x08,
        (byte) 0xC3, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90,
    };
    private static final int ON_ABORT = 0x81;
    private static final int DATA = 0xB0;
    private static final int SIGABRT = 6;
    /** struct sigaction on x86-64 glibc: handler at 0, 128-byte mask at 8, flags at 136, restorer at 144. */
    private static final long SIGACTION_BYTES = 152;

    private static final MethodHandle START = install();

    private AbortGuard() {}

    /** True when the guard is in place (it is not when something else already handles SIGABRT). */
    static boolean available() {
        return START != null;
    }

    /** uc_emu_start, guarded: returns Unicorn's error code, or {@link #ABORTED}. */
    static int start(MemorySegment uc, long begin, long until, long timeoutMicros, long count, MemorySegment jumpBuffer)
            throws Throwable {
        return (int) START.invokeExact(uc, begin, until, timeoutMicros, count, jumpBuffer);
    }

    private static MethodHandle install() {
        Linker linker = Linker.nativeLinker();
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle sigaction = linker.downcallHandle(MachineCode.libc("sigaction"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
            MemorySegment old = arena.allocate(SIGACTION_BYTES, 8);
            if ((int) sigaction.invokeExact(SIGABRT, MemorySegment.NULL, old) != 0 || old.get(JAVA_LONG, 0) != 0) {
                return null; // SIGABRT is someone else's already: leave it alone
            }
            MethodHandle keyCreate = linker.downcallHandle(MachineCode.libc("pthread_key_create"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            MemorySegment key = arena.allocate(JAVA_INT);
            if ((int) keyCreate.invokeExact(key, MemorySegment.NULL) != 0) {
                return null;
            }
            ByteBuffer code = ByteBuffer.allocate(DATA + 6 * 8).order(ByteOrder.LITTLE_ENDIAN);
            code.put(CODE).position(DATA);
            code.putLong(Integer.toUnsignedLong(key.get(JAVA_INT, 0)));
            for (String function : new String[] {"pthread_getspecific", "pthread_setspecific", "__sigsetjmp", "siglongjmp"}) {
                code.putLong(MachineCode.libc(function).address());
            }
            code.putLong(UnicornLibrary.EMU_START_SYMBOL.address());
            MemorySegment page = MachineCode.executable(code.array(), "abort guard");
            MemorySegment action = arena.allocate(SIGACTION_BYTES, 8);
            action.set(JAVA_LONG, 0, page.address() + ON_ABORT);
            if ((int) sigaction.invokeExact(SIGABRT, action, MemorySegment.NULL) != 0) {
                return null;
            }
            return linker.downcallHandle(page, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot install the abort guard", t);
        }
    }
}
