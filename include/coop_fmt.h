/* coop_fmt.h: fast formatting of the numbers of the CSV files, and the field
 * writers every results file uses (coop_csv).
 *
 * The results files write reals as printf's "%.10g".  glibc formats a double with
 * multi-precision arithmetic, which made number formatting most of the cost of a
 * sweep with per-step summaries (millions of rows).  coop_fmt_g10 writes the very
 * same text (byte for byte, which tests/test_fmt.c checks against snprintf on
 * millions of values) from one long double multiplication, and falls back to
 * snprintf where that cannot decide the rounding (a value within 1e-8 of a tie
 * at the tenth digit, very large or very small magnitudes, or a platform whose
 * long double has fewer than 64 bits of mantissa). */
#ifndef COOP_FMT_H
#define COOP_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "coop_error.h"

/* Room for any "%.10g" text and its NUL: sign, 10 digits, point, "e-308", zeros. */
#define COOP_FMT_G10_MAX 32

/* Writes x as snprintf(buf, COOP_FMT_G10_MAX, "%.10g", x) would; returns the
 * length.  buf must hold COOP_FMT_G10_MAX bytes. */
size_t coop_fmt_g10(char *buf, double x);

/* Writes the decimal digits of v (with a '-' when negative); returns the length.
 * buf must hold 21 bytes. */
size_t coop_fmt_long(char *buf, long long v);

/* Appends printf-style text to the string dst of capacity size, truncating;
 * does nothing when dst is already full. */
void coop_fmt_cat(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A CSV file being written: every writer records the first failure (bad, errnum)
 * instead of returning it, so a row is written without a check per field and the
 * caller checks once (after the row, at fflush and at fclose). */
typedef struct coop_csv {
    FILE *f;
    int bad;
    int errnum;
} coop_csv;

/* printf-style text. */
void coop_csv_put(coop_csv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* n bytes as they are. */
void coop_csv_raw(coop_csv *c, const char *s, size_t n);

/* A real as every results file writes it (docs/OUTPUT.md): "%.10g", NA for NaN,
 * Inf and -Inf, 0 for -0.  coop_csv_fmt_num writes the same text into buf
 * (COOP_FMT_G10_MAX bytes) and returns its length. */
size_t coop_csv_fmt_num(char *buf, double x);
void coop_csv_num(coop_csv *c, double x);

/* A text field, quoted (RFC 4180) when it holds a comma, quote or line break. */
void coop_csv_text(coop_csv *c, const char *s);

/* A results table written as one file (hypothesis.csv, channels.csv): created
 * with its header line, rows written through `out`, then either closed (flushed,
 * fsync'ed and closed, every earlier write failure reported) or discarded (closed
 * and removed, as an unfinished file is).  path is a private copy. */
typedef struct coop_csv_file {
    coop_csv out;
    char *path;
} coop_csv_file;

/* Creates path and writes header and a line feed.  NULL with err filled
 * (COOP_ENOMEM, or COOP_EIO naming path) on failure, leaving no file behind. */
coop_csv_file *coop_csv_file_create(const char *path, const char *header, coop_err *err);

/* COOP_OK, or COOP_EIO naming the file when a write so far has failed. */
int coop_csv_file_status(const coop_csv_file *f, coop_err *err);

/* Flushes, fsyncs and closes f and releases it (NULL: COOP_OK).  COOP_EIO naming
 * the file on any failure, of this call or of an earlier write. */
int coop_csv_file_close(coop_csv_file *f, coop_err *err);

/* Closes f, removes its file and releases it (NULL does nothing). */
void coop_csv_file_discard(coop_csv_file *f);

/* ---- checkpoints (a sweep's progress.csv, an inference's infer_progress.csv) ---- */

/* FNV-1a, 32 bits, of the n bytes of s: the check value of a checkpoint line. */
uint32_t coop_fnv1a(const char *s, size_t n);

/* fsync of the directory at path (its entries: a file created or renamed there
 * survives a power loss); 0, or -1 with errno set. */
int coop_sync_dir(const char *path);

#endif
