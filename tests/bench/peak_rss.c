/* peak_rss.c: runs a command and prints its peak resident memory in bytes
 * (getrusage(RUSAGE_CHILDREN) after waiting for it, its only child: ru_maxrss,
 * in KiB on Linux) and its wall-clock seconds on stderr as
 * "peak_rss BYTES" and "wall_s SECONDS"; exits with the command's status.  tests/bench/memory.sh
 * compiles it, so that `make bench` needs no /usr/bin/time. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: peak_rss COMMAND [ARG...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("peak_rss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror("peak_rss: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (waitpid(pid, &status, 0) < 0 || getrusage(RUSAGE_CHILDREN, &ru) < 0) {
        perror("peak_rss: waitpid");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "peak_rss %ld\n", ru.ru_maxrss * 1024L);
    fprintf(stderr, "wall_s %.3f\n",
            (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
