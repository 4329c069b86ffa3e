package hvlab.tui.language;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * {@code LO..HI} in {@code expect share NAME LO..HI}: bounds on a VM's CPU share, as fractions of
 * one CPU ({@code 0.45..0.55} is "between 45% and 55% of a CPU"), both ends included.
 *
 * @param text the range as it was written, so messages repeat it as the user typed it
 */
public record ShareRange(double low, double high, String text) {

    public static ShareRange parse(String text) {
        String[] ends = text == null ? new String[0] : text.strip().split("\\.\\.", -1);
        try {
            if (ends.length == 2) {
                double low = Double.parseDouble(ends[0]);
                double high = Double.parseDouble(ends[1]);
                if (Double.isFinite(low) && Double.isFinite(high) && 0 <= low && low <= high) {
                    return new ShareRange(low, high, text.strip());
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw new IllegalArgumentException("bad share range '" + text
                + "' (use LO..HI, fractions of one CPU with LO <= HI, e.g. 0.45..0.55)");
    }

    public boolean contains(double share) {
        return low <= share && share <= high;
    }

    /**
     * A share for a message, with two decimals, or four when two would hide why it failed: 0.4496
     * is outside 0.45..0.55, and "share is 0.45, wanted 0.45..0.55" would puzzle anyone.
     */
    public String show(double share) {
        String two = String.format(Locale.ROOT, "%.2f", share);
        boolean looksInside = contains(Double.parseDouble(two));
        return looksInside == contains(share) ? two : String.format(Locale.ROOT, "%.4f", share);
    }

    @Override
    public String toString() {
        return text;
    }

    /** Lets picocli read the range, so a bad one is caught when the line is parsed. */
    public static final class Converter implements ITypeConverter<ShareRange> {
        @Override
        public ShareRange convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
