package io.dnsprobe.libc;

import java.util.ArrayList;
import java.util.List;

/**
 * One model's result for one probe, judged against glibc.
 *
 * @param reason one line a person can act on
 */
public record Verdict(ModelId model, String displayName, VerdictKind kind, String reason, Resolution resolution) {

    /** Judges {@code own} (from {@code model}) against glibc's resolution of the same probe. */
    public static Verdict judge(LibcModel model, Resolution own, Resolution glibc) {
        return new Verdict(model.id(), model.displayName(), kind(model, own, glibc), reason(model, own, glibc), own);
    }

    private static VerdictKind kind(LibcModel model, Resolution own, Resolution glibc) {
        if (!glibc.resolves()) {
            return VerdictKind.OK;
        }
        if (!own.resolves()) {
            return VerdictKind.FAILS;
        }
        int expected = Math.min(glibc.addresses().size(), model.maxAddresses());
        if (own.addresses().size() < expected || !own.candidate().equals(glibc.candidate())) {
            return VerdictKind.PARTIAL;
        }
        return VerdictKind.OK;
    }

    /** The loss saying musl could not read the search line, when it is one of {@code own}'s. */
    private static java.util.Optional<String> skippedSearch(Resolution own) {
        return own.losses().stream()
                .filter(p -> p.startsWith(MuslModel.SEARCH_LINE_SKIPPED))
                .findFirst();
    }

    private static String reason(LibcModel model, Resolution own, Resolution glibc) {
        int glibcCount = glibc.addresses().size();
        int ownCount = own.addresses().size();
        if (!glibc.resolves()) {
            if (own.resolves()) {
                return "resolves to " + ownCount + " addresses where glibc gets "
                        + glibc.error().symbol();
            }
            return "does not resolve with glibc either (" + glibc.error().symbol() + " for " + glibc.candidate() + ")";
        }
        String losses = String.join("; ", own.losses());
        if (!own.resolves()) {
            String symbol = own.error().symbol();
            List<String> parts = new ArrayList<>(own.losses());
            if (!own.candidate().equals(glibc.candidate()) && skippedSearch(own).isEmpty()) {
                // musl stops at the first candidate that is not NXDOMAIN; glibc walks on past NODATA and SERVFAIL.
                parts.add(symbol + " for " + own.candidate() + " ends " + model.displayName()
                        + "'s search; glibc goes on to " + glibc.candidate());
            }
            if (parts.isEmpty()) {
                return symbol + " where glibc gets " + glibcCount + " addresses";
            }
            String reason = String.join("; ", parts);
            return reason.contains(symbol) ? reason : reason + " (" + symbol + ")";
        }
        if (!own.candidate().equals(glibc.candidate())) {
            return skippedSearch(own).map(p -> p + "; ").orElse("") + "answers from " + own.candidate()
                    + ", glibc from " + glibc.candidate();
        }
        if (ownCount < Math.min(glibcCount, model.maxAddresses())) {
            return losses.isEmpty() ? ownCount + " of " + glibcCount + " addresses" : losses;
        }
        if (ownCount < glibcCount) {
            return ownCount + " of " + glibcCount + " addresses: " + model.displayName() + " returns at most "
                    + model.maxAddresses() + ", whatever the reply";
        }
        return ownCount + (ownCount == 1 ? " address" : " addresses") + " from " + own.candidate();
    }
}
