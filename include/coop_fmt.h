/* coop_fmt.h: fast formatting of the numbers of the CSV files.
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

/* Room for any "%.10g" text and its NUL: sign, 10 digits, point, "e-308", zeros. */
#define COOP_FMT_G10_MAX 32

/* Writes x as snprintf(buf, COOP_FMT_G10_MAX, "%.10g", x) would; returns the
 * length.  buf must hold COOP_FMT_G10_MAX bytes. */
size_t coop_fmt_g10(char *buf, double x);

/* Writes the decimal digits of v (with a '-' when negative); returns the length.
 * buf must hold 21 bytes. */
size_t coop_fmt_long(char *buf, long long v);

#endif
