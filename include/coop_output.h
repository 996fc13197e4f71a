/* coop_output.h: the results directory (docs/OUTPUT.md describes every file).
 *
 * coop_output_open creates a temporary sibling directory DIR.tmp.PID, writes the
 * resolved configuration into its manifest.cfg and opens the CSV files that the
 * configuration's series mode asks for, each with its header row.  The sink of
 * coop_output_sink writes the rows of each replicate as the experiment delivers
 * them and accumulates the per-step summaries, which it writes when a (point,
 * world) is done.  coop_output_close appends the manifest's `run` group, flushes
 * and syncs every file, and renames the temporary directory to DIR: readers see
 * either no DIR (or the old one) or the complete new one, never a half-written
 * file.  On any failure nothing is left behind: neither the temporary directory
 * nor the parent directories that open created.
 *
 * Files per series mode (cfg->series):
 *   none:    manifest.cfg, milestones.csv, outcomes.csv
 *   summary: the above and summary.csv
 *   full:    the above and series.csv, ties.csv, population.csv
 * and, in every mode, snapshots.csv when a record carries snapshots (coopsim run
 * with output.snapshots: replicate 0; see coop_experiment.h), created by the
 * first such record: step,time,node,row,col,coop, row and col the node's place
 * on a lattice network (NA otherwise).  A sweep's directory never has it.
 *
 * Numbers are written with "%.10g" (dates too: 2000.25), levels and counts as
 * integers, missing values (NaN) as NA, infinities as Inf and -Inf. */
#ifndef COOP_OUTPUT_H
#define COOP_OUTPUT_H

#include <stdio.h>
#include <time.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_sweep.h"
#include "coop_version.h"

typedef struct coop_output coop_output;

/* What the manifest's `run` group records.  Fill it with coop_run_info_start just
 * before the experiment and coop_run_info_finish just after. */
typedef struct coop_run_info {
    const char *command;   /* the command line as one string; NULL writes "" */
    const char *subcommand; /* the coopsim command that writes the directory ("run",
                             * "hypothesis", ...): `coopsim SUBCOMMAND DIR/manifest.cfg`
                             * reproduces it; NULL (coop_run_info_start) writes none */
    int threads;           /* threads used (coop_experiment_threads) */
    time_t started;        /* wall-clock times, written in UTC ISO 8601 */
    time_t finished;
    double wall_seconds;   /* monotonic clock, started to finished */
    const char *status;    /* "complete" */
    struct timespec t0;    /* monotonic clock at start */
} coop_run_info;

/* Records command (not copied: it must outlive info), threads and the start time. */
void coop_run_info_start(coop_run_info *info, const char *command, int threads);

/* Records the end time, the wall seconds since start, and status (a literal). */
void coop_run_info_finish(coop_run_info *info, const char *status);

/* Writes the manifest's `run` group for info (as coop_output_close does) to f,
 * for a command that writes its own manifest.cfg.  COOP_EIO when a write fails. */
int coop_run_info_print(FILE *f, const coop_run_info *info);

/* The command that wrote the results manifest at path (its run.subcommand, e.g.
 * "hypothesis") into buf: 1 when the file has one, 0 when it has none (a
 * configuration, a manifest of an older coopsim) or does not parse. */
int coop_manifest_command(const char *path, char *buf, size_t size);

/* Starts the results directory `dir` for cfg (whose layout, names and series mode
 * every later replicate must share; cfg need not outlive the call).  Missing parent
 * directories are created.  When dir exists: without force, fails with COOP_EINVAL
 * ("exists (use --force to replace it)"); with force, dir is replaced at close,
 * but only if it is a results directory (holds manifest.cfg) or empty, otherwise
 * COOP_EINVAL; its files that are coopsim's are replaced and the others kept
 * (coop_dir_replace with coop_output_is_ours).  I/O failures give COOP_EIO,
 * allocation failures COOP_ENOMEM.  Returns NULL with err filled on failure, having removed whatever it created. */
coop_output *coop_output_open(const char *dir, const coop_config *cfg, int force, coop_err *err);

/* A results directory for a command that writes its own files (validate over a
 * sweep, tournament): like coop_output_open (the same refusals, --force
 * replacement and atomic rename at coop_output_close, the same manifest.cfg), but
 * with manifest.cfg as the only file it writes.  The command writes its files
 * into coop_output_tmpdir(out) and closes them before coop_output_close. */
coop_output *coop_output_open_bare(const char *dir, const coop_config *cfg, int force,
                                   coop_err *err);

/* Writes DIR/points.csv (through points.csv.tmp, synced, renamed): `point`, then
 * one column per swept parameter of sw, one row per point, each value the
 * shortest "%.Ng" that reads back exactly.  The one points.csv writer: sweeps,
 * hypothesis and validate over a sweep.  COOP_EIO or COOP_ENOMEM on failure. */
int coop_output_write_points(const char *dir, const coop_sweep *sw, coop_err *err);

/* The sink that writes the rows of out; give it to coop_experiment_run.  Its
 * callbacks fail with COOP_EIO when a write fails and COOP_EINVAL when a record
 * does not match the layout of the configuration out was opened with.  With
 * series "none" and no snapshots it splits its per-record work (coop_sink):
 * coop_output_prepare below formats each record's rows where it was computed,
 * the commit stage appends them; under MPI it offers milestones.csv and
 * outcomes.csv for direct writes (coop_sink_files: the commit stage only
 * reserves each record's ranges, the rank that computed it writes them, and a
 * sweep's checkpoints wait for coop_experiment_durable_points). */
coop_sink coop_output_sink(coop_output *out);

/* The prepare stage of coop_output_sink (a coop_prepare_fn): the record's rows of
 * milestones.csv and outcomes.csv, exactly as the sink writes them, after a small
 * header with the record's layout.  A worker rank's coop_work.prepare. */
int coop_output_prepare(const coop_item *it, const coop_record *rec, coop_bytes *out,
                        coop_err *err);

/* Finishes the manifest, syncs, and renames the temporary directory to dir
 * (replacing the old one when forced).  Always releases out: on failure (COOP_EIO,
 * or COOP_EINVAL when dir appeared meanwhile and force is off) it removes the
 * temporary directory as coop_output_abort does.  NULL out returns COOP_EINVAL. */
int coop_output_close(coop_output *out, const coop_run_info *info, coop_err *err);

/* Discards everything: closes the files, removes the temporary directory and the
 * parents open created, releases out.  NULL does nothing; an existing dir is
 * never touched. */
void coop_output_abort(coop_output *out);

/* The temporary directory out writes into (for messages and tests, and for a file
 * another module adds to the results: cmd_hypothesis.c has hypothesis.csv written,
 * synced and closed there before coop_output_close renames the directory). */
const char *coop_output_tmpdir(const coop_output *out);

/* ---- replacing a directory (--force, coopsim plot) ----
 *
 * coopsim replaces only what it wrote: the entries of an old directory that are
 * not its own (a notebook, the user's own figures/ folder, ...) are moved into
 * the new one, never deleted. */

/* 1 when NAME is a file a coopsim command writes into a results directory:
 * manifest.cfg, series.csv, ties.csv, population.csv, summary.csv,
 * milestones.csv, outcomes.csv, snapshots.csv, hypothesis.csv, validation.csv,
 * points.csv, progress.csv, tournament.csv, matrix.csv, sensitivity.csv,
 * sensitivity_design.csv, sensitivity_outputs.csv, sensitivity_variance.csv,
 * sensitivity_s2.csv, sensitivity_shares.csv, sensitivity_progress.csv,
 * posterior.csv, generations.csv, models.csv, infer_summary.csv, predictive.csv,
 * posterior_hypothesis.csv, infer_progress.csv, and any of them followed by .part or .tmp.  Everything else (figures/ included) is the user's. */
int coop_output_is_ours(const char *name);

/* Whether entry NAME of directory DIR is coopsim's (replaced) or the user's (kept). */
typedef int (*coop_dir_ours_fn)(const char *dir, const char *name, void *ctx);

/* Puts the complete directory tmp (a sibling of dir, same file system) in dir's
 * place.  When dir exists it is renamed to DIR.old.PID, its entries for which
 * ours() is 0 are moved into tmp (an entry tmp already has is replaced), tmp is
 * renamed to dir, and DIR.old.PID, now holding only coopsim's entries, is
 * removed.  At every instant dir is the old or the new directory.  On failure
 * (COOP_EIO, COOP_ENOMEM) the user's entries go back, dir is the old directory
 * again and tmp is left for the caller to remove.  ours NULL: coop_output_is_ours
 * (a results directory). */
int coop_dir_replace(const char *tmp, const char *dir, coop_dir_ours_fn ours, void *ctx,
                     coop_err *err);

/* Removes path and everything under it, not following symbolic links; 0 or -1. */
int coop_remove_tree(const char *path);

/* ---- sweeps ----
 *
 * A sweep's results directory must outlive an interrupted process, so it is
 * written in place: coop_output_open_sweep creates DIR at once and writes
 *   manifest.cfg    the resolved configuration and a run group with
 *                   status = "running" (rewritten, via manifest.cfg.tmp and a
 *                   rename, as "complete", "interrupted" or "failed");
 *   points.csv      point, then one column per swept parameter (complete from the
 *                   start: written to points.csv.tmp and renamed);
 *   NAME.part       each data file of the series mode, appended in whole points
 *                   (point order), renamed to NAME when the sweep is complete;
 *   progress.csv    one checkpoint per line, appended and fsync'ed after every
 *                   .part file has been fsync'ed: points_done, the size of every
 *                   .part file after those points, and a check value (FNV-1a of the
 *                   line), at most every 0.2 s of writing and at the end; removed
 *                   when the sweep is complete.  It is locked (fcntl) while a
 *                   process writes the sweep.
 * On resume every .part file is cut back to the sizes of the last valid
 * checkpoint (a point written only in part, after a SIGKILL or power loss, is
 * discarded) and the sweep continues from there; the files come out byte-identical
 * to those of an uninterrupted run. */

/* How coop_output_open_sweep starts. */
typedef struct coop_sweep_output_opts {
    const coop_sweep *sweep;      /* the points (for points.csv and their number) */
    int n_worlds;                 /* worlds per point (1 for `coopsim sweep`) */
    int force;                    /* an existing results directory is removed first */
    int resume;                   /* continue the sweep in DIR (a fresh one if DIR is absent) */
    const coop_run_info *info;    /* this invocation (coop_run_info_start), for the manifest */
} coop_sweep_output_opts;

/* Opens a sweep's results directory and sets *points_done to the number of points
 * already written (0 unless resuming): the experiment continues from there, and
 * the sink of coop_output_sink checkpoints point by point.  Errors (NULL, err
 * filled): COOP_EINVAL when DIR exists without force or resume, is not a results
 * directory, or another process holds the sweep; COOP_ECONFIG when resuming with a
 * configuration that differs from DIR/manifest.cfg (the message shows the first
 * differing line); COOP_EIO when a file cannot be written or the files of an
 * interrupted sweep are damaged.  A failed fresh open removes what it created.
 * When the sweep in DIR is already complete it returns NULL with err->code =
 * COOP_OK and *points_done = its number of points, touching nothing.
 *
 * coop_output_close (info->status "complete", every point done) renames the
 * .part files, writes the final manifest and removes progress.csv; with any other
 * status ("interrupted") it cuts the files back to the last complete point,
 * checkpoints it, and records the status in the manifest, leaving DIR ready for
 * --resume.  coop_output_abort does the same with status "failed" as far as the
 * file system lets it (a full disk: back to the last checkpoint); it never removes
 * a sweep directory once open has succeeded.  Both release out. */
coop_output *coop_output_open_sweep(const char *dir, const coop_config *cfg,
                                    const coop_sweep_output_opts *opts, int *points_done,
                                    coop_err *err);

/* ---- resuming a command that puts its directory in place at the end ----
 *
 * `coopsim sensitivity` and `coopsim infer` write into the temporary directory of
 * coop_output_open_bare.  Stopped by SIGINT or SIGTERM, they put in place what they
 * have finished (coop_output_close with info->status "interrupted"): the manifest,
 * and their checkpoint files (docs/OUTPUT.md); `--resume` reads them back, runs the
 * rest into a new temporary directory (force: it replaces DIR at close) and gives
 * the files of an uninterrupted run.  `coopsim infer` also puts its checkpoint in
 * place as DIR once its first generation is done, so that it survives SIGKILL and
 * power loss (coop_infer_ckpt in coop_infer.h; coop_output_write_manifest). */
typedef enum coop_resume_state {
    COOP_RESUME_FRESH,        /* DIR does not exist: start afresh */
    COOP_RESUME_COMPLETE,     /* DIR holds the finished run: nothing to do */
    COOP_RESUME_INTERRUPTED   /* DIR holds an interrupted run of cfg */
} coop_resume_state;

/* What DIR holds for `coopsim COMMAND ... --resume` of cfg.  Errors: COOP_EINVAL
 * when DIR exists but is not a results directory of COOPSIM COMMAND (its run
 * group's subcommand) or its run's status is neither "complete" nor "interrupted"; COOP_ECONFIG when its manifest's configuration
 * (compared as resolved text, as a sweep's resume does) differs from cfg's, the
 * message naming the first differing line. */
int coop_output_resume_state(const char *dir, const coop_config *cfg, const char *command,
                             coop_resume_state *state, coop_err *err);

/* Writes where/manifest.cfg as the manifest of the results directory dir (cfg
 * printed for dir, as coop_output_open does, then info's run group with its
 * status) through manifest.cfg.tmp, synced and renamed, then syncs where: the
 * manifest of a checkpoint a command keeps itself (coopsim infer).  COOP_EIO or
 * COOP_ENOMEM. */
int coop_output_write_manifest(const char *where, const char *dir, const coop_config *cfg,
                               const coop_run_info *info, coop_err *err);

/* The least time between two checkpoints of a sweep: 0.2 s unless set; 0 takes
 * one after every point (tests; a slow disk pays an fsync per file per point). */
void coop_output_set_checkpoint(coop_output *out, double seconds);

#endif
