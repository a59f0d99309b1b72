package io.dnsprobe.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;
import java.util.List;

/** The latest audit of one workload, as one value, patched only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsReportStatus(
        @JsonPropertyDescription("When the names were last judged (RFC 3339).")
        String lastAudit,

        @JsonPropertyDescription(
                "The oldest musl among the containers that use musl's resolver, e.g. musl 1.2.3 (any musl container's when none does).")
        String libc,

        @JsonPropertyDescription("Names the musl containers refer to.")
        Integer names,

        @JsonPropertyDescription("Names some musl container cannot resolve where glibc can.")
        Integer fails,

        @JsonPropertyDescription("Names some musl container resolves only partially (and none fails).")
        Integer partial,

        @JsonPropertyDescription("Names that had no verdict yet (not probed, or no reply).")
        Integer unknown,

        @JsonPropertyDescription("One line: what fails, or that nothing does.")
        String summary,

        @JsonPropertyDescription("Every container of the workload.")
        List<ContainerReport> containers,

        @JsonPropertyDescription("Every name a musl container refers to, with its verdict.")
        List<NameReport> results) {

    public DnsReportStatus {
        containers = containers == null ? null : List.copyOf(containers);
        results = results == null ? null : List.copyOf(results);
    }

    /** One container and its resolver. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContainerReport(
            @JsonPropertyDescription("Container name.") String name,

            @JsonPropertyDescription("Image as the pod spec names it.")
            String image,

            @JsonPropertyDescription("musl 1.2.3, glibc 2.36, static or unknown.")
            String libc,

            @JsonPropertyDescription("How the libc is known: annotation, rule, image, image-lower-layers or name.")
            String source,

            @JsonPropertyDescription("The file and layer, the annotation, or the name that says so.")
            String evidence,

            @JsonPropertyDescription(
                    "The program the container runs and whose resolver it uses (path: reason, or the reason alone when no program was found), when the image was read.")
            String program,

            @JsonPropertyDescription("Whether musl's resolver answers this container's lookups.")
            Boolean usesMusl,

            @JsonPropertyDescription(
                    "The image digest judged, when one is known: what the Pods run, or what the tag resolved to.")
            String digest,

            @JsonPropertyDescription(
                    "Where the digest came from: pods (status.containerStatuses[].imageID of running Pods; one "
                            + "entry per digest during a rollout) or registry (no Pod reports one: the tag, resolved now).")
            String digestFrom) {}

    /** One name, judged by the musl of the containers that refer to it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NameReport(
            @JsonPropertyDescription("The name as the workload refers to it.")
            String name,

            @JsonPropertyDescription("Containers that refer to it.")
            List<String> containers,

            @JsonPropertyDescription(
                    "OK, PARTIAL, FAILS or UNKNOWN: the worst over those containers, each judged by its own musl.")
            Verdict verdict,

            @JsonPropertyDescription(
                    "The model of the worst verdict, e.g. musl-1.2.3 (musl-1.2.4, musl-1.2.4_git20230717, musl-1.2.5); set when the verdict is PARTIAL or FAILS.")
            MuslVersion model,

            @JsonPropertyDescription(
                    "Why, in one line: the model's reason, as dnsprobe probe gives it; set when the verdict is PARTIAL or FAILS.")
            String reason,

            @JsonPropertyDescription(
                    "When a UDP reply was truncated, the records it left out, e.g. 40 A records; set when the verdict is PARTIAL or FAILS.")
            String needsTcp) {

        public NameReport {
            containers = containers == null ? null : List.copyOf(containers);
        }

        /** A name's verdict in a report: a model's verdict, or UNKNOWN when it got none (not probed, no reply). */
        public enum Verdict {
            OK,
            PARTIAL,
            FAILS,
            UNKNOWN;

            public static Verdict of(VerdictKind kind) {
                return valueOf(kind.name());
            }

            /** As a status carries it; a word this version does not know reads as UNKNOWN. */
            @JsonCreator
            static Verdict fromJson(String text) {
                for (Verdict v : values()) {
                    if (v.name().equals(text)) {
                        return v;
                    }
                }
                return UNKNOWN;
            }
        }
    }
}
