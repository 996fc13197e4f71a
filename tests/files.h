/* files.h: whole files in the tests: read into memory to check what the program
 * or the loader wrote (and the docs it ships): slurp and its asserting twin
 * slurp_or_fail, count_lines; written from text: write_file, temp_file.  Paths
 * are relative to the repository root, where the tests run.  (e2e.h's e2e_slurp
 * reads into a fixed buffer.) */
#ifndef COOP_TEST_FILES_H
#define COOP_TEST_FILES_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bytes of the file at path, NUL-terminated, in memory the caller frees;
 * *size (when size is not NULL) gets their count.  NULL when the file cannot be
 * opened. */
static inline char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *s = malloc(cap);
    cr_assert_not_null(s);
    while ((got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            s = realloc(s, cap *= 2);
            cr_assert_not_null(s);
        }
    }
    fclose(f);
    s[n] = '\0';
    if (size)
        *size = n;
    return s;
}

/* slurp, for a file that must exist: a missing one fails the test. */
static inline char *slurp_or_fail(const char *path, size_t *size)
{
    char *s = slurp(path, size);
    cr_assert_not_null(s, "cannot open %s (tests run from the repository root)", path);
    return s;
}

/* The number of newline characters in s. */
static inline int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Writes text to path (created or truncated); any failure fails the test. */
static inline void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

/* Writes text to a fresh temporary file, its name into path; the caller unlinks it. */
static inline void temp_file(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/coopsim_test_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

#endif
