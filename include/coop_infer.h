/* coop_infer.h: `coopsim infer`, ABC-SMC calibration and model comparison of a
 * scenario against observed targets (docs/INFERENCE.md).
 *
 * A configuration's `infer` group (read by this module from the file itself, as
 * the validation group is) names the parameters with their priors (any numeric
 * parameter path events and sweeps use), the targets (a metric a run writes, at a date or
 * averaged over a window of dates, with its observed value and scale), the
 * competing models (override sets; default one model, the configuration), the
 * population size and the stopping rule.  The sampler is coop_abc.h's; every
 * particle attempt is one run of the model, seeded with the attempt's key.
 *
 * The distance of a run is the Euclidean norm of the scaled residuals,
 *   d = sqrt( sum_k ((s_k - o_k) / scale_k)^2 ),
 * s_k the run's value of target k, o_k its observed value; a target the run
 * leaves undefined (NaN: no action in the window) makes d = +inf. */
#ifndef COOP_INFER_H
#define COOP_INFER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "coop_abc.h"
#include "coop_config.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_model.h"
#include "coop_validate.h"

#define COOP_INFER_MAX_TARGETS 64
#define COOP_INFER_MAX_SETS 32 /* overrides of one model */
#define COOP_INFER_PPC_POINT 1000000u /* the point of model m's predictive runs: + m */
#define COOP_INFER_HYP_POINT 2000000u /* hypothesis --posterior: the point of its draws' stream */

/* What a target reads from a run. */
typedef enum coop_infer_source {
    COOP_IS_ACTOR,      /* actors.NAME.METRIC: a column of series.csv */
    COOP_IS_POPULATION, /* population.METRIC: a column of population.csv */
    COOP_IS_TIE,        /* ties.A-B.METRIC: a column of ties.csv (an observable too) */
    COOP_IS_OUTCOME,    /* outcomes.NAME: a scalar of outcomes.csv (no window) */
    COOP_IS_VALIDATION  /* validation.NAME: a per-run metric of docs/VALIDATION.md (no
                         * window; observed and scale default to the validation group's
                         * observed value and score range) */
} coop_infer_source;

typedef struct coop_infer_target {
    char metric[COOP_PATH_MAX]; /* as written */
    int source;                 /* coop_infer_source */
    int index;                  /* actor or tie index */
    int column;                 /* the metric's column in its record array */
    int step_from, step_to;     /* steps [from, to) averaged (NaN values skipped) */
    double observed, scale;     /* scale > 0 */
    int line;
} coop_infer_target;

typedef struct coop_infer_param {
    char path[COOP_PATH_MAX];
    coop_param_ref ref;
    coop_prior prior;
    int line;
} coop_infer_param;

typedef struct coop_infer_model {
    char name[COOP_NAME_MAX];
    double prior_prob;                    /* > 0 (normalised by the sampler) */
    int n_set;
    char set[COOP_INFER_MAX_SETS][COOP_PATH_MAX]; /* "PATH=VALUE" */
    coop_param_ref set_ref[COOP_INFER_MAX_SETS];
    double set_value[COOP_INFER_MAX_SETS];
    int n_free;                           /* parameters not fixed by set, in order */
    int free_param[COOP_ABC_MAX_PARAMS];  /* indices into coop_infer.param */
    coop_prior free_prior[COOP_ABC_MAX_PARAMS];
    int line;
} coop_infer_model;

typedef struct coop_infer {
    int n_params;
    coop_infer_param param[COOP_ABC_MAX_PARAMS];
    int n_targets;
    coop_infer_target target[COOP_INFER_MAX_TARGETS];
    int n_models;
    coop_infer_model model[COOP_ABC_MAX_MODELS];
    int population;           /* particles per generation */
    double quantile;          /* alpha of the tolerance rule */
    double min_tolerance;
    int max_generations;
    long long max_simulations;
    double model_stay;
    uint32_t seed;            /* default experiment.seed */
    int predictive;           /* runs per model of the posterior predictive checks; 0 none */
    int keep_series;          /* some target needs the per-step arrays */
    int use_validation;       /* some target is a validation metric */
    coop_validation validation; /* the configuration's validation group, when used */
} coop_infer;

/* Reads and checks the `infer` group of cfg->source against cfg: every path
 * resolves, every prior's support lies in its parameter's range (a normal prior
 * must allow mean -/+ 8 sd), every model's overrides apply, every window holds a
 * step.  COOP_ECONFIG with "FILE:LINE: infer...: ..." otherwise. */
int coop_infer_load(const coop_config *cfg, coop_infer *inf, coop_err *err);

/* The work of `coopsim infer` as a worker rank of build/coopsim-mpi serves it
 * (coop_experiment_worker): the infer group of cfg, the simulator on
 * coop_experiment_threads(threads) threads (stopping when *stop is set) and the
 * task farm of its generations (coop_abc_farm): work->farm.  Release with
 * coop_infer_work_free (a zeroed one does nothing); cfg must outlive the work. */
int coop_infer_work(const coop_config *cfg, int threads, const volatile sig_atomic_t *stop,
                    coop_work *work, coop_err *err);
void coop_infer_work_free(coop_work *work);

/* The value of target t in a finished run (NaN when undefined); vmetrics: the
 * run's validation metrics (coop_validate_replicate), NULL when none is used. */
double coop_infer_target_value(const coop_infer_target *t, const coop_record *rec,
                               const double *vmetrics);

/* The distance of a finished run of configuration cfg (header comment). */
double coop_infer_distance(const coop_infer *inf, const coop_config *cfg, const coop_record *rec);

/* The checkpoint of a running inference (docs/OUTPUT.md, "Interrupting sensitivity
 * and infer"), kept in a directory of its own: posterior.csv.part,
 * generations.csv.part and models.csv.part hold the header and the rows of the
 * complete generations, as the final files have them, and infer_progress.csv
 * one line per checkpoint, "generations_done,SIZE,SIZE,SIZE,CHECK": the number of
 * complete generations, the three files' sizes in bytes after them and an FNV-1a
 * check of the line before its last comma (coop_fnv1a).  After every generation
 * the .part files are fsync'ed, then the line is appended and fsync'ed, so a
 * recorded size is always durable data; resuming cuts the files back to the last
 * valid line (a generation written in part, a torn line, is discarded). */
typedef struct coop_infer_ckpt {
    const char *dir;   /* the checkpoint's directory (existing) */
    int resume;        /* 1: dir holds an interrupted inference's checkpoint, continued
                        * in place; 0: the files are created there */
    /* Fresh: called once the first generation is checkpointed in dir (to put dir
     * in place: it sets dir to where the checkpoint is then); NULL none. */
    int (*publish)(void *ctx, coop_err *err);
    void *ctx;
} coop_infer_ckpt;

/* The sampler of `coopsim infer` (sim/analysis/infer.c) run on inf, keeping its
 * checkpoint in ck->dir (every generation's rows are appended to the .part files
 * there and checkpointed before the next generation starts) and writing the
 * results into the existing directory dir: posterior.csv, generations.csv,
 * models.csv (copies of the .part files once the inference is complete),
 * infer_summary.csv, and predictive.csv unless infer.predictive = 0
 * (docs/OUTPUT.md); a line per generation on standard error unless opts->quiet,
 * the summary tables on opts->table (opts: threads, stop, quiet, table).  With
 * ck->resume: continues the interrupted inference there after its last complete
 * generation (coop_infer_read_state), so that every file is the one of an
 * uninterrupted run.  Returns a status with err filled (COOP_EINTR when stopped:
 * the checkpoint then holds every complete generation, the files of dir may be
 * partial). */
int coop_infer_write(const coop_config *cfg, const coop_infer *inf, const coop_run_opts *opts,
                     const char *dir, const coop_infer_ckpt *ck, coop_err *err);

/* The last complete generation of the interrupted inference of inf in dir
 * (generations.csv.part, posterior.csv.part, cut back to the checkpoint;
 * sim/analysis/infer_resume.c) into *gen as the sampler had it, and the
 * simulations of all its generations into *used; *gen NULL when it finished none.
 * COOP_ECONFIG or COOP_EIO, naming the file and line, when they are not the files
 * of this inference. */
int coop_infer_read_state(const coop_infer *inf, const char *dir, coop_abc_gen **gen,
                          long long *used, coop_err *err);

/* Appends the bytes of dir/NAME.part to `to`.  COOP_EIO on failure. */
int coop_infer_copy_part(const char *dir, const char *name, FILE *to, coop_err *err);

/* ---- the checkpoint's files (sim/analysis/infer_resume.c, for infer.c) ---- */

#define COOP_INFER_PARTS 3 /* posterior.csv, generations.csv, models.csv */

extern const char *const coop_infer_part_name[COOP_INFER_PARTS];

typedef struct coop_infer_parts {
    const char *dir;
    FILE *f[COOP_INFER_PARTS]; /* DIR/NAME.part, appended */
    FILE *progress;            /* DIR/infer_progress.csv, locked (fcntl) */
    int generations;           /* complete generations in the last checkpoint */
} coop_infer_parts;

/* Creates the files of a fresh checkpoint in dir (empty .part files, the
 * progress file with its header); the caller writes the headers and calls
 * coop_infer_parts_checkpoint(p, 0). */
int coop_infer_parts_create(coop_infer_parts *p, const char *dir, coop_err *err);

/* Opens the checkpoint in dir for appending, cut back to its last valid line
 * (p->generations); a directory of an older coopsim without infer_progress.csv
 * keeps its .part files whole (p->generations -1: the caller checkpoints them).
 * COOP_EINVAL when another process holds it, COOP_EIO when it is damaged. */
int coop_infer_parts_resume(coop_infer_parts *p, const char *dir, coop_err *err);

/* Makes the rows written so far durable and records them as `generations`
 * complete generations.  COOP_EIO naming the file on failure. */
int coop_infer_parts_checkpoint(coop_infer_parts *p, int generations, coop_err *err);

/* Closes the files (they stay); 0, or -1 when a close failed. */
int coop_infer_parts_close(coop_infer_parts *p);

/* `coopsim hypothesis --posterior DIR` (sim/analysis/infer_hyp.c): the draws are
 * the particles of the last generation of DIR/posterior.csv of its first model
 * (models.csv's first row) or, with hypothesis.posterior_models = "all", of every
 * model weighted by its probability in models.csv's last generation (its overrides
 * from cfg's infer group), read and resolved against cfg (NULL with err filled:
 * COOP_ECONFIG naming the file, COOP_ENOMEM); release with coop_infer_draws_free
 * (NULL does nothing). */
typedef struct coop_infer_draws coop_infer_draws;

coop_infer_draws *coop_infer_draws_read(const char *post_dir, const coop_config *cfg,
                                        coop_err *err);
void coop_infer_draws_free(coop_infer_draws *d);

/* The factual and counterfactual worlds of docs/HYPOTHESIS.md on `threads`
 * threads, K = hypothesis.posterior_draws (0: cfg->replicates) draws of the
 * draws d (systematic resampling, the draws in particle order, u from stream `abc`
 * of item (seed, 2000000, 0)), m = hypothesis.replicates_per_draw replicates each:
 * replicate r = k m + j runs draw k in every world with the key
 * coop_rng_key(seed, 0, r) of `coopsim hypothesis`; writes
 * dir/posterior_hypothesis.csv (with the verdict regions over the draws) and
 * hypothesis.csv and, when table is not NULL, the table (its first line names
 * post_dir).  Status with err filled (COOP_ECONFIG when K m exceeds
 * COOP_MAX_REPLICATES). */
int coop_infer_hypothesis_write(const coop_config *cfg, const coop_infer_draws *d, int threads,
                                const char *post_dir, const char *dir, FILE *table,
                                coop_err *err);

#endif
