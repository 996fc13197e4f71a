/* plot_check.h: the checks tests/test_plot.c and tests/test_plot_tournament.c
 * make of every figure of `coopsim plot`: the PNG exists and is 1200 x 800 (its
 * IHDR chunk), it shows data (enough pixels of the data's colour, decoded by
 * gnuplot's own PNG reader), and its script redraws it byte for byte from the
 * figures/ folder; and plot_written, which writes a results directory with
 * coopsim and plots it. */
#ifndef COOP_TEST_PLOT_CHECK_H
#define COOP_TEST_PLOT_CHECK_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

#define W 1200
#define H 800

/* Width and height from the PNG signature and IHDR chunk; 0 when not a PNG. */
static inline int png_size(const char *path, uint32_t *w, uint32_t *h)
{
    unsigned char b[24];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(b, 1, sizeof b, f) : 0;
    if (f)
        fclose(f);
    if (n != sizeof b || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(b + 12, "IHDR", 4))
        return 0;
    *w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
    *h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
    return 1;
}

/* Which pixels count as data: near one colour (within `tol` per channel, 12 when
 * 0), or, with colour NULL, any saturated colour (max - min channel > 60: not
 * white, grey or black, which is what axes, grid and text are drawn in). */
typedef struct looks {
    const char *colour;   /* "#RRGGBB" or NULL */
    double min_share;     /* of all pixels */
    int tol;
} looks;

/* Decodes a PNG with gnuplot's own reader into a table of x, y, red, green, blue,
 * alpha per pixel, the file /tmp/coopsim-TAG-PID.txt (its name into table, for
 * the caller to unlink), opened for reading; NULL on failure. */
static inline FILE *png_table(const char *png, const char *tag, char *table, size_t size)
{
    char cmd[1024];
    snprintf(table, size, "/tmp/coopsim-%s-%d.txt", tag, (int)getpid());
    snprintf(cmd, sizeof cmd,
             "gnuplot -e \"set table '%s'; plot '%s' binary filetype=png with rgbimage; "
             "unset table\" 2>/dev/null",
             table, png);
    if (system(cmd) != 0)
        return NULL;
    return fopen(table, "r");
}

/* Counts the pixels of a PNG that match `lk`, decoding it with gnuplot (its
 * table of x, y, red, green, blue, alpha per pixel); -1 on failure. */
static inline long count_pixels(const char *png, const looks *lk)
{
    char table[128], line[256];
    FILE *f = png_table(png, "pixels", table, sizeof table);
    if (!f)
        return -1;
    unsigned cr = 0, cg = 0, cb = 0;
    if (lk->colour)
        sscanf(lk->colour, "#%2x%2x%2x", &cr, &cg, &cb);
    long n = 0;
    while (fgets(line, sizeof line, f)) {
        int x, y, r, g, b;
        if (line[0] == '#' || sscanf(line, "%d %d %d %d %d", &x, &y, &r, &g, &b) != 5)
            continue;
        if (lk->colour) {
            int t = lk->tol ? lk->tol : 12;
            n += abs(r - (int)cr) <= t && abs(g - (int)cg) <= t && abs(b - (int)cb) <= t;
        } else {
            int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
            int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
            n += mx - mn > 60;
        }
    }
    fclose(f);
    unlink(table);
    return n;
}

/* The checks every figure must pass: a 1200 x 800 PNG showing data, which its
 * script redraws byte for byte. */
static inline void check_figure(const char *dir, const char *name, const looks *lk)
{
    char png[512], copy[512], cmd[1200];
    uint32_t w = 0, h = 0;
    snprintf(png, sizeof png, "%s/figures/%s.png", dir, name);
    cr_assert(e2e_exists(png), "%s was not drawn", png);
    cr_assert(png_size(png, &w, &h), "%s is not a PNG", png);
    cr_expect(w == W && h == H, "%s is %ux%u, not %dx%d", name, w, h, W, H);

    long n = count_pixels(png, lk);
    cr_assert_geq(n, 0, "cannot decode %s", png);
    cr_expect_geq((double)n / (W * H), lk->min_share,
                  "%s looks blank: %ld pixels of %s (%.4f%%, want %.4f%%)", name, n,
                  lk->colour ? lk->colour : "saturated colour", 100.0 * n / (W * H),
                  100 * lk->min_share);

    /* The script alone redraws the same bytes, from the figures/ folder. */
    snprintf(copy, sizeof copy, "%s/%s.first.png", dir, name);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cd '%s/figures' && gnuplot %s.gp 2>/dev/null", png,
             copy, dir, name);
    cr_assert_eq(system(cmd), 0, "gnuplot %s.gp failed", name);
    cr_expect(e2e_same_file(png, copy), "%s.gp does not redraw %s.png byte for byte", name,
              name);
}

/* Writes DIR with `coopsim ARGS -o DIR --quiet` (ARGS names the command), plots
 * it and expects the line for figure `name`; tmp is removed by the caller. */
static inline void plot_written(const char *args, const char *name, char *tmp, char *dir,
                                size_t size)
{
    char line[600];
    e2e_tmpdir(tmp, 64);
    cr_assert(tmp[0], "cannot create a temporary directory");
    snprintf(dir, size, "%s/res", tmp);
    e2e_result *r = e2e_run("%s --quiet -o %s >/dev/null", args, dir);
    cr_assert_eq(r->status, 0, "coopsim %s: %s", args, r->err);
    r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "coopsim plot %s: %s", dir, r->err);
    snprintf(line, sizeof line, "%s/figures/%s.png: ", dir, name);
    cr_expect(strstr(r->out, line), "no line for %s in:\n%s", name, r->out);
}

#endif
