package io.dnsprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI finds Docker's credentials where docker itself does. */
class RegistryOptionsTest {
    @Test
    void dockerConfigThenHomeThenTheAccountsHome() {
        assertThat(RegistryOptions.defaultConfig(Map.of("DOCKER_CONFIG", "/etc/ci/docker", "HOME", "/tmp/x"), "/root"))
                .isEqualTo(Path.of("/etc/ci/docker/config.json"));
        assertThat(RegistryOptions.defaultConfig(Map.of("HOME", "/tmp/x"), "/root"))
                .as("a CI runner's HOME, not the passwd home")
                .isEqualTo(Path.of("/tmp/x/.docker/config.json"));
        assertThat(RegistryOptions.defaultConfig(Map.of(), "/root")).isEqualTo(Path.of("/root/.docker/config.json"));
        assertThat(RegistryOptions.defaultConfig(Map.of("DOCKER_CONFIG", "", "HOME", ""), "/root"))
                .as("empty means unset")
                .isEqualTo(Path.of("/root/.docker/config.json"));
    }
}
