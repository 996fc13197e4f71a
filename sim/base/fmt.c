/* fmt.c: "%.10g" without printf, the CSV field writers, and the check value and
 * directory sync of checkpoints (see coop_fmt.h).
 *
 * For a finite x != 0 with 1e-17 <= |x| < 1e36, let e = floor(log10|x|) (from the
 * binary exponent, corrected by one step where it is off) and
 * s = |x| * 10^(9-e) (or |x| / 10^(e-9)), computed in x87 extended precision:
 * the power of ten is exact (10^k for k <= 27 fits 64 bits of mantissa) and the
 * product is rounded once, so s carries a relative error below 2^-64, an
 * absolute one below 5.5e-10 for s < 1e10.  Rounding s to an integer then gives
 * the ten significant digits "%.10g" prints, unless the fraction of s lies within
 * 1e-8 of one half (a tie, or too close to one to tell): then snprintf decides.
 * A carry to 10^10 moves the exponent.  The text follows C11 7.21.6.1 for %g
 * with precision 10: style e (d.ddde+XX, at least two exponent digits) when the
 * exponent X < -4 or X >= 10, else style f with 9 - X decimals; trailing zeros
 * and a trailing decimal point are removed. */
#include "coop_fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const long double p10[28] = {
    1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L,
    1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L,
    1e27L,
};

static size_t slow(char *buf, double x)
{
    int n = snprintf(buf, COOP_FMT_G10_MAX, "%.10g", x);
    return n > 0 ? (size_t)n : 0;
}

/* |x| * 10^(9-e), or -1 when the power is not exact. */
static long double scaled(double a, int e)
{
    int k = 9 - e;
    if (k >= 0 && k <= 27)
        return (long double)a * p10[k];
    if (k < 0 && -k <= 27)
        return (long double)a / p10[-k];
    return -1;
}

size_t coop_fmt_g10(char *buf, double x)
{
    double a = fabs(x);
    if (LDBL_MANT_DIG < 64 || !(a >= 1e-17 && a < 1e36))
        return slow(buf, x);
    /* The decimal exponent from the binary one (a = m 2^b, 0.5 <= m < 1), at most
     * one too small; the check below corrects it. */
    int b;
    frexp(a, &b);
    int e = (int)floor((b - 1) * 0.30102999566398120);
    long double s = scaled(a, e);
    if (s >= 1e10L)
        s = scaled(a, ++e);
    else if (s >= 0 && s < 1e9L)
        s = scaled(a, --e);
    if (!(s >= 1e9L && s < 1e10L))
        return slow(buf, x);
    unsigned long long d = (unsigned long long)s;  /* s > 0: truncation is floor */
    long double f = s - (long double)d;
    if (fabsl(f - 0.5L) < 1e-8L)
        return slow(buf, x);
    d += f > 0.5L;
    if (d == 10000000000ULL)
        d = 1000000000ULL, e++;
    char dig[10];
    for (int i = 9; i >= 0; i--, d /= 10)
        dig[i] = (char)('0' + d % 10);
    int last = 9;
    char *p = buf;
    if (x < 0)
        *p++ = '-';
    if (e < -4 || e >= 10) {
        while (last > 0 && dig[last] == '0')
            last--;
        *p++ = dig[0];
        if (last > 0) {
            *p++ = '.';
            memcpy(p, dig + 1, (size_t)last);
            p += last;
        }
        *p++ = 'e';
        *p++ = e < 0 ? '-' : '+';
        int ae = e < 0 ? -e : e;
        if (ae >= 100)
            *p++ = (char)('0' + ae / 100);
        *p++ = (char)('0' + ae / 10 % 10);
        *p++ = (char)('0' + ae % 10);
    } else if (e >= 0) {
        while (last > e && dig[last] == '0')
            last--;
        memcpy(p, dig, (size_t)e + 1);
        p += e + 1;
        if (last > e) {
            *p++ = '.';
            memcpy(p, dig + e + 1, (size_t)(last - e));
            p += last - e;
        }
    } else {
        while (last > 0 && dig[last] == '0')
            last--;
        *p++ = '0';
        *p++ = '.';
        for (int z = 0; z < -e - 1; z++)
            *p++ = '0';
        memcpy(p, dig, (size_t)last + 1);
        p += last + 1;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

size_t coop_fmt_long(char *buf, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

void coop_fmt_cat(char *dst, size_t size, const char *fmt, ...)
{
    size_t n = strlen(dst);
    if (n + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst + n, size - n, fmt, ap);
    va_end(ap);
}

/* ---- the CSV field writers ---- */

void coop_csv_put(coop_csv *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(c->f, fmt, ap);
    va_end(ap);
    if (n < 0 && !c->bad) {
        c->bad = 1;
        c->errnum = errno ? errno : EIO;
    }
}

void coop_csv_raw(coop_csv *c, const char *s, size_t n)
{
    if (fwrite(s, 1, n, c->f) != n && !c->bad) {
        c->bad = 1;
        c->errnum = errno ? errno : EIO;
    }
}

size_t coop_csv_fmt_num(char *buf, double x)
{
    if (isnan(x)) {
        memcpy(buf, "NA", 3);
        return 2;
    }
    if (isinf(x)) {
        memcpy(buf, x < 0 ? "-Inf" : "Inf", x < 0 ? 5 : 4);
        return x < 0 ? 4 : 3;
    }
    return coop_fmt_g10(buf, x == 0.0 ? 0.0 : x);
}

void coop_csv_num(coop_csv *c, double x)
{
    char buf[COOP_FMT_G10_MAX];
    coop_csv_raw(c, buf, coop_csv_fmt_num(buf, x));
}

void coop_csv_text(coop_csv *c, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        coop_csv_put(c, "%s", s);
        return;
    }
    coop_csv_put(c, "\"");
    for (const char *p = s; *p; p++)
        coop_csv_put(c, *p == '"' ? "\"\"" : "%c", *p);
    coop_csv_put(c, "\"");
}

/* ---------------------------------------------------------------- one results table */

coop_csv_file *coop_csv_file_create(const char *path, const char *header, coop_err *err)
{
    coop_csv_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        COOP_FAIL(err, COOP_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    if (!(f->out.f = fopen(path, "w"))) {
        COOP_FAIL(err, COOP_EIO, "%s: cannot create: %s", path, strerror(errno));
        free(f->path);
        free(f);
        return NULL;
    }
    /* one write per 256 kB, not per 4 kB: a hypothesis sweep's writer appends
     * about 22 kB of rows a point (docs/CLUSTER.md, "The statistics phase") */
    setvbuf(f->out.f, NULL, _IOFBF, (size_t)256 << 10);
    coop_csv_put(&f->out, "%s\n", header);
    if (coop_csv_file_status(f, err)) {
        coop_csv_file_discard(f);
        return NULL;
    }
    return f;
}

int coop_csv_file_status(const coop_csv_file *f, coop_err *err)
{
    return f->out.bad ? COOP_FAIL(err, COOP_EIO, "%s: write failed: %s", f->path,
                                  strerror(f->out.errnum ? f->out.errnum : EIO))
                      : COOP_OK;
}

int coop_csv_file_close(coop_csv_file *f, coop_err *err)
{
    if (!f)
        return COOP_OK;
    int failed = f->out.bad, e = f->out.errnum;
    if (!failed && (fflush(f->out.f) != 0 || fsync(fileno(f->out.f)) != 0))
        failed = 1, e = errno;
    if (fclose(f->out.f) != 0 && !failed)
        failed = 1, e = errno;
    int st = failed ? COOP_FAIL(err, COOP_EIO, "%s: write failed: %s", f->path,
                                strerror(e ? e : EIO))
                    : COOP_OK;
    free(f->path);
    free(f);
    return st;
}

void coop_csv_file_discard(coop_csv_file *f)
{
    if (!f)
        return;
    fclose(f->out.f);
    unlink(f->path);
    free(f->path);
    free(f);
}

uint32_t coop_fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

int coop_sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    return rc;
}
