package io.dnsprobe.libc;

import io.dnsprobe.probe.NameProbe;
import java.util.ArrayList;
import java.util.List;

/** The models dnsprobe reports on, and the judging of one probe by all of them. */
public final class LibcModels {
    public static final GlibcModel GLIBC = new GlibcModel();
    /** Report order: oldest musl first, glibc (the baseline) last. */
    public static final List<LibcModel> ALL = List.of(
            new MuslModel(MuslVersion.UP_TO_1_2_3),
            new MuslModel(MuslVersion.V1_2_4),
            new MuslModel(MuslVersion.V1_2_4_GIT20230717),
            new MuslModel(MuslVersion.FROM_1_2_5),
            GLIBC);

    private LibcModels() {}

    /** Every model's verdict on one probe, in {@link #ALL} order. */
    public static List<Verdict> judge(NameProbe probe) {
        Resolution glibc = GLIBC.resolve(probe);
        List<Verdict> verdicts = new ArrayList<>();
        for (LibcModel model : ALL) {
            Resolution own = model == GLIBC ? glibc : model.resolve(probe);
            verdicts.add(Verdict.judge(model, own, glibc));
        }
        return verdicts;
    }
}
