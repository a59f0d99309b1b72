package io.dnsprobe.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 content digests as registries write them: {@code sha256:<64 hex>}. */
public final class Digests {
    private Digests() {}

    public static boolean isSha256(String digest) {
        if (digest == null || !digest.startsWith("sha256:") || digest.length() != 71) {
            return false;
        }
        for (int i = 7; i < digest.length(); i++) {
            char c = digest.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String of(byte[] bytes) {
        return format(sha256().digest(bytes));
    }

    public static String format(byte[] sha256) {
        return "sha256:" + HexFormat.of().formatHex(sha256);
    }

    /** The first 12 hex digits, as people recognise an image or a layer. */
    public static String shortForm(String digest) {
        int colon = digest == null ? -1 : digest.indexOf(':');
        return digest == null ? "" : digest.substring(colon + 1, Math.min(digest.length(), colon + 13));
    }
}
