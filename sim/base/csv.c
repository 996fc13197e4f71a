/* csv.c: the CSV reader (see coop_csv.h): records split in place (RFC 4180),
 * columns by name, numbers with NA; errors name FILE:LINE. */
#include "coop_csv.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void *coop_grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (q)
        *cap = c;
    return q;
}

void coop_csv_reader_close(coop_csv_reader *c)
{
    if (c->f)
        fclose(c->f);
    free(c->buf);
    free(c->rec);
    free(c->fld);
    for (size_t i = 0; i < c->nhead; i++)
        free(c->head[i]);
    free(c->head);
    memset(c, 0, sizeof *c);
}

/* Reads one record into c->fld; *got = 0 at the end of the file. */
int coop_csv_reader_record(coop_csv_reader *c, int *got, coop_err *err)
{
    size_t len = 0, quotes = 0;
    *got = 0;
    c->line = c->next_line;
    for (;;) {
        ssize_t k = getline(&c->buf, &c->bcap, c->f);
        if (k < 0) {
            if (ferror(c->f)) {
                c->sys_errno = errno;
                return COOP_FAIL(err, COOP_EIO, "%s: %s", c->path, strerror(c->sys_errno));
            }
            if (len == 0)
                return COOP_OK;
            if (quotes % 2)
                return COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: unterminated quoted field",
                                 c->path, c->line);
            break;
        }
        c->next_line++;
        char *q = coop_grow(c->rec, &c->rcap, len + (size_t)k + 1, 1);
        if (!q)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c->path);
        c->rec = q;
        memcpy(c->rec + len, c->buf, (size_t)k + 1);
        for (ssize_t i = 0; i < k; i++)
            quotes += c->buf[i] == '"';
        len += (size_t)k;
        if (quotes % 2 == 0)
            break;
    }
    while (len > 0 && (c->rec[len - 1] == '\n' || c->rec[len - 1] == '\r'))
        c->rec[--len] = '\0';

    /* Split in place: the write position never passes the read position. */
    char *s = c->rec, *w = c->rec;
    c->n = 0;
    for (;;) {
        char **f = coop_grow(c->fld, &c->fcap, c->n + 1, sizeof *f);
        if (!f)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c->path);
        c->fld = f;
        char *start = w;
        if (*s == '"') {
            for (s++;; s++) {
                if (*s == '\0')
                    return COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: unterminated quoted field",
                                     c->path, c->line);
                if (*s == '"') {
                    if (s[1] != '"')
                        break;
                    s++;
                }
                *w++ = *s;
            }
            s++;
            if (*s != ',' && *s != '\0')
                return COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: text after a closing quote",
                                 c->path, c->line);
        } else {
            while (*s && *s != ',')
                *w++ = *s++;
        }
        c->fld[c->n++] = start;
        int more = *s == ',';
        *w++ = '\0';
        if (!more)
            break;
        s++;
    }
    *got = 1;
    return COOP_OK;
}

/* Opens dir/name and reads its header row. */
int coop_csv_reader_open(coop_csv_reader *c, const char *dir, const char *name, coop_err *err)
{
    memset(c, 0, sizeof *c);
    int n = snprintf(c->path, sizeof c->path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof c->path)
        return COOP_FAIL(err, COOP_EINVAL, "%s/%s: path too long", dir, name);
    c->next_line = 1;
    if (!(c->f = fopen(c->path, "r"))) {
        c->sys_errno = errno;
        return COOP_FAIL(err, COOP_EIO, "cannot open %s: %s", c->path, strerror(c->sys_errno));
    }
    int status, got;
    if ((status = coop_csv_reader_record(c, &got, err)))
        return status;
    if (!got)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: empty file (no header row)", c->path);
    if (!(c->head = calloc(c->n, sizeof *c->head)))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c->path);
    for (c->nhead = 0; c->nhead < c->n; c->nhead++)
        if (!(c->head[c->nhead] = strdup(c->fld[c->nhead])))
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c->path);
    return COOP_OK;
}

int coop_csv_reader_col(const coop_csv_reader *c, const char *name)
{
    for (size_t i = 0; i < c->nhead; i++)
        if (strcmp(c->head[i], name) == 0)
            return (int)i;
    return -1;
}

/* The indices of the columns a file must have, in idx[]. */
int coop_csv_reader_need(const coop_csv_reader *c, const char *const *names, int *idx, int n,
                         coop_err *err)
{
    for (int i = 0; i < n; i++)
        if ((idx[i] = coop_csv_reader_col(c, names[i])) < 0)
            return COOP_FAIL(err, COOP_ECONFIG, "%s: no column '%s' (not a coopsim results file?)",
                             c->path, names[i]);
    return COOP_OK;
}

/* The next record, which must have as many fields as the header. */
int coop_csv_reader_next(coop_csv_reader *c, int *got, coop_err *err)
{
    int status = coop_csv_reader_record(c, got, err);
    if (!status && *got && c->n != c->nhead)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: %zu fields, the header has %zu", c->path,
                         c->line, c->n, c->nhead);
    return status;
}

/* Field `col` as a real: NA (or an empty field) is NaN. */
int coop_csv_reader_num(const coop_csv_reader *c, int col, double *x, coop_err *err)
{
    const char *s = c->fld[col];
    if (!*s || strcmp(s, "NA") == 0) {
        *x = NAN;
        return COOP_OK;
    }
    char *end;
    *x = strtod(s, &end);
    if (*end)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: %s = '%s' is not a number", c->path,
                         c->line, c->head[col], s);
    return COOP_OK;
}

/* Field `col` as an integer >= 0. */
int coop_csv_reader_int(const coop_csv_reader *c, int col, long *v, coop_err *err)
{
    const char *s = c->fld[col];
    char *end;
    *v = strtol(s, &end, 10);
    if (!*s || *end || *v < 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: %s = '%s' is not an integer >= 0", c->path,
                         c->line, c->head[col], s);
    return COOP_OK;
}


long long coop_csv_reader_tell(const coop_csv_reader *c)
{
    return c->f ? (long long)ftello(c->f) : -1;
}

int coop_csv_reader_seek(coop_csv_reader *c, long long at, coop_err *err)
{
    if (!c->f || at < 0 || fseeko(c->f, (off_t)at, SEEK_SET) != 0) {
        c->sys_errno = c->f && at >= 0 ? errno : EINVAL;
        return COOP_FAIL(err, COOP_EIO, "%s: cannot seek to byte %lld: %s", c->path, at,
                         strerror(c->sys_errno));
    }
    c->next_line = 1;
    return COOP_OK;
}

/* The first line that starts at or after byte x (lo is one): its start in *s and
 * its key in *k (LLONG_MAX at the end of the file). */
static int line_from(coop_csv_reader *c, long long lo, long long x,
                     long long (*key_of)(const char *line), long long *s, long long *k)
{
    *k = LLONG_MAX;
    if (fseeko(c->f, (off_t)(x > lo ? x - 1 : x), SEEK_SET) != 0)
        return -1;
    if (x > lo && getc(c->f) != '\n' && getline(&c->buf, &c->bcap, c->f) < 0)
        return ferror(c->f) ? -1 : (*s = ftello(c->f), 0);
    *s = ftello(c->f);
    if (getline(&c->buf, &c->bcap, c->f) >= 0)
        *k = key_of(c->buf);
    return ferror(c->f) ? -1 : 0;
}

int coop_csv_reader_bisect(coop_csv_reader *c, long long lo, long long hi, long long key,
                           long long (*key_of)(const char *line), long long *at,
                           coop_err *err)
{
    /* The smallest x in [lo, hi] whose first line from x has a key >= key (or is
     * the end): every x up to a line whose key is below `key` is passed at once. */
    long long a = lo, b = hi, s = hi, k;
    while (a < b) {
        long long mid = a + (b - a) / 2;
        if (line_from(c, lo, mid, key_of, &s, &k) != 0)
            goto fail;
        if (k >= key)
            b = mid;
        else
            a = s + 1;
    }
    if (line_from(c, lo, a, key_of, &s, &k) != 0 || fseeko(c->f, (off_t)s, SEEK_SET) != 0)
        goto fail;
    *at = s;
    c->next_line = 1;
    return COOP_OK;
fail:
    c->sys_errno = errno;
    return COOP_FAIL(err, COOP_EIO, "%s: %s", c->path, strerror(c->sys_errno));
}
