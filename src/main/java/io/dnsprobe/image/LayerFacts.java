package io.dnsprobe.image;

import java.util.Map;
import java.util.Set;

/**
 * Everything dnsprobe keeps of one layer, independent of the image it was read for: the same layer
 * (same uncompressed {@code diffId}, whatever its compression or registry) gives the same facts, so
 * base layers shared by many images are read once.
 *
 * @param files facts of the files that matter (libc files, package databases, executables), by path
 *     without a leading slash
 * @param symlinks link path to its target as written
 * @param whiteouts paths this layer deletes from the layers below
 * @param opaqueDirs directories whose lower-layer contents this layer hides
 * @param size uncompressed bytes
 * @param incomplete why not every entry that matters was kept (too many, names too long), or null
 */
public record LayerFacts(
        String diffId,
        Map<String, FileFact> files,
        Map<String, String> symlinks,
        Set<String> whiteouts,
        Set<String> opaqueDirs,
        long size,
        String incomplete) {

    public LayerFacts {
        files = Map.copyOf(files);
        symlinks = Map.copyOf(symlinks);
        whiteouts = Set.copyOf(whiteouts);
        opaqueDirs = Set.copyOf(opaqueDirs);
    }

    boolean isIncomplete() {
        return incomplete != null;
    }

    /** Rough heap cost, for bounding the layer cache by memory rather than count alone. */
    long weight() {
        long w = 256;
        for (Map.Entry<String, FileFact> e : files.entrySet()) {
            w += entryWeight(e.getKey(), null);
        }
        for (Map.Entry<String, String> e : symlinks.entrySet()) {
            w += entryWeight(e.getKey(), e.getValue());
        }
        for (String p : whiteouts) {
            w += entryWeight(p, null);
        }
        for (String p : opaqueDirs) {
            w += entryWeight(p, null);
        }
        return w;
    }

    /** What one kept path (and link target) costs: a map node, the strings, and a small fact. */
    static long entryWeight(String path, String target) {
        return 96 + 2L * path.length() + (target == null ? 0 : 48 + 2L * target.length());
    }
}
