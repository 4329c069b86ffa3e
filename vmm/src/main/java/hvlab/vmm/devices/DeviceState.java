package hvlab.vmm.devices;

/**
 * The saved state of one {@link Device}: a record next to the device it belongs to. The set is
 * closed, so code that stores or sends machine state knows every kind there is.
 */
public sealed interface DeviceState
        permits SerialPort.State, Pic8259.State, Pit8254.State, DebugExitDevice.State, CmosRtc.State,
        AtaDisk.State, PowerButton.State, GenerationIdDevice.State, TpmDevice.State, NetworkCard.State,
        LocalApic.State, IoApic.State, Ps2Keyboard.State, CgaText.State {
}
