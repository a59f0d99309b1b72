package io.dnsprobe.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

/**
 * Draws the Grafana dashboard for a person, from the same queries against a Prometheus (Grafana is not
 * packaged by Debian, so it cannot run here): each panel where its gridPos puts it, time series as lines
 * with the panel's threshold lines, stats as their latest value, tables as rows. An approximation of
 * Grafana's look, not a copy: what it shows is the data, which is real.
 *
 * <p>Against any Prometheus (a port-forwarded one included):
 * {@code java -cp target/test-classes:$(cat target/test-classpath.txt) io.dnsprobe.monitoring.DashboardPng
 * http://127.0.0.1:9090 6h out.png} (docs/monitoring.md, "Dashboard").
 */
public final class DashboardPng {
    private static final int COLUMN = 60;
    private static final int ROW = 34;
    private static final Color[] PALETTE = {
        new Color(0x73bf69),
        new Color(0xf2cc0c),
        new Color(0x5794f2),
        new Color(0xff780a),
        new Color(0xf2495c),
        new Color(0xb877d9),
        new Color(0x37872d),
        new Color(0x8ab8ff),
        new Color(0xc4162a),
        new Color(0x96d98d)
    };

    private DashboardPng() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: DashboardPng PROMETHEUS_URL RANGE(e.g. 6h, 30m) OUT.png");
            System.exit(2);
        }
        Duration range = Duration.parse("PT" + args[1].toUpperCase());
        Instant end = Instant.now();
        Instant start = end.minus(range);
        Duration step = Duration.ofSeconds(Math.max(1, range.toSeconds() / 300));
        DashboardQueries queries = new DashboardQueries(args[0], Math.max(60, step.toSeconds() * 4) + "s");
        write(queries.run(MonitoringFiles.dashboard(), start, end, step), start, end, Path.of(args[2]));
    }

    static void write(List<DashboardQueries.Panel> panels, Instant start, Instant end, Path out) throws IOException {
        int rows = 0;
        for (DashboardQueries.Panel p : panels) {
            rows = Math.max(
                    rows,
                    p.json().at("/gridPos/y").asInt()
                            + p.json().at("/gridPos/h").asInt());
        }
        int top = 40;
        BufferedImage image = new BufferedImage(24 * COLUMN, top + rows * ROW, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(0xf4f5f5));
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(
                "dnsprobe   " + start.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " to "
                        + end.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "   namespace: All",
                12,
                27);
        for (DashboardQueries.Panel p : panels) {
            JsonNode grid = p.json().path("gridPos");
            Rectangle2D.Double area = new Rectangle2D.Double(
                    grid.path("x").asInt() * COLUMN + 4,
                    top + grid.path("y").asInt() * ROW + 4,
                    grid.path("w").asInt() * COLUMN - 8,
                    grid.path("h").asInt() * ROW - 8);
            g.setColor(Color.WHITE);
            g.fill(area);
            g.setColor(new Color(0xd8d9da));
            g.draw(area);
            switch (p.type()) {
                case "stat" -> stat(g, p, area);
                case "table" -> table(g, p, area);
                default -> timeseries(g, p, area, start, end);
            }
        }
        g.dispose();
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(image, "png", out.toFile());
    }

    private static void title(Graphics2D g, String title, Rectangle2D area) {
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, (int) area.getX() + 8, (int) area.getY() + 18);
    }

    private static void stat(Graphics2D g, DashboardQueries.Panel p, Rectangle2D area) {
        title(g, p.title(), area);
        Double value =
                p.results().get(0).isEmpty() ? null : p.results().get(0).get(0).last();
        String text = value == null ? "No data" : String.valueOf(Math.round(value));
        g.setColor(value == null ? Color.GRAY : thresholdColor(p.json(), value));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 40));
        int width = g.getFontMetrics().stringWidth(text);
        g.drawString(text, (int) (area.getCenterX() - width / 2.0), (int) area.getMaxY() - 22);
    }

    private static void table(Graphics2D g, DashboardQueries.Panel p, Rectangle2D area) {
        title(g, p.title(), area);
        List<String> columns = List.of("namespace", "dnsprobe", "name", "server", "model");
        int[] widths = {90, 90, 60, 150, 100};
        int y = (int) area.getY() + 42;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        int x = (int) area.getX() + 8;
        for (int i = 0; i < columns.size(); i++) {
            g.drawString(columns.get(i), x, y);
            x += widths[i];
        }
        g.drawString("verdict", x, y);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        List<DashboardQueries.Series> rows = new ArrayList<>(p.results().get(0));
        rows.sort((a, b) -> Double.compare(b.last(), a.last()));
        for (DashboardQueries.Series s : rows) {
            y += 17;
            if (y > area.getMaxY() - 6) {
                break;
            }
            x = (int) area.getX() + 8;
            g.setColor(Color.DARK_GRAY);
            for (int i = 0; i < columns.size(); i++) {
                g.drawString(s.labels().getOrDefault(columns.get(i), ""), x, y);
                x += widths[i];
            }
            boolean fails = s.last() >= 2;
            g.setColor(fails ? PALETTE[8] : PALETTE[3]);
            g.drawString(fails ? "FAILS" : "PARTIAL", x, y);
        }
    }

    private static void timeseries(
            Graphics2D g, DashboardQueries.Panel p, Rectangle2D area, Instant start, Instant end) {
        TimeSeriesCollection data = new TimeSeriesCollection();
        for (List<DashboardQueries.Series> result : p.results()) {
            for (DashboardQueries.Series s : result) {
                TimeSeries line = new TimeSeries(s.legend().isBlank() ? "value" : s.legend());
                for (int i = 0; i < s.times().size(); i++) {
                    line.addOrUpdate(
                            new Millisecond(java.util.Date.from(s.times().get(i))),
                            s.values().get(i));
                }
                data.addSeries(line);
            }
        }
        String unit = p.json().at("/fieldConfig/defaults/unit").asText("");
        JFreeChart chart =
                ChartFactory.createTimeSeriesChart(p.title(), null, unitLabel(unit), data, true, false, false);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        chart.getTitle().setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xe0e0e0));
        plot.setRangeGridlinePaint(new Color(0xe0e0e0));
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        plot.getDomainAxis()
                .setRange(
                        java.util.Date.from(start).getTime(),
                        java.util.Date.from(end).getTime());
        for (int i = 0; i < data.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
        if (p.json()
                .at("/fieldConfig/defaults/custom/thresholdsStyle/mode")
                .asText()
                .equals("line")) {
            double highest = 0;
            for (JsonNode step : p.json().at("/fieldConfig/defaults/thresholds/steps")) {
                if (!step.path("value").isNull()) {
                    ValueMarker marker = new ValueMarker(
                            step.path("value").asDouble(),
                            color(step.path("color").asText()),
                            new BasicStroke(
                                    1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
                    marker.setLabel(step.path("value").asText()
                            + (unit.equals("decbytes") ? " B" : unit.equals("s") ? " s" : ""));
                    marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
                    marker.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
                    plot.addRangeMarker(marker);
                    highest = Math.max(highest, step.path("value").asDouble());
                }
            }
            // Keep the lines in view even when every value is below them (Grafana does the same).
            double max = plot.getRangeAxis().getUpperBound();
            if (!unit.equals("s") && max < highest * 1.1) {
                plot.getRangeAxis().setRange(0, highest * 1.15);
            }
        }
        chart.draw(g, area);
        if (data.getSeriesCount() == 0) {
            g.setColor(Color.GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            g.drawString("No data", (int) area.getCenterX() - 25, (int) area.getCenterY());
        }
    }

    private static String unitLabel(String unit) {
        return switch (unit) {
            case "decbytes" -> "bytes";
            case "reqps" -> "per second";
            case "s" -> "seconds";
            default -> null;
        };
    }

    private static Color thresholdColor(JsonNode panel, double value) {
        String color = "green";
        for (JsonNode step : panel.at("/fieldConfig/defaults/thresholds/steps")) {
            if (step.path("value").isNull() || value >= step.path("value").asDouble()) {
                color = step.path("color").asText();
            }
        }
        return color(color);
    }

    private static Color color(String name) {
        return Map.of("green", PALETTE[6], "orange", PALETTE[3], "red", PALETTE[8])
                .getOrDefault(name, Color.GRAY);
    }
}
