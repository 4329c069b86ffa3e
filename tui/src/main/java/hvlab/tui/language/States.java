package hvlab.tui.language;

import hvlab.vmm.host.HostException;
import hvlab.vmm.host.VmLifecycle;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a state name ({@code running}, {@code shut-off}...) when the line is parsed, with the
 * host's own list of names, so a misspelt state stops a script before anything has run.
 */
final class States {
    private States() {}

    static final class Converter implements ITypeConverter<VmLifecycle> {
        @Override
        public VmLifecycle convert(String value) {
            try {
                return VmLifecycle.parse(value);
            } catch (HostException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
