package io.dnsprobe.conformance;

import io.dnsprobe.demo.Zone;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The fixed rows of domain-notes §2 plus scenarios drawn from a seed. Every name lives under its own
 * label prefix so scenarios never see each other's records.
 */
final class Scenarios {
    static final List<String> SEARCH =
            List.of("ns1.svc.cluster.local", "svc.cluster.local", "cluster.local", "test.example");
    static final int NDOTS = 5;

    private Scenarios() {}

    static List<Scenario> generate(long seed, int random) {
        List<Scenario> out = new ArrayList<>(fixedRows());
        Random rnd = new Random(seed);
        String[] kinds = {
            "A", "AAAA", "mixed", "cname", "search-only", "nodata-early", "nxdomain", "absolute", "many-dots"
        };
        for (int i = 0; i < random; i++) {
            String kind = kinds[i % kinds.length];
            String id = "g" + i;
            out.add(
                    switch (kind) {
                        case "A" -> {
                            int n = count(rnd);
                            yield new Scenario(id, n + " A", id, z -> z.manyA(id + ".test.example", n));
                        }
                        case "AAAA" -> {
                            int n = count(rnd);
                            yield new Scenario(id, n + " AAAA", id, z -> z.manyAaaa(id + ".test.example", n));
                        }
                        case "mixed" -> {
                            int a = 1 + rnd.nextInt(60);
                            int aaaa = 1 + rnd.nextInt(60);
                            yield new Scenario(
                                    id,
                                    a + " A + " + aaaa + " AAAA",
                                    id,
                                    z -> z.manyA(id + ".test.example", a).manyAaaa(id + ".test.example", aaaa));
                        }
                        case "cname" -> {
                            int links = 1 + rnd.nextInt(6);
                            int labelLength = 3 + rnd.nextInt(61);
                            int addresses = 1 + rnd.nextInt(30);
                            yield new Scenario(
                                    id,
                                    links + " CNAMEs (labels of " + labelLength + ") + " + addresses + " A",
                                    id,
                                    z -> chain(z, id, links, labelLength, addresses));
                        }
                        case "search-only" -> {
                            String domain = SEARCH.get(rnd.nextInt(3));
                            int n = 1 + rnd.nextInt(50);
                            yield new Scenario(
                                    id, n + " A only under " + domain, id, z -> z.manyA(id + "." + domain, n));
                        }
                        case "nodata-early" -> {
                            String early = SEARCH.get(rnd.nextInt(3));
                            int n = 1 + rnd.nextInt(40);
                            yield new Scenario(
                                    id,
                                    "NODATA at " + early + ", " + n + " A at test.example",
                                    id,
                                    z -> z.txt(id + "." + early, "no address").manyA(id + ".test.example", n));
                        }
                        case "nxdomain" -> new Scenario(id, "NXDOMAIN everywhere", id, z -> {});
                        case "absolute" -> {
                            int n = count(rnd);
                            yield new Scenario(
                                    id,
                                    n + " A, absolute name",
                                    id + ".test.example.",
                                    z -> z.manyA(id + ".test.example", n));
                        }
                        case "many-dots" -> {
                            // ndots reached: musl asks only the name itself, glibc falls back to the search list.
                            String name = id + ".a.b.c.d.e";
                            int n = 1 + rnd.nextInt(40);
                            yield new Scenario(
                                    id,
                                    n + " A under test.example, 5 dots",
                                    name,
                                    z -> z.manyA(name + ".test.example", n));
                        }
                        default -> throw new IllegalStateException(kind);
                    });
        }
        return out;
    }

    /** 1 to 350, weighted to the interesting edges: 29/30 (UDP), 45/64 (musl 1.2.4), 48 (musl cap). */
    private static int count(Random rnd) {
        int[] edges = {28, 29, 30, 31, 40, 45, 46, 47, 48, 49, 63, 64, 65};
        return switch (rnd.nextInt(3)) {
            case 0 -> edges[rnd.nextInt(edges.length)];
            case 1 -> 1 + rnd.nextInt(100);
            default -> 1 + rnd.nextInt(350);
        };
    }

    private static void chain(Zone z, String id, int links, int labelLength, int addresses) {
        String previous = id + ".test.example";
        for (int i = 1; i <= links; i++) {
            String label = ("c" + i + "x".repeat(labelLength)).substring(0, Math.max(2, labelLength));
            String target = label + "." + id + ".test.example";
            z.cname(previous, target);
            previous = target;
        }
        z.manyA(previous, addresses);
    }

    private static List<Scenario> fixedRows() {
        String label63 = "l".repeat(61);
        return List.of(
                new Scenario("r030", "notes: 30 A", "r030", z -> z.manyA("r030.test.example", 30)),
                new Scenario("r040", "notes: 40 A", "r040", z -> z.manyA("r040.test.example", 40)),
                new Scenario("q040", "notes: 40 AAAA", "q040", z -> z.manyAaaa("q040.test.example", 40)),
                new Scenario(
                        "m042",
                        "notes: 2 A + 40 AAAA",
                        "m042",
                        z -> z.manyA("m042.test.example", 2).manyAaaa("m042.test.example", 40)),
                new Scenario("r064", "notes: 64 A", "r064", z -> z.manyA("r064.test.example", 64)),
                new Scenario("r320", "notes: 320 A", "r320", z -> z.manyA("r320.test.example", 320)),
                new Scenario("cnsh", "notes: 4 CNAMEs + 3 A", "cnsh", z -> notesChain(z, "cnsh", 2, label63)),
                new Scenario("cnlg", "notes: 4 long CNAMEs + 3 A", "cnlg", z -> notesChain(z, "cnlg", 3, label63)),
                new Scenario(
                        "nodt",
                        "notes: NODATA at the first search domain",
                        "nodt",
                        z -> z.txt("nodt.ns1.svc.cluster.local", "x").a("nodt.test.example", "192.0.2.1")));
    }

    private static void notesChain(Zone z, String name, int labels, String label) {
        String previous = name + ".test.example";
        for (int i = 1; i <= 4; i++) {
            String target = ("c" + i + label + ".").repeat(labels) + name + ".test.example";
            z.cname(previous, target);
            previous = target;
        }
        z.a(previous, "192.0.2.1", "192.0.2.2", "192.0.2.3");
    }
}
