/* test_plot.c: `coopsim plot` on the results directories under tests/data/plot_*
 * (a run, a hypothesis test, a sweep and a hypothesis sweep; see
 * tests/data/plot_fixtures.sh), each copied to /tmp first, and on directories
 * the tests write themselves (classic models, a validation; the tournament's
 * figures are tested in tests/test_plot_tournament.c).
 *
 * Every figure is checked for what a reader relies on: the PNG exists and is
 * 1200 x 800 (the IHDR chunk); it shows data, not just axes (the PNG is decoded,
 * by gnuplot's own PNG reader, and enough of its pixels have a colour only the
 * data is drawn in; a control draws the same script without data and must
 * fail that check); and its script redraws it byte for byte from the figures/
 * folder with gnuplot alone.  Then the errors: not a results directory, nothing
 * to plot, a malformed file, gnuplot missing. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include "coop_csv.h"
#include "coop_plot.h"
#include "e2e.h"
#include "plot_check.h"

/* Copies tests/data/NAME to a fresh directory under /tmp; dir gets the copy's
 * path, tmp the directory to remove at the end. */
static void fixture(const char *name, char *tmp, char *dir, size_t size)
{
    char cmd[1024];
    e2e_tmpdir(tmp, 64);
    cr_assert(tmp[0], "cannot create a temporary directory");
    snprintf(dir, size, "%s/%s", tmp, name);
    snprintf(cmd, sizeof cmd, "cp -r tests/data/%s '%s' && rm -rf '%s/figures'", name, tmp, dir);
    cr_assert_eq(system(cmd), 0, "cannot copy tests/data/%s", name);
}

/* Runs coopsim plot on a copy of a fixture and checks the figures it names. */
static void plot_fixture(const char *fixture_name, const char *const *names, const looks *lk,
                         size_t n, char *tmp, char *dir, size_t size)
{
    fixture(fixture_name, tmp, dir, size);
    e2e_result *r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "coopsim plot %s: %s", dir, r->err);
    for (size_t i = 0; i < n; i++) {
        char line[600];
        snprintf(line, sizeof line, "%s/figures/%s.png: ", dir, names[i]);
        cr_expect(strstr(r->out, line), "no line for %s in:\n%s", names[i], r->out);
    }
    for (size_t i = 0; i < n; i++)
        check_figure(dir, names[i], &lk[i]);
}

#define BLUE "#0072B2"       /* factual world, first curve */
#define VERMILLION "#D55E00" /* counterfactual world */
#define ORANGE "#E69F00"     /* agreement level 1 */
#define SLATE "#9AA5B1"      /* the inconclusive verdict: a grey no text antialiasing makes */
#define GREEN "#009E73"      /* a validation target that passes */

Test(plot, run_results)
{
    static const char *const names[] = {"series_coop_target", "engagement", "population",
                                        "agreements"};
    static const looks lk[] = {{BLUE, 0.004, 0}, {BLUE, 0.001, 0}, {BLUE, 0.0015, 0},
                               {ORANGE, 0.001, 0}};
    char tmp[64], dir[256];
    plot_fixture("plot_run", names, lk, 4, tmp, dir, sizeof dir);

    /* The .gp scripts read their data by relative path, next to them. */
    char path[512];
    snprintf(path, sizeof path, "%s/figures/series_coop_target.csv", dir);
    cr_expect(e2e_exists(path));
    snprintf(path, sizeof path, "%s/figures/agreements_observed.csv", dir);
    cr_expect(e2e_exists(path), "the observed milestones of the timeline are not overlaid");
    e2e_rmrf(tmp);
}

Test(plot, blank_figure_fails_the_check)
{
    /* The control: the same script with a data file of no rows draws the axes,
     * the titles and nothing else, and the "shows data" check must reject it. */
    char tmp[64], dir[256], cmd[1024], png[512];
    fixture("plot_run", tmp, dir, sizeof dir);
    e2e_result *r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(cmd, sizeof cmd,
             "cd '%s/figures' && head -1 series_coop_target.csv > blank.csv && "
             "sed -e 's/series_coop_target\\.csv/blank.csv/g' "
             "-e 's/series_coop_target\\.png/blank.png/' series_coop_target.gp > blank.gp && "
             "gnuplot blank.gp 2>/dev/null",
             dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(png, sizeof png, "%s/figures/blank.png", dir);
    looks lk = {BLUE, 0.004, 0};
    long n = count_pixels(png, &lk);
    cr_assert_geq(n, 0);
    cr_expect_lt((double)n / (W * H), lk.min_share / 10, "a blank figure has %ld data pixels", n);
    e2e_rmrf(tmp);
}

Test(plot, hypothesis_results)
{
    static const char *const names[] = {"series_coop_target", "engagement", "agreements",
                                        "forest"};
    static const looks lk[] = {{VERMILLION, 0.0008, 0}, {VERMILLION, 0.0002, 0},
                               {ORANGE, 0.001, 0}, {SLATE, 0.001, 4}};
    char tmp[64], dir[256], path[512];
    plot_fixture("plot_hyp", names, lk, 4, tmp, dir, sizeof dir);

    /* Factual and counterfactual side by side; placebos only in the forest plot. */
    char head[4096] = "";
    snprintf(path, sizeof path, "%s/figures/series_coop_target.csv", dir);
    e2e_slurp(path, head, sizeof head);
    cr_expect(strstr(head, "KZ factual mean") && strstr(head, "KZ counterfactual mean"));
    cr_expect_null(strstr(head, "placebo"));
    snprintf(path, sizeof path, "%s/figures/forest.csv", dir);
    e2e_slurp(path, head, sizeof head);
    cr_expect(strstr(head, "placebo:KG"), "%s", head);
    snprintf(path, sizeof path, "%s/figures/forest.gp", dir);
    e2e_slurp(path, head, sizeof head);
    cr_expect(strstr(head, "Verdict: inconclusive"), "the verdict is not in the title");
    e2e_rmrf(tmp);
}

/* The per-state figure of a fresh hypothesis test: one panel per comparison, a
 * row per state, the placebo's common set and the pooled row, in verdict colours;
 * its data name every state of the small scenario. */
Test(plot, per_state_figure)
{
    char tmp[64], dir[256], path[512], text[8192] = "";
    plot_written("hypothesis tests/data/hyp_small.cfg", "states", tmp, dir, sizeof dir);
    static const looks lk = {NULL, 0.0005, 0}; /* verdict colours: any saturated one */
    check_figure(dir, "states", &lk);
    snprintf(path, sizeof path, "%s/figures/states.csv", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "comparison,state,row,verdict,diff,ci_lo,ci_hi\n"), "%s", text);
    for (const char *const *st = (const char *const[]){"counterfactual,KG,1,",
                                                         "counterfactual,UZ,3,",
                                                         "counterfactual,pooled,4,",
                                                         "placebo:KG,common set,4,",
                                                         "placebo:KG,pooled,5,", NULL};
         *st; st++)
        cr_expect(strstr(text, *st), "no row '%s' in:\n%s", *st, text);
    /* the Kaplan-Meier curves of the three states (all can reach the enhanced level):
     * each starts at 1 at the start year, per world */
    static const looks blue = {BLUE, 0.002, 0};
    check_figure(dir, "survival", &blue);
    snprintf(path, sizeof path, "%s/figures/survival.csv", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "world,state,year,surv\nfactual,KG,2000,1\n"), "%s", text);
    cr_expect(strstr(text, "\ncounterfactual,UZ,2000,1\n"), "%s", text);
    cr_expect(strstr(text, "\nplacebo:KG,TJ,2000,1\n"), "%s", text);
    e2e_rmrf(tmp);
}

Test(plot, sweep_results)
{
    static const char *const names[] = {"sweep_outcomes"};
    static const looks lk[] = {{BLUE, 0.002, 0}};
    char tmp[64], dir[256], path[512];
    plot_fixture("plot_sweep", names, lk, 1, tmp, dir, sizeof dir);
    /* series none: no summary.csv, so no time series. */
    snprintf(path, sizeof path, "%s/figures/series_coop_target.png", dir);
    cr_expect_not(e2e_exists(path));
    e2e_rmrf(tmp);
}

/* The sweep figure's bands of share outcomes stay inside [0, 1] even with 2
 * replicates (the fixture cut to replicates 0 and 1), where t-intervals leave it
 * (issue 13, item 7: with 2 replicates t = 12.7): their bands are taken on the
 * logit scale like summary.csv's (docs/OUTPUT.md). */
Test(plot, sweep_share_bands_stay_in_range)
{
    char tmp[64], dir[256], cmd[1024], path[512];
    fixture("plot_sweep", tmp, dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "awk -F, 'NR == 1 || $3 < 2' tests/data/plot_sweep/outcomes.csv "
             "> '%s/outcomes.csv'", dir);
    cr_assert_eq(system(cmd), 0);
    e2e_result *r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/figures", dir);
    coop_csv_reader c = {0};
    coop_err err = {0};
    cr_assert_eq(coop_csv_reader_open(&c, path, "sweep_outcomes.csv", &err), COOP_OK, "%s",
                 err.text);
    static const char *const shares[] = {"others_coop_target ", "target_engagement ",
                                         "engaged_share ", "regional_cohesion "};
    int checked = 0, got;
    while (coop_csv_reader_next(&c, &got, &err) == COOP_OK && got)
        for (size_t col = 0; col < c.nhead; col++) {
            const char *name = c.head[col];
            int band = strstr(name, " lo") || strstr(name, " hi");
            for (size_t k = 0; band && k < sizeof shares / sizeof *shares; k++) {
                double x;
                if (strncmp(name, shares[k], strlen(shares[k])) != 0)
                    continue;
                cr_assert_eq(coop_csv_reader_num(&c, (int)col, &x, &err), COOP_OK, "%s", err.text);
                cr_expect(isnan(x) || (x >= 0.0 && x <= 1.0), "%s = %g", name, x);
                checked += !isnan(x);
            }
        }
    cr_expect_eq(err.code, COOP_OK, "%s", err.text);
    coop_csv_reader_close(&c);
    cr_expect_geq(checked, 12, "only %d band ends of share outcomes found", checked);
    e2e_rmrf(tmp);
}

Test(plot, hypothesis_sweep_results)
{
    static const char *const names[] = {"sweep_outcomes", "sweep_effect", "sweep_verdict"};
    static const looks lk[] = {{NULL, 0.10, 0}, {NULL, 0.06, 0}, {SLATE, 0.2, 4}};
    char tmp[64], dir[256];
    plot_fixture("plot_hypsweep", names, lk, 3, tmp, dir, sizeof dir);
    e2e_rmrf(tmp);
}

/* Non-white pixels (darker than the light grid, #e6e6e6) within 3 px of the
 * PNG's edges: text or lines cut off by the page; -1 on failure. */
static long edge_pixels(const char *png)
{
    char table[128], line[256];
    FILE *f = png_table(png, "edge", table, sizeof table);
    if (!f)
        return -1;
    long n = 0;
    while (fgets(line, sizeof line, f)) {
        int x, y, r, g, b;
        if (line[0] == '#' || sscanf(line, "%d %d %d %d %d", &x, &y, &r, &g, &b) != 5)
            continue;
        n += (x < 3 || y < 3 || x >= W - 3 || y >= H - 3) && r + g + b < 600;
    }
    fclose(f);
    unlink(table);
    return n;
}

/* The text between `from` (found in s) and the next occurrence of `to`, into
 * buf; "" when from is not in s. */
static void between(const char *s, const char *from, const char *to, char *buf, size_t size)
{
    const char *a = strstr(s, from), *b = a ? strstr(a + strlen(from), to) : NULL;
    size_t n = a ? (b ? (size_t)(b - a) : strlen(a)) : 0;
    n = n < size ? n : size - 1;
    memcpy(buf, a ? a : "", n);
    buf[n] = '\0';
}

/* A Latin hypercube over four parameters (engagement.delta sampled on a log
 * scale, brokerage linear over 2.5 decades): one panel per swept parameter, each
 * on the parameter's own scale (log only for delta, as the sweep group says),
 * translucent markers and a binned mean whose bins hold every point. */
static const char *const lhs_paths[] = {"actors.KZ.motivator.demonstration",
                                        "actors.KZ.motivator.brokerage",
                                        "actors.KZ.motivator.initiative_impact",
                                        "engagement.delta"};

Test(plot, lhs_sweep_one_panel_per_parameter)
{
    char tmp[64], dir[256], cfg[512], cmd[2048], path[512], text[1 << 17], block[4096];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(cfg, sizeof cfg, "%s/lhs.cfg", tmp);
    snprintf(cmd, sizeof cmd,
             "sed '/^sweep = {/,$d' tests/data/hyp_sweep.cfg > '%s' && cat >> '%s' <<'EOF'\n"
             "sweep = { method = \"lhs\"; n = 24; seed = 3; parameters = (\n"
             "  { path = \"%s\"; min = 0.0; max = 1.0; },\n"
             "  { path = \"%s\"; min = 0.001; max = 0.5; },\n"
             "  { path = \"%s\"; min = 0.0; max = 0.5; },\n"
             "  { path = \"%s\"; min = 0.002; max = 0.2; log = true; } ); };\nEOF\n",
             cfg, cfg, lhs_paths[0], lhs_paths[1], lhs_paths[2], lhs_paths[3]);
    cr_assert_eq(system(cmd), 0);
    snprintf(dir, sizeof dir, "%s/res", tmp);
    /* 6 replicates: with 4, every point's verdict is inconclusive (grey) since an
     * unengaged state counts 0 instead of being dropped (docs/HYPOTHESIS.md) */
    e2e_result *r = e2e_run("hypothesis %s --replicates 6 --quiet -o %s >/dev/null", cfg, dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    looks any = {NULL, 0.0002, 0}; /* translucent markers: no exact colour */
    check_figure(dir, "sweep_outcomes", &any);
    check_figure(dir, "sweep_effect", &any);
    /* the effect's points carry their verdicts: no separate verdict map */
    snprintf(path, sizeof path, "%s/figures/sweep_verdict.png", dir);
    cr_expect_not(e2e_exists(path));

    static const char *const figs[] = {"sweep_outcomes", "sweep_effect"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/figures/%s.gp", dir, figs[k]);
        e2e_slurp(path, text, sizeof text);
        for (int j = 0; j < 4; j++) {
            char xl[128], use[128];
            snprintf(xl, sizeof xl, "set xlabel \"%s\"", lhs_paths[j]);
            snprintf(use, sizeof use, "using '%s':", lhs_paths[j]);
            between(text, xl, "\nplot ", block, sizeof block);
            cr_expect(block[0], "%s.gp: no panel for %s", figs[k], lhs_paths[j]);
            cr_expect(strstr(text, use), "%s.gp: nothing plotted against %s", figs[k],
                      lhs_paths[j]);
            if (j == 3)
                cr_expect(strstr(block, "set logscale x"), "%s.gp: delta is sampled on a log "
                                                           "scale: %s", figs[k], block);
            else
                cr_expect_null(strstr(block, "\nset logscale"), "%s.gp: %s is linear: %s", figs[k],
                               lhs_paths[j], block);
        }
        cr_expect_null(strstr(text, "set logscale y"), "%s.gp", figs[k]);
        /* translucent markers (alpha in '#AARRGGBB') and the binned mean */
        cr_expect(strstr(text, k == 0 ? "lc rgb '#600072B2'" : "lc rgb '#609AA5B1'"),
                  "%s.gp: no translucent markers", figs[k]);
        cr_expect(strstr(text, "title 'binned mean'"), "%s.gp", figs[k]);
    }

    /* Every point with a value is in exactly one bin of every parameter. */
    snprintf(path, sizeof path, "%s/figures/sweep_outcomes.csv", dir);
    e2e_slurp(path, text, sizeof text);
    int rows = 0, with_value = 0;
    for (const char *l = strchr(text, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        const char *end = strchr(l + 1, '\n'), *c = end;
        rows++;
        while (c > l && *(c - 1) != ',') /* class */
            c--;
        c--;
        while (c > l && *(c - 1) != ',') /* y */
            c--;
        with_value += strncmp(c, "NA,", 3) != 0;
    }
    cr_expect_eq(rows, 24);
    cr_expect_gt(with_value, 20);
    snprintf(path, sizeof path, "%s/figures/sweep_outcomes_bins.csv", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strncmp(text, "parameter,x,mean,n\n", 19) == 0, "%.100s", text);
    for (int j = 0; j < 4; j++) {
        long total = 0;
        int bins = 0;
        for (const char *l = text; (l = strstr(l, lhs_paths[j])); l++) {
            const char *c = strchr(l, '\n');
            while (c > l && *(c - 1) != ',')
                c--;
            total += atol(c);
            bins++;
        }
        cr_expect_eq(bins, 4, "%s: %d bins", lhs_paths[j], bins);
        cr_expect_eq(total, with_value, "%s: the bins hold %ld points, not %d", lhs_paths[j],
                     total, with_value);
    }
    e2e_rmrf(tmp);
}

/* A grid map whose cells rest on different numbers of replicates labels each
 * cell with its number and outlines those below the run's: in the fixture,
 * regional_cohesion is undefined in one replicate of point 3 (n=5 of 6). Maps
 * whose every cell has all replicates (sweep_outcomes) are not labelled. */
Test(plot, grid_maps_show_replicates_per_cell)
{
    char tmp[64], dir[256], path[512], text[1 << 17];
    fixture("plot_hypsweep", tmp, dir, sizeof dir); /* hypothesis_sweep_results checks the PNGs */
    e2e_result *r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/figures/sweep_effect.csv", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, ",regional_cohesion counterfactual n"), "%.600s", text);
    cr_expect(strstr(text, "\n3,1,1,1,0.5,"), "%.600s", text);
    snprintf(path, sizeof path, "%s/figures/sweep_effect.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "using 'i':'j':(sprintf('n=%d', column('regional_cohesion "
                           "counterfactual n'))) with labels boxed"),
              "no replicate counts in the cells");
    cr_expect(strstr(text, "(column('regional_cohesion counterfactual n') < 6 ? column('i') : "
                           "NaN):'j':(0.47):(0.47) with boxxyerror fs empty"),
              "cells below 6 replicates are not outlined");
    cr_expect(strstr(text, "n=K in a cell: the replicates behind it"), "the key does not say so");
    snprintf(path, sizeof path, "%s/figures/sweep_outcomes.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect_null(strstr(text, "with labels boxed"), "labels on a map of full cells");
    e2e_rmrf(tmp);
}

/* A grid gives its values as they are: a linear axis even when they span three
 * decades (only `log = true` of an lhs or sobol sweep makes a log axis). */
Test(plot, grid_values_keep_a_linear_axis)
{
    char tmp[64], dir[256], path[512], text[1 << 16];
    fixture("plot_sweep", tmp, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/points.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("point,actors.KZ.motivator.demonstration\n0,0.001\n1,0.03\n2,1\n", f);
    fclose(f);
    e2e_result *r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/figures/sweep_outcomes.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "set xlabel \"actors.KZ.motivator.demonstration\""), "%.2000s", text);
    cr_expect_null(strstr(text, "set logscale"), "a log axis for grid values: %.2000s", text);
    e2e_rmrf(tmp);
}

/* Nothing is cut off at the page's edges: the agreements legend (two rows by
 * gnuplot's own measure of its entries) and the right-hand tic labels. */
Test(plot, agreements_legend_inside_the_page)
{
    char tmp[64], dir[256], png[512];
    fixture("plot_run", tmp, dir, sizeof dir); /* run_results checks the PNG */
    e2e_result *r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(png, sizeof png, "%s/figures/agreements.png", dir);
    long n = edge_pixels(png);
    cr_assert_geq(n, 0);
    cr_expect_eq(n, 0, "agreements.png: %ld dark pixels at the page's edges (cut off)", n);
    e2e_rmrf(tmp);
}

/* A forest plot with ten comparisons: each panel's row labels fit their rows (a
 * line of text is about 1.5 times the font size), so that they do not overlap. */
Test(plot, forest_row_labels_fit_their_rows)
{
    char tmp[64], dir[256], cmd[1024], path[512], text[1 << 17];
    fixture("plot_hyp", tmp, dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "awk -F, -v OFS=, 'NR > 1 && $3 == \"counterfactual\" { for (i = 1; i <= 8; i++) "
             "{ $3 = \"placebo:STATE\" i; print } }' tests/data/plot_hyp/hypothesis.csv >> "
             "'%s/hypothesis.csv'",
             dir);
    cr_assert_eq(system(cmd), 0);
    e2e_result *r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    looks slate = {SLATE, 0.001, 4};
    check_figure(dir, "forest", &slate);
    snprintf(path, sizeof path, "%s/figures/forest.png", dir);
    cr_expect_eq(edge_pixels(path), 0, "forest.png: labels cut off at the page's edges");
    snprintf(path, sizeof path, "%s/figures/forest.gp", dir);
    e2e_slurp(path, text, sizeof text);
    int font = 12;
    const char *f = strstr(text, "set ytics font ',");
    if (f)
        font = atoi(f + 17);
    int panels = 0;
    for (const char *t = strstr(text, "set tmargin at screen "); t;
         t = strstr(t + 1, "set tmargin at screen ")) {
        double top = atof(t + 22), bottom = atof(strstr(t, "set bmargin at screen ") + 22);
        const char *tics = strstr(t, "set ytics (");
        const char *end = tics ? strchr(tics, '\n') : NULL;
        cr_assert(end);
        int rows = 0, two = 0;
        for (const char *c = tics; c < end; c++) {
            rows += *c == '"';
            two |= c[0] == '\\' && c[1] == 'n';
        }
        rows /= 2;
        double row_px = (top - bottom) * H / rows, need = (two ? 2 : 1) * 1.5 * font;
        cr_expect_eq(rows, 10);
        cr_expect_leq(need, row_px, "panel %d: %s labels at %d pt need %.0f px, rows are %.1f",
                      panels, two ? "two-line" : "one-line", font, need, row_px);
        panels++;
    }
    cr_expect_eq(panels, 6);
    e2e_rmrf(tmp);
}

Test(plot, not_a_results_directory)
{
    char tmp[64], dir[256], cmd[600];
    e2e_result *r = e2e_run("plot /nonexistent/results");
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "no such results directory"), "%s", r->err);

    e2e_tmpdir(tmp, sizeof tmp);
    r = e2e_run("plot %s", tmp);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "manifest.cfg"), "%s", r->err);

    /* A manifest and nothing else: say which files the figures need. */
    snprintf(dir, sizeof dir, "%s/only", tmp);
    snprintf(cmd, sizeof cmd, "mkdir '%s' && cp tests/data/plot_run/manifest.cfg '%s'", dir, dir);
    cr_assert_eq(system(cmd), 0);
    r = e2e_run("plot %s", dir);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "nothing to plot") && strstr(r->err, "summary.csv") &&
                  strstr(r->err, "milestones.csv") && strstr(r->err, "hypothesis.csv") &&
                  strstr(r->err, "tournament.csv") && strstr(r->err, "validation.csv"),
              "%s", r->err);
    snprintf(cmd, sizeof cmd, "%s/figures", dir);
    cr_expect_not(e2e_exists(cmd), "figures/ made for nothing");
    e2e_rmrf(tmp);
}

Test(plot, malformed_file)
{
    char tmp[64], dir[256], cmd[1024];
    fixture("plot_run", tmp, dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "sed -i '3s/^0,factual,0,1991,\\([A-Z]*\\),[a-z_]*,[^,]*/"
                              "0,factual,0,1991,\\1,coop_target,zero/' '%s/summary.csv'",
             dir);
    cr_assert_eq(system(cmd), 0);
    e2e_result *r = e2e_run("plot %s", dir);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "summary.csv:3:") && strstr(r->err, "'zero'"), "%s", r->err);
    e2e_rmrf(tmp);
}

Test(plot, gnuplot_missing)
{
    char tmp[64], dir[256], cmd[1024], out[128];
    fixture("plot_run", tmp, dir, sizeof dir);
    snprintf(out, sizeof out, "%s/err", tmp);
    snprintf(cmd, sizeof cmd, "PATH=/nonexistent %s plot %s 2>%s", e2e_program(), dir, out);
    int st = system(cmd);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status %d", WEXITSTATUS(st));
    char err[2048];
    e2e_slurp(out, err, sizeof err);
    cr_expect(strstr(err, "gnuplot-nox"), "%s", err);

    /* The same through the library, with the program named explicitly. */
    coop_err e = {0};
    coop_plot_opts opts = {NULL, "/nonexistent/gnuplot"};
    cr_expect_eq(coop_plot(dir, &opts, &e), COOP_EIO);
    cr_expect(strstr(e.text, "gnuplot-nox"), "%s", e.text);
    e2e_rmrf(tmp);
}

Test(plot, timeline_levels)
{
    static const struct {
        const char *kind, *what;
        int n_levels, level;
    } cases[] = {
        {"agreement_signed", "Partnership and Cooperation Agreement (PCA) signed", 4, 1},
        {"agreement_signed", "PCA signed (never ratified: human-rights concerns)", 4, 1},
        {"agreement_in_force", "PCA enters into force", 4, 2},
        {"agreement_in_force", "PCA enters into force", 2, 1},
        {"agreement_signed", "Enhanced Partnership and Cooperation Agreement (EPCA) signed", 4, 3},
        {"agreement_signed", "Enhanced Partnership and Cooperation Agreement (EPCA) signed", 6, 5},
        {"agreement_signed", "Energy Memorandum of Understanding", 4, 0},
        {"agreement_in_force", "Interim Agreement on trade enters into force (PCA still not "
                               "ratified)", 4, 0},
        {"program", "PCA signed", 4, 0},
        {"agreement_signed", "PCA signed", 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(coop_plot_timeline_level(cases[i].kind, cases[i].what, cases[i].n_levels),
                     cases[i].level, "case %zu: %s / %s", i, cases[i].kind, cases[i].what);
    cr_expect_eq(coop_plot_timeline_level(NULL, "PCA signed", 4), 0);
}

/* A classic model's time axis is labelled with its time.unit, not "year". */
Test(plot, time_unit_labels_the_axis)
{
    char tmp[64], dir[256], gp[512], text[1 << 16];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(dir, sizeof dir, "%s/nm", tmp);
    e2e_result *r = e2e_run("run configs/classic/nowak_may.cfg --set network.L=20 --set time.end=30.0 "
                            "--replicates 2 --quiet -o %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s --quiet", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(gp, sizeof gp, "%s/figures/population.gp", dir);
    e2e_slurp(gp, text, sizeof text);
    cr_expect(strstr(text, "set xlabel \"generation\""), "population.gp: %.300s", text);
    cr_expect_null(strstr(text, "set xlabel \"year\""));
    e2e_rmrf(tmp);
}

/* Lattice snapshots: a small Nowak & May run with snapshots, then the figure. */
Test(plot, lattice_snapshots)
{
    char tmp[64], dir[256], path[512], text[1 << 16];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(dir, sizeof dir, "%s/nm", tmp);
    e2e_result *r = e2e_run("run configs/classic/nowak_may.cfg --set network.L=24 "
                            "--set time.end=30 --set 'output.snapshots=[0,2,9,29]' --quiet -o %s",
                            dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/figures/snapshots.png: ", dir);
    cr_expect(strstr(r->out, path), "no line for snapshots in:\n%s", r->out);

    /* Both colours are there in quantity: C (blue, most of generation 0) and D. */
    looks blue = {BLUE, 0.03, 0}, vermillion = {VERMILLION, 0.03, 0};
    check_figure(dir, "snapshots", &blue);
    snprintf(path, sizeof path, "%s/figures/snapshots.png", dir);
    long n = count_pixels(path, &vermillion);
    cr_expect_geq((double)n / (W * H), vermillion.min_share, "%ld D pixels", n);

    /* One panel per step, titled in the configured time unit; the data file holds
     * the 24 x 24 nodes of each panel in a block of its own. */
    snprintf(path, sizeof path, "%s/figures/snapshots.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "set title \"generation 0\"") && strstr(text, "set title \"generation 29\""),
              "%.400s", text);
    cr_expect(strstr(text, "index 3 using") && !strstr(text, "index 4 using"), "%s", text);
    cr_expect(strstr(text, "set size ratio -1") && strstr(text, "with image"));
    cr_expect(strstr(text, "nowak_may, seed 1"), "the title does not name the run");
    snprintf(path, sizeof path, "%s/figures/snapshots.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    long rows = 0, blank = 0;
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "step,row,col,coop\n");
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n')
            blank++;
        else
            rows++;
    }
    fclose(f);
    cr_expect_eq(rows, 4 * 24 * 24);
    cr_expect_eq(blank, 2 * 3);
    e2e_rmrf(tmp);
}

/* More than six steps: six panels (first, last, evenly between); other networks:
 * no snapshot figure. */
Test(plot, snapshots_pick_six_and_skip_other_networks)
{
    char tmp[64], dir[256], path[512], text[1 << 16];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(dir, sizeof dir, "%s/nm", tmp);
    e2e_result *r = e2e_run("run configs/classic/nowak_may.cfg --set network.L=12 "
                            "--set time.end=20 --set 'output.snapshots=[0,1,2,3,4,5,6,7,8,9,10]' "
                            "--quiet -o %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s --quiet", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/figures/snapshots.gp", dir);
    e2e_slurp(path, text, sizeof text);
    static const char *const want[] = {"\"generation 0\"", "\"generation 2\"", "\"generation 4\"",
                                       "\"generation 6\"", "\"generation 8\"", "\"generation 10\""};
    for (int k = 0; k < 6; k++)
        cr_expect(strstr(text, want[k]), "no panel %s", want[k]);
    cr_expect_null(strstr(text, "\"generation 1\""));
    cr_expect(strstr(text, "6 of the configured steps"));

    snprintf(dir, sizeof dir, "%s/ring", tmp);
    r = e2e_run("run configs/classic/nowak_may.cfg --set network.type=ring --set network.n=50 "
                "--set time.end=5 --set 'output.snapshots=[0,4]' --quiet -o %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "snapshots"), "%s", r->out);
    snprintf(path, sizeof path, "%s/figures/snapshots.png", dir);
    cr_expect_not(e2e_exists(path));
    e2e_rmrf(tmp);
}

/* A validation directory: the score dot plot (pass filled green, fail open
 * vermillion) beside the values in each target's own units. */
Test(plot, validation_results)
{
    char tmp[64], dir[256], path[512], text[1 << 16];
    plot_written("validate tests/data/val_small.cfg", "validation", tmp, dir, sizeof dir);
    looks fail = {VERMILLION, 0.0005, 0}, pass = {GREEN, 0.0002, 0};
    check_figure(dir, "validation", &fail);
    snprintf(path, sizeof path, "%s/figures/validation.png", dir);
    long n = count_pixels(path, &pass);
    cr_expect_geq((double)n / (W * H), pass.min_share, "%ld pixels of passing targets", n);

    /* Every target of validation.csv has a row, described in words (none falls
     * back to its bare name), the combined score last, apart. */
    snprintf(path, sizeof path, "%s/figures/validation.csv", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "\n1.0,tau_signed,target,order of the signing dates,"), "%.400s", text);
    cr_expect(strstr(text, ",trade_share_mae_exports,diagnostic,"), "%s", text);
    cr_expect(strstr(text, ",leader_enhanced_year,target,A's enhanced agreement,year,2006,"
                           "2010,2010,2010,0.3333333333,3,false,0.5,2006.0,"
                           "2010.0 [2010.0 to 2010.0],"),
              "%s", text);
    /* the states by name, from the manifest's validation group, and each target's
     * pass mark on the score axis (1 - tolerance / range: 0.75 for Kendall's tau) */
    cr_expect(strstr(text, ",order_signed,target,A/B sign before D before C,"), "%s", text);
    cr_expect(strstr(text, ",blocked_not_reached,target,D not in force by 2008,"), "%s", text);
    cr_expect(strstr(text, ",tau_signed,target,order of the signing dates,Kendall's tau-b (-1 to "
                           "1),1,0,0,0,0.5,0.5,false,0.75,"),
              "%s", text);
    cr_expect(strstr(text, "\n12.9,combined,combined,combined score,"), "%s", text);
    /* each target's baseline score, for its cross: tau against a random order 0.5;
     * no motivator in val_small, so no no_role baseline (NA) */
    cr_expect(strstr(text, ",tolerance_text,pass_text,baseline_score\n"), "%.300s", text);
    cr_expect(strstr(text, ",tau_signed,target,") && strstr(strstr(text, ",tau_signed,target,"),
                                                          ",no,0.5\n"), "%s", text);
    cr_expect(strstr(strstr(text, ",leader_enhanced_year,"), ",NA\n"), "%s", text);
    cr_expect_null(strstr(text, "the target's units"), "a target without a description: %s",
                   text);
    snprintf(path, sizeof path, "%s/figures/validation.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "using (column('baseline_score')):'row' with points pt 2"), "%.3000s",
              text);
    cr_expect(strstr(text, "2 of 9 targets within tolerance; combined score 0.31 fails "
                           "(needs 0.5)\\nval_small, seed 3, 4 replicates"),
              "%.1500s", text);
    e2e_rmrf(tmp);
}

/* A calibration sweep (validate with a Latin hypercube over three parameters,
 * delta on a log scale): no per-point validation figure, but the calibration
 * figure: the combined score against each swept parameter, one panel each, the
 * best point of validation.csv ringed. */
Test(plot, calibration_sweep_figure)
{
    static const char *const paths[] = {"noise", "engagement.delta", "institutions.lambda"};
    char tmp[64], dir[256], cfg[512], cmd[1200], path[512], text[1 << 17], block[4096];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(cfg, sizeof cfg, "%s/val_sweep.cfg", tmp);
    snprintf(cmd, sizeof cmd,
             "cp tests/data/val_small.cfg tests/data/val_trade.csv '%s' && "
             "echo 'sweep = { method = \"lhs\"; n = 16; seed = 2; parameters = ( "
             "{ path = \"noise\"; min = 0.0; max = 0.3; }, "
             "{ path = \"engagement.delta\"; min = 0.01; max = 0.3; log = true; }, "
             "{ path = \"institutions.lambda\"; min = 0.05; max = 0.5; } ); };' >> "
             "'%s/val_small.cfg' && mv '%s/val_small.cfg' '%s'",
             tmp, tmp, tmp, cfg);
    cr_assert_eq(system(cmd), 0);
    snprintf(dir, sizeof dir, "%s/res", tmp);
    e2e_result *r = e2e_run("validate %s --quiet -o %s >/dev/null", cfg, dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "/figures/calibration.png: "), "%s", r->out);
    looks blue = {NULL, 0.0002, 0};
    check_figure(dir, "calibration", &blue);
    snprintf(path, sizeof path, "%s/figures/validation.png", dir);
    cr_expect_not(e2e_exists(path), "one validation figure for 16 points");

    /* The best point: the highest combined score in validation.csv. */
    snprintf(path, sizeof path, "%s/validation.csv", dir);
    e2e_slurp(path, text, sizeof text);
    long best = -1;
    double top = -1;
    for (const char *l = strstr(text, ",combined,"); l; l = strstr(l + 1, ",combined,")) {
        const char *start = l;
        while (start > text && start[-1] != '\n')
            start--;
        if (memchr(start, ',', (size_t)(l - start))) /* the status column's "combined" */
            continue;
        const char *c = l + 10; /* observed,simulated_mean,ci_lo,ci_hi,score */
        for (int k = 0; k < 4; k++)
            c = strchr(c, ',') + 1;
        double score = atof(c);
        if (score > top) {
            top = score;
            best = atol(start);
        }
    }
    cr_assert_geq(best, 0, "no combined score in %.300s", text);
    snprintf(path, sizeof path, "%s/figures/calibration.gp", dir);
    e2e_slurp(path, text, sizeof text);
    for (int j = 0; j < 3; j++) {
        char xl[128], ring[160];
        snprintf(xl, sizeof xl, "set xlabel \"%s\"", paths[j]);
        between(text, xl, "set lmargin", block, sizeof block);
        cr_expect(block[0], "calibration.gp: no panel for %s", paths[j]);
        cr_expect_eq(strstr(block, "\nset logscale x") != NULL, j == 1, "%s: %s", paths[j], block);
        snprintf(ring, sizeof ring, "using '%s':(column('point') == %ld ? column('y') : NaN)",
                 paths[j], best);
        cr_expect(strstr(block, ring), "%s: the best point %ld is not ringed: %s", paths[j], best,
                  block);
    }
    char title[128];
    snprintf(title, sizeof title, "best point %ld (score %.3f) ringed", best, top);
    cr_expect(strstr(text, title), "%s not in the title", title);
    e2e_rmrf(tmp);
}

/* The inference figures with two inferred parameters (tests/data/infer_pairs.cfg):
 * `pairs`, the last generation's particles over generation 0's (the heaviest
 * particle the largest dot), and `predictive`, each target's observed value
 * against each model's interval, with the values of predictive.csv. */
Test(plot, inference_pairs_and_predictive, .timeout = 120)
{
    char tmp[64], dir[256], path[512], text[1 << 16];
    plot_written("infer tests/data/infer_pairs.cfg", "pairs", tmp, dir, sizeof dir);
    looks blue = {BLUE, 0.004, 0}, green = {GREEN, 0.002, 0};
    check_figure(dir, "pairs", &blue);
    check_figure(dir, "predictive", &green);

    /* pairs: the uniform model's (A.p, B.p), prior rows (generation flag 0, size
     * 0.35) then posterior rows (flag 1) sized 0.4 + 1.6 sqrt(w / w_max): the
     * heaviest exactly 2, none below 0.4; the fair model fixes A.p: no panel */
    snprintf(path, sizeof path, "%s/figures/posterior_pairs.csv", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "# model uniform, actors.B.rule_params.p against "
                           "actors.A.rule_params.p\n"), "%.200s", text);
    cr_expect_null(strstr(text, "# model fair"));
    int prior = 0, posterior = 0, biggest = 0, flag;
    double x, y, size;
    for (char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (sscanf(l, "%lf,%lf,%lf,%d", &x, &y, &size, &flag) != 4)
            continue;
        cr_expect(x >= 0 && x <= 1 && y >= 0 && y <= 1, "%.60s", l);
        if (flag == 0) {
            prior++;
            cr_expect(size == 0.35, "%g", size);
        } else {
            cr_expect(prior > 0, "a posterior row before the prior's");
            posterior++;
            cr_expect(size >= 0.4 && size <= 2.0 + 1e-12, "%g", size);
            biggest += fabs(size - 2.0) < 1e-9;
        }
    }
    cr_expect(prior > 0 && posterior > 0 && biggest >= 1, "%d %d %d", prior, posterior, biggest);

    /* predictive: a block per target, a row per model with predictive.csv's values */
    snprintf(path, sizeof path, "%s/predictive.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[512], row[256];
    snprintf(path, sizeof path, "%s/figures/predictive_checks.csv", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "# target actors.A.coop_rate\n") &&
              strstr(text, "# target actors.B.coop_rate\n"), "%.300s", text);
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char model[32], target[64], in[8];
        double obs, mean, sd, q[3], pb;
        if (sscanf(line, "%31[^,],%63[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%7s", model, target, &obs,
                   &mean, &sd, &q[0], &q[1], &q[2], &pb, in) != 10)
            continue;
        snprintf(row, sizeof row, ",%s,%.10g,%.10g,%.10g,%.10g,%d\n", model, obs, q[0], q[1],
                 q[2], strcmp(in, "true") == 0);
        cr_expect(strstr(text, row), "no row %s in %s", row, text);
        rows++;
    }
    fclose(f);
    cr_expect(rows == 4, "%d rows", rows); /* 2 models x 2 targets */
    snprintf(path, sizeof path, "%s/figures/predictive.gp", dir);
    e2e_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "set arrow from 0.35, graph 0 to 0.35, graph 1 nohead"), "%.2000s",
              text);
    cr_expect(strstr(text, "set ytics (\"uniform\" 1, \"fair\" 2)"), "%.2000s", text);
    e2e_rmrf(tmp);
}
