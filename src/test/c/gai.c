/*
 * Ground truth for the conformance suite: calls getaddrinfo(name, NULL, AF_UNSPEC) for each
 * argument, as an application in a container would, and prints one line per name:
 *   NAME <TAB> OK <TAB> COUNT <TAB> ADDRESS,...      or      NAME <TAB> ERR <TAB> EAI_xxx
 * Built twice by the suite: with gcc (glibc) and with musl-gcc -static (musl).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *eai_name(int rc) {
    switch (rc) {
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
#ifdef EAI_NODATA
    case EAI_NODATA: return "EAI_NODATA";
#endif
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_MEMORY: return "EAI_MEMORY";
    case EAI_SYSTEM: return "EAI_SYSTEM";
    default: return "EAI_OTHER";
    }
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        struct addrinfo hints, *res = NULL, *ai;
        memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC;
        /* One socket type, so each address is listed once. */
        hints.ai_socktype = SOCK_STREAM;
        int rc = getaddrinfo(argv[i], NULL, &hints, &res);
        if (rc != 0) {
            printf("%s\tERR\t%s\n", argv[i], eai_name(rc));
            fflush(stdout);
            continue;
        }
        int count = 0;
        char line[65536];
        size_t used = 0;
        line[0] = 0;
        for (ai = res; ai; ai = ai->ai_next) {
            char buf[INET6_ADDRSTRLEN];
            const void *addr = ai->ai_family == AF_INET
                ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
            inet_ntop(ai->ai_family, addr, buf, sizeof buf);
            if (used + strlen(buf) + 2 < sizeof line) {
                used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", count ? "," : "", buf);
            }
            count++;
        }
        freeaddrinfo(res);
        printf("%s\tOK\t%d\t%s\n", argv[i], count, line);
        fflush(stdout);
    }
    return 0;
}
