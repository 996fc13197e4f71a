/* plot_internal.h: what the files of `coopsim plot` share (private to sim/plot*.c).
 *
 * The plot run (plot), the common figure size, palettes and verdict codes, the
 * gnuplot helpers of plot_gnuplot.c (a figure's script and data files, pages of
 * panels, shared labels and styles), the outcomes.csv and hypothesis.csv tables
 * of plot_hypothesis.c that the sweep figures reuse, and the entry point of each
 * figure family that plot.c calls: plot_series.c (time series, agreements),
 * plot_hypothesis.c (forest plot), plot_sweep.c (sweeps, calibration),
 * plot_classic.c (tournament, lattice snapshots), plot_validation.c. */
#ifndef COOP_PLOT_INTERNAL_H
#define COOP_PLOT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "coop_config.h"
#include "coop_csv.h"
#include "coop_error.h"
#include "coop_plot.h"
#include "coop_stats.h"

#define FIG_W 1200
#define FIG_H 800
#define BUF 4096

/* Okabe-Ito, in the order curves take them (yellow last: weak on white). */
#define N_COLOURS 8
extern const char *const colour[N_COLOURS];

/* Verdicts: codes in the derived CSV files, colours, marks for grey-scale print. */
enum { V_CONTRADICTED, V_INCONCLUSIVE, V_SUPPORTED, V_NEGLIGIBLE, N_VERDICTS };
extern const char *const verdict_name[N_VERDICTS];
extern const char *const verdict_colour[N_VERDICTS];
extern const char *const verdict_mark[N_VERDICTS];

/* Agreement levels 1, 2, ...: Okabe-Ito, light to dark. */
extern const char *const level_colour[5];

/* The sequential palette (viridis) of heat maps, as a gnuplot command. */
extern const char *const seq_palette;

/* Strings interned in first-seen order. */
typedef struct strtab {
    char **s;
    size_t n, cap;
} strtab;

/* One `coopsim plot` run: the results directory read, where figures go. */
typedef struct plot {
    const char *dir;
    char figdir[BUF];       /* where figures are drawn: the temporary sibling of outdir */
    char outdir[BUF];       /* where they end up: DIR/figures, or -o OUT */
    char gnuplot[BUF];
    int cairo;              /* pngcairo available */
    FILE *log;
    coop_config cfg;
    char about[COOP_NAME_MAX + 96];   /* "eu_ca, seed 1991, 100 replicates" */
    int n_figures;
    strtab worlds;          /* world names as first met in the files read */
    strtab outcomes;        /* coop_outcome_names, then others as first seen */
    /* points.csv (a single point 0 without parameters when absent) */
    size_t n_points;
    long *point_id;
    size_t n_params;
    char **param;           /* column names (owned) */
    double *pv;             /* pv[i * n_params + j] */
} plot;

/* A figure being written: its script accumulates in memory, then goes to
 * figures/NAME.gp and through the pipe into gnuplot. */
typedef struct fig {
    char name[128];
    char *text;
    size_t len;
    FILE *gp;
} fig;

/* A page of panels: gnuplot's multiplot with every panel placed explicitly
 * (margins at screen coordinates), so that all panels have the same size, the
 * titles have room above and one shared legend spans the width below. */
typedef struct page {
    int n, rows, cols;
    int kind;
    int key_rows, key_cols;  /* the shared legend (0 rows: none) */
    double left, right, top, bottom, xsp, ysp, pw, ph;  /* pixels */
} page;

/* PAGE_PLAIN: one y axis label for the row; PAGE_UNITS: each panel its own y
 * label (room between columns); PAGE_MAP: a colour box right of each panel;
 * PAGE_FOREST: wide row labels left of each panel. */
enum { PAGE_PLAIN, PAGE_UNITS, PAGE_MAP, PAGE_FOREST };

#define MAX_WORLDS (2 + COOP_MAX_PLACEBO + 6)
#define MAX_OUTCOMES 16

/* outcomes.csv summarised over replicates: acc[(row * MAX_WORLDS + world) *
 * MAX_OUTCOMES + outcome]. */
typedef struct odata {
    coop_acc *acc;
} odata;

/* One row of hypothesis.csv. */
typedef struct hrow {
    int row, cmp, outcome, verdict;  /* verdict -1: not given */
    double mean_a, mean_b, diff, lo, hi;
    long n;                          /* replicates behind the difference; -1: not given */
    int state;                       /* in hdata.states (sr rows); -1: a pooled row */
} hrow;

/* hypothesis.csv, indexed by point row, comparison and outcome. */
typedef struct hdata {
    hrow *r;
    size_t n, cap;
    strtab cmp;        /* comparisons as first met: counterfactual, placebo:NAME, ... */
    int n_rows;        /* distinct points */
    int *index;        /* [(row * cmp.n + cmp) * MAX_OUTCOMES + outcome]: row of r, or -1 */
    hrow *sr;          /* the per-state and like-for-like rows (state not "all") */
    size_t sn, scap;
    strtab states;     /* their states as first met: "common", state names */
} hdata;

/* ---- plot_gnuplot.c: helpers, running gnuplot, figures and pages */

/* The index of s, or -1. */
int strtab_find(const strtab *t, const char *s);

/* The index of s, added when new; -1 when out of memory. */
int strtab_add(strtab *t, const char *s);

/* Frees the strings and empties the table. */
void strtab_free(strtab *t);

/* A name as it may appear in a CSV header or a gnuplot string: no separators,
 * quotes or control characters. */
void safe_name(char *dst, size_t size, const char *src);

/* Writes s as a double-quoted gnuplot string (backslash escapes, \n for a line break). */
void gq(FILE *o, const char *s);

/* A real for a data file: %.10g like the results files, NA for NaN. */
void put_num(FILE *o, double x);

/* dir/name into buf; COOP_EINVAL when it does not fit. */
int plot_join(char *buf, size_t size, const char *dir, const char *name, coop_err *err);

/* Whether path is a regular file. */
int plot_is_file(const char *path);

/* The row of points.csv of point id, or -1. */
int point_row(const plot *p, long id);

/* Parameters whose value differs between points, into var[]; returns their number. */
size_t varying_params(const plot *p, size_t *var);

/* "demonstration=0.2, noise=0.05" for the point in row i. */
void point_label(const plot *p, int row, char *buf, size_t size);

/* The data file of a figure, written with every error checked at close. */
FILE *data_open(plot *p, const char *file, coop_err *err);

/* Closes a data file; COOP_EIO when any write to it failed. */
int data_close(plot *p, FILE *f, const char *file, coop_err *err);

/* Starts NAME.gp: what it shows, where its data come from, the common style. */
int fig_open(plot *p, fig *f, const char *name, const char *what, const char *data,
             const char *source, coop_err *err);

/* Frees a figure's script (after fig_draw, or instead of it). */
void fig_discard(fig *f);

/* Runs gnuplot in figures/ with `script` on its standard input (stderr to log);
 * *ok = 1 when it exits with status 0. */
int pipe_gnuplot(plot *p, const char *script, size_t len, const char *log, int *ok,
                 coop_err *err);

/* Finishes the script, writes NAME.gp, runs it, checks NAME.png, logs a line. */
int fig_draw(plot *p, fig *f, const char *what, coop_err *err);

/* The panel size from the margins and spacings (after a caller changes them). */
void page_fit(page *pg);

/* Opens the page: n panels under a title (lines separated by \n; the run line is
 * added); room for n_keys legend entries (the longest key_chars characters)
 * below the panels (none when n_keys < 2). */
void page_open(const plot *p, FILE *g, page *pg, int n, int kind, const char *title,
               int n_keys, int key_chars);

/* Places panel k of the page and sets its title and axis labels: y on the first
 * column only (the middle row of three or more; every panel on a PAGE_UNITS
 * page), x on the lowest panel of each column (or on every panel). */
void page_panel(FILE *g, const page *pg, int k, const char *title, const char *xlabel,
                const char *ylabel, int every_x);

/* Starts the shared legend below the panels (a last, empty plot across the
 * width whose key lists the entries): the caller appends its elements, each as
 * ", keyentry ...", and ends the line.  0 when the page has no legend. */
int page_legend(FILE *g, const page *pg);

/* Ends the page (unset multiplot). */
void page_close(FILE *g);

/* The label of the time axis: the configuration's time.unit. */
const char *time_label(const plot *p);

/* The time axis: the scenario's years, at most ~5 labels per panel of a
 * three-column page. */
void time_axis(const plot *p, FILE *o, int cols);

/* The order worlds are drawn and listed in: factual, counterfactual, then the
 * others (placebos) as first met. */
int world_rank(const plot *p, int world);

/* Dash pattern by world: factual solid, counterfactual dashed, placebos others. */
int world_dash(const plot *p, int world);

/* A round tic step (1, 2, 2.5 or 5 times a power of ten) that cuts span into at
 * most `most` intervals. */
double nice_step(double span, int most);

/* ---- plot_infer.c: `coopsim infer` (posterior.csv): prior and posterior marginals,
 * model probabilities per generation */
int plot_infer(plot *p, coop_err *err);

/* ---- plot_hypothesis.c: outcomes.csv, hypothesis.csv and the forest plot */

/* The accumulator of (point row, world, outcome). */
coop_acc *oacc(const odata *od, int row, int world, int outcome);

/* Reads outcomes.csv into od (worlds and outcomes interned in p as first met). */
int load_outcomes(plot *p, odata *od, coop_err *err);

/* Reads hypothesis.csv into h. */
int load_hypothesis(plot *p, hdata *h, coop_err *err);

/* The row of hypothesis.csv for (point row, comparison, outcome), or NULL. */
const hrow *hfind(const hdata *h, int row, int cmp, int outcome);

/* Units of an outcome (docs/ODD.md, "7.8 Observation") and whether the thesis predicts it
 * smaller (then hypothesis.csv orients its difference as other - factual; see
 * coop_hypothesis_orientation). */
const char *outcome_unit(const char *name, int *fewer);

/* Whether every value of outcome `name` is a share in [0, 1] (its interval is then
 * taken on the logit scale, coop_acc_summary_share). */
int outcome_is_share(const char *name);

/* The name of the primary outcome (cfg->hyp.primary), or NULL. */
const char *primary_outcome(const plot *p);

/* "Hypothesis: KZ's motivator role raises cooperation with EU" */
void hypothesis_name(const plot *p, char *buf, size_t size);

/* Figure 4: the forest plot of a hypothesis test at one point. */
int plot_forest(plot *p, const hdata *h, coop_err *err);

/* The per-state figure of a hypothesis test at one point (`states`): the primary
 * outcome's difference per state, pooled and on the placebo's common set, one
 * panel per comparison.  Nothing when hypothesis.csv has no per-state rows. */
int plot_states(plot *p, const hdata *h, coop_err *err);

/* ---- plot_survival.c */

/* The Kaplan-Meier figure of a hypothesis test at one point (`survival`): per
 * state that can reach the top level, the share of replicates still below it
 * over time, a step curve per world.  Nothing without per-state rows. */
int plot_survival(plot *p, coop_err *err);

/* ---- plot_channels.c: the channel decomposition (channels.csv) */

/* The total effect's Shapley split and the factorial terms of the primary
 * outcome, at the first point of channels.csv. */
int plot_channels(plot *p, coop_err *err);

/* ---- plot_series.c: time series and agreements */

/* Figures 1, 2 and 6: cooperation toward the target per actor, the target's
 * engagement, the population's cooperator share. */
int plot_series(plot *p, coop_err *err);

/* Figure 3: per tie, the share of replicates that have reached each agreement
 * level by each date (from milestones.csv), with the observed milestones.  The
 * factual world (solid) and, in hypothesis results, the counterfactual (dashed):
 * placebo worlds are left to the forest plot. */
int plot_agreements(plot *p, coop_err *err);

/* ---- plot_sweep.c: sweeps and calibration */

/* Figure 5: the sweep figures. */
int plot_sweep(plot *p, const odata *od, const hdata *h, coop_err *err);

/* Figure 5d: a calibration sweep (`coopsim validate` with a sweep group): the
 * combined validation score of every point against each swept parameter, the
 * best point ringed. */
int plot_calibration(plot *p, coop_err *err);

/* ---- plot_classic.c: classic models (tournament, lattice snapshots) */

/* The tournament figure: the median score per turn per opponent of each
 * strategy (the ranking statistic), bars from 0 in rank order (rank 1 on top),
 * labelled with their values, with the payoffs per turn of mutual cooperation
 * (R) and mutual defection (P) of the game as light reference lines; then, when
 * the directory has matrix.csv, the per-pair heat map. */
int plot_tournament(plot *p, coop_err *err);

/* Figure 7: the lattice at the configured snapshot steps of replicate 0 (C and D
 * as two colours), from snapshots.csv.  Only for a lattice network: other
 * networks have no layout that would place their nodes meaningfully on a page.
 * figures/snapshots.csv holds one block per panel (step,row,col,coop, row-major,
 * blocks separated by two blank lines so that gnuplot's `index` picks a panel;
 * pandas and R skip blank lines), drawn `with image`, one pixel per node. */
int plot_snapshots(plot *p, coop_err *err);

/* ---- plot_validation.c: validation */

/* The validation figure at one point: per target a dot at its score (0-1, the
 * one scale every target shares), filled when it passes and open when it does
 * not, the combined score apart below; beside it, as text in each target's own
 * units, the observed value, the simulated mean with its 95% CI, the tolerance
 * and the verdict. */
int plot_validation(plot *p, coop_err *err);

/* ---- plot_sensitivity.c */

/* The indices of sensitivity.csv, a panel per output (coopsim sensitivity). */
int plot_sensitivity(plot *p, coop_err *err);

#endif
