package io.dnsprobe.image;

import io.dnsprobe.libc.MuslVersion;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which libc a container runs as far as its declarations and its image's name tell: the
 * {@code dnsprobe.io/libc} annotation, the operator's image rules, then the image reference itself
 * ({@code alpine:3.14}, {@code *-alpine3.16}). Reading the image from its registry ({@link ImageInspector})
 * comes between the rules and the name; the workload analysis puts them in that order. Pure; an image
 * it cannot place is {@link Libc#UNKNOWN} and gets no warning.
 */
public final class LibcDetector {
    public static final String ANNOTATION = "dnsprobe.io/libc";
    private static final Pattern RELEASE = Pattern.compile("(\\d+)\\.(\\d+)(\\.\\d+)?");
    private static final Pattern ALPINE_SUFFIX = Pattern.compile("(?:^|[-_.])alpine(\\d+\\.\\d+)?(?:$|[-_.])");
    private static final Pattern MUSL_VERSION = Pattern.compile("musl-\\d{1,4}\\.\\d{1,4}\\.\\d{1,4}(_git\\d{8})?");

    private final Map<Pattern, String> rules = new LinkedHashMap<>();

    /** @param imageRules glob ({@code *} matches anything) to a libc value as in the annotation */
    public LibcDetector(Map<String, String> imageRules) {
        imageRules.forEach((glob, libc) -> rules.put(glob(glob), libc));
    }

    /** Annotation, then rules, then the image name. */
    public Libc detect(String image, String annotation) {
        return declared(image, annotation).map(Declared::libc).orElseGet(() -> fromName(image));
    }

    /** What the workload or the operator declared, by which of the two, and the words that say so. */
    public record Declared(Libc libc, By by, String evidence) {
        public enum By {
            ANNOTATION,
            RULE
        }
    }

    /** The annotation's value, else the first matching rule's; empty when neither says. */
    public Optional<Declared> declared(String image, String annotation) {
        if (annotation != null && !annotation.isBlank()) {
            Optional<Libc> fromAnnotation = fromValue(annotation.trim());
            if (fromAnnotation.isPresent()) {
                return Optional.of(new Declared(
                        fromAnnotation.get(),
                        Declared.By.ANNOTATION,
                        "annotation " + ANNOTATION + "=" + annotation.trim()));
            }
        }
        for (Map.Entry<Pattern, String> rule : rules.entrySet()) {
            if (rule.getKey().matcher(image).matches()) {
                Optional<Libc> fromRule = fromValue(rule.getValue());
                if (fromRule.isPresent()) {
                    return Optional.of(new Declared(fromRule.get(), Declared.By.RULE, "image rule"));
                }
            }
        }
        return Optional.empty();
    }

    /** From the image's name alone: {@code alpine:3.14}, {@code node:20-alpine3.18}. */
    public Libc fromName(String image) {
        return fromImage(ImageRef.parse(image));
    }

    /** {@code musl-1.2.3}, {@code musl}, {@code glibc}, {@code static}; anything else is not understood. */
    public static Optional<Libc> fromValue(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        switch (v) {
            case "glibc":
                return Optional.of(Libc.GLIBC);
            case "static":
                return Optional.of(Libc.STATIC);
            case "musl":
                return Optional.of(Libc.MUSL_UNKNOWN_VERSION);
            default:
                // musl-1.2.2, musl-1.2.4_git20230717: a version as apk writes it, ordered as apk orders it.
                return MUSL_VERSION.matcher(v).matches()
                        ? Optional.of(LibcFinder.musl(v.substring(5)))
                        : Optional.empty();
        }
    }

    static Libc fromImage(ImageRef ref) {
        String tag = ref.tag() == null ? "" : ref.tag().toLowerCase(Locale.ROOT);
        if (ref.name().equals("alpine")) {
            Matcher m = RELEASE.matcher(tag);
            return m.lookingAt()
                    ? alpine(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
                    : Libc.MUSL_UNKNOWN_VERSION;
        }
        Matcher suffix = ALPINE_SUFFIX.matcher(tag);
        if (suffix.find()) {
            if (suffix.group(1) == null) {
                return Libc.MUSL_UNKNOWN_VERSION;
            }
            Matcher m = RELEASE.matcher(suffix.group(1));
            m.matches();
            return alpine(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        return Libc.UNKNOWN;
    }

    /** Alpine release to musl, from domain-notes §2. */
    static Libc alpine(int major, int minor) {
        if (major != 3) {
            return Libc.MUSL_UNKNOWN_VERSION;
        }
        if (minor <= 12) {
            return Libc.musl("1.1.24", MuslVersion.UP_TO_1_2_3);
        } else if (minor <= 15) {
            return Libc.musl("1.2.2", MuslVersion.UP_TO_1_2_3);
        } else if (minor <= 17) {
            return Libc.musl("1.2.3", MuslVersion.UP_TO_1_2_3);
        } else if (minor == 18) {
            return Libc.musl("1.2.4", MuslVersion.V1_2_4);
        } else if (minor == 19) {
            // The snapshot of 83b858f8: the 4800-byte buffer, no pointer limit, still the 64-record limit.
            return Libc.musl("1.2.4_git20230717", MuslVersion.V1_2_4_GIT20230717);
        }
        return Libc.musl("1.2.5", MuslVersion.FROM_1_2_5);
    }

    private static Pattern glob(String glob) {
        return Pattern.compile(
                Arrays.stream(glob.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*")));
    }
}
