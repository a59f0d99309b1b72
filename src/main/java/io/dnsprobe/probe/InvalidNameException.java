package io.dnsprobe.probe;

import java.util.List;

/** A name that breaks DNS syntax; carries every rule it breaks. */
public final class InvalidNameException extends IllegalArgumentException {
    private final String name;
    private final List<String> problems;

    public InvalidNameException(String name, List<String> problems) {
        super("invalid name '" + name + "': " + String.join("; ", problems));
        this.name = name;
        this.problems = List.copyOf(problems);
    }

    public String name() {
        return name;
    }

    public List<String> problems() {
        return problems;
    }
}
