/* coop_model.h: one run of the cooperation model (docs/ODD.md).
 *
 * The shape is GSL's initialise-iterate: coop_model_alloc allocates every buffer
 * for a configuration, coop_model_init resets the state and seeds the run,
 * coop_model_step advances one step (events, engagement, play, trust and
 * institutions, motivator, learning, observables, record).  Nothing is allocated
 * after coop_model_alloc.  A model is used by one thread at a time; run many
 * models in parallel, one per work item. */
#ifndef COOP_MODEL_H
#define COOP_MODEL_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "coop_config.h"
#include "coop_error.h"

/* Per actor and step (series.csv), in this order. */
enum {
    COOP_A_COOP_RATE,   /* share of C over its engaged ties and domains this step (NaN if none) */
    COOP_A_COOP_TARGET, /* share of C toward the hypothesis target (NaN if none/not engaged) */
    COOP_A_GAIN,        /* payoff this step */
    COOP_A_CUM_GAIN,    /* cumulative payoff */
    COOP_A_ENGAGEMENT,  /* mean engagement over its partners */
    COOP_A_PROPENSITY,  /* mean propensity over its partners and domains */
    COOP_ACTOR_METRICS
};

/* Per tie and step (ties.csv), then the observables in configuration order. */
enum { COOP_T_TRUST, COOP_T_LEVEL, COOP_T_COOP_RATE, COOP_TIE_METRICS }; /* coop_rate NaN when idle */

/* Per step for the whole population (population.csv). */
enum { COOP_P_COOP_SHARE, COOP_P_MEAN_GAIN, COOP_POP_METRICS }; /* coop_share NaN if no action */

/* Outcome scalars of one run (docs/ODD.md, "7.8 Observation"), in outcomes.csv
 * order.  Each is defined for every replicate of a scenario with a motivator (no
 * pair is dropped because of what a world did): a share of C over a window
 * without actions is 0 (no action, no cooperation), a missing tie has level 0
 * and engagement 0.  The outcomes over "the others" (the motivator's regional
 * neighbours) are also kept per state (coop_record.state_outcome); their pooled
 * value is the others' mean under hypothesis.weights. */
enum {
    COOP_O_OTHERS_COOP_TARGET, /* share of C toward the target in the window */
    COOP_O_TARGET_ENGAGEMENT,  /* the target's engagement (pooled: over the region) */
    COOP_O_OTHERS_LEVEL,       /* agreement level with the target at the end */
    COOP_O_RMST_ENHANCED,      /* min(T, horizon), T the years to the top level, over the
                                * others that can reach it by input (NaN: none can) */
    COOP_O_ENGAGED_SHARE,      /* share of others that acted toward the target in the window */
    COOP_O_REGIONAL_COHESION,  /* share of C on ties inside the region (pooled only) */
    COOP_N_OUTCOMES
};
extern const char *const coop_outcome_names[COOP_N_OUTCOMES];
extern const char *const coop_actor_metric_names[COOP_ACTOR_METRICS];
extern const char *const coop_tie_metric_names[COOP_TIE_METRICS];
extern const char *const coop_pop_metric_names[COOP_POP_METRICS];

/* What one run leaves behind.  The per-step arrays exist only when keep_series. */
typedef struct coop_record {
    int n_steps, keep_series;
    size_t n_actors, n_ties, n_obs, n_levels;
    double *actor;     /* [n_steps][n_actors][COOP_ACTOR_METRICS] */
    double *tie;       /* [n_steps][n_ties][COOP_TIE_METRICS + n_obs] */
    double *pop;       /* [n_steps][COOP_POP_METRICS] */
    int *milestone;    /* [n_ties][n_levels]: step a level was first reached, -1 never
                        * (level 0 is where every tie starts: always -1, not a milestone) */
    double outcome[COOP_N_OUTCOMES]; /* NaN when the scenario has no motivator */
    /* Per other state (coop_outcome_states order: actor order), the outcomes that
     * coop_outcome_per_state says have a per-state value; NaN elsewhere (and for
     * rmst_enhanced of a state that cannot reach the top level by input). */
    int n_states;
    double state_outcome[COOP_MAX_STATES][COOP_N_OUTCOMES];
    /* Snapshots (output.snapshots), only in a record given them by
     * coop_record_add_snapshots: at step snap_step[k] each actor's share of C among
     * the actions it played in that step (0 or 1 for a node of a one-domain
     * node-level model; NaN when it played none). */
    size_t n_snaps;        /* 0: this record takes none */
    const int *snap_step;  /* n_snaps steps, strictly ascending (the configuration's) */
    size_t n_snap_nodes;   /* actors in each snapshot: cfg->n_actors */
    double *snap;          /* [n_snaps][n_snap_nodes] */
} coop_record;

/* The others of cfg's hypothesis (the motivator's regional neighbours except
 * the target), in actor order: writes the first `max` actor indices into actors
 * (may be NULL) and returns how many there are (0 without a motivator).  Per-state
 * outcomes are kept for the first COOP_MAX_STATES of them. */
int coop_outcome_states(const coop_config *cfg, int *actors, int max);

/* Other state `actor`'s weight in the pooled outcomes: 1 under equal weights,
 * else its hypothesis.weights entry (0 if it has none). */
double coop_outcome_weight(const coop_config *cfg, int actor);

/* 1 when outcome o (COOP_O_*) has per-state values, 0 for regional_cohesion. */
int coop_outcome_per_state(int o);

/* The pooled value of per-state values v[0..n-1] (NaN: not defined for that
 * state) under weights w: sum w v / sum w over the defined states; NaN when no
 * defined state has a positive weight. */
double coop_outcome_pool(const double *v, const double *w, int n);

/* Allocates a record sized for cfg; keep_series chooses whether per-step arrays
 * exist.  NULL on allocation failure.  coop_record_free(NULL) does nothing. */
coop_record *coop_record_alloc(const coop_config *cfg, int keep_series);
void coop_record_free(coop_record *rec);

/* Gives rec the snapshots of cfg->snapshots (nothing when there are none), NaN
 * until the run fills them.  COOP_OK, or COOP_ENOMEM with rec unchanged. */
int coop_record_add_snapshots(coop_record *rec, const coop_config *cfg);

typedef struct coop_model coop_model;

/* Allocates a model for cfg (which must outlive it) and initialises it with
 * cfg->seed.  NULL and err filled on failure (COOP_EINVAL: a configuration the
 * engine cannot run, e.g. an unknown generator name, or experiment.engine =
 * "kernel" where the node kernel cannot run; COOP_ENOMEM). */
coop_model *coop_model_alloc(const coop_config *cfg, coop_err *err);
void coop_model_free(coop_model *m);

/* Resets every state variable to the configuration's initial values and seeds the
 * model's streams (generators of type cfg->rng) from seed, the run's 64-bit key
 * (coop_rng_key of its work item): stream (kind, index) gets coop_rng_stream(seed,
 * kind, index). */
void coop_model_init(coop_model *m, uint64_t seed);

/* Advances one step; writes that step's observations into rec (may be NULL). */
void coop_model_step(coop_model *m, coop_record *rec);

/* init, then every step, then the outcome scalars into rec. */
void coop_model_run(coop_model *m, uint64_t seed, coop_record *rec);

/* The node kernel (docs/ODD.md, "Node kernel"): a fast path for node-level
 * imitate_best models that gives the same numbers as the general engine.
 * The configuration chooses the engine (cfg->engine, experiment.engine):
 * COOP_ENGINE_AUTO uses the kernel where it can run; COOP_ENGINE_GENERAL never,
 * whatever coop_model_set_kernel asks; with COOP_ENGINE_KERNEL coop_model_alloc
 * fails (COOP_EINVAL, err naming the condition) for a configuration the kernel
 * cannot run.  coop_model_set_kernel(m, 0) forces the general engine from the
 * next coop_model_init (coop_model_run calls it) and allocates the general
 * engine's state where coop_model_alloc left it out for the kernel (COOP_OK, else
 * COOP_ENOMEM);
 * coop_model_set_kernel(m, 2) lets the kernel, and the general engine in node mode
 * unless the record has per-actor series, skip the cumulative gains, and
 * coop_model_cum_gain then returns NaN: nothing else coopsim writes reads them;
 * 1 (the default) keeps them;
 * coop_model_set_threads(m, k) caps the kernel's within-run threads (0, the
 * default: omp_get_max_threads(); within-run threads are used only for large
 * runs and never inside an active parallel region).  coop_model_kernel_on says
 * whether the steps done since init used the kernel.
 * On lattices with imitate_best the kernel is bit-sliced (64 nodes per word,
 * sim/model/kernel_bits.c) where it can be, with the same numbers;
 * coop_model_set_bits(m, 0) keeps the byte kernel from the next init (as
 * experiment.engine = "bytes" does), and coop_model_kernel_bits says whether the
 * steps done since init used the bit-sliced kernel. */
int coop_model_set_kernel(coop_model *m, int allow);
void coop_model_set_threads(coop_model *m, int threads);
int coop_model_kernel_on(const coop_model *m);
void coop_model_set_bits(coop_model *m, int allow);
int coop_model_kernel_bits(const coop_model *m);

/* The engines the runs of this process have used so far, a mask of
 * COOP_USED_GENERAL, COOP_USED_BYTES (the node kernel, one byte per node) and
 * COOP_USED_BITS (the bit-sliced node kernel); the manifest's run group lists them
 * (docs/OUTPUT.md). */
enum { COOP_USED_GENERAL = 1, COOP_USED_BYTES = 2, COOP_USED_BITS = 4 };
unsigned coop_model_engines_used(void);

/* The number of steps done since init. */
int coop_model_steps_done(const coop_model *m);

/* The outcome scalars (docs/ODD.md, "7.8 Observation") from the steps done so
 * far (the window is the last hyp.window_years of the configured horizon); all
 * NaN when cfg->hyp.motivator < 0.  coop_model_run calls it. */
void coop_model_outcomes(const coop_model *m, double out[COOP_N_OUTCOMES]);

/* Inspection of the current state (tests, tournaments, debugging).  Ties are
 * indexed as in cfg->ties; a, b are actor indices; NaN (or -1) where the pair has
 * no tie.  coop_model_last_action: COOP_C = 1, COOP_D = 0, -1 before the first
 * round.  coop_model_parameter: the current value of an event-able parameter
 * (after the events applied so far); NaN for ACTOR_PROPENSITY/ENGAGEMENT, which
 * are per-partner state. */
double coop_model_trust(const coop_model *m, size_t tie);
int coop_model_level(const coop_model *m, size_t tie);
double coop_model_engagement(const coop_model *m, int a, int b);
double coop_model_propensity(const coop_model *m, int a, int b, size_t domain);
int coop_model_last_action(const coop_model *m, int a, int b, size_t domain);
double coop_model_cum_gain(const coop_model *m, int actor);
double coop_model_observable(const coop_model *m, size_t tie, size_t obs);
double coop_model_parameter(const coop_model *m, coop_param_ref ref);
/* The actor's attention budget now: attention_budget (as events left it) plus the
 * expansion its motivators' initiatives added (agenda setting, docs/ODD.md 7.5). */
double coop_model_attention(const coop_model *m, int actor);

#endif
