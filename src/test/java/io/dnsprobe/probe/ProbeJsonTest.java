package io.dnsprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.libc.LibcModels;
import io.dnsprobe.testing.Recorder;
import org.junit.jupiter.api.Test;

class ProbeJsonTest {

    @Test
    void aProbeSurvivesJsonAndReplaysToTheSameVerdicts() throws Exception {
        NameProbe probe = Recorder.probe(new Zone().manyA("big.test.example", 40), Truncation.EMPTY, "big");
        String json = ProbeJson.write(probe);
        NameProbe back = ProbeJson.readProbe(json);

        assertThat(back).isEqualTo(probe);
        assertThat(LibcModels.judge(back)).isEqualTo(LibcModels.judge(probe));
    }

    @Test
    void theJsonShowsWhatAPersonNeedsBesideTheBytes() throws Exception {
        NameProbe probe = Recorder.probe(new Zone().manyA("big.test.example", 40), Truncation.PARTIAL, "big");
        JsonNode tree = ProbeJson.mapper().readTree(ProbeJson.write(probe));
        JsonNode a = tree.at("/candidates/3/a");
        assertThat(tree.at("/candidates/3/name").asText()).isEqualTo("big.test.example");
        assertThat(a.at("/udp/reply/tc").asBoolean()).isTrue();
        assertThat(a.at("/udp/reply/answers").size()).isEqualTo(29);
        assertThat(a.at("/udp/size").asInt()).isLessThanOrEqualTo(512);
        assertThat(a.at("/tcp/reply/answers").size()).isEqualTo(40);
        assertThat(a.at("/tcp/wire").asText()).as("base64 bytes for replay").isNotEmpty();
    }
}
