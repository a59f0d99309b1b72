package io.dnsprobe.image;

import java.util.Locale;

/**
 * An OS and CPU as image indexes name them: {@code linux/amd64}, {@code linux/arm64/v8}. Variants are
 * normalised as containerd does: {@code arm64} means {@code v8} unless said otherwise.
 */
public record Platform(String os, String architecture, String variant) {
    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);

    public Platform {
        os = os.toLowerCase(Locale.ROOT);
        architecture = normaliseArch(architecture.toLowerCase(Locale.ROOT));
        variant =
                variant == null || variant.isEmpty() ? defaultVariant(architecture) : variant.toLowerCase(Locale.ROOT);
    }

    /** {@code os/arch[/variant]}; a Kubernetes node's {@code kubernetes.io/arch} label value works as {@code linux/<arch>}. */
    public static Platform parse(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a platform like linux/amd64 or linux/arm64/v8");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** Whether an index entry's platform is this one; an entry without a variant matches any. */
    public boolean matches(String entryOs, String entryArch, String entryVariant) {
        if (entryOs == null || entryArch == null) {
            return false;
        }
        Platform entry = new Platform(entryOs, entryArch, entryVariant);
        return entry.os.equals(os)
                && entry.architecture.equals(architecture)
                && (entry.variant == null || variant == null || entry.variant.equals(variant));
    }

    private static String normaliseArch(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    private static String defaultVariant(String arch) {
        return arch.equals("arm64") || arch.equals("aarch64") ? "v8" : null;
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
