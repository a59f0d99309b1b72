package io.dnsprobe.workload;

import java.util.Map;

/**
 * {@code $(VAR)} references as the kubelet expands them in env values, command and args (its rules, from
 * Kubernetes' third_party/forked/golang/expansion): {@code $(NAME)} becomes the variable's value when it is
 * defined, and stays as written when it is not; {@code $$} is one literal {@code $}, so {@code $$(NAME)} is
 * the text {@code $(NAME)}; any other {@code $} (a shell's {@code $HOME}, {@code ${X}}, an unclosed
 * {@code $(}) passes through. A value is not expanded again: the kubelet expands each env var once, in
 * order, against those defined before it.
 *
 * <p>Bounded: dependent variables can double in length at each step ({@code B=$(A)$(A)}, {@code C=$(B)$(B)}
 * ...), so an expansion longer than {@link #MAX_CHARS} leaves the value as written.
 */
final class EnvExpansion {
    /** Longest expanded value kept; the largest env value in the corpus fixtures is under 2,000 characters. */
    static final int MAX_CHARS = 32 * 1024;

    private EnvExpansion() {}

    static String expand(String input, Map<String, String> vars) {
        if (input.indexOf('$') < 0) {
            return input;
        }
        StringBuilder out = new StringBuilder(input.length());
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != '$' || cursor + 1 == input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int advance = 1;
            if (next == '$') {
                out.append('$'); // an escaped operator
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    out.append("$("); // an unclosed reference passes through
                } else {
                    String name = input.substring(cursor + 2, close);
                    String value = vars.get(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    advance = close - cursor;
                }
            } else {
                out.append('$').append(next);
            }
            if (out.length() > MAX_CHARS) {
                return input;
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        out.append(input, checkpoint, input.length());
        return out.length() > MAX_CHARS ? input : out.toString();
    }
}
