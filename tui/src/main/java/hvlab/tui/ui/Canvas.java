package hvlab.tui.ui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;

/**
 * A rectangle of the screen that panels draw into, in its own coordinates, clipped: text that
 * does not fit is cut, never drawn over a neighbour. Wraps Lanterna's {@link TextGraphics}.
 */
final class Canvas {
    private final TextGraphics graphics;
    final int left;
    final int top;
    final int width;
    final int height;

    Canvas(TextGraphics graphics, int left, int top, int width, int height) {
        this.graphics = graphics;
        this.left = left;
        this.top = top;
        this.width = Math.max(0, width);
        this.height = Math.max(0, height);
    }

    /** A part of this canvas. */
    Canvas inner(int x, int y, int w, int h) {
        int cw = Math.max(0, Math.min(w, width - x));
        int ch = Math.max(0, Math.min(h, height - y));
        return new Canvas(graphics, left + x, top + y, cw, ch);
    }

    void text(int x, int y, String text) {
        text(x, y, text, TextColor.ANSI.DEFAULT, false);
    }

    void text(int x, int y, String text, TextColor color, boolean bold) {
        if (y < 0 || y >= height || x >= width || text.isEmpty()) {
            return;
        }
        String shown = x < 0 ? text.substring(Math.min(text.length(), -x)) : text;
        int at = Math.max(0, x);
        if (shown.length() > width - at) {
            shown = shown.substring(0, width - at);
        }
        graphics.setForegroundColor(color);
        if (bold) {
            graphics.enableModifiers(SGR.BOLD);
        }
        graphics.putString(left + at, top + y, shown);
        graphics.disableModifiers(SGR.BOLD);
        graphics.setForegroundColor(TextColor.ANSI.DEFAULT);
    }

    /** A line of reverse video across the canvas: the selected row, or a bar. */
    void bar(int y, String text) {
        if (y < 0 || y >= height) {
            return;
        }
        graphics.enableModifiers(SGR.REVERSE);
        String padded = text.length() >= width ? text.substring(0, width) : text + " ".repeat(width - text.length());
        graphics.putString(left, top + y, padded);
        graphics.disableModifiers(SGR.REVERSE);
    }

    /** A frame around the canvas with {@code title} in its top edge. */
    void frame(String title) {
        if (width < 2 || height < 2) {
            return;
        }
        String horizontal = "─".repeat(width - 2);
        graphics.putString(left, top, "┌" + horizontal + "┐");
        graphics.putString(left, top + height - 1, "└" + horizontal + "┘");
        for (int y = 1; y < height - 1; y++) {
            graphics.putString(left, top + y, "│");
            graphics.putString(left + width - 1, top + y, "│");
        }
        if (!title.isEmpty()) {
            String t = " " + title + " ";
            graphics.enableModifiers(SGR.BOLD);
            graphics.putString(left + 2, top, t.length() > width - 4 ? t.substring(0, Math.max(0, width - 4)) : t);
            graphics.disableModifiers(SGR.BOLD);
        }
    }

    /** The inside of {@link #frame}. */
    Canvas inside() {
        return inner(1, 1, width - 2, height - 2);
    }
}
