/* coop_progress.h: what a long experiment shows while it runs, and how it stops.
 *
 * A coop_progress wraps the sink of an experiment: it counts the replicate runs
 * delivered, draws a progress bar (runs done of the total, points for sweeps,
 * runs per second, time left) on a terminal at most five times a second, and
 * stops the experiment (COOP_EINTR from the sink) once *stop is set, which is
 * what a SIGINT or SIGTERM handler does.  Runs are delivered in order, so the
 * points done are the runs done divided by the runs per point. */
#ifndef COOP_PROGRESS_H
#define COOP_PROGRESS_H

#include <signal.h>
#include <stdio.h>

#include "coop_error.h"
#include "coop_experiment.h"

typedef struct coop_progress coop_progress;

/* tty: where to draw (NULL: draw nothing; pass stderr only when it is a terminal
 * and --quiet is off).  total_points points of runs_per_point runs each, of which
 * done_points were done before (a resumed sweep); total_points = 1 draws runs
 * only.  stop: the flag a signal handler sets, or NULL.  NULL on allocation
 * failure. */
coop_progress *coop_progress_alloc(FILE *tty, int total_points, int done_points,
                                   long long runs_per_point, const volatile sig_atomic_t *stop);

/* The sink to give the experiment: forwards every call to inner (which must
 * outlive p), counting and drawing; returns COOP_EINTR ("interrupted") instead
 * once *stop is set. */
coop_sink coop_progress_sink(coop_progress *p, const coop_sink *inner);

/* The runs done so far (including those done before). */
long long coop_progress_runs(const coop_progress *p);

/* Draws the final state and ends the line (when anything was drawn); frees p.
 * NULL does nothing. */
void coop_progress_free(coop_progress *p);

#endif
