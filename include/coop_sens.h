/* coop_sens.h: `coopsim sensitivity`: the configuration's `sensitivity` group
 * (docs/SENSITIVITY.md); the command that runs it is sim/cli/cmd_sensitivity.c
 * (coop_sens_run, coop_cmd.h).
 *
 * The group names the parameters (any numeric path `--set` reaches, with a range
 * and a linear or log scale), the method (morris or sobol) and its sizes, the
 * outputs (outcomes of outcomes.csv) and the bootstrap.  Like `validation`, the
 * group is read here from the configuration file itself (the loader accepts it
 * and leaves it alone; it is not printed into manifests and cannot be changed
 * with --set).  A `function` key replaces the simulation by an analytic test
 * function (coop_sensitivity.h) so that the whole command is tested against known
 * indices.  The estimators live in coop_sensitivity.h; the experiment runs through
 * the sweep driver (coop_drive.h): a point per design block (a base row of the
 * Saltelli design, a Morris trajectory), a world per matrix or step, so that the
 * rows of a block share each replicate's random numbers (common random numbers).
 * An output "effect:NAME" is the hypothesis' paired effect of outcome NAME: each
 * row also runs its counterfactual world (the motivator's role removed,
 * coop_hypothesis_remove_role) with the same seeds, and the row's value is the
 * mean over replicates of the oriented difference (factual - counterfactual, or
 * the reverse for years_to_enhanced and censored_share: coop_hypothesis_orientation),
 * so that the analysis is of the answer to the hypothesis (> 0 supports it). */
#ifndef COOP_SENS_H
#define COOP_SENS_H

#include <stddef.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_model.h"
#include "coop_sensitivity.h"

#define COOP_SENS_MAX_PARAMS 40  /* Morris; Sobol' takes at most COOP_SOBOL_MAX_K */

typedef enum coop_sens_method { COOP_SENS_MORRIS = 0, COOP_SENS_SOBOL = 1 } coop_sens_method;

typedef struct coop_sens_param {
    char path[COOP_PATH_MAX];  /* as written: a parameter path (function: any name) */
    coop_param_ref ref;        /* resolved (simulation only) */
    double min, max;           /* the range sampled */
    int log;                   /* sample log(value) uniformly (min > 0) */
    int line;
} coop_sens_param;

typedef struct coop_sens_cfg {
    char file[COOP_PATH_MAX];
    int line;                       /* of the group */
    int method;                     /* coop_sens_method */
    int n;                          /* sobol: base rows N; morris: trajectories r */
    int levels;                     /* morris: grid levels p (even) */
    int candidates;                 /* morris: candidate trajectories (0: no spreading) */
    int second_order;               /* sobol: second-order indices */
    int bootstrap;                  /* resamples for the intervals (0: none) */
    double level;                   /* confidence level of the intervals */
    unsigned long seed;             /* Morris design and bootstrap seeds (experiment.seed) */
    int function;                   /* -1: the simulation; else coop_testfn */
    size_t n_coef;
    double coef[COOP_SENS_MAX_PARAMS];
    double noise;                   /* function: sd of the Gaussian noise of a replicate */
    size_t n_params;
    coop_sens_param params[COOP_SENS_MAX_PARAMS];
    size_t n_outputs;
    int outputs[2 * COOP_N_OUTCOMES]; /* COOP_O_* (function: the single output "y", 0), or
                                       * COOP_N_OUTCOMES + COOP_O_* for "effect:NAME" */
    char output_name[2 * COOP_N_OUTCOMES][COOP_NAME_MAX + 8];
    int paired;                     /* an effect is analysed: each row runs the factual and
                                     * the counterfactual world (coop_hypothesis.h) */
} coop_sens_cfg;

/* Reads and checks the `sensitivity` group of cfg->source against cfg.  Errors
 * (COOP_ECONFIG) read "FILE:LINE: sensitivity.KEY = VALUE: allowed ...". */
int coop_sens_load(const coop_config *cfg, coop_sens_cfg *s, coop_err *err);

/* The name of output o of s ("y" for a function). */
const char *coop_sens_output_name(const coop_sens_cfg *s, size_t o);

#endif
