package io.dnsprobe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A child that hangs fails the test that started it, with what it printed, and takes its own children with it. */
class BoundedProcessTest {

    @Test
    void aChildThatEndsGivesItsExitAndOutput() throws Exception {
        BoundedProcess.Result r =
                BoundedProcess.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("out").contains("err");
    }

    @Test
    void aChildThatHangsIsKilledWithItsChildrenAndFails() throws Exception {
        // The grandchild keeps the output open: a test that read a pipe to its end would wait for it forever.
        List<String> cmd = List.of("sh", "-c", "sleep 300 & echo grandchild $!; wait");
        IOException failure = org.junit.jupiter.api.Assertions.assertThrows(
                IOException.class, () -> BoundedProcess.run(cmd, Duration.ofSeconds(2)));
        assertThat(failure).hasMessageContaining("timed out");
        Matcher m = Pattern.compile("grandchild (\\d+)").matcher(failure.getMessage());
        assertThat(m.find()).as(failure.getMessage()).isTrue();
        Optional<ProcessHandle> grandchild = ProcessHandle.of(Long.parseLong(m.group(1)));
        if (grandchild.isPresent()) {
            grandchild.get().onExit().get(30, TimeUnit.SECONDS); // killed, not left to sleep its 300 s
        }
    }
}
