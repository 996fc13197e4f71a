/* coop_plot.h: `coopsim plot RESULTS_DIR`, the figures of a results directory.
 *
 * The plot module reads what a results directory holds (manifest.cfg and the CSV
 * files of docs/OUTPUT.md), decides which figures fit, and draws each one with
 * gnuplot (driven through a pipe) into RESULTS_DIR/figures/: for every figure
 * NAME it writes NAME.png, the gnuplot script NAME.gp that drew it and NAME.csv
 * (sometimes NAME_*.csv as well), the few numbers the script plots.  The scripts
 * read their data by relative path, so `cd RESULTS_DIR/figures && gnuplot
 * NAME.gp` redraws the same PNG without coopsim (docs/FIGURES.md). */
#ifndef COOP_PLOT_H
#define COOP_PLOT_H

#include <stdio.h>

#include "coop_error.h"

/* How `coopsim plot` runs. */
typedef struct coop_plot_opts {
    FILE *log;            /* one line per figure written ("DIR/figures/NAME.png: what");
                             NULL = silent */
    const char *gnuplot;  /* the gnuplot program; NULL = "gnuplot", searched on PATH */
} coop_plot_opts;

/* Draws every figure that fits the results directory `dir` (docs/FIGURES.md
 * says which file gives which figure).  Returns COOP_OK when at least one figure
 * was written.  COOP_ECONFIG when dir is not a results directory (no
 * manifest.cfg), its manifest does not load, a results file is malformed, or
 * nothing in it can be plotted (err->text names the files a figure needs);
 * COOP_EIO when gnuplot is missing (err->text names the Debian package,
 * gnuplot-nox), a file cannot be written or gnuplot fails on a figure;
 * COOP_ENOMEM.  The figures go to dir/figures (coop_plot_into: outdir); they are drawn
 * in a temporary sibling folder (.NAME.tmp-PID) that takes the folder's place
 * only once every figure is drawn, keeping the files in it that coopsim plot did
 * not write (coop_dir_replace); on any failure the temporary folder is removed
 * and the old figures are left exactly as they were. */
int coop_plot(const char *dir, const coop_plot_opts *opts, coop_err *err);

/* coop_plot with the figures in the folder outdir (`plot -o OUT`); NULL outdir
 * is dir/figures. */
int coop_plot_into(const char *dir, const char *outdir, const coop_plot_opts *opts,
                   coop_err *err);

/* The agreement level an observed milestone of configs/data/eu_ca_timeline.csv
 * marks, from its `kind` and `what` columns, for a scenario with n_levels levels
 * (level 0 = none): a Partnership and Cooperation Agreement signed is level 1,
 * in force level 2 (when n_levels > 2), an Enhanced PCA signed the top level
 * n_levels - 1.  0 for every other row (energy memoranda, interim agreements,
 * programmes, ...). */
int coop_plot_timeline_level(const char *kind, const char *what, int n_levels);

#endif
