/* coop_report.h: `coopsim report RESULTS_DIR`, one self-contained HTML page per
 * results directory (docs/OUTPUT.md, "report.html").
 *
 * The page holds what the directory holds, readable without JavaScript or network
 * access and printable: what kind of directory it is and what each of its files
 * contains; for a hypothesis test the verdict table as `coopsim hypothesis`
 * prints it (recomputed from outcomes.csv, exactly as the command computed it);
 * the results tables (hypothesis, channels, validation, tournament, sensitivity,
 * inference), each bounded to its first rows with the number left out said; the
 * figures of `coopsim plot` embedded as base64 PNG data: URIs, each with alt text
 * saying what it shows (drawn first, into RESULTS_DIR/figures/, when the directory
 * has none); the manifest verbatim; the command that reproduces the results; the
 * software version.  Every text taken from a file is HTML-escaped. */
#ifndef COOP_REPORT_H
#define COOP_REPORT_H

#include <stdio.h>

#include "coop_error.h"

/* Rows of a table shown when the caller gives none. */
#define COOP_REPORT_ROWS 200

/* How `coopsim report` runs. */
typedef struct coop_report_opts {
    const char *out;       /* the page; NULL = RESULTS_DIR/report.html */
    long max_rows;         /* rows shown per table; <= 0: COOP_REPORT_ROWS */
    int no_plot;           /* 1: never draw figures, embed only those already there */
    FILE *log;             /* a line per figure drawn and a note when none can be; NULL:
                              silent */
    const char *gnuplot;   /* as coop_plot_opts.gnuplot; NULL = "gnuplot" on PATH */
} coop_report_opts;

/* Writes the report of results directory dir.  The page is written to a
 * temporary name beside its final one and renamed into place, so a failed report
 * leaves no partial page (and an older page as it was).  When dir/figures holds
 * no PNG, the figures are drawn first as `coopsim plot dir` does (coop_plot);
 * when none can be drawn (gnuplot missing, nothing to plot) the page says why and
 * is written without figures.  Returns COOP_OK; COOP_ECONFIG when dir is missing,
 * not a directory or not a results directory (no manifest.cfg), or its manifest
 * does not load; COOP_EIO when a file cannot be read or the page cannot be
 * written; COOP_ENOMEM. */
int coop_report(const char *dir, const coop_report_opts *opts, coop_err *err);

/* Appends s HTML-escaped (&, <, >, ", ') to f; n bytes, or up to its NUL when n
 * is (size_t)-1.  Control characters other than tab and line feed are written as
 * U+FFFD; other bytes as they are (the page is UTF-8, as coopsim's files are). */
void coop_report_escape(FILE *f, const char *s, size_t n);

#endif
