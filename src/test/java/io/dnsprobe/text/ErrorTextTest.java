package io.dnsprobe.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {
    @Test
    void fileErrorsAreSaidAsPeopleSayThem() {
        assertThat(ErrorText.of(new NoSuchFileException("missing.txt"))).isEqualTo("missing.txt: no such file");
        assertThat(ErrorText.of(new AccessDeniedException("/root/x"))).isEqualTo("/root/x: permission denied");
        assertThat(ErrorText.of(new FileSystemException("/etc", null, "Is a directory")))
                .isEqualTo("/etc: is a directory");
        assertThat(ErrorText.reason(new IOException("Is a directory"))).isEqualTo("is a directory");
        assertThat(ErrorText.reason(new MalformedInputException(1))).isEqualTo("not text (bytes that are not UTF-8)");
        assertThat(ErrorText.reason(new InvalidPathException("a\0b", "Nul character not allowed")))
                .isEqualTo("not a valid path (nul character not allowed)");
    }

    @Test
    void wrappersAndClassNamesAreTakenOff() {
        assertThat(ErrorText.of(new UncheckedIOException(new NoSuchFileException("f"))))
                .isEqualTo("f: no such file");
        assertThat(ErrorText.of(new CompletionException(new NoSuchFileException("f"))))
                .isEqualTo("f: no such file");
        assertThat(ErrorText.reason(new IOException("java.net.SocketException: Connection reset")))
                .isEqualTo("connection reset");
        assertThat(ErrorText.withoutClassNames("PKIX path building failed: sun.security.provider.certpath."
                        + "SunCertPathBuilderException: unable to find valid certification path"))
                .isEqualTo("PKIX path building failed: unable to find valid certification path");
        assertThat(ErrorText.reason(new NullPointerException())).isEqualTo("an unexpected error");
        assertThat(ErrorText.reason(new IOException())).isEqualTo("an input/output error");
        assertThat(ErrorText.reason(new IOException("HTTP/1.1 header parser received no bytes")))
                .as("a message starting with an acronym keeps its case")
                .startsWith("HTTP/1.1");
    }

    @Test
    void textFromOutsideStaysOneLine() {
        assertThat(ErrorText.of(new NoSuchFileException("evil\n\u001b[31mname")))
                .isEqualTo("evil\\n\\u001b[31mname: no such file");
    }
}
