package io.dnsprobe.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A registry user name and password (or token). {@link #toString()} never shows the secret, and
 * {@link #id()} is what caches key tokens by: a token obtained with one credential is never used for
 * another, or for anonymous requests.
 */
public record Credential(String username, String password) {
    public static final Credential ANONYMOUS = new Credential("", "");

    public boolean anonymous() {
        return username.isEmpty() && password.isEmpty();
    }

    /** From a docker config {@code auth} value: base64 of {@code user:password}, split at the first colon. */
    public static Credential fromAuth(String base64) {
        String decoded = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("an auth value must be base64 of user:password");
        }
        return new Credential(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    String basicHeader() {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A stable, non-reversible identity: sha256 of user and password. */
    public String id() {
        if (anonymous()) {
            return "anonymous";
        }
        MessageDigest sha = Digests.sha256();
        sha.update(username.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(password.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    @Override
    public String toString() {
        return anonymous() ? "anonymous" : "user " + username;
    }
}
