package io.dnsprobe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What to probe and how often. Every field is documented for {@code kubectl explain dnsprobe.spec}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rules sit on the spec rather than on each field: on record components the generator emits them twice.
@ValidationRule(
        value = "!has(self.interval) || duration(self.interval) >= duration('30s')",
        message = "interval must be at least 30s")
@ValidationRule(
        value =
                "!has(self.timeout) || (duration(self.timeout) >= duration('100ms') && duration(self.timeout) <= duration('30s'))",
        message = "timeout must be between 100ms and 30s")
@ValidationRule(
        value = "!has(self.timeout) || !has(self.interval) || duration(self.timeout) < duration(self.interval)",
        message = "timeout must be shorter than interval")
public record DnsProbeSpec(
        @Required
        @Size(min = 1, max = 100) @JsonPropertyDescription(
                "DNS names to probe, 1 to 100. A relative name (db, db.other-ns) is resolved as a pod in "
                        + "this DnsProbe's namespace resolves it: through the search list, unless it has ndots dots or more. "
                        + "A trailing dot makes a name absolute.")
        List<@Pattern(DnsProbeSpec.NAME_PATTERN) @Size(min = 1, max = 254) String> names,

        @Size(max = 3) @JsonPropertyDescription("Nameservers to ask, as IP[:PORT], at most 3 as in resolv.conf. Default: the "
                + "nameservers of the operator pod's own resolv.conf, which is the cluster DNS Service.")
        List<@Pattern(DnsProbeSpec.SERVER_PATTERN) @Size(max = 47) String> servers,

        @JsonPropertyDescription("Also probe every ready endpoint of the cluster DNS Service (kube-dns in kube-system) "
                + "one by one: CoreDNS replicas cache independently, so one may answer partially while another answers "
                + "empty. Default false.")
        Boolean probeEachReplica,

        @Size(max = 6) @JsonPropertyDescription("Search domains in order. Default: what a pod in this namespace gets: "
                + "<namespace>.svc.<cluster domain> svc.<cluster domain> <cluster domain>, then the node's own "
                + "search domains as the operator pod's resolv.conf shows them.")
        List<@Pattern(DnsProbeSpec.NAME_PATTERN) @Size(min = 1, max = 254) String> search,

        @Min(0) @Max(15) @JsonPropertyDescription("Names with fewer dots than this are tried with the search domains first. Default 5, "
                + "as in a pod's resolv.conf.")
        Integer ndots,

        @Default("10m")
        @Pattern(DnsProbeSpec.DURATION_PATTERN) @JsonPropertyDescription("How often to probe again, as a duration (30s, 10m, 1h). Default 10m, at least 30s. "
                + "A change of the spec probes at once.")
        String interval,

        @Default("2s")
        @Pattern(DnsProbeSpec.DURATION_PATTERN) @JsonPropertyDescription("How long to wait for each reply before retrying once, as a duration. Default 2s.")
        String timeout) {

    /** One DNS name, relative or absolute; RE2 (the API server) and ECMAScript read it the same. */
    public static final String NAME_PATTERN =
            "^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?$";
    /** IPv4[:port], IPv6, or [IPv6]:port. */
    public static final String SERVER_PATTERN =
            "^([0-9]{1,3}(\\.[0-9]{1,3}){3}(:[0-9]{1,5})?|[0-9A-Fa-f:]+|\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?)$";

    public static final String DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    public DnsProbeSpec {
        names = names == null ? null : List.copyOf(names);
        servers = servers == null ? null : List.copyOf(servers);
        search = search == null ? null : List.copyOf(search);
    }

    public static DnsProbeSpec of(List<String> names) {
        return new DnsProbeSpec(names, null, null, null, null, null, null);
    }

    public DnsProbeSpec withServers(List<String> s) {
        return new DnsProbeSpec(names, s, probeEachReplica, search, ndots, interval, timeout);
    }

    public DnsProbeSpec withNames(List<String> n) {
        return new DnsProbeSpec(n, servers, probeEachReplica, search, ndots, interval, timeout);
    }

    public DnsProbeSpec withSearch(List<String> s, Integer dots) {
        return new DnsProbeSpec(names, servers, probeEachReplica, s, dots, interval, timeout);
    }

    public DnsProbeSpec withTiming(String newInterval, String newTimeout) {
        return new DnsProbeSpec(names, servers, probeEachReplica, search, ndots, newInterval, newTimeout);
    }
}
