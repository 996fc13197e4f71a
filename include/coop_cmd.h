/* coop_cmd.h: the drivers of the coopsim commands that run an analysis into a
 * results directory (sim/cli/cmd_*.c): each opens its directory through output.c,
 * runs the experiment or sampler of its analysis module into it, and prints the
 * tables.  The analysis modules (coop_hypothesis.h, coop_infer.h,
 * coop_validate.h, coop_sens.h) compute and write their own files; these put them
 * in place.  Part of the command line, the top of the include flow: commands.c and
 * main.c include this. */
#ifndef COOP_CMD_H
#define COOP_CMD_H

#include "coop_config.h"
#include "coop_error.h"
#include "coop_experiment.h"

/* How `coopsim hypothesis` runs (coop_experiment.h). */
typedef coop_run_opts coop_hyp_opts;

/* `coopsim hypothesis` (sim/cli/cmd_hypothesis.c).  Without a sweep group: builds
 * the worlds of cfg, runs them with cfg->replicates replicates each into the
 * results directory opts->dir
 * (manifest.cfg, outcomes.csv and the per-world files of coop_output.h, plus
 * hypothesis.csv, all renamed into place together), then prints the verdict
 * table; on failure or interruption nothing is left behind.  With a sweep group:
 * the worlds of every point, streamed into a resumable sweep directory
 * (coop_output_open_sweep, n_worlds worlds per point); once the sweep is complete,
 * hypothesis.csv is computed from its outcomes.csv (coop_hypothesis_from_outcomes,
 * one block of rows per point, written to a temporary name and renamed) and a
 * verdict line per point is printed; an interrupted sweep is left ready for
 * --resume (COOP_EINTR).  Returns COOP_OK, COOP_ECONFIG (no motivator, bad
 * options), or the first failure of the output or the experiment. */
int coop_hypothesis_run(const coop_config *cfg, const coop_hyp_opts *opts, coop_err *err);

/* The work of coop_hypothesis_run(cfg, ...) as a worker rank of build/coopsim-mpi
 * serves it (coop_experiment_worker): the same worlds, and points when cfg has a
 * sweep group, as rank 0 runs them.  Returns COOP_OK, or an error with err filled
 * (as coop_hyp_worlds_alloc and coop_sweep_alloc).  Release the work with
 * coop_hypothesis_work_free (a zeroed one does nothing); cfg must outlive it. */
int coop_hypothesis_work(const coop_config *cfg, coop_work *work, coop_err *err);
void coop_hypothesis_work_free(coop_work *work);

/* `coopsim infer CONFIG` (sim/cli/cmd_infer.c): reads the infer group
 * (coop_infer_load), runs the sampler and writes the results directory
 * (manifest.cfg, posterior.csv, generations.csv, models.csv, infer_summary.csv,
 * and predictive.csv unless infer.predictive = 0; docs/OUTPUT.md), a line per
 * generation on standard error unless opts->quiet, and the summary tables on
 * opts->table.  Returns a status with err filled. */
int coop_infer_run(const coop_config *cfg, const coop_run_opts *opts, coop_err *err);

/* `coopsim hypothesis CONFIG --posterior DIR` (sim/cli/cmd_infer.c): the
 * factual/counterfactual comparison over the posterior in DIR
 * (coop_infer_hypothesis_write, docs/INFERENCE.md); writes opts->dir (manifest.cfg,
 * posterior_hypothesis.csv) and the table. */
int coop_infer_hypothesis(const coop_config *cfg, const char *post_dir, const coop_run_opts *opts,
                          coop_err *err);

/* How `coopsim validate` runs (coop_experiment.h; resume is unused: a validation
 * is never left half done). */
typedef coop_run_opts coop_validate_opts;

/* `coopsim validate CONFIG` (sim/cli/cmd_validate.c over
 * coop_validate.h): replicates of the configuration (or of every point of
 * its sweep), the usual results files (coop_output.h), validation.csv (and
 * points.csv for a sweep), and the table.  Returns a status with err filled. */
int coop_validate_run(const coop_config *cfg, const coop_validate_opts *opts, coop_err *err);

/* `coopsim sensitivity` (sim/cli/cmd_sensitivity.c over coop_sens.h): the design, the runs (cfg->replicates replicates per
 * row, common random numbers within a block), the indices, into the results
 * directory opts->dir (manifest.cfg, sensitivity.csv, sensitivity_design.csv,
 * sensitivity_outputs.csv, sensitivity_variance.csv; docs/OUTPUT.md), renamed
 * into place together; the ranked table to opts->table.  On failure nothing is
 * left behind; on SIGINT or SIGTERM (opts->stop) the blocks complete are put in
 * place for opts->resume (coop_output_resume_state; COOP_EINTR, the message says
 * how to finish), which gives the files of an uninterrupted run. */
int coop_sens_run(const coop_config *cfg, const coop_run_opts *opts, coop_err *err);

/* The work of coop_sens_run(cfg, ...) as a worker rank of build/coopsim-mpi serves
 * it (coop_experiment_worker): the same design, blocks as points and rows as
 * worlds.  An analytic test function runs on rank 0 alone: work->make is then
 * NULL (serve no work).  Release with coop_sens_work_free (a zeroed one does
 * nothing); cfg must outlive the work. */
int coop_sens_work(const coop_config *cfg, coop_work *work, coop_err *err);
void coop_sens_work_free(coop_work *work);

/* `coopsim report RESULTS_DIR [-o FILE]` (sim/cli/cmd_report.c over coop_report.h):
 * the results directory's self-contained HTML page, to FILE or RESULTS_DIR/report.html;
 * unless quiet, a line per figure drawn on standard output and the page's path on
 * standard error.  Returns a status with err filled (COOP_ECONFIG for a missing or
 * unreadable directory: exit status 2). */
int coop_report_run(const char *dir, const char *out, int quiet, coop_err *err);

#endif
