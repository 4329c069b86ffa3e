package hvlab.vmm.trap;

/**
 * Told when the guest empties its TLB, by loading CR3 or by INVLPG: the moments a guest promises
 * that its page tables and its TLB may differ no longer. The shadow MMU forgets then what the TLB
 * would have forgotten (SDM Vol. 3A, 4.10.4).
 */
public interface TlbListener {
    TlbListener NONE = new TlbListener() {
        @Override
        public void cr3Loaded() {}

        @Override
        public void pageInvalidated(long linear) {}
    };

    void cr3Loaded();

    void pageInvalidated(long linear);
}
