package hvlab.vmm.containment;

import java.util.Arrays;

/**
 * Writes x86 machine code and data into a guest image at chosen offsets, little-endian. The
 * fuzzer builds its guests with this instead of NASM: a case must cost microseconds to make,
 * and the encodings it needs are few (SDM Vol. 2, Appendix A has the opcode map).
 */
final class X86Emitter {
    private final long origin;
    private byte[] image;
    private int position;
    private int end;

    /** @param origin the guest address of the image's first byte */
    X86Emitter(long origin, int initialSize) {
        this.origin = origin;
        this.image = new byte[initialSize];
    }

    /** Continues writing at image offset {@code offset}. */
    X86Emitter at(int offset) {
        position = offset;
        return this;
    }

    int offset() {
        return position;
    }

    /** The guest address of the next byte written. */
    long address() {
        return origin + position;
    }

    X86Emitter u8(int... bytes) {
        for (int b : bytes) {
            ensure(position + 1);
            image[position++] = (byte) b;
        }
        end = Math.max(end, position);
        return this;
    }

    X86Emitter u16(int value) {
        return u8(value, value >>> 8);
    }

    X86Emitter u32(long value) {
        return u8((int) value, (int) (value >>> 8), (int) (value >>> 16), (int) (value >>> 24));
    }

    X86Emitter u64(long value) {
        return u32(value).u32(value >>> 32);
    }

    /** MOV r32, imm32 (B8+r). Registers are numbered as in ModRM: EAX 0, ECX 1, EDX 2, EBX 3, ESP 4, EBP 5, ESI 6, EDI 7. */
    X86Emitter movImm(int register, long value) {
        return u8(0xB8 + register).u32(value);
    }

    /** MOV dword [address], imm32 (C7 /0 with a disp32 ModRM). */
    X86Emitter storeImm(long address, long value) {
        return u8(0xC7, 0x05).u32(address).u32(value);
    }

    /** PUSH imm32 (68). */
    X86Emitter pushImm(long value) {
        return u8(0x68).u32(value);
    }

    /** MOV Sreg, AX after MOV AX, imm16: loads a segment register (8E /r). */
    X86Emitter loadSegment(int segmentRegister, int selector) {
        return u8(0x66, 0xB8).u16(selector).u8(0x8E, 0xC0 | (segmentRegister << 3));
    }

    /** JMP rel32 to a guest address. */
    X86Emitter jmp(long target) {
        long next = address() + 5;
        return u8(0xE9).u32(target - next);
    }

    /** The image, as long as the furthest byte written. */
    byte[] image() {
        return Arrays.copyOf(image, end);
    }

    private void ensure(int size) {
        if (size > image.length) {
            image = Arrays.copyOf(image, Math.max(size, image.length * 2));
        }
    }
}
