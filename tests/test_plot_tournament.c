/* test_plot_tournament.c: `coopsim plot` on the directories `coopsim tournament`
 * writes (tournament.csv, matrix.csv, manifest.cfg): the ranking bars and the
 * per-pair heat map.  (A file of its own, beside tests/test_plot.c, whose checks
 * it repeats: the helpers below are copies of that file's.)
 *
 * Every figure is checked for what a reader relies on: the PNG exists and is
 * 1200 x 800; it shows data (enough pixels of the data's colour, decoded by
 * gnuplot's own PNG reader); its script redraws it byte for byte from the
 * figures/ folder.  Then the exact data files and script texts, and malformed
 * inputs. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "e2e.h"

#define W 1200
#define H 800
#define BLUE "#0072B2" /* the bars */

/* Width and height from the PNG signature and IHDR chunk; 0 when not a PNG. */
static int png_size(const char *path, uint32_t *w, uint32_t *h)
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

/* Counts the pixels of a PNG that match `lk`, decoding it with gnuplot (its
 * table of x, y, red, green, blue, alpha per pixel); -1 on failure. */
static long count_pixels(const char *png, const looks *lk)
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
static void check_figure(const char *dir, const char *name, const looks *lk)
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
static void plot_written(const char *args, const char *name, char *tmp, char *dir, size_t size)
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


/* A tournament directory: the bars of the median in rank order with R and P of
 * the game as reference lines, and the heat map of matrix.csv. */
Test(plot_tournament, figures)
{
    char tmp[64], dir[256], path[512], text[1 << 16];
    plot_written("tournament configs/classic/tournament.cfg", "tournament", tmp, dir,
                 sizeof dir);
    looks blue = {BLUE, 0.10, 0};
    check_figure(dir, "tournament", &blue);

    /* Rank 1 (grim, docs/VALIDATION.md) first; every strategy has a row. */
    snprintf(path, sizeof path, "%s/figures/tournament.csv", dir);
    e2e_slurp(path, text, sizeof text);
    const char *head = "row,rank,strategy,label,median,mean\n"
                       "1,1,grim,1. grim,2.772222222,2.772222222\n";
    cr_expect(strncmp(text, head, strlen(head)) == 0, "%.200s", text);
    cr_expect(strstr(text, "\n10,10,allc,"), "%s", text);

    /* The title names the run in a tournament's words; R and P are drawn. */
    snprintf(path, sizeof path, "%s/figures/tournament.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "ranked by median score per turn per opponent\\n"), "%.2000s", text);
    cr_expect(strstr(text, "tournament, seed 1, 1 repetition of the round robin, 200 turns per "
                           "match\""), "%.2000s", text);
    cr_expect_null(strstr(text, "noise"), "no noise, yet the title names it");
    cr_expect_null(strstr(text, "replicate"), "a tournament has repetitions");
    cr_expect(strstr(text, "R = 3 (mutual cooperation)") && strstr(text, "P = 1 (mutual defection)"),
              "%.2000s", text);
    cr_expect(strstr(text, "score per turn (median over repetitions, per opponent)"));

    /* The heat map: saturated palette colours over at least a fifth of the page,
     * and the palette's darkest colour, opaque, on the lowest cell (allc against
     * alld, 0) and the foot of the colour bar: about 1.2% of the page. */
    looks cells = {NULL, 0.20, 0}, lowest = {"#440154", 0.008, 0};
    check_figure(dir, "tournament_matrix", &cells);
    snprintf(path, sizeof path, "%s/figures/tournament_matrix.png", dir);
    long dark = count_pixels(path, &lowest);
    cr_expect_geq(dark, (long)(0.008 * W * H), "%ld pixels of #440154", dark);
    /* its data: x = opponent, y = strategy, both in rank order (grim, tft, gtft,
     * alld, ...; allc last); grim scores 3 a turn against tft, allc 0 against alld */
    snprintf(path, sizeof path, "%s/figures/matrix.csv", dir);
    e2e_slurp(path, text, sizeof text);
    head = "x,y,strategy,opponent,score_per_turn\n"
           "1,1,grim,grim,3\n"
           "2,1,grim,tft,3\n";
    cr_expect(strncmp(text, head, strlen(head)) == 0, "%.200s", text);
    cr_expect(strstr(text, "\n4,10,allc,alld,0\n"), "%.4000s", text);
    cr_expect(strstr(text, "\n1,4,alld,grim,1.02\n"), "%.4000s", text); /* 204 / 200 */
    int rows = 0;
    for (const char *c = text; *c; c++)
        rows += *c == '\n';
    cr_expect_eq(rows, 101);
    /* its script: names on both axes in rank order, rank 1 top left, a colour bar
     * on the grey-readable sequential palette, the values written in the cells */
    snprintf(path, sizeof path, "%s/figures/tournament_matrix.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "set xtics (\"grim\" 1, \"tft\" 2, \"gtft\" 3, \"alld\" 4, "),
              "%.3000s", text);
    cr_expect(strstr(text, "set ytics (\"grim\" 1, \"tft\" 2, "), "%.3000s", text);
    cr_expect(strstr(text, ", \"allc\" 10) scale 0"), "%.3000s", text);
    cr_expect(strstr(text, "set yrange [10.5:0.5]"), "%.3000s", text);
    cr_expect(strstr(text, "set cbrange [0:5]"), "%.3000s", text); /* allc-alld 0, alld-allc 5 */
    cr_expect(strstr(text, "set cblabel \"score per turn (mean over repetitions); diagonal: "
                           "self-play, not ranked\""), "%.3000s", text);
    cr_expect(strstr(text, "set palette defined (0 '#440154'"), "%.3000s", text);
    cr_expect(strstr(text, "set colorbox"), "%.3000s", text);
    cr_expect(strstr(text, "set style fill solid 1.0 noborder\n"), "the colour bar is opaque");
    cr_expect(strstr(text, "with labels"), "%.3000s", text);
    cr_expect(strstr(text, "Tournament: mean score per turn of each strategy (row) against each "
                           "opponent (column)\\ntournament, seed 1, 1 repetition"),
              "%.3000s", text);
    e2e_rmrf(tmp);

    /* With noise and repetitions, the titles say so. */
    plot_written("tournament configs/classic/tournament.cfg --set noise=0.05 --replicates 3 "
                 "--set time.end=50",
                 "tournament_matrix", tmp, dir, sizeof dir);
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/figures/%s.gp", dir, k ? "tournament_matrix" : "tournament");
        e2e_slurp(path, text, sizeof text);
        cr_expect(strstr(text, "3 repetitions of the round robin, 50 turns per match, noise 0.05\""),
                  "%.2000s", text);
    }
    e2e_rmrf(tmp);
}

/* A directory with tournament.csv but no matrix.csv (written before matrix.csv
 * existed) still gets the bars, and no heat map. */
Test(plot_tournament, without_matrix)
{
    char tmp[64], dir[256], path[512];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(dir, sizeof dir, "%s/res", tmp);
    e2e_result *r = e2e_run("tournament configs/classic/tournament.cfg --quiet -o %s >/dev/null",
                            dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/matrix.csv", dir);
    cr_assert_eq(unlink(path), 0);
    r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "tournament.png: "), "%s", r->out);
    cr_expect_null(strstr(r->out, "tournament_matrix"), "%s", r->out);
    e2e_rmrf(tmp);
}

/* Malformed tournament.csv and matrix.csv are errors that name the file (and
 * line, for a bad field) and what is wrong. */
Test(plot_tournament, malformed)
{
    char tmp[64], dir[256], cmd[1024];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(dir, sizeof dir, "%s/res", tmp);
    e2e_result *r = e2e_run("tournament configs/classic/tournament.cfg --quiet -o %s >/dev/null",
                            dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(cmd, sizeof cmd, "cp '%s/tournament.csv' '%s/t.csv' && cp '%s/matrix.csv' '%s/m.csv'"
                              " && sed -i '3s/^2,/second,/' '%s/tournament.csv'",
             dir, tmp, dir, tmp, dir);
    cr_assert_eq(system(cmd), 0);
    r = e2e_run("plot %s", dir);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "tournament.csv:3:") && strstr(r->err, "rank = 'second' is not an "
                                                                    "integer >= 0"),
              "%s", r->err);

    /* matrix.csv: a value that is not a number, a missing pair, a stranger */
    static const char *const edit[3] = {"sed -i '5s/,[^,]*$/,high/'", "sed -i '7d'",
                                        "sed -i '7s/^grim,[^,]*,/grim,nobody,/'"};
    static const char *const want[3] = {"matrix.csv:5: score_per_turn = 'high' is not a number",
                                        "matrix.csv: 99 rows for 10 strategies and 10 opponents; "
                                        "want one row for each strategy against each opponent",
                                        "matrix.csv: 100 rows for 10 strategies and 11 opponents"};
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, "cp '%s/t.csv' '%s/tournament.csv' && cp '%s/m.csv' "
                                  "'%s/matrix.csv' && %s '%s/matrix.csv'",
                 tmp, dir, tmp, dir, edit[k], dir);
        cr_assert_eq(system(cmd), 0);
        r = e2e_run("plot %s", dir);
        cr_expect_eq(r->status, 2, "%s", edit[k]);
        cr_expect(strstr(r->err, want[k]), "%s: %s", edit[k], r->err);
    }
    e2e_rmrf(tmp);
}
