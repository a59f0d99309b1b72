package io.dnsprobe.probe;

public enum Transport {
    UDP,
    TCP
}
