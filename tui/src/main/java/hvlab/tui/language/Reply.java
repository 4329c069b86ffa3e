package hvlab.tui.language;

/**
 * What a command produced, in both of its forms: {@code data} is printed with Jackson under
 * {@code --json}, {@code text} is printed for people otherwise. Commands fill in both and never
 * print; the caller decides where the result goes (a terminal, a script's output, the UI).
 */
public record Reply(Object data, String text) {}
