package hvlab.vmm.image;

/** A flat 32-bit guest binary (NASM {@code bits 32}, {@code org 0x100000}) and the name it goes by. */
public record GuestImage(String name, byte[] code) {
    public GuestImage {
        code = code.clone();
    }

    @Override
    public byte[] code() {
        return code.clone();
    }
}
