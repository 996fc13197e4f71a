/* test_plot_tournament.c: `coopsim plot` on the directories `coopsim tournament`
 * writes (tournament.csv, matrix.csv, manifest.cfg): the ranking bars and the
 * per-pair heat map.  (A file of its own, beside tests/test_plot.c; both check
 * figures with the helpers of tests/plot_check.h.)
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
#include "plot_check.h"

#define BLUE "#0072B2" /* the bars */

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

/* Writes the results of configs/classic/tournament.cfg to DIR = TMP/res, TMP a
 * fresh directory the caller removes. */
static void tournament_dir(char *tmp, char *dir, size_t size)
{
    e2e_tmpdir(tmp, 64);
    cr_assert(tmp[0]);
    snprintf(dir, size, "%s/res", tmp);
    e2e_result *r = e2e_run("tournament configs/classic/tournament.cfg --quiet -o %s >/dev/null",
                            dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
}

/* A directory with tournament.csv but no matrix.csv (written before matrix.csv
 * existed) still gets the bars, and no heat map. */
Test(plot_tournament, without_matrix)
{
    char tmp[64], dir[256], path[512];
    tournament_dir(tmp, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/matrix.csv", dir);
    cr_assert_eq(unlink(path), 0);
    e2e_result *r = e2e_run("plot %s", dir);
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
    tournament_dir(tmp, dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "cp '%s/tournament.csv' '%s/t.csv' && cp '%s/matrix.csv' '%s/m.csv'"
                              " && sed -i '3s/^2,/second,/' '%s/tournament.csv'",
             dir, tmp, dir, tmp, dir);
    cr_assert_eq(system(cmd), 0);
    e2e_result *r = e2e_run("plot %s", dir);
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
