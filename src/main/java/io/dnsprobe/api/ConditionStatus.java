package io.dnsprobe.api;

/** A condition's status as Kubernetes writes it: {@code True}, {@code False} or {@code Unknown}. */
public enum ConditionStatus {
    TRUE("True"),
    FALSE("False"),
    UNKNOWN("Unknown");

    private final String wire;

    ConditionStatus(String wire) {
        this.wire = wire;
    }

    public static ConditionStatus of(boolean holds) {
        return holds ? TRUE : FALSE;
    }

    /** The word in {@code status.conditions[].status}. */
    public String wire() {
        return wire;
    }
}
