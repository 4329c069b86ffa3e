package hvlab.vmm.paging;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the shadow MMU did, counted: the figures a class looks at to see what memory
 * virtualization costs before EPT (every hidden fault is a trip into the VMM that a guest on
 * hardware would not make).
 */
public final class PagingCounters {
    /** Real faults only the shadow needed: filled in, the guest never saw them. */
    long hiddenFaults;
    /** Page faults that were the guest's own, delivered to it. */
    long guestFaults;
    long cr3Loads;
    long invalidations;
    /** Real CR3 loads (each one empties the real TLB). */
    long tlbFlushes;
    /** Changes between the kernel's and the user's shadow. */
    long viewSwitches;
    /** Times the shadow pool ran dry and everything was dropped. */
    long poolDrops;
    /** First touches of a linear page the emulator's map had nothing at (a run, a placeholder or a device alias made; see CpuPaging). */
    long aliases;
    /** Frames moved to another linear page, one place per frame (see FrameRuns). */
    long moves;
    /** User pages of data shown as a second mapping of their frame (see FramePlacement). */
    long userAliases;
    /** Times every alias went because there were more than MapUpkeep.ALIAS_LIMIT. */
    long aliasDrops;
    /** Times runs that continue one another were joined again (ShadowMmu.sync). */
    long coalesces;
    /** Shadow entries put back at a CR3 load, checked against the guest's tables (ShadowContexts). */
    long keptEntries;
    /** Times RAM went back to its own addresses because the map had too many runs (ShadowMmu.sync). */
    long compactions;

    public long hiddenFaults() { return hiddenFaults; }

    public long compactions() { return compactions; }

    public long guestFaults() { return guestFaults; }

    public long cr3Loads() { return cr3Loads; }

    public long invalidations() { return invalidations; }

    public long tlbFlushes() { return tlbFlushes; }

    public long viewSwitches() { return viewSwitches; }

    public long poolDrops() { return poolDrops; }

    public long aliases() { return aliases; }

    public long moves() { return moves; }

    public long userAliases() { return userAliases; }

    public long aliasDrops() { return aliasDrops; }

    public long coalesces() { return coalesces; }

    public long keptEntries() { return keptEntries; }

    /** Label to count, in a stable order, for reports. */
    public Map<String, Long> byLabel() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("hidden page faults", hiddenFaults);
        out.put("guest page faults", guestFaults);
        out.put("CR3 loads", cr3Loads);
        out.put("INVLPG", invalidations);
        out.put("real TLB flushes", tlbFlushes);
        out.put("kernel/user view switches", viewSwitches);
        out.put("shadow pool drops", poolDrops);
        out.put("linear pages first mapped", aliases);
        out.put("frames moved", moves);
        out.put("user pages aliased", userAliases);
        out.put("alias drops", aliasDrops);
        out.put("runs joined again", coalesces);
        out.put("shadow entries kept across CR3 loads", keptEntries);
        return out;
    }
}
