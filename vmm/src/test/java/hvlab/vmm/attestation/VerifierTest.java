package hvlab.vmm.attestation;

import hvlab.vmm.tpm.Certificate;
import hvlab.vmm.tpm.Ecdsa;
import hvlab.vmm.tpm.Manufacturer;
import hvlab.vmm.tpm.MonotonicCounters;
import hvlab.vmm.tpm.Quote;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.TpmEvent;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** Hostile evidence, each kind refused for its own reason. */
class VerifierTest {
    private static final int SELECTION = 0b11;
    private final Manufacturer maker = Manufacturer.create("test CA");
    private final Verifier verifier = new Verifier(maker.publicKey(), new Freshness());

    private Tpm launched(String codeDigestOf) {
        Tpm tpm = Tpm.manufacture("host h1", maker, new MonotonicCounters());
        tpm.powerOn();
        tpm.measure(0, TpmEvent.VMM_CODE, codeDigestOf.getBytes(), "hvlab/vmm/Vm.class");
        tpm.measure(1, TpmEvent.VMM_CONFIG, "threads=2".getBytes(), "configuration");
        return tpm;
    }

    private ReferencePolicy reference() {
        return ReferencePolicy.fromLog("good", launched("honest code").log(), SELECTION);
    }

    @Test
    void anHonestMachineIsTrusted() {
        byte[] nonce = Freshness.challenge();
        Verdict verdict = verifier.verify("h1", Evidence.of(launched("honest code"), SELECTION, nonce), nonce, reference());
        assertTrue(verdict.trusted(), verdict.describe());
    }

    @Test
    void aModifiedVmmIsUntrustedNamingThePcrAndTheEvent() {
        byte[] nonce = Freshness.challenge();
        Verdict verdict = verifier.verify("h1", Evidence.of(launched("patched code"), SELECTION, nonce), nonce, reference());
        assertFalse(verdict.trusted());
        assertEquals(List.of(Refusal.POLICY), verdict.refusals().stream().map(Verdict.Reason::kind).toList());
        String detail = verdict.refusals().getFirst().detail();
        assertTrue(detail.startsWith("PCR 0 "), detail);
        assertTrue(detail.contains("hvlab/vmm/Vm.class"), detail);
    }

    @Test
    void aReplayedQuoteIsRefused() {
        byte[] nonce = Freshness.challenge();
        Evidence evidence = Evidence.of(launched("honest code"), SELECTION, nonce);
        assertTrue(verifier.verify("h1", evidence, nonce, reference()).trusted());
        Verdict again = verifier.verify("h1", evidence, nonce, reference());
        assertEquals(List.of(Refusal.REPLAYED), kinds(again));
    }

    @Test
    void aQuoteOverAnotherNonceIsRefused() {
        Evidence evidence = Evidence.of(launched("honest code"), SELECTION, Freshness.challenge());
        assertEquals(List.of(Refusal.WRONG_NONCE), kinds(verifier.verify("h1", evidence, Freshness.challenge(), reference())));
    }

    @Test
    void aForgedAttestationKeyIsRefused() {
        byte[] nonce = Freshness.challenge();
        Evidence honest = Evidence.of(launched("honest code"), SELECTION, nonce);
        Quote q = honest.quote();
        // The attacker signs the quote with a key of its own, keeping the genuine chain...
        KeyPair forged = Ecdsa.newKeyPair();
        Quote signedByForger = new Quote(q.tpm(), q.selection(), q.pcrDigest(), q.nonce(), q.resetCount(),
                Ecdsa.sign(forged.getPrivate(), q.signedBytes()), q.chain());
        assertEquals(List.of(Refusal.SIGNATURE), kinds(verifier.verify("h1", evidence(honest, signedByForger), nonce, reference())));
        // ...or certifies its key with a certificate of its own making.
        List<Certificate> chain = new ArrayList<>(q.chain());
        chain.set(0, Certificate.issue(q.tpm(), Certificate.ATTESTATION, forged.getPublic(), q.tpm(), forged.getPrivate()));
        Quote withForgedChain = new Quote(q.tpm(), q.selection(), q.pcrDigest(), q.nonce(), q.resetCount(),
                signedByForger.signature(), chain);
        assertEquals(List.of(Refusal.CHAIN), kinds(verifier.verify("h1", evidence(honest, withForgedChain), Freshness.challenge(), reference()))
                .subList(0, 1));
    }

    @Test
    void aTpmOfAnotherManufacturerIsRefused() {
        Tpm foreign = Tpm.manufacture("host h1", Manufacturer.create("someone else"), new MonotonicCounters());
        foreign.powerOn();
        byte[] nonce = Freshness.challenge();
        assertTrue(verifier.verify("h1", Evidence.of(foreign, SELECTION, nonce), nonce, null).refusedFor(Refusal.CHAIN));
    }

    @Test
    void aLogThatDoesNotMatchThePcrsIsRefused() {
        byte[] nonce = Freshness.challenge();
        Evidence honest = Evidence.of(launched("patched code"), SELECTION, nonce);
        // The attacker shows the reference's log (the honest story) beside the true PCRs.
        Evidence lying = new Evidence(honest.quote(), honest.pcrs(), reference().events());
        Verdict verdict = verifier.verify("h1", lying, nonce, reference());
        assertTrue(verdict.refusedFor(Refusal.LOG), verdict.describe());
    }

    @Test
    void pcrValuesThatAreNotTheSignedOnesAreRefused() {
        byte[] nonce = Freshness.challenge();
        Evidence honest = Evidence.of(launched("patched code"), SELECTION, nonce);
        Map<Integer, String> claimed = new TreeMap<>(reference().pcrs());
        Evidence lying = new Evidence(honest.quote(), claimed, reference().events());
        assertEquals(List.of(Refusal.PCR_VALUES), kinds(verifier.verify("h1", lying, nonce, reference())));
    }

    @Test
    void aDeepQuoteBindsTheVmToItsHost() {
        Tpm host = launched("honest code");
        Tpm vtpm = Tpm.manufacture("vm web", host, new MonotonicCounters());
        vtpm.powerOn();
        vtpm.measure(8, TpmEvent.GUEST_IMAGE, "image".getBytes(), "image.bin");
        ReferencePolicy vmPolicy = ReferencePolicy.fromLog("web", vtpm.log(), 1 << 8);
        byte[] nonce = Freshness.challenge();
        Evidence vm = Evidence.of(vtpm, 1 << 8, nonce);
        Evidence hostEvidence = Evidence.of(host, SELECTION, Verifier.bindingNonce(vm.quote()));
        Verdict deep = verifier.verifyDeep("web", vm, nonce, vmPolicy, hostEvidence, reference());
        assertTrue(deep.trusted(), deep.describe());

        Tpm otherHost = launched("honest code");
        byte[] again = Freshness.challenge();
        Evidence vm2 = Evidence.of(vtpm, 1 << 8, again);
        Evidence wrongHost = Evidence.of(otherHost, SELECTION, Verifier.bindingNonce(vm2.quote()));
        assertTrue(verifier.verifyDeep("web", vm2, again, vmPolicy, wrongHost, reference()).refusedFor(Refusal.BINDING));
    }

    private static Evidence evidence(Evidence e, Quote quote) {
        return new Evidence(quote, e.pcrs(), e.log());
    }

    private static List<Refusal> kinds(Verdict verdict) {
        return verdict.refusals().stream().map(Verdict.Reason::kind).toList();
    }

}
