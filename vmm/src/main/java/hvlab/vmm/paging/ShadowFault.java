package hvlab.vmm.paging;

/** What the VMM makes of a page fault the real MMU raised while a paging guest ran. */
public sealed interface ShadowFault {

    /**
     * Only the shadow lacked the page (or had it read-only until the first write): the VMM filled
     * it in from the guest's tables, and the instruction runs again. The guest never knows.
     */
    record Filled() implements ShadowFault {}

    /** The guest's own tables refuse the access: the guest gets this #PF, with CR2 and its error code. */
    record Guest(PageWalk.Fault fault) implements ShadowFault {}

    /** Something no real machine does, which the VMM will not paper over: the VM ends with this reason. */
    record Refused(String reason) implements ShadowFault {}
}
