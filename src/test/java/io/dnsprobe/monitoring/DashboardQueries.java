package io.dnsprobe.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the dashboard's queries against a Prometheus over a time range, as Grafana would: its variables
 * replaced ({@code $namespace} by All, {@code $__rate_interval} by a window that fits the scrape
 * interval), one {@code query_range} per target. What {@link DashboardPng} draws and what
 * {@link MonitoringIT} checks for data.
 */
final class DashboardQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One returned series: its legend (the target's legendFormat filled in) and its points, NaN dropped. */
    record Series(String legend, Map<String, String> labels, List<Instant> times, List<Double> values) {
        Double last() {
            return values.isEmpty() ? null : values.get(values.size() - 1);
        }
    }

    record Target(String expr, String legendFormat) {}

    record Panel(String title, String type, JsonNode json, List<Target> targets, List<List<Series>> results) {
        boolean hasData() {
            return results.stream().anyMatch(r -> !r.isEmpty());
        }
    }

    private final String prometheus;
    private final String rateInterval;

    /** @param rateInterval what {@code $__rate_interval} becomes: Grafana makes it at least four scrape intervals */
    DashboardQueries(String prometheus, String rateInterval) {
        this.prometheus = prometheus;
        this.rateInterval = rateInterval;
    }

    String substitute(String expr) {
        return expr.replace("$__rate_interval", rateInterval).replace("$namespace", ".*");
    }

    List<Panel> run(JsonNode dashboard, Instant start, Instant end, Duration step)
            throws IOException, InterruptedException {
        List<Panel> panels = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            List<Target> targets = new ArrayList<>();
            List<List<Series>> results = new ArrayList<>();
            for (JsonNode t : p.path("targets")) {
                Target target = new Target(
                        t.path("expr").asText(), t.path("legendFormat").asText(""));
                targets.add(target);
                results.add(range(target, start, end, step));
            }
            panels.add(new Panel(p.path("title").asText(), p.path("type").asText(), p, targets, results));
        }
        return panels;
    }

    List<Series> range(Target target, Instant start, Instant end, Duration step)
            throws IOException, InterruptedException {
        String query = "query=" + URLEncoder.encode(substitute(target.expr()), StandardCharsets.UTF_8) + "&start="
                + start.getEpochSecond() + "&end=" + end.getEpochSecond() + "&step=" + step.toSeconds();
        HttpRequest request = HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query_range"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(query))
                .timeout(Duration.ofSeconds(30))
                .build();
        JsonNode body = JSON.readTree(
                HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        if (!body.path("status").asText().equals("success")) {
            throw new IOException("Prometheus refused " + target.expr() + ": "
                    + body.path("error").asText());
        }
        List<Series> series = new ArrayList<>();
        for (JsonNode r : body.at("/data/result")) {
            Map<String, String> labels = new LinkedHashMap<>();
            r.path("metric")
                    .fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            List<Instant> times = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (JsonNode v : r.path("values")) {
                double value = Double.parseDouble(v.get(1).asText());
                if (!Double.isNaN(value)) {
                    times.add(Instant.ofEpochMilli(Math.round(v.get(0).asDouble() * 1000)));
                    values.add(value);
                }
            }
            if (!values.isEmpty()) {
                series.add(new Series(legend(target.legendFormat(), labels), labels, times, values));
            }
        }
        return series;
    }

    /** Grafana's legend: {@code {{label}}} replaced by the label's value; no format means the label set. */
    static String legend(String format, Map<String, String> labels) {
        if (format.isEmpty()) {
            return labels.toString();
        }
        Matcher m = Pattern.compile("\\{\\{\\s*([a-zA-Z_]+)\\s*}}").matcher(format);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(labels.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
