package io.dnsprobe.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image's file system as its layers make it, for the files dnsprobe keeps: a path is decided by the
 * topmost layer that has it, deletes it (a {@code .wh.} whiteout of it or of a parent) or hides it (an
 * opaque parent directory). Links are followed on every component, so {@code lib/apk/db/installed} is
 * found under {@code usr/lib} when {@code lib -> usr/lib} (Wolfi, usrmerge). Immutable.
 */
public final class ImageFiles {
    private static final int MAX_LINKS = 40;

    /** Bottom layer first, as the image config lists them. */
    private final List<LayerFacts> layers;

    /** One file and the layer that decides it (1 = bottom). */
    public record Found(String path, int layer, FileFact fact) {
    }

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
        String resolved = resolve(LayerScanner.normalize(path), true);
        if (resolved == null) {
            return Optional.empty();
        }
        Entry e = entry(resolved);
        return e != null && e.fact != null ? Optional.of(new Found(resolved, e.layer, e.fact)) : Optional.empty();
    }

    /** Every visible file whose fact is of {@code type}, top layer first. */
    public <T extends FileFact> List<Found> all(Class<T> type) {
        List<Found> out = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            for (var f : layers.get(i).files().entrySet()) {
                if (type.isInstance(f.getValue())) {
                    Entry e = entry(f.getKey());
                    if (e != null && e.layer == i + 1 && e.fact == f.getValue()) {
                        out.add(new Found(f.getKey(), i + 1, f.getValue()));
                    }
                }
            }
        }
        return out;
    }

    /** What the topmost deciding layer has at exactly {@code path} (no links followed). */
    private record Entry(int layer, FileFact fact, String link) {
    }

    private Entry entry(String path) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerFacts l = layers.get(i);
            FileFact f = l.files().get(path);
            if (f != null) {
                return new Entry(i + 1, f, null);
            }
            String link = l.symlinks().get(path);
            if (link != null) {
                return new Entry(i + 1, null, link);
            }
            if (deletedHere(l, path)) {
                return null;
            }
        }
        return null;
    }

    /** Whether layer {@code l} removes {@code path} from the layers below: whiteout of it or a parent, or an opaque parent. */
    private static boolean deletedHere(LayerFacts l, String path) {
        if (l.whiteouts().isEmpty() && l.opaqueDirs().isEmpty()) {
            return false;
        }
        String p = path;
        if (l.whiteouts().contains(p)) {
            return true;
        }
        int slash;
        while ((slash = p.lastIndexOf('/')) > 0) {
            p = p.substring(0, slash);
            if (l.whiteouts().contains(p) || l.opaqueDirs().contains(p)) {
                return true;
            }
        }
        return l.opaqueDirs().contains("");
    }

    /** The path with every link resolved (the last component too when {@code followLast}); null past 40 links. */
    String resolve(String path, boolean followLast) {
        List<String> todo = new ArrayList<>(List.of(path.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.remove(0);
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(c);
            if (todo.isEmpty() && !followLast) {
                break;
            }
            Entry e = entry(String.join("/", done));
            if (e == null || e.link == null) {
                continue;
            }
            if (++links > MAX_LINKS) {
                return null;
            }
            done.remove(done.size() - 1);
            if (e.link.startsWith("/")) {
                done.clear();
            }
            List<String> target = new ArrayList<>(List.of(e.link.split("/")));
            target.addAll(todo);
            todo = target;
        }
        return String.join("/", done);
    }
}
