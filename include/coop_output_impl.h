/* coop_output_impl.h: the inside of the results directory, shared by the two
 * files that write it and by nothing else: sim/output/output.c (a run's directory,
 * written into DIR.tmp.PID and renamed; the manifest; replacing a directory) and
 * sim/output/output_sweep.c (a sweep's directory, written in place and resumable).  The
 * interface is coop_output.h. */
#ifndef COOP_OUTPUT_IMPL_H
#define COOP_OUTPUT_IMPL_H

#include <sys/types.h>
#include <time.h>

#include "coop_fmt.h"
#include "coop_output.h"
#include "coop_stats.h"

/* The files, in the order they are opened and closed. */
enum { F_MANIFEST, F_SERIES, F_TIES, F_POP, F_SUMMARY, F_MILESTONES, F_OUTCOMES, N_FILES };

extern const char *const coop_out_file_name[N_FILES];

/* A file being written; the first failed write is remembered with its errno. */
typedef coop_csv csv;

struct coop_output {
    char *dir;              /* the final name */
    char *tmp;              /* DIR.tmp.PID */
    int force;
    char **made;            /* parent directories open created, outermost first */
    size_t n_made;
    coop_series series;
    csv file[N_FILES];      /* f NULL where the series mode omits the file */

    /* the layout every record must have */
    int n_steps;
    size_t n_actors, n_ties, n_obs, n_levels;

    /* per-step summaries of the current (point, world): [n_steps][cells] */
    size_t cells;           /* n_actors * actor metrics + n_ties * tie columns + pop metrics */
    coop_acc *acc;
    double tcache[1024];    /* t_{0.975, n-1} by n, 0 = not computed yet */

    /* sweep mode (coop_output_open_sweep; see "Sweeps" below) */
    int sweep;              /* files are DIR/NAME.part, appended in whole points */
    int n_points, n_worlds;
    int points_done;        /* points whose rows are all written (not necessarily synced) */
    off_t done_size[N_FILES];   /* file sizes after those points */
    int synced_points;      /* points_done of the last checkpoint in progress.csv */
    off_t sync_size[N_FILES];   /* the sizes that checkpoint recorded */
    struct timespec last_sync;
    double checkpoint_seconds;  /* least time between checkpoints */
    int progress_fd;        /* DIR/progress.csv, locked while open; -1 when none */
    char *cfg_text;         /* the resolved configuration, the manifest's first part */
    coop_run_info info;     /* this invocation's start, for the manifest */
    int made_dir;           /* open created DIR (removed again if open fails) */
    unsigned char part[N_FILES];  /* the data files of the series mode (NAME.part) */
    csv snap;               /* snapshots.csv: opened by the first record that carries
                             * snapshots (coopsim run's replicate 0), else never */
    int snapshots;          /* the configuration takes snapshots (output.snapshots) */
    coop_bytes rows;        /* a record's milestones.csv and outcomes.csv rows, reused */

    /* Direct writes under MPI (coop_sink_files, docs/CLUSTER.md): the files
     * milestones.csv and outcomes.csv as the sink offers them to the engine,
     * their paths, and while commit only reserves their ranges (placing), the
     * running offsets, which then replace the stdio positions; a sweep's complete
     * points whose rows may not be durable yet wait in pend for a checkpoint. */
    coop_sink_files files;
    char *files_path[2];
    int placing;
    off_t next[N_FILES];
    struct coop_out_done { int points; off_t size[N_FILES]; } *pend;
    size_t n_pend, cap_pend;
};

#define SNAP_FILE "snapshots.csv"

/* ---- sim/output/output.c ---- */

/* A malloc'ed printf; NULL when out of memory. */
char *coop_out_dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* COOP_EIO with the file's name when a write to any open file of out failed. */
int coop_out_check_all(const coop_output *out, coop_err *err);

/* Removes path and everything under it, not following symbolic links; 0 or -1. */
int coop_out_remove_tree(const char *path);

/* fsync of a directory; 0 or -1. */
int coop_out_sync_dir(const char *path);

/* The parent directory of path (malloc'ed; "." for a bare name), NULL when out of memory. */
char *coop_out_parent_of(const char *path);

/* Removes coopsim's entries of dir (coop_output_is_ours); 0 or -1. */
int coop_out_remove_ours(const char *dir);

/* 1 when dir holds manifest.cfg or nothing (a directory we may replace). */
int coop_out_replaceable(const char *dir);

/* Creates the missing parents of out->dir, recording them in out->made. */
int coop_out_make_parents(coop_output *out, coop_err *err);

/* Closes what is open and frees out; removes nothing. */
void coop_out_release(coop_output *out);

/* A new coop_output for dir (refused when "", "/", "." or "..", trailing slashes
 * dropped) with cfg's layout; nothing created on disk.  NULL with err filled. */
coop_output *coop_out_new(const char *dir, const coop_config *cfg, int force, coop_err *err);

/* The header rows of the open data files. */
void coop_out_write_headers(coop_output *out, const coop_config *cfg);

/* The manifest's `run` group of info. */
void coop_out_put_run_group(csv *c, const coop_run_info *info);

/* ---- sim/output/output_rows.c ---- */

/* Appends to out a record's rows of milestones.csv (len[0] bytes), then of
 * outcomes.csv (len[1] bytes), as both write paths write them. */
int coop_out_rows(const coop_item *it, const coop_record *rec, coop_bytes *out,
                  uint32_t len[2], coop_err *err);

/* The commit stage of coop_output_sink: checks the layout of a record prepared by
 * coop_output_prepare and appends its rows, or with p->at only reserves their
 * ranges (direct writes). */
int coop_out_commit(coop_output *out, const coop_item *it, const coop_prepared *p,
                    coop_err *err);
/* Its commit_run (direct writes): the run's head (the layout its items share)
 * checked as coop_out_commit checks one and their ranges reserved together, the
 * first at at[0] and at[1]. */
int coop_out_commit_run(coop_output *out, const coop_item *first, const coop_run *run,
                        long long *at, coop_err *err);

/* Fills out->files (milestones.csv and outcomes.csv, open) for direct writes;
 * COOP_OK, or COOP_ENOMEM / COOP_EINVAL when they cannot be offered. */
int coop_out_files(coop_output *out);

/* The size of data file k as the complete rows so far make it: its running
 * offset while commit reserves ranges, else its stdio position (flushed).  -1
 * on failure. */
off_t coop_out_file_end(coop_output *out, int k);

/* ---- sim/output/output_sweep.c ---- */

/* The sink's end of a point of a sweep: its rows complete, a checkpoint when due. */
int coop_out_sweep_point_done(coop_output *out, int point, coop_err *err);

/* coop_output_abort and coop_output_close of a sweep (coop_output.h). */
void coop_out_sweep_abort(coop_output *out);
int coop_out_sweep_close(coop_output *out, const coop_run_info *info, coop_err *err);

#endif
