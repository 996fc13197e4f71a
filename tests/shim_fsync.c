/* shim_fsync.c: an LD_PRELOAD library for tests/test_durability.c that records
 * the order in which a program syncs, writes and renames files.
 *
 * It wraps fsync, fdatasync, write and rename (the real functions are found with
 * dlsym(RTLD_NEXT)) and, when COOP_SHIM_LOG names a file, appends one line per
 * call to it before passing the call on:
 *     fsync PATH            fdatasync PATH
 *     write PATH C          (C: the first byte written, '?' when none or not printable)
 *     rename FROM TO
 * PATH is what /proc/self/fd/FD points to.  Writes that stdio makes inside glibc
 * (fflush, fclose) do not go through the wrapper and are not recorded; direct
 * write(2) calls, such as the progress records of a sweep, are.  Lines are written
 * with a single O_APPEND write each, so threads do not interleave them. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef int (*sync_fn)(int);
typedef int (*rename_fn)(const char *, const char *);

static write_fn real_write(void)
{
    static write_fn f;
    if (!f)
        f = (write_fn)dlsym(RTLD_NEXT, "write");
    return f;
}

/* Appends one line to the log (nothing when COOP_SHIM_LOG is unset). */
static void log_line(const char *line)
{
    const char *path = getenv("COOP_SHIM_LOG");
    if (!path || !*path)
        return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return;
    real_write()(fd, line, strlen(line));
    close(fd);
}

static void fd_path(int fd, char *buf, size_t size)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, size - 1);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
}

static void log_fd(const char *what, int fd, const char *tail)
{
    char path[4096], line[4200];
    fd_path(fd, path, sizeof path);
    snprintf(line, sizeof line, "%s %s%s\n", what, path, tail);
    log_line(line);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    char tail[4] = " ?";
    unsigned char c = n ? *(const unsigned char *)buf : 0;
    if (c > 32 && c < 127)
        tail[1] = (char)c;
    if (fd > 2)
        log_fd("write", fd, tail);
    return real_write()(fd, buf, n);
}

int fsync(int fd)
{
    static sync_fn f;
    if (!f)
        f = (sync_fn)dlsym(RTLD_NEXT, "fsync");
    log_fd("fsync", fd, "");
    return f(fd);
}

int fdatasync(int fd)
{
    static sync_fn f;
    if (!f)
        f = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");
    log_fd("fdatasync", fd, "");
    return f(fd);
}

int rename(const char *from, const char *to)
{
    static rename_fn f;
    if (!f)
        f = (rename_fn)dlsym(RTLD_NEXT, "rename");
    char line[8300];
    snprintf(line, sizeof line, "rename %s %s\n", from, to);
    log_line(line);
    return f(from, to);
}
