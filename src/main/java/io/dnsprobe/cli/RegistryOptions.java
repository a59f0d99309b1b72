package io.dnsprobe.cli;

import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.Platform;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.image.RegistryClient;
import io.dnsprobe.image.TrustedCertificates;
import io.dnsprobe.image.UnreachableRegistries;
import io.dnsprobe.text.ErrorText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the CLI reaches registries: credentials, plain-HTTP registries, extra CAs, and the platform. */
public final class RegistryOptions {
    @Option(
            names = "--platform",
            paramLabel = "OS/ARCH",
            defaultValue = "linux/amd64",
            description = "Platform to pick from multi-platform images (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(
            names = "--registry-config",
            paramLabel = "FILE",
            description =
                    "Docker config with registry credentials (default, as docker finds it: $DOCKER_CONFIG/config.json, "
                            + "else $HOME/.docker/config.json). Only 'auths' is read; credential helpers are not run.")
    Path registryConfig;

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            description = "Registry to speak plain HTTP to, repeatable. Every other registry is asked over HTTPS.")
    List<String> insecure = new ArrayList<>();

    @Option(
            names = "--ca-file",
            paramLabel = "PEM",
            description = "CA certificate to trust for registries, besides the JDK's; repeatable.")
    List<Path> caFiles = new ArrayList<>();

    Platform platform() {
        try {
            return Platform.parse(platform);
        } catch (IllegalArgumentException e) {
            throw new CliException("--platform: " + e.getMessage());
        }
    }

    /** The credentials file's entries; its warnings go to {@code err}. A missing default file is no credentials. */
    RegistryAuths auths(PrintWriter err) {
        Path file = registryConfig;
        if (file == null) {
            file = defaultConfig(System.getenv(), System.getProperty("user.home"));
        } else if (!Files.exists(file)) {
            throw new CliException("--registry-config " + file + ": no such file");
        }
        try {
            RegistryAuths auths = RegistryAuths.read(file);
            auths.warnings().forEach(w -> err.println("dnsprobe: " + w));
            return auths;
        } catch (IOException e) {
            throw new CliException(
                    "--registry-config " + (e instanceof FileSystemException ? ErrorText.of(e) : e.getMessage()));
        }
    }

    /**
     * Where docker itself looks: {@code $DOCKER_CONFIG/config.json}, else {@code $HOME/.docker/config.json}, and
     * only when HOME is not set the account's home from the password database (Java's {@code user.home}). A CI
     * runner that sets HOME elsewhere finds the file its {@code docker login} wrote.
     */
    static Path defaultConfig(Map<String, String> env, String accountHome) {
        String dir = env.get("DOCKER_CONFIG");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir, "config.json");
        }
        String home = env.get("HOME");
        return Path.of(home != null && !home.isEmpty() ? home : accountHome, ".docker", "config.json");
    }

    /** Longer than any image read; durations past it are typos (and past ~292 years, nanoseconds overflow). */
    static final Duration MAX_IMAGE_TIMEOUT = Duration.ofHours(24);

    ImageInspector inspector(Duration timeout) {
        return inspector(timeout, 2);
    }

    /** Reads {@code parallel} images at once; a registry that cannot be reached is not asked again in this run. */
    ImageInspector inspector(Duration timeout, int parallel) {
        if (timeout.isZero() || timeout.compareTo(MAX_IMAGE_TIMEOUT) > 0) {
            throw new CliException("image timeout "
                    + timeout.toString().substring(2).toLowerCase(Locale.ROOT) + " is outside 1ms-24h");
        }
        RegistryClient.Builder client = RegistryClient.builder()
                .insecure(new HashSet<>(insecure))
                .userAgent("dnsprobe-cli")
                .unreachable(UnreachableRegistries.forTheRun());
        try {
            client.sslContext(TrustedCertificates.withExtraCas(caFiles));
        } catch (IOException e) {
            throw new CliException("--ca-file " + e.getMessage());
        }
        return ImageInspector.builder(client.build())
                .platform(platform())
                .timeout(timeout)
                .concurrency(parallel)
                .build();
    }
}
