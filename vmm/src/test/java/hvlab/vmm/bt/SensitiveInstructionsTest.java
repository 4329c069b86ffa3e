package hvlab.vmm.bt;

import hvlab.cpu.Instruction;
import hvlab.vmm.VirtualCpu;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SensitiveInstructionsTest extends DecodingTest {
    @Test
    void robinAndIrvinesInstructionsAreSensitive() {
        for (String hex : List.of(
                "0f0100", "0f0108",              // sgdt [eax], sidt [eax]
                "0f00c0", "0f00c9", "0f0008",    // sldt eax, str ecx, str [eax]
                "0f01e0", "660f01e0", "0f0120",  // smsw eax, smsw ax, smsw [eax]
                "9c", "669c", "9d", "669d",      // pushfd, pushf, popfd, popf
                "0f02c3", "0f03c3", "0f00e0", "0f00e8", // lar, lsl, verr, verw
                "8cc8", "668cc8", "8c10", "8cd3", // mov eax, cs; mov ax, cs; mov [eax], ss; mov ebx, ss
                "0e", "16", "660e")) {           // push cs, push ss, push cs (16-bit)
            assertTrue(SensitiveInstructions.isSensitive(at(0x1000, hex)), hex + " = " + at(0x1000, hex));
        }
    }

    @Test
    void privilegedAndHarmlessInstructionsAreNot() {
        for (String hex : List.of(
                "fa", "0f0110", "0f20c0",        // cli, lgdt [eax], mov eax, cr0: these trap anyway
                "8cd8", "1e", "8ed8",            // mov eax, ds; push ds; mov ds, ax
                "89d8", "60", "50", "ff30")) {   // mov eax, ebx; pushad; push eax; push dword [eax]
            assertFalse(SensitiveInstructions.isSensitive(at(0x1000, hex)), hex + " = " + at(0x1000, hex));
        }
    }

    @Test
    void aScanRecordsEachSiteOnceAndReportsOnlyNewOnes() {
        // mov eax, ebx; sidt [eax]; nop; pushfd; cli; push cs
        byte[] code = HexFormat.of().parseHex("89d8" + "0f0108" + "90" + "9c" + "fa" + "0e");
        BinaryTranslator translator = new BinaryTranslator(new VirtualCpu(), capstone);
        List<Instruction> sites = translator.findSites(code, 0x100000);
        assertEquals(List.of(0x100002L, 0x100006L, 0x100008L), sites.stream().map(Instruction::address).toList());
        assertEquals("sidt", translator.sites().get(0x100002L).mnemonic());
        assertTrue(translator.isSite(0x100008L));
        assertFalse(translator.isSite(0x100007L));
        assertEquals(List.of(), translator.findSites(code, 0x100000), "a second scan finds nothing new");
    }
}
