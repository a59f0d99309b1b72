package io.dnsprobe.build;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a generated CRD's printer columns back in the order their {@link AdditionalPrinterColumn}
 * annotations are declared: the CRD generator sorts them by JSON path, so kubectl would show AGE first
 * and a report's workload after its counts. Run by the build (antrun, package phase) on the files in
 * target/kubernetes, before the check that the committed copies in crds/ are up to date, so crds/ holds
 * the reordered CRD. The generator's text is kept as is (only whole column entries move), and a column
 * without an annotation, or an annotation without a column, fails the build.
 *
 * <p>Usage: CrdColumnOrder FILE CLASS [FILE CLASS ...]
 */
public final class CrdColumnOrder {
    private static final Pattern NAME = Pattern.compile("^\\s+name: \"?([^\"]+)\"?$");

    private CrdColumnOrder() {}

    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            Path file = Path.of(args[i]);
            List<String> order = Arrays.stream(
                            Class.forName(args[i + 1]).getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name)
                    .toList();
            Files.writeString(file, reorder(Files.readString(file), order));
        }
    }

    static String reorder(String yaml, List<String> order) throws IOException {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("- additionalPrinterColumns:")
                    || lines.get(i).trim().equals("additionalPrinterColumns:")) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            if (!order.isEmpty()) {
                throw new IOException(
                        "no additionalPrinterColumns in the generated CRD, but " + order.size() + " declared");
            }
            return yaml;
        }
        String itemIndent =
                lines.get(header + 1).substring(0, lines.get(header + 1).indexOf('-'));
        List<List<String>> items = new ArrayList<>();
        int end = header + 1;
        while (end < lines.size()) {
            String line = lines.get(end);
            if (line.startsWith(itemIndent + "- ")) {
                items.add(new ArrayList<>(List.of(line)));
            } else if (line.startsWith(itemIndent + "  ") && !items.isEmpty()) {
                items.get(items.size() - 1).add(line);
            } else {
                break;
            }
            end++;
        }
        List<String> sorted = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String wanted : order) {
            List<String> item = items.stream()
                    .filter(it -> wanted.equals(name(it)))
                    .findFirst()
                    .orElseThrow(() -> new IOException("declared column " + wanted + " is not in the generated CRD"));
            sorted.addAll(item);
            names.add(wanted);
        }
        for (List<String> item : items) {
            if (!names.contains(name(item))) {
                throw new IOException("generated column " + name(item) + " has no annotation");
            }
        }
        List<String> out = new ArrayList<>(lines.subList(0, header + 1));
        out.addAll(sorted);
        out.addAll(lines.subList(end, lines.size()));
        return String.join("\n", out);
    }

    private static String name(List<String> item) {
        for (String line : item) {
            Matcher m = NAME.matcher(line.replaceFirst("^(\\s*)- ", "$1  "));
            if (m.matches()) {
                return m.group(1);
            }
        }
        return null;
    }
}
