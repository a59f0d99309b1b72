package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dnsprobe.testing.registry.RawTar;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Layers built to hurt the reader (metadata bombs, floods, {@code ..} names), scanned on this thread so that the
 * heap the scan allocates can be counted: {@code ThreadMXBean.getThreadAllocatedBytes} counts every byte this
 * thread allocates, garbage included, and is not a timing. What a layer keeps is bounded by its facts' weight.
 */
class LayerScannerTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static ReadBudget budget() {
        return budget(16L << 20);
    }

    private static ReadBudget budget(long facts) {
        return new ReadBudget(1L << 34, 1L << 34, facts, Duration.ofMinutes(10), System::nanoTime);
    }

    private static LayerFacts scan(RawTar.Built layer) throws Exception {
        return scan(layer, budget());
    }

    private static LayerFacts scan(RawTar.Built layer, ReadBudget budget) throws Exception {
        return LayerScanner.scan(
                new ByteArrayInputStream(layer.blob()), MediaTypes.Compression.GZIP, layer.diffId(), budget);
    }

    /** Bytes this thread allocates while {@code work} runs. */
    private static long allocated(ThrowingRunnable work) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aGnuLongNameOverWhatRuntimesAcceptEndsTheLayerWithoutReadingIt() throws Exception {
        RawTar.Built bomb = RawTar.gzip(t -> t.gnuLongName(256L << 20, 'a'));
        assertThat(bomb.tarSize()).isGreaterThan(256L << 20);
        long bytes = allocated(() -> {
            RegistryException e = catchThrowableOfType(RegistryException.class, () -> scan(bomb));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.PROTOCOL);
            assertThat(e.getMessage())
                    .contains("GNU long name of 268435457 bytes")
                    .contains("container runtimes accept");
        });
        assertThat(bytes)
                .as("a 256 MiB name is never buffered (measured: about 0.4 MB)")
                .isLessThan(4L << 20);
        RawTar.Built pax = RawTar.gzip(t -> t.paxPath(256L << 20, 'p'));
        long paxBytes = allocated(() -> {
            RegistryException e = catchThrowableOfType(RegistryException.class, () -> scan(pax));
            assertThat(e.getMessage()).contains("PAX header of").contains("container runtimes accept");
        });
        assertThat(paxBytes).as("nor a 256 MiB PAX header").isLessThan(4L << 20);
    }

    @Test
    void longNamesUnderThatAreStreamedAndTheEntrySkipped() throws Exception {
        RawTar.Built layer = RawTar.gzip(t -> t.gnuLongName(900_000, 'b')
                .paxPath(900_000, 'c')
                .file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n"));
        long[] kept = new long[1];
        long bytes = allocated(() -> {
            LayerFacts f = scan(layer);
            assertThat(f.incomplete()).contains("name longer than 4096 bytes");
            assertThat(f.files()).containsKey("lib/apk/db/installed").doesNotContainKey("short-name");
            kept[0] = f.weight();
        });
        // Measured: about 0.3 MB. Holding the two names would take 3.6 MB (bytes and String).
        assertThat(bytes).as("two 900 KB names read through, not held").isLessThan(2L << 20);
        assertThat(kept[0]).isLessThan(4096);
    }

    @Test
    void aPaxHeaderOfManyRecordsIsStreamed() throws Exception {
        RawTar.Built layer = RawTar.gzip(t -> t.paxFlood(30_000).file("etc/alpine-release", "3.16.2\n"));
        long bytes = allocated(() -> {
            LayerFacts f = scan(layer);
            assertThat(f.files()).containsKey("etc/alpine-release");
            assertThat(f.incomplete()).isNull();
        });
        // ~900 KB of records: each key is built in one buffer (its String is garbage at once), its value skipped.
        assertThat(bytes).as("measured: about 2.5 MB").isLessThan(6L << 20);
    }

    @Test
    void floodsOfWhiteoutsAndHardLinksAreCappedLikeEveryKeptEntry() throws Exception {
        RawTar.Built whiteouts = RawTar.gzip(t -> t.whiteouts("usr/share/doc", 120_000));
        LayerFacts w = scan(whiteouts);
        assertThat(w.whiteouts()).hasSize(LayerScanner.MAX_TRACKED);
        assertThat(w.incomplete()).contains("over 50000");
        RawTar.Built links = RawTar.gzip(t -> t.file("bin/busybox", "#!/bin/true\n".getBytes(), 0755)
                .hardLinks("usr/bin/tool", "bin/busybox", 120_000));
        LayerFacts l = scan(links);
        assertThat(l.files()).hasSizeLessThanOrEqualTo(LayerScanner.MAX_TRACKED);
        assertThat(l.incomplete()).contains("over 50000");
        assertThat(w.weight())
                .as("what one layer keeps at most (50,000 short entries)")
                .isLessThan(16L << 20);
    }

    @Test
    void theImageFactsAllowanceCapsWhatAllItsLayersKeep() throws Exception {
        ReadBudget budget = budget(1 << 20);
        RawTar.Built links = RawTar.gzip(t -> {
            for (int i = 0; i < 40_000; i++) {
                t.symlink("usr/lib/some/long/directory/name/link-" + i, "../../target-" + i);
            }
        });
        LayerFacts f = scan(links, budget);
        assertThat(f.incomplete()).contains("facts passed what one image may keep");
        assertThat(budget.factsKept()).isLessThanOrEqualTo(1 << 20);
        assertThat(f.weight()).isLessThanOrEqualTo((1 << 20) + 256);
    }

    @Test
    void namesAreCleanedAsRuntimesCleanThem() throws Exception {
        assertThat(LayerScanner.normalize("lib/apk/db/../db/installed")).isEqualTo("lib/apk/db/installed");
        assertThat(LayerScanner.normalize("./etc/./alpine-release")).isEqualTo("etc/alpine-release");
        assertThat(LayerScanner.normalize("../../../etc/passwd"))
                .as("never above the root")
                .isEqualTo("etc/passwd");
        assertThat(LayerScanner.normalize("/usr//lib/")).isEqualTo("usr/lib");
        assertThat(LayerScanner.normalize("usr/lib")).isEqualTo("usr/lib");
        assertThat(LayerScanner.normalize("./")).isEmpty();
        RawTar.Built layer = RawTar.gzip(t -> t.file("usr/../lib/apk/db/installed", "P:musl\nV:1.2.5-r0\n\n")
                .file("x/../.wh.etc", "")
                .hardLink("bin/../bin/ld", "lib/apk/db/installed"));
        LayerFacts f = scan(layer);
        assertThat(f.files()).containsKeys("lib/apk/db/installed", "bin/ld");
        assertThat(f.whiteouts()).containsExactly("etc");
    }

    @Test
    void bytesAfterTheEndOfTheArchiveAreBounded() throws Exception {
        // GNU tar pads archives to 10 KiB records: a little after the end is normal.
        RawTar.Built padded =
                RawTar.gzip(t -> t.file("etc/alpine-release", "3.16.2\n").raw(new byte[10240]));
        assertThat(scan(padded).files()).containsKey("etc/alpine-release");
        RawTar.Built tail = RawTar.gzip(t ->
                t.file("etc/alpine-release", "3.16.2\n").raw(new byte[1024]).raw(new byte[2 << 20]));
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> scan(tail));
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.LIMIT);
        assertThat(e.getMessage()).contains("after the end of its tar archive");
    }

    @Test
    void aHeaderWithABadChecksumIsNotATar() throws Exception {
        byte[] junk = new byte[4096];
        java.util.Arrays.fill(junk, (byte) 'x');
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(junk);
        }
        String diffId = Digests.of(junk);
        RegistryException e = catchThrowableOfType(
                RegistryException.class,
                () -> LayerScanner.scan(
                        new ByteArrayInputStream(gz.toByteArray()), MediaTypes.Compression.GZIP, diffId, budget()));
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("no tar header at byte 0").doesNotContain("Exception");
    }

    @Test
    void whatAFileSaysIsKeptPrintableAndVersionsOnlyWhenTheyLookLikeVersions() throws Exception {
        FileFact.OsRelease os = LayerScanner.osRelease("ID=alpine\nPRETTY_NAME=\"Alpine\u001b]0;pwned\u0007 Linux\"\n");
        assertThat(os.prettyName()).isEqualTo("Alpine\\u001b]0;pwned\\u0007 Linux");
        FileFact.ApkDb apk = LayerScanner.apkDb("P:musl\nV:1.2.3-r2\u001b[31m\n\nP:gcompat\nV:1.1.0-r4\n");
        assertThat(apk.packages()).containsExactly(java.util.Map.entry("gcompat", "1.1.0-r4"));
    }
}
