package io.dnsprobe.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResolverConfigTest {

    @Test
    void readsAPodsResolvConf() {
        ResolverConfig c = ResolvConf.parse("""
                # written by kubelet
                search ns1.svc.cluster.local svc.cluster.local cluster.local
                nameserver 10.96.0.10
                options ndots:5 timeout:3 attempts:4 edns0
                """);
        assertThat(c.servers()).extracting(ServerAddress::toString).containsExactly("10.96.0.10");
        assertThat(c.search()).containsExactly("ns1.svc.cluster.local", "svc.cluster.local", "cluster.local");
        assertThat(c.ndots()).isEqualTo(5);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.attempts()).isEqualTo(4);
    }

    @Test
    void followsLibcRulesForOddFiles() {
        ResolverConfig c = ResolvConf.parse("""
                domain first.example
                search second.example ; comment
                nameserver ::1
                nameserver not-an-ip
                nameserver 192.0.2.1
                nameserver 192.0.2.2
                nameserver 192.0.2.3
                options ndots:40
                """);
        assertThat(c.search()).as("the last search/domain line wins").containsExactly("second.example");
        assertThat(c.servers())
                .extracting(ServerAddress::toString)
                .containsExactly("0:0:0:0:0:0:0:1", "192.0.2.1", "192.0.2.2");
        assertThat(c.ndots()).as("capped at 15").isEqualTo(15);
        assertThat(ResolvConf.parse("").servers())
                .extracting(ServerAddress::toString)
                .containsExactly("127.0.0.1");
        assertThat(ResolvConf.parse("").ndots()).isEqualTo(1);
    }

    @Test
    void parsesServersInEveryForm() {
        assertThat(ServerAddress.parse("10.96.0.10").port()).isEqualTo(53);
        assertThat(ServerAddress.parse("127.0.0.1:5300").toString()).isEqualTo("127.0.0.1:5300");
        assertThat(ServerAddress.parse("[::1]:5300").port()).isEqualTo(5300);
        assertThat(ServerAddress.parse("::1").port()).isEqualTo(53);
        assertThatThrownBy(() -> ServerAddress.parse("dns.example")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ServerAddress.parse("127.0.0.1:99999")).hasMessageContaining("outside 1-65535");
        assertThatThrownBy(() -> ServerAddress.parse("127.0.0.1:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ServerAddress.parse("[::1")).hasMessageContaining("missing ']'");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        ResolverConfig bad = new ResolverConfig(List.of(), List.of("ok.example", "bad..example"), 99, Duration.ZERO, 0);
        assertThat(bad.problems())
                .hasSize(5)
                .anyMatch(p -> p.startsWith("no nameserver"))
                .anyMatch(p -> p.startsWith("ndots 99"))
                .anyMatch(p -> p.startsWith("timeout"))
                .anyMatch(p -> p.startsWith("attempts 0"))
                .anyMatch(p -> p.startsWith("search domain:") && p.contains("empty label"));
    }

    @Test
    void namesBreakingSeveralRulesListThemAll() {
        assertThat(DnsNames.problems("-bad..x" + "y".repeat(70) + ".example")).hasSize(3);
        assertThat(DnsNames.problems("10.0.0.1")).singleElement().asString().contains("IP address");
        assertThat(DnsNames.problems("db:5432")).singleElement().asString().contains("port");
        assertThat(DnsNames.problems(("a".repeat(60) + ".").repeat(4) + "example.com"))
                .singleElement()
                .asString()
                .contains("at most 253");
        assertThat(DnsNames.problems("")).containsExactly("name is empty");
        assertThat(DnsNames.isValid("_grpc._tcp.svc.example")).isTrue();
        assertThat(DnsNames.isValid("vis.company.com.")).isTrue();
        assertThat(DnsNames.isValid("db")).isTrue();
    }

    @Test
    void labelAndAddressEdgesAreJudgedCharacterByCharacter() {
        assertThat(DnsNames.isValid("a-b.c-d")).isTrue();
        assertThat(DnsNames.isValid("a")).isTrue();
        assertThat(DnsNames.isValid("9lives.example")).isTrue();
        assertThat(DnsNames.problems("a-.example"))
                .singleElement()
                .asString()
                .contains("must not start or end with '-'");
        assertThat(DnsNames.problems("-a.example")).singleElement().asString().contains("label '-a'");
        assertThat(DnsNames.problems("a b.example")).singleElement().asString().contains("label 'a b'");
        assertThat(DnsNames.problems("caf\u00e9.example"))
                .singleElement()
                .asString()
                .contains("letters, digits");
        assertThat(DnsNames.problems("255.255.255.255"))
                .singleElement()
                .asString()
                .contains("IP address");
        // Not dotted quads: judged as names, and a numeric last label is no TLD.
        assertThat(DnsNames.problems("1.2.3.4.")).singleElement().asString().contains("all-numeric");
        assertThat(DnsNames.problems("1.2.3")).singleElement().asString().contains("all-numeric");
        assertThat(DnsNames.problems("1.2.3.4.5")).singleElement().asString().contains("all-numeric");
        assertThat(DnsNames.problems("1234.1.1.1")).singleElement().asString().contains("all-numeric");
        assertThat(DnsNames.isValid("1.2.3.example")).isTrue();
    }

    @Test
    void candidatesFollowTheSearchListThenTheNameItself() {
        List<String> search = List.of("ns1.svc.cluster.local", "svc.cluster.local");
        assertThat(SearchPath.allCandidates("db", search))
                .containsExactly("db.ns1.svc.cluster.local", "db.svc.cluster.local", "db");
        assertThat(SearchPath.allCandidates("Vis.Company.com.", search)).containsExactly("vis.company.com");
        String long250 = "x".repeat(60) + "." + "y".repeat(60) + "." + "z".repeat(60) + "." + "w".repeat(55);
        assertThat(SearchPath.searchCandidates(long250, search))
                .as("too long with any domain")
                .isEmpty();
    }
}
