/* test_csv.c: the CSV reader's positioning (coop_csv.h): coop_csv_reader_tell,
 * _seek and _bisect, which the statistics of a hypothesis sweep use to find each
 * point's rows in outcomes.csv.  The bisection must find the first line of a
 * key wherever it lies: first or last line, keys absent or repeated, lines of
 * very different lengths, a last line without a line break. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coop_csv.h"

static long long key_of(const char *line)
{
    char *e;
    long long v = strtoll(line, &e, 10);
    return e == line || *e != ',' ? -1 : v;
}

/* A file in dir of a header and lines with keys key[0..n-1] (sorted), line i
 * padded to pad[i % npad] characters; where line i starts into at[i], the size
 * into at[n]. */
static void write_file(const char *dir, const int *key, int n, const int *pad, int npad,
                       int last_break, long long *at)
{
    char path[256];
    snprintf(path, sizeof path, "%s/k.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("key,text\n", f);
    for (int i = 0; i < n; i++) {
        at[i] = ftell(f);
        fprintf(f, "%d,", key[i]);
        for (int c = 0; c < pad[i % npad]; c++)
            fputc('a' + (i + c) % 26, f);
        if (i < n - 1 || last_break)
            fputc('\n', f);
    }
    at[n] = ftell(f);
    cr_assert(eq(int, fclose(f), 0));
}

static void check_all(const char *dir, const int *key, int n, const long long *at)
{
    coop_csv_reader c;
    coop_err err = {0};
    cr_assert(eq(int, coop_csv_reader_open(&c, dir, "k.csv", &err), COOP_OK), "%s", err.text);
    long long lo = coop_csv_reader_tell(&c);
    cr_assert(eq(i64, lo, at[0]), "the header ends where the first line starts");
    for (int want = key[0] - 1; want <= key[n - 1] + 1; want++) {
        int first = n; /* the first line with key >= want */
        for (int i = n - 1; i >= 0; i--)
            if (key[i] >= want)
                first = i;
        long long got = -2;
        cr_assert(eq(int, coop_csv_reader_bisect(&c, lo, at[n], want, key_of, &got, &err),
                     COOP_OK), "%s", err.text);
        cr_assert(eq(i64, got, at[first]), "key %d: byte %lld, line %d starts at %lld", want,
                  got, first, at[first]);
        int ok;
        cr_assert(eq(int, coop_csv_reader_record(&c, &ok, &err), COOP_OK));
        cr_assert(eq(int, ok, first < n), "key %d: a line is read only when one is found", want);
        if (first < n)
            cr_assert(eq(int, atoi(c.fld[0]), key[first]));
    }
    /* seek goes back to any line start, as tell gave it */
    cr_assert(eq(int, coop_csv_reader_seek(&c, at[n / 2], &err), COOP_OK));
    int ok;
    cr_assert(eq(int, coop_csv_reader_record(&c, &ok, &err), COOP_OK));
    cr_assert(ok && atoi(c.fld[0]) == key[n / 2]);
    cr_assert(eq(i64, coop_csv_reader_tell(&c), n / 2 + 1 < n ? at[n / 2 + 1] : at[n]));
    coop_csv_reader_close(&c);
}

Test(csv_reader, bisect_finds_the_first_line_of_every_key)
{
    char dir[] = "/tmp/coop_csv_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    static const int keys[][12] = {
        {0, 0, 0, 2, 2, 5, 5, 5, 5, 9, 9, 12},
        {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3},
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100},
    };
    static const int pads[][4] = {{1, 1, 1, 1}, {0, 700, 3, 9000}, {5000, 1, 2, 3}};
    long long at[13];
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        for (size_t p = 0; p < sizeof pads / sizeof pads[0]; p++)
            for (int br = 0; br < 2; br++) {
                write_file(dir, keys[k], 12, pads[p], 4, br, at);
                check_all(dir, keys[k], 12, at);
            }
    /* one line only */
    static const int one[1] = {4}, pad1[1] = {3};
    write_file(dir, one, 1, pad1, 1, 1, at);
    check_all(dir, one, 1, at);
    char path[300];
    snprintf(path, sizeof path, "%s/k.csv", dir);
    unlink(path);
    rmdir(dir);
}

Test(csv_reader, seek_refuses_a_negative_offset)
{
    char dir[] = "/tmp/coop_csv_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    static const int one[1] = {4}, pad1[1] = {3};
    long long at[2];
    write_file(dir, one, 1, pad1, 1, 1, at);
    coop_csv_reader c;
    coop_err err = {0};
    cr_assert(eq(int, coop_csv_reader_open(&c, dir, "k.csv", &err), COOP_OK));
    cr_assert(eq(int, coop_csv_reader_seek(&c, -5, &err), COOP_EIO));
    cr_assert_not_null(strstr(err.text, "k.csv: cannot seek to byte -5"), "%s", err.text);
    coop_csv_reader_close(&c);
    char path[300];
    snprintf(path, sizeof path, "%s/k.csv", dir);
    unlink(path);
    rmdir(dir);
}
