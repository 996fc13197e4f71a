/* e2e.h: helpers for end-to-end tests that run the coopsim program.
 *
 * The program is found through the COOPSIM environment variable (the Makefile
 * sets it to the flavour under test), else build/coopsim.  Each call captures
 * stdout and stderr into memory and returns the exit status (-1 if killed).
 * Also temporary directories and byte-for-byte comparisons of what was written. */
#ifndef COOP_TEST_E2E_H
#define COOP_TEST_E2E_H

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct e2e_result {
    int status;
    char out[1 << 16];
    char err[1 << 14];
} e2e_result;

static inline const char *e2e_program(void)
{
    const char *p = getenv("COOPSIM");
    return p && *p ? p : "build/coopsim";
}

static inline void e2e_slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    if (f) {
        n = fread(buf, 1, size - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
}

/* Runs the shell command line `cmd` in the repository root with its stdout and
 * stderr captured (the result is static: the next call overwrites it). */
static inline e2e_result *e2e_capture(const char *cmd)
{
    static e2e_result r;
    char full[8400], outp[64], errp[64];
    snprintf(outp, sizeof outp, "/tmp/coopsim-e2e-%d.out", (int)getpid());
    snprintf(errp, sizeof errp, "/tmp/coopsim-e2e-%d.err", (int)getpid());
    snprintf(full, sizeof full, "%s >%s 2>%s", cmd, outp, errp);
    int st = system(full);
    r.status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
    e2e_slurp(outp, r.out, sizeof r.out);
    e2e_slurp(errp, r.err, sizeof r.err);
    unlink(outp);
    unlink(errp);
    return &r;
}

/* Runs `coopsim ARGS` (ARGS is shell text, printf-formatted) in the repository root. */
static inline e2e_result *e2e_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline e2e_result *e2e_run(const char *fmt, ...)
{
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s", e2e_program(), args);
    return e2e_capture(cmd);
}

/* A fresh empty directory under /tmp; returns its path (static buffer per call site). */
static inline void e2e_tmpdir(char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/coopsim-test-XXXXXX");
    if (!mkdtemp(buf))
        buf[0] = '\0';
}

static inline int e2e_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Byte-for-byte comparison of two files: 1 when identical. */
static inline int e2e_same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* 1 when the file at path (its first 64 KiB) contains text; 0 too when it is missing. */
static inline int e2e_file_has(const char *path, const char *text)
{
    static char buf[1 << 16];
    e2e_slurp(path, buf, sizeof buf);
    return strstr(buf, text) != NULL;
}

/* 1 when each of the n files named exists in directory a and has the same bytes
 * in directory b; else 0, naming the first that differs on stderr. */
static inline int e2e_same_files(const char *a, const char *b, const char *const *names,
                                 size_t n)
{
    char pa[512], pb[512];
    for (size_t i = 0; i < n; i++) {
        snprintf(pa, sizeof pa, "%s/%s", a, names[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, names[i]);
        if (!e2e_exists(pa) || !e2e_same_file(pa, pb)) {
            fprintf(stderr, "%s differs (or is missing) between %s and %s\n", names[i], a, b);
            return 0;
        }
    }
    return 1;
}

/* Starts `coopsim ARGS` in the background, stdout to /dev/null and stderr to
 * errfile; returns its pid (the shell execs the program, so signals reach it). */
static inline pid_t e2e_spawn(const char *args, const char *errfile)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "exec %s %s >/dev/null 2>%s", e2e_program(), args, errfile);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* The number of .csv files in dir; with other, each must have the same bytes in
 * directory other (-1 when one differs or is missing, named on stderr). */
static inline int e2e_csvs(const char *dir, const char *other)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 4 || strcmp(de->d_name + len - 4, ".csv") != 0)
            continue;
        char pa[512], pb[512];
        snprintf(pa, sizeof pa, "%s/%s", dir, de->d_name);
        snprintf(pb, sizeof pb, "%s/%s", other ? other : dir, de->d_name);
        if (other && !e2e_same_file(pa, pb)) {
            fprintf(stderr, "differs: %s %s\n", pa, pb);
            n = -1;
            break;
        }
        n++;
    }
    if (d)
        closedir(d);
    return n;
}

/* 1 when directories a and b hold the same .csv files, byte for byte. */
static inline int e2e_same_csvs(const char *a, const char *b)
{
    int n = e2e_csvs(a, b);
    return n > 0 && n == e2e_csvs(b, NULL);
}

static inline void e2e_rmrf(const char *path)
{
    char cmd[4200];
    if (path && strncmp(path, "/tmp/coopsim-", 13) == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", path);
    }
}

#endif
