/* figure_check.h: the checks every figure of `coopsim plot` must pass, shared by
 * tests/test_plot.c and tests/test_plot_tournament.c: the PNG exists and is
 * W x H (its IHDR chunk); it shows data, not just axes (the PNG is decoded by
 * gnuplot's own PNG reader and enough of its pixels have a colour only the data
 * is drawn in); and its script redraws it byte for byte from the figures/ folder
 * with gnuplot alone.  Also plot_written: a results directory written and plotted. */
#ifndef COOP_TEST_FIGURE_CHECK_H
#define COOP_TEST_FIGURE_CHECK_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

/* The size of every figure, in pixels. */
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

/* A test on one pixel at (x, y) of colour (r, g, b): 1 when it counts. */
typedef int (*pixel_test)(const void *ctx, int x, int y, int r, int g, int b);

/* Counts the pixels of a PNG that pass `counts`, decoding it with gnuplot (its
 * table of x, y, red, green, blue, alpha per pixel); -1 on failure. */
static inline long png_count(const char *png, pixel_test counts, const void *ctx)
{
    char table[128], cmd[1024], line[256];
    snprintf(table, sizeof table, "/tmp/coopsim-pixels-%d.txt", (int)getpid());
    snprintf(cmd, sizeof cmd,
             "gnuplot -e \"set table '%s'; plot '%s' binary filetype=png with rgbimage; "
             "unset table\" 2>/dev/null",
             table, png);
    if (system(cmd) != 0)
        return -1;
    FILE *f = fopen(table, "r");
    if (!f)
        return -1;
    long n = 0;
    while (fgets(line, sizeof line, f)) {
        int x, y, r, g, b;
        if (line[0] == '#' || sscanf(line, "%d %d %d %d %d", &x, &y, &r, &g, &b) != 5)
            continue;
        n += counts(ctx, x, y, r, g, b);
    }
    fclose(f);
    unlink(table);
    return n;
}

/* Which pixels count as data: near one colour (within `tol` per channel, 12 when
 * 0), or, with colour NULL, any saturated colour (max - min channel > 60: not
 * white, grey or black, which is what axes, grid and text are drawn in). */
typedef struct looks {
    const char *colour;   /* "#RRGGBB" or NULL */
    double min_share;     /* of all pixels */
    int tol;
} looks;

/* looks, parsed once for png_count. */
typedef struct looks_rgb {
    int any;                  /* colour NULL: any saturated colour */
    unsigned r, g, b;
    int tol;
} looks_rgb;

static inline int looks_like_data(const void *ctx, int x, int y, int r, int g, int b)
{
    const looks_rgb *c = ctx;
    (void)x, (void)y;
    if (!c->any) {
        int t = c->tol;
        return abs(r - (int)c->r) <= t && abs(g - (int)c->g) <= t && abs(b - (int)c->b) <= t;
    }
    int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    return mx - mn > 60;
}

/* Counts the pixels of a PNG that match `lk`; -1 on failure. */
static inline long count_pixels(const char *png, const looks *lk)
{
    looks_rgb c = {!lk->colour, 0, 0, 0, lk->tol ? lk->tol : 12};
    if (lk->colour)
        sscanf(lk->colour, "#%2x%2x%2x", &c.r, &c.g, &c.b);
    return png_count(png, looks_like_data, &c);
}

/* The checks every figure must pass: a W x H PNG showing data, which its script
 * redraws byte for byte. */
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
