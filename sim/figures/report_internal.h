/* report_internal.h: what the files of `coopsim report` share (private to
 * sim/figures/report*.c): the page being written and the helpers that write its
 * parts.  report.c writes the page (head, sections, manifest); report_table.c the
 * tables of CSV files and the verdict text; report_figures.c the embedded
 * figures. */
#ifndef COOP_REPORT_INTERNAL_H
#define COOP_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_report.h"

#define RPT_PATH 4096

/* The page being written. */
typedef struct rpt {
    const char *dir;          /* the results directory */
    FILE *f;                  /* the page (its temporary file) */
    long max_rows;            /* rows shown per table */
    const coop_report_opts *opts;
    coop_config cfg;          /* the manifest, loaded */
    char kind[32];            /* run.subcommand ("hypothesis", ...); "" when not recorded */
    int n_tables;             /* tables written so far (their ids) */
} rpt;

/* dir/name into buf; COOP_EINVAL when it does not fit. */
int rpt_join(char *buf, size_t size, const char *dir, const char *name, coop_err *err);

/* 1 when path is a regular file. */
int rpt_is_file(const char *path);

/* A table of CSV file dir/name with a caption: the header row as column headers,
 * the first r->max_rows records (those whose column `col` equals `val`, or differs
 * from it when `neg`; every record when col is NULL), then a line saying how many
 * matching records were left out and where they are.  Long fields and wide files
 * are cut, saying so.  Nothing is written when the file is absent; COOP_EIO or
 * COOP_ECONFIG when it cannot be read. */
int rpt_csv_table(rpt *r, const char *name, const char *caption, const char *col,
                  const char *val, int neg, coop_err *err);

/* The verdict section of a hypothesis directory: the table and headline that
 * `coopsim hypothesis` printed, recomputed from outcomes.csv. */
int rpt_verdict(rpt *r, coop_err *err);

/* The figures section: every PNG of dir/figures embedded, drawn first when there
 * is none. */
int rpt_figures(rpt *r, coop_err *err);

#endif
