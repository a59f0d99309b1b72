package io.dnsprobe.cli;

import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.Platform;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.image.RegistryClient;
import io.dnsprobe.image.TrustedCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** How the CLI reaches registries: credentials, plain-HTTP registries, extra CAs, and the platform. */
public final class RegistryOptions {
    @Option(names = "--platform", paramLabel = "OS/ARCH", defaultValue = "linux/amd64",
            description = "Platform to pick from multi-platform images (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--registry-config", paramLabel = "FILE",
            description = "Docker config with registry credentials (default: $DOCKER_CONFIG/config.json, else "
                    + "~/.docker/config.json). Only 'auths' is read; credential helpers are not run.")
    Path registryConfig;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Registry to speak plain HTTP to, repeatable. Every other registry is asked over HTTPS.")
    List<String> insecure = new ArrayList<>();

    @Option(names = "--ca-file", paramLabel = "PEM", description = "CA certificate to trust for registries, besides the JDK's; repeatable.")
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
            String dir = System.getenv("DOCKER_CONFIG");
            file = dir != null ? Path.of(dir, "config.json") : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        } else if (!java.nio.file.Files.isRegularFile(file)) {
            throw new CliException("--registry-config " + file + ": no such file");
        }
        try {
            RegistryAuths auths = RegistryAuths.read(file);
            auths.warnings().forEach(w -> err.println("dnsprobe: " + w));
            return auths;
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
    }

    ImageInspector inspector(Duration timeout) {
        RegistryClient.Builder client = RegistryClient.builder().insecure(new HashSet<>(insecure)).userAgent("dnsprobe-cli");
        try {
            client.sslContext(TrustedCertificates.withExtraCas(caFiles));
        } catch (IOException e) {
            throw new CliException("--ca-file: " + e.getMessage());
        }
        // One command reads a few images: two at once, each within the timeout.
        return ImageInspector.builder(client.build()).platform(platform()).timeout(timeout).concurrency(2).build();
    }
}
