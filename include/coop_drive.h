/* coop_drive.h: the only sweep driver: a resumable sweep driven from start to
 * finish, and the points of a sweep run into a command's own sink.
 *
 * `coopsim sweep` and `coopsim hypothesis` over a sweep run the same way: open
 * (or resume) the sweep directory (coop_output.h), run the points not done yet,
 * all their worlds and replicates, through a progress bar into it
 * (coop_progress.h, coop_experiment.h), and close it.  On an interruption the
 * complete points are kept and the message says how to finish the sweep; on a
 * failure too.  The callers say only what differs: the worlds, how a point's
 * world is built, and the command named in the hints. */
#ifndef COOP_DRIVE_H
#define COOP_DRIVE_H

#include <signal.h>
#include <stdio.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_sweep.h"

typedef struct coop_drive_opts {
    const char *dir;              /* the sweep directory */
    const char *command;          /* "sweep" or "hypothesis": named in the resume hints */
    const char *command_line;     /* recorded in the manifest's run group */
    int threads;                  /* --threads (0: the default) */
    int force, resume;            /* --force, --resume (they exclude each other) */
    FILE *progress;               /* the progress bar's terminal, NULL for none */
    int quiet;                    /* say nothing when there is nothing to resume */
    const volatile sig_atomic_t *stop; /* the stopping signal, set by a handler; 0 none */
} coop_drive_opts;

/* Runs the n_worlds worlds (world_names) of every point of sw that the directory
 * does not hold yet, point p's world w built by make(ctx, p, w, ...).  *ran is 0
 * when the directory already holds the complete sweep (nothing run or written,
 * COOP_OK; unless quiet, stderr says so), else 1.  Errors: --force with --resume, the directory's (it exists,
 * differs from cfg, ...), COOP_EINTR when stopped ("interrupted by SIGINT after N
 * of M points, written to DIR/; finish the sweep with: coopsim COMMAND
 * DIR/manifest.cfg --resume"), or the experiment's with the same hint. */
int coop_drive_sweep(const coop_config *cfg, coop_sweep *sw, int n_worlds,
                     const char *const *world_names, coop_point_cfg_fn make, void *ctx,
                     const coop_drive_opts *o, int *ran, coop_err *err);

/* Every point of sw (the n_worlds worlds of point p built by make(ctx, p, w, ...))
 * through a progress bar (o->progress, o->stop; o->threads) into sink, for a
 * command that keeps its own results of the points (validate over a sweep scores
 * each point; coop_drive_sweep keeps their rows): nothing is written here and
 * o->dir, force and resume are unused.  keep_series: the records carry the
 * per-step arrays.  Returns the experiment's status (COOP_EINTR when stopped). */
int coop_drive_points(const coop_config *cfg, coop_sweep *sw, int n_worlds,
                      const char *const *world_names, coop_point_cfg_fn make, void *ctx,
                      int keep_series, const coop_drive_opts *o, const coop_sink *sink,
                      coop_err *err);

/* coop_drive_points from point `done` on (points 0 .. done-1 are the caller's
 * already, from an interrupted run: coopsim sensitivity --resume); the progress
 * bar counts them as done.  The items and their seeds are those of the whole run. */
int coop_drive_points_from(const coop_config *cfg, coop_sweep *sw, int done, int n_worlds,
                           const char *const *world_names, coop_point_cfg_fn make, void *ctx,
                           int keep_series, const coop_drive_opts *o, const coop_sink *sink,
                           coop_err *err);

/* The world names of a sweep of the factual world alone: {"factual"}. */
extern const char *const coop_drive_factual[1];

/* A coop_point_cfg_fn for a sweep of one world: point p's configuration of the
 * coop_sweep *sw (coop_sweep_config). */
int coop_drive_sweep_point(void *sw, int point, int world, coop_config *cfg, coop_err *err);

/* The work of that sweep as a worker rank of build/coopsim-mpi serves it
 * (coop_experiment_worker): the same plans, point p's world w built by make. */
coop_work coop_drive_sweep_work(const coop_config *cfg, const coop_sweep *sw, int n_worlds,
                                const char *const *world_names, coop_point_cfg_fn make,
                                void *ctx);

/* "SIGINT", "SIGTERM" or "a signal": for the messages of stopped commands. */
const char *coop_drive_signal_name(int sig);

#endif
