package io.dnsprobe.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The image's file system as its layers make it, for the files dnsprobe keeps: a path is decided by the
 * topmost layer that has it, deletes it (a {@code .wh.} whiteout of it or of a parent) or hides it (an
 * opaque parent directory). Links are followed on every component, so {@code lib/apk/db/installed} is
 * found under {@code usr/lib} when {@code lib -> usr/lib} (Wolfi, usrmerge). Immutable.
 *
 * <p>Lookups are bounded whatever the image and the pod spec say (an Entrypoint of a million
 * components, links that expand into each other): a path of at most {@link #MAX_PATH} characters and
 * {@link #MAX_DEPTH} components, at most {@link #MAX_LINKS} links (Linux's own limit), and at most
 * {@link Work#LOOKUP} units of work per lookup (one per component and layer looked at); past any of these
 * the file is not found. Each step is linear in the path's length, so a lookup costs milliseconds at most.
 */
public final class ImageFiles {
    /** Linux's MAXSYMLINKS. */
    static final int MAX_LINKS = 40;
    /** Linux's PATH_MAX. */
    static final int MAX_PATH = 4096;

    static final int MAX_DEPTH = 256;

    /** What lookups may still spend; shared by the lookups of one program search. */
    static final class Work {
        /** Enough for any real lookup by a thousand times; a hostile one stops here. */
        static final long LOOKUP = 2_000_000;

        private final long units;
        private long left;
        private boolean exhausted;

        Work(long units) {
            this.units = units;
            this.left = units;
        }

        long spent() {
            return units - left;
        }

        static Work lookup() {
            return new Work(LOOKUP);
        }

        boolean spend(long units) {
            left -= units;
            if (left < 0) {
                exhausted = true;
            }
            return !exhausted;
        }

        boolean exhausted() {
            return exhausted;
        }
    }

    /** Bottom layer first, as the image config lists them. */
    private final List<LayerFacts> layers;

    /** One file and the layer that decides it (1 = bottom). */
    public record Found(String path, int layer, FileFact fact) {}

    public ImageFiles(List<LayerFacts> bottomFirst) {
        this.layers = List.copyOf(bottomFirst);
    }

    public int layerCount() {
        return layers.size();
    }

    List<LayerFacts> layers() {
        return layers;
    }

    /** The file at {@code path} (links followed), when one of the kept kinds is there. */
    public Optional<Found> find(String path) {
        return find(path, Work.lookup());
    }

    Optional<Found> find(String path, Work work) {
        if (path.length() > MAX_PATH) {
            return Optional.empty();
        }
        String resolved = resolve(LayerScanner.normalize(path), true, work);
        if (resolved == null) {
            return Optional.empty();
        }
        Entry e = entry(resolved, work);
        return e != null && e.fact != null ? Optional.of(new Found(resolved, e.layer, e.fact)) : Optional.empty();
    }

    /** Every visible file whose fact is of {@code type}, top layer first. */
    public <T extends FileFact> List<Found> all(Class<T> type) {
        List<Found> out = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            for (var f : layers.get(i).files().entrySet()) {
                if (type.isInstance(f.getValue())) {
                    Entry e = entry(f.getKey(), Work.lookup());
                    if (e != null && e.layer == i + 1 && e.fact == f.getValue()) {
                        out.add(new Found(f.getKey(), i + 1, f.getValue()));
                    }
                }
            }
        }
        return out;
    }

    /** What the topmost deciding layer has at exactly {@code path} (no links followed). */
    private record Entry(int layer, FileFact fact, String link) {}

    private Entry entry(String path, Work work) {
        List<String> parents = null;
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (!work.spend(1)) {
                return null;
            }
            LayerFacts l = layers.get(i);
            FileFact f = l.files().get(path);
            if (f != null) {
                return new Entry(i + 1, f, null);
            }
            String link = l.symlinks().get(path);
            if (link != null) {
                return new Entry(i + 1, null, link);
            }
            if (l.whiteouts().isEmpty() && l.opaqueDirs().isEmpty()) {
                continue;
            }
            if (parents == null) {
                parents = parents(path, work);
            }
            if (deletedHere(l, path, parents, work)) {
                return null;
            }
        }
        return null;
    }

    /** {@code a/b/c} gives {@code a/b}, {@code a}: computed once per lookup, not once per layer. */
    private static List<String> parents(String path, Work work) {
        List<String> out = new ArrayList<>();
        int slash = path.length();
        while ((slash = path.lastIndexOf('/', slash - 1)) > 0) {
            out.add(path.substring(0, slash));
            work.spend(1 + slash / 64);
        }
        return out;
    }

    /** Whether layer {@code l} removes {@code path} from the layers below: whiteout of it or a parent, or an opaque parent. */
    private static boolean deletedHere(LayerFacts l, String path, List<String> parents, Work work) {
        if (l.whiteouts().contains(path)) {
            return true;
        }
        for (String p : parents) {
            work.spend(1);
            if (l.whiteouts().contains(p) || l.opaqueDirs().contains(p)) {
                return true;
            }
        }
        return l.opaqueDirs().contains("");
    }

    /**
     * The path with every link resolved (the last component too when {@code followLast}); null past the
     * bounds (links, length, depth, work). Linear: components are taken from a deque and the path walked so far
     * grows and shrinks in one buffer.
     */
    String resolve(String path, boolean followLast) {
        return resolve(path, followLast, Work.lookup());
    }

    String resolve(String path, boolean followLast, Work work) {
        Deque<String> todo = new ArrayDeque<>();
        pushFront(todo, path);
        StringBuilder done = new StringBuilder();
        int[] ends = new int[MAX_DEPTH + 1];
        int depth = 0;
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (!work.spend(1 + c.length() / 64)) {
                return null;
            }
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (depth > 0) {
                    done.setLength(--depth == 0 ? 0 : ends[depth - 1]);
                }
                continue;
            }
            if (depth == MAX_DEPTH || done.length() + 1 + c.length() > MAX_PATH) {
                return null;
            }
            if (depth > 0) {
                done.append('/');
            }
            done.append(c);
            ends[depth++] = done.length();
            if (todo.isEmpty() && !followLast) {
                break;
            }
            Entry e = entry(done.toString(), work);
            if (work.exhausted()) {
                return null;
            }
            if (e == null || e.link == null) {
                continue;
            }
            if (++links > MAX_LINKS || e.link.length() > MAX_PATH) {
                return null;
            }
            done.setLength(--depth == 0 ? 0 : ends[depth - 1]);
            if (e.link.startsWith("/")) {
                done.setLength(0);
                depth = 0;
            }
            pushFront(todo, e.link);
        }
        return done.toString();
    }

    /** Puts the components of {@code path} before what is left, in order. */
    private static void pushFront(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.addFirst(parts[i]);
        }
    }
}
