package hvlab.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code hv bench --chart FILE.svg}: well-formed SVG with one bar per ratio, coloured by its verdict. */
class RatioChartTest {

    @Test
    void theChartIsXmlWithOneBarPerRatioFigure(@TempDir Path dir) throws Exception {
        List<Figure> figures = List.of(
                new Figure("vmm_over_bare_mips", 0.97, "ratio", 0.03, 0.95),
                new Figure("gp_trap_over_out_trap", 2.1, "ratio", 0.3, 5.0, true),
                new Figure("snapshot_restore_over_copy", 3.5, "ratio", 0.1, 3.0, true),
                new Figure("trap_over_hypercall", 3.5, "ratio", null, null),
                new Figure("eight_vms_over_one_mips", null, "ratio", null, 1.8),
                new Figure("slice_switch_us", 10.0, "us", 1.0, null));
        Path file = dir.resolve("bench.svg");
        RatioChart.write(file, figures, "a <title> & more", "1 fork, 5 x 1 s");

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        List<Element> bars = new ArrayList<>();
        NodeList rects = svg.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element rect = (Element) rects.item(i);
            if (rect.getAttribute("class").equals("bar")) {
                bars.add(rect);
            }
        }
        assertEquals(5, bars.size(), "one bar per ratio; the figure in microseconds is not a ratio");
        assertEquals(List.of("vmm_over_bare_mips", "gp_trap_over_out_trap", "snapshot_restore_over_copy", "trap_over_hypercall",
                "eight_vms_over_one_mips"), bars.stream().map(b -> b.getAttribute("data-id")).toList());
        assertEquals("#2e8b57", bars.get(1).getAttribute("fill"), "met, clear of noise: green");
        assertEquals("#c0392b", bars.get(2).getAttribute("fill"), "missed: red");
        assertEquals("#999", bars.get(3).getAttribute("fill"), "no goal: grey");
        assertEquals("#a6d8a6", bars.get(0).getAttribute("fill"), "met, but the interval reaches the goal: pale");
        assertEquals(0.0, Double.parseDouble(bars.get(4).getAttribute("width")), "no value: an empty bar");
    }

    @Test
    void aVerdictWithinTheErrorIsMarkedAsUncertain() {
        assertEquals("met?", RatioChart.verdict(new Figure("x", 0.97, "ratio", 0.05, 0.95)));
        assertEquals("met", RatioChart.verdict(new Figure("x", 0.97, "ratio", 0.01, 0.95)));
        assertEquals("missed", RatioChart.verdict(new Figure("x", 6.0, "ratio", 0.5, 5.0, true)));
        assertEquals("", RatioChart.verdict(new Figure("x", 6.0, "ratio", 0.5, null)));
    }
}
