package hvlab.vmm.host;

/**
 * A piece of a VM's console output: {@code text} holds the bytes after position {@code from}
 * (as far as they are kept), {@code next} is the position to ask from next time, and
 * {@code dropped} says how many of the oldest bytes the console no longer keeps.
 */
public record ConsoleOutput(String vm, String text, long from, long next, long dropped) {}
