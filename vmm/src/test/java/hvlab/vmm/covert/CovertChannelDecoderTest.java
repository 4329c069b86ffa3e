package hvlab.vmm.covert;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The decoder on made-up samples: a clear channel, a shifted one, and noise. */
class CovertChannelDecoderTest {
    static long[] signal(int[] message, int repeats, int samplesPerBit, int offset, double noise, long seed) {
        Random random = new Random(seed);
        long[] samples = new long[message.length * repeats * samplesPerBit + offset];
        for (int i = 0; i < samples.length; i++) {
            int bit = message[((i + samplesPerBit * 1000 - offset) / samplesPerBit) % message.length];
            double progress = bit == 1 ? 30_000 : 60_000;
            samples[i] = Math.round(progress + random.nextGaussian() * noise);
        }
        return samples;
    }

    @Test
    void aClearChannelDecodesWithoutErrorWhereverItStarts() {
        int[] message = CovertChannelDecoder.senderMessage();
        long[] samples = signal(message, 3, 4, 2, 3_000, 1);
        CovertChannelDecoder.Decoded d = CovertChannelDecoder.decode(samples, 4, message, 5);
        assertEquals(0, d.errors(), d.toString());
        assertEquals(5.0, d.capacity(), 1e-9);
    }

    @Test
    void noiseDecodesNearChanceAndCarriesLittle() {
        int[] message = CovertChannelDecoder.senderMessage();
        Random random = new Random(2);
        long[] samples = new long[300];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 45_000 + Math.round(random.nextGaussian() * 5_000);
        }
        CovertChannelDecoder.Decoded d = CovertChannelDecoder.decode(samples, 4, message, 5);
        double chance = CovertChannelDecoder.chance(samples, 4, message, 10, 3);
        assertTrue(d.errorRate() > 0.25, d.toString());
        assertTrue(Math.abs(d.errorRate() - chance) < 0.1, d.errorRate() + " against chance " + chance);
        assertTrue(d.capacity() < 1.0, d.toString());
    }

    @Test
    void theReceiversConsoleLinesAreItsSamples() {
        assertArrayEquals(new long[] {12, 345}, CovertChannelDecoder.samples("covert\nc 12\nc 345\nc \nc x1\n"));
    }
}
