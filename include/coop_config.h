/* coop_config.h: a scenario's configuration as validated plain structs.
 *
 * The configuration files own the schema (sim/config/config_schema.c: every key with its
 * type, default and allowed range, written down once in a table), the libconfig
 * loader and its cross-checks (sim/config/config_load.c, sim/config/config_actors.c), the
 * parameter paths that events and sweeps use and the `--set PATH=VALUE` overrides
 * (sim/config/config_params.c), the resolved-configuration printer
 * (sim/config/config_print.c) and the accessors of actors and ties with the compact
 * generated population behind them (sim/config/config_pop.c); their private header is
 * sim/config/config_internal.h.  The engine reads these structs directly (actors and
 * ties through coop_cfg_actor and coop_cfg_tie); nothing downstream parses text again.  A
 * generated population (the `network` group) is only described here and built by
 * the model layer (coop_population.h), through coop_config_load_with.
 *
 * Paths name values the same way everywhere (`--set`, events, sweeps):
 *   experiment.seed, time.end, noise, update_every, engagement.alpha,
 *   institutions.theta.2 (list element by index), output.series,
 *   domains.NAME.KEY, actors.NAME.KEY, actors.NAME.goals.DOMAIN,
 *   actors.NAME.rule_params.PARAM, actors.NAME.motivator.KEY,
 *   ties.A-B.KEY (either order), ties.A-B.observables.OBS,
 *   observables.NAME.KEY, events.INDEX.KEY, hypothesis.KEY; with --set also
 *   network.KEY, actor_template.KEY and actor_overrides.INDEX.KEY (a generated
 *   population, coop_network_cfg).
 *
 * The numeric actor fields and the motivator's channels are each declared once, in
 * COOP_ACTOR_FIELDS and COOP_MOTIVATOR_CHANNELS below, with the recipe for adding
 * one (3 edits each). */
#ifndef COOP_CONFIG_H
#define COOP_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "coop_error.h"

#define COOP_NAME_MAX 64
#define COOP_PATH_MAX 256
#define COOP_MAX_LEVELS 8
#define COOP_MAX_REPLICATES 65536 /* the most replicates per point */
/* Limits on configuration text, checked before libconfig parses it (docs/CONFIG.md
 * "Limits"): libconfig 1.5 lexes a long line in quadratic time (a 1 MiB string:
 * 2 s; 4 MiB: 35 s).  The largest shipped configuration is about 20 KB and the
 * printer writes no line longer than about 1 KB. */
#define COOP_CONFIG_MAX_BYTES (64L << 20) /* a file: 64 MiB */
#define COOP_CONFIG_MAX_LINE 65536        /* a line of a file, or a --set text */

#include "coop_rules.h"

/* ---- the parts of a configuration ---- */

typedef enum coop_series { COOP_SERIES_NONE, COOP_SERIES_SUMMARY, COOP_SERIES_FULL } coop_series;

typedef enum coop_op { COOP_OP_SET, COOP_OP_ADD, COOP_OP_MUL } coop_op;

/* A domain (issue area) and its 2x2 stage game. */
typedef struct coop_domain_cfg {
    char name[COOP_NAME_MAX];
    int donation;          /* 1 when given as b, c (then R = b-c, S = -c, T = b, P = 0) */
    double b, c;           /* donation form; meaningful only when donation */
    double R, S, T, P;     /* always filled */
    double public_good;    /* share of the benefit that is a regional public good, [0,1] */
    int line;              /* source line, 0 when not from the file */
} coop_domain_cfg;

/* The motivator's channels, declared once (docs/ODD.md, "7.5 Motivator and
 * counter-mechanisms"): X(key, FIELD, strength, doc), in this order everywhere.
 *   key       the member of coop_motivator_cfg and the configuration key
 *             actors.NAME.motivator.key: a float in [0,1], default 0;
 *   FIELD     its parameter field COOP_F_MOT_<FIELD> and engine channel COOP_MOT_<FIELD>;
 *   strength  1: a strength of the role, which the counterfactual world sets to 0
 *             (coop_hypothesis_remove_role); 0: not one (the forced initiative, a
 *             pending event);
 *   doc       its meaning in the schema (docs/CONFIG.md).
 * Derived from this list: the struct members below, the coop_field values, the
 * schema rows (loading, checks, printing, parameter paths, docs), the engine's
 * per-actor channel values, their events and coop_model_get_param, and the
 * hypothesis worlds (counterfactual: the strengths set to 0; placebo: the role
 * moved whole; a role's events moved with it) and the factors of the channel design
 * (coop_channels.h: the channels whose keys share their first word form one factor).
 * Adding a channel takes 3 edits: 1. its X line here; 2. its mechanism in
 * do_motivators (sim/model/model.c), reading MOT(m, a, COOP_MOT_<FIELD>); 3. docs:
 * the docs/CONFIG.md table regenerated (the output of coop_config_print_schema,
 * which test_config checks) and the mechanism described in docs/ODD.md 7.5. */
#define COOP_MOTIVATOR_CHANNELS(X)                                                        \
    X(initiative_rate, INITIATIVE_RATE, 1,                                                \
      "probability per step of an initiative; 0 = the scenario sets it")                  \
    X(initiative_impact, INITIATIVE_IMPACT, 1,                                            \
      "raise of the target's engagement with the motivator's "                            \
      "regional neighbours, as a share of the gap to 1")                                  \
    X(demonstration, DEMONSTRATION, 1,                                                    \
      "pull of neighbours' propensity toward the motivator's")                            \
    X(brokerage, BROKERAGE, 1, "trust transfer to neighbours' ties with the target")      \
    X(initiative, INITIATIVE, 0,                                                          \
      "forced initiative: an event that sets it to 1 makes the "                          \
      "motivator launch one initiative at that step, on top of the stochastic ones (a "   \
      "scheduled, dated initiative); the engine then resets it to 0.  Given here, 1 "     \
      "forces one in the first step")

/* The channels' indices: COOP_MOT_INITIATIVE_RATE, ... */
typedef enum coop_mot_channel {
#define COOP_X_(key, FIELD, strength, doc) COOP_MOT_##FIELD,
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
    COOP_N_MOT
} coop_mot_channel;

/* The motivator role; target < 0 means the actor has none.  The forced initiative
 * is pending: 1 = launch one at the next motivator step (an event `set 1`), then
 * back to 0. */
typedef struct coop_motivator_cfg {
    int target; /* actor index */
#define COOP_X_(key, FIELD, strength, doc) double key;
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
} coop_motivator_cfg;

/* The numeric actor fields, declared once (docs/ODD.md, "2. Entities, state
 * variables and scales"): X(key, FIELD, array, per, bound, def, lo, hi, doc), in
 * this order everywhere.
 *   key    the member of coop_actor_cfg and the configuration key actors.NAME.key
 *          (also actor_template.key and actor_overrides.INDEX.key): a float;
 *   FIELD  its parameter field COOP_F_ACTOR_<FIELD> (events, sweeps, --set);
 *   array  the engine's array (struct coop_model, sim/model/model_internal.h);
 *   per    how the engine keeps it (coop_actor_per): ACTOR, one value per actor in
 *          m->array, which the engine declares, allocates and fills; SLOT or
 *          SLOT_DOMAIN, the initial value of state the engine keeps per slot (per
 *          slot and domain) in m->array, which the engine declares with its state;
 *          an event moves every slot of the actor;
 *   bound  how the engine bounds the result of an event (coop_actor_bound): UNIT,
 *          clamped to [0, 1]; NONNEG, floored at 0; POSITIVE, floored at the
 *          engine's smallest positive value (the configuration's range then
 *          excludes lo);
 *   def, lo, hi  the default and the allowed range of the configuration;
 *   doc    its meaning in the schema (docs/CONFIG.md).
 * Derived from this list: the struct members below, the coop_field values and their
 * paths, the schema rows (loading, checks, printing, actor_template and
 * actor_overrides, docs), and in the engine its array (declaration, allocation,
 * initialisation), the events on it and coop_model_parameter (what else an event
 * changes is the field's mechanism: a new capacity rescales the actor's payoffs).
 * The list has two parts because the hand-written `goals` key sits between them in
 * the schema (and so in printed configurations and docs/CONFIG.md): HEAD before it,
 * TAIL after it.  Not listed (special handling, written by hand): name, kind and
 * region (text), goals (a share per domain, rescaled to sum 1), rule and
 * rule_params (an enum and the rule's own parameters) and motivator (a group).
 * Adding a field takes 3 edits: 1. its X line at the end of TAIL; 2. its mechanism
 * in the engine (sim/model/model.c), reading m->array[i] (or the state a per-slot
 * field starts); 3. docs: the docs/CONFIG.md table regenerated (the output of
 * coop_config_print_schema, which test_config checks) and the mechanism described in
 * docs/ODD.md.  Two strings of tests/test_config.c spell out every actor key (the
 * printed default actor and the unknown-key message) and take the new key too.  A
 * field kept per slot also needs its state array declared, allocated and used by hand. */
#define COOP_ACTOR_FIELDS(X) COOP_ACTOR_FIELDS_HEAD(X) COOP_ACTOR_FIELDS_TAIL(X)
#define COOP_ACTOR_FIELDS_HEAD(X)                                                         \
    X(capacity, CAPACITY, cap, ACTOR, POSITIVE, 1, 0, 1e9,                                \
      "economic weight; payoffs scale with sqrt(partner/own); 1 = all equal")
#define COOP_ACTOR_FIELDS_TAIL(X)                                                         \
    X(openness, OPENNESS, open, ACTOR, UNIT, 1, 0, 1,                                     \
      "compatibility of the regime with the partner's norms; agreements need both "       \
      "actors' openness >= omega; 1 = nothing blocks")                                    \
    X(propensity, PROPENSITY, prop, SLOT_DOMAIN, UNIT, 0.5, 0, 1,                         \
      "initial probability of C; 0.5 = no prior leaning")                                 \
    X(engagement, ENGAGEMENT, eng, SLOT, UNIT, 0.5, 0, 1,                                 \
      "initial engagement with each partner; 0.5 = midway")                               \
    X(attention_budget, ATTENTION, attn, ACTOR, POSITIVE, 1e6, 0, 1e6,                    \
      "most total engagement over all partners; the default is effectively unbounded, "   \
      "scenarios set it")                                                                 \
    X(attention_max, ATTENTION_MAX, amax, ACTOR, NONNEG, 0, 0, 1e6,                       \
      "ceiling to which a motivator's initiatives aimed at this actor can expand its "    \
      "attention budget (agenda setting, docs/ODD.md, \"7.5 Motivator and "               \
      "counter-mechanisms\"); 0, or any value at or below attention_budget = no "         \
      "expansion, the model without agenda setting")                                      \
    X(attention_expansion, ATTENTION_EXPANSION, axi, ACTOR, UNIT, 0, 0, 1,                \
      "share of the gap between the current budget and attention_max that one "           \
      "initiative aimed at this actor closes; 0 = initiatives do not move the budget")    \
    X(attention_relax, ATTENTION_RELAX, arho, ACTOR, UNIT, 0, 0, 1,                       \
      "share of the expansion above attention_budget lost per step (attention is costly " \
      "to keep); 0 = an expansion is permanent, 1 = it is gone by the next step")         \
    X(attention_cost, ATTENTION_COST, acost, ACTOR, NONNEG, 0, 0, 1e6,                    \
      "payoff the actor loses for every C it plays (per domain and game), per unit of "   \
      "budget above attention_budget (the price of the expanded attention); 0 = free")

/* The `per` and `bound` columns of COOP_ACTOR_FIELDS as values. */
typedef enum coop_actor_per {
    COOP_PER_ACTOR, COOP_PER_SLOT, COOP_PER_SLOT_DOMAIN
} coop_actor_per;
typedef enum coop_actor_bound {
    COOP_BOUND_UNIT, COOP_BOUND_NONNEG, COOP_BOUND_POSITIVE
} coop_actor_bound;

typedef struct coop_actor_cfg {
    char name[COOP_NAME_MAX];
    char kind[COOP_NAME_MAX];    /* "union", "state" or free text */
    char region[COOP_NAME_MAX];  /* "" = none */
    int region_id;               /* index into coop_config.regions, -1 = none */
    double *goals;               /* n_domains weights >= 0, normalised to sum 1 */
    int rule;                    /* coop_rule_id */
    double rule_param[COOP_RULE_PARAMS_MAX];  /* in coop_rules[rule].param order */
    /* capacity, openness, propensity, engagement, attention_budget, attention_max, ...:
     * each in its range (COOP_ACTOR_FIELDS) */
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc) double key;
    COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
    coop_motivator_cfg motivator;
    int line;
} coop_actor_cfg;

/* An undirected tie; a < b is not required, a != b is. */
typedef struct coop_tie_cfg {
    int a, b;              /* actor indices */
    double weight;         /* salience, > 0 */
    double rivalry;        /* [0,1] */
    double *obs0;          /* n_observables initial values */
    int line;
} coop_tie_cfg;

/* A tie observable (e.g. trade) and its dynamics. */
typedef struct coop_observable_cfg {
    char name[COOP_NAME_MAX];
    unsigned char *drive;  /* n_domains flags: the domains whose cooperation drives it */
    double growth;         /* growth rate per year at full cooperation in the driving domains */
    double decay;          /* decay rate per year without cooperation */
    int line;
} coop_observable_cfg;

/* What a numeric path designates, resolved once so the engine can apply events
 * without parsing: field, the index of the actor/domain/tie/observable, and a
 * sub-index (the domain of a goal, the rule parameter, the level, the observable). */
typedef enum coop_field {
    COOP_F_NOISE,
    COOP_F_ENG_ALPHA, COOP_F_ENG_DELTA,
    COOP_F_INST_THETA, COOP_F_INST_OMEGA,           /* sub = level */
    COOP_F_INST_HYSTERESIS, COOP_F_INST_BETA, COOP_F_INST_GAMMA, COOP_F_INST_LAMBDA,
    COOP_F_DOMAIN_R, COOP_F_DOMAIN_S, COOP_F_DOMAIN_T, COOP_F_DOMAIN_P,
    COOP_F_DOMAIN_B, COOP_F_DOMAIN_C, COOP_F_DOMAIN_PUBLIC_GOOD,   /* index = domain */
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc) COOP_F_ACTOR_##FIELD,
    COOP_ACTOR_FIELDS(COOP_X_) /* index = actor */
#undef COOP_X_
    COOP_F_ACTOR_GOAL,                              /* sub = domain */
    COOP_F_ACTOR_RULE_PARAM,                        /* sub = parameter */
#define COOP_X_(key, FIELD, strength, doc) COOP_F_MOT_##FIELD,
    COOP_MOTIVATOR_CHANNELS(COOP_X_) /* index = actor */
#undef COOP_X_
    COOP_F_TIE_WEIGHT, COOP_F_TIE_RIVALRY,
    COOP_F_TIE_OBS,                                 /* index = tie, sub = observable */
    COOP_F_OBS_GROWTH, COOP_F_OBS_DECAY,            /* index = observable */
    COOP_N_FIELDS
} coop_field;

typedef struct coop_param_ref {
    coop_field field;
    int index;
    int sub;
} coop_param_ref;

/* A scheduled change of one numeric parameter (sorted by date, stable). */
typedef struct coop_event_cfg {
    double date;                 /* decimal year, within [time.start, time.end] */
    char path[COOP_PATH_MAX];
    coop_param_ref ref;
    coop_op op;
    double value;
    int line;
} coop_event_cfg;

typedef struct coop_institutions_cfg {
    int n_levels;                                   /* 2..COOP_MAX_LEVELS; level 0 = none */
    char level_name[COOP_MAX_LEVELS][COOP_NAME_MAX];
    double theta[COOP_MAX_LEVELS];  /* trust needed to reach level l (theta[0] unused) */
    double omega[COOP_MAX_LEVELS];  /* openness both actors need for level l */
    int tau;                        /* consecutive steps a condition must hold */
    double hysteresis, beta, gamma, lambda;
} coop_institutions_cfg;

#define COOP_MAX_PLACEBO 16 /* placebo actors of one hypothesis experiment */
#define COOP_MAX_STATES 16  /* "others" with per-state outcomes (coop_model.h) and weights */
#define COOP_HYP_OUTCOMES 6 /* COOP_N_OUTCOMES of coop_model.h (hypothesis.c checks) */
#define COOP_MAX_SNAPSHOTS 64 /* output.snapshots: steps one run keeps snapshots of */

/* Which actors the outcome scalars (docs/ODD.md, "7.8 Observation") are about,
 * and how `coopsim hypothesis` tests them (docs/HYPOTHESIS.md). */
typedef struct coop_hypothesis_cfg {
    int motivator;        /* actor index, -1 = no outcomes (no motivator in the scenario) */
    int target;           /* actor index */
    double window_years;  /* `last N years` window of others_coop_target */
    int n_placebo;        /* placebo worlds: the motivator's role moved to placebo[i] */
    int placebo[COOP_MAX_PLACEBO];  /* actor indices, distinct, not motivator or its target */
    int primary;          /* the outcome (COOP_O_* of coop_model.h) the verdict rests on */
    double alpha;         /* significance level of the verdict, (0, 1) */
    double confidence;    /* level of the confidence intervals, (0, 1) */
    int bootstrap;        /* bootstrap resamples; 0 = no bootstrap interval */
    /* hypothesis.weights: the others' weights in the pooled outcomes; n_weights = 0
     * is "equal", else one weight (>= 0, some > 0) per other, weight_actor[i] its actor */
    int n_weights;
    int weight_actor[COOP_MAX_STATES];
    double weight[COOP_MAX_STATES];
    double sesoi[COOP_HYP_OUTCOMES]; /* hypothesis.sesoi: smallest effect of interest per
                                      * outcome (COOP_O_* order), its units, >= 0 */
    int max_replicates;   /* the bound of `coopsim hypothesis --replicates auto` */
    int channels;         /* 1: the factorial design over the motivator's channels
                           * (coop_channels.h); 0: factual, counterfactual, placebos only */
    /* `coopsim hypothesis --posterior` (docs/INFERENCE.md, "Verdicts over the posterior"):
     * K posterior draws (0 = experiment.replicates), m replicates per draw, and from
     * which models of the posterior they are drawn (COOP_POST_MODELS_*) */
    int posterior_draws;
    int replicates_per_draw;
    int posterior_models;
} coop_hypothesis_cfg;

/* hypothesis.posterior_models */
enum { COOP_POST_MODELS_FIRST, COOP_POST_MODELS_ALL };

/* The `sweep` group: how `coopsim sweep` chooses its points (coop_sweep.h generates
 * them).  Present only when the file has the group. */
typedef enum coop_sweep_method {
    COOP_SWEEP_GRID,   /* full factorial of each parameter's values */
    COOP_SWEEP_LHS,    /* Latin hypercube: n samples over [min, max] per parameter */
    COOP_SWEEP_SOBOL,  /* the first n points of GSL's Sobol sequence, scaled */
    COOP_SWEEP_LIST    /* explicit rows, one value per parameter */
} coop_sweep_method;

typedef struct coop_sweep_param_cfg {
    char path[COOP_PATH_MAX];  /* as written (a numeric parameter path) */
    coop_param_ref ref;
    double min, max;           /* lhs, sobol: the range sampled */
    int log;                   /* lhs, sobol: sample log(value) uniformly (min > 0) */
    size_t n_values;           /* grid: the values, in order */
    double *values;
    int line;
} coop_sweep_param_cfg;

typedef struct coop_sweep_cfg {
    int present;                    /* the configuration has a sweep group */
    int method;                     /* coop_sweep_method */
    int n;                          /* lhs, sobol: number of points */
    unsigned long seed;             /* lhs: seed of the permutations and jitter */
    size_t n_params;
    coop_sweep_param_cfg *params;
    size_t n_rows;                  /* list: rows[r * n_params + j] */
    double *rows;
    int line;
} coop_sweep_cfg;

/* How actions are chosen: per tie and domain (the EU-Central Asia scenario), or
 * once per node and domain, played against every neighbour (the classic
 * evolutionary games). */
/* What one unit of time.start/time.end is (time.unit); it changes labels, not dynamics. */
typedef enum coop_time_unit {
    COOP_TIME_YEAR, COOP_TIME_GENERATION, COOP_TIME_ROUND, COOP_TIME_STEP
} coop_time_unit;

typedef enum coop_interaction { COOP_INTERACTION_TIE, COOP_INTERACTION_NODE } coop_interaction;

/* experiment.engine: which engine runs a model (docs/ODD.md, "Node kernel"). auto:
 * the node kernel where the configuration allows it, else the general engine;
 * kernel: the node kernel, and a configuration it cannot run is an error;
 * general: the general engine always; bytes: as auto, but the node kernel keeps one
 * byte per node (never the bit-sliced kernel, kernel_bits.c: for comparisons). */
typedef enum coop_engine_choice {
    COOP_ENGINE_AUTO,
    COOP_ENGINE_KERNEL,
    COOP_ENGINE_GENERAL,
    COOP_ENGINE_BYTES
} coop_engine_choice;

/* The `network` group: a generated population (coop_network.h) instead of the
 * `actors` and `ties` lists.  Every node is a copy of `actor_template` named
 * "n0", "n1", ... (or the names of an edge-list file), changed for some nodes by
 * `actor_overrides` (coop_override_cfg).  This module only describes the
 * population: the model layer draws the network once per configuration
 * (coop_population_build, from a generator seeded from experiment.seed, stream
 * COOP_STREAM_NETWORK of coop_rng_seed), so every replicate, world and point
 * shares it. */
typedef enum coop_net_type {
    COOP_NET_COMPLETE, COOP_NET_RING, COOP_NET_LATTICE, COOP_NET_GNP, COOP_NET_GNM,
    COOP_NET_BA, COOP_NET_WS, COOP_NET_FILE
} coop_net_type;

typedef struct coop_network_cfg {
    int present;              /* the configuration has a network group */
    int type;                 /* coop_net_type */
    int n;                    /* nodes: complete, ring, gnp, gnm, ba, ws */
    int k;                    /* ring, ws: neighbours (even) */
    int L;                    /* lattice side */
    int moore;                /* lattice: 1 moore, 0 von_neumann (the `neighbourhood` key) */
    int self;                 /* lattice: self-interaction */
    int series_nodes;         /* keep per-node and per-tie series (else population only) */
    double p;                 /* gnp: tie probability; ws: rewiring probability */
    int m;                    /* gnm: ties; ba: ties of each new node */
    double initial_c;         /* share of nodes that start with propensity 1 (the others 0),
                               * at random; -1 = every node keeps the template's propensity */
    char file[COOP_PATH_MAX]; /* file: the edge list as resolved: a relative path joined to
                               * the directory of the configuration that names it (a --set:
                               * the working directory) */
    int ids;                  /* file: 0 = node indices, 1 = names (the `ids` key) */
    int isolated;             /* file, indices: 1 = nodes without a tie allowed (`isolated`) */
    size_t n_isolated;        /* file: the nodes without a tie that `isolated = "allow"` kept
                               * (counted by the loader; the command line notes them) */
    int line;
} coop_network_cfg;

/* One element of `actor_overrides`: the nodes it selects (the union of `nodes`, the
 * inclusive range from..to and the nodes whose region is `in_region` when the
 * override is applied) get the actor keys it gives; overrides apply in order, after
 * the template and network.initial_c, so a later one wins. */
typedef struct coop_override_cfg {
    int *nodes;                      /* node indices as written (owned), n_nodes of them */
    size_t n_nodes;
    int from, to;                    /* inclusive index range; from = -1 when none */
    char in_region[COOP_NAME_MAX];   /* "" = no region selector */
    unsigned set;                    /* bit j: the j-th `actors.NAME.` key of the schema
                                      * (config_schema.c) is given */
    coop_actor_cfg a;                /* the values of the keys given (goals owned when given) */
    int line;
} coop_override_cfg;

/* A generated population kept compact (issue 18 item 2; docs/ODD.md "Memory layout of
 * node-level models"), filled by coop_population_build.  Per node only the index of its
 * profile: a shared profile (name "") is the template as every node of it starts
 * (with network.initial_c's propensity), the node named n<i> by its index; an actor
 * that an override, a sweep or a hypothesis world changes individually gets a profile
 * of its own, with its name (coop_cfg_actor_edit: copy-on-write).  Per tie nothing on a
 * lattice (endpoints by arithmetic, in the generator's tie order: node by node, right,
 * down, and on a Moore lattice down-right and down-left), two int32 endpoints on a
 * generated graph.  Read only through the accessors below. */
typedef struct coop_pop_cfg {
    unsigned *of;             /* n_actors profile indices; NULL: cfg->actors lists them */
    coop_actor_cfg **prof;    /* n_prof profiles, each owned with its goals */
    size_t n_prof;
    int lattice;              /* ties by arithmetic on net.L and net.moore */
    int *ta, *tb;             /* a generated graph's n_ties endpoints (owned) */
    double *tw;               /* their weights, NULL = all 1 (owned) */
    double *obs0;             /* n_observables zeros: every generated tie's observables */
} coop_pop_cfg;

typedef struct coop_config {
    char source[COOP_PATH_MAX];     /* file it was loaded from */

    /* experiment */
    char name[COOP_NAME_MAX];
    unsigned long seed;             /* [0, 2^32-1] */
    int replicates;                 /* [1, COOP_MAX_REPLICATES] */
    char rng[COOP_NAME_MAX];        /* GSL generator type name */
    int engine;                     /* coop_engine_choice */

    /* time: step s (0 <= s < n_steps) covers [start + s/steps_per_year, ...) */
    double start, end;
    int steps_per_year;
    int time_unit;                  /* coop_time_unit: labels only */
    int n_steps;                    /* derived: round((end - start) * steps_per_year) */

    size_t n_domains, n_actors, n_ties, n_regions, n_observables, n_events;
    coop_domain_cfg *domains;
    coop_actor_cfg *actors;         /* listed actors; NULL where pop keeps them (read
                                     * every actor through coop_cfg_actor) */
    coop_tie_cfg *ties;             /* NULL where pop keeps the ties (a generated population) */
    coop_pop_cfg pop;               /* a generated population's actors and ties, compact */
    char (*regions)[COOP_NAME_MAX]; /* derived from the actors' regions, first-seen order */
    coop_observable_cfg *observables;
    coop_event_cfg *events;

    coop_institutions_cfg inst;
    double eng_alpha, eng_delta;    /* engagement dynamics */
    double noise;                   /* implementation error, [0, 0.5] */
    int update_every;               /* steps between learning updates */
    int interaction;                /* coop_interaction: per tie (0) or per node (1) */
    coop_series series;
    int *snapshots;                 /* output.snapshots: steps at which replicate 0 records
                                     * every actor's share of C (owned), strictly ascending,
                                     * each in [0, n_steps-1]; NULL when none */
    size_t n_snapshots;
    coop_hypothesis_cfg hyp;
    coop_sweep_cfg sweep;           /* sweep.present = 0 when the file has none */
    coop_network_cfg net;           /* net.present = 0: actors and ties are listed */
    coop_actor_cfg tmpl;            /* net.present: the actor template (goals owned) */
    size_t n_overrides;             /* net.present: actor_overrides, in file order */
    coop_override_cfg *overrides;
    char *validation;               /* the file's `validation` group as the libconfig text
                                     * "validation = ...;\n" that coop_config_print writes
                                     * (comments dropped, a relative trade_file made
                                     * absolute), owned; NULL when the file has none.  Not
                                     * checked here: coop_validation_load reads the group */
    char *sensitivity, *infer;      /* the file's `sensitivity` and `infer` groups kept the
                                     * same way (comments dropped), owned, NULL when absent,
                                     * so that `coopsim sensitivity|infer DIR/manifest.cfg`
                                     * reproduces (and --resume finishes) the run; read by
                                     * coop_sens_load and coop_infer_load from the file */
} coop_config;

/* Loads and validates `path`, applying the `--set` overrides in order.  A generated
 * population (a `network` group) is built by the model layer: load those with
 * coop_population_load (coop_population.h), or coop_config_load_with.  On success
 * fills *cfg (release with coop_config_destroy).  On failure returns COOP_ECONFIG
 * (or COOP_EIO/COOP_ENOMEM), leaves *cfg empty, and err->text reads
 * "FILE:LINE: SETTING = VALUE ...allowed range..." or "--set PATH=VALUE: ...". */
int coop_config_load(const char *path, const char *const *overrides, size_t n_overrides,
                     coop_config *cfg, coop_err *err);

/* What builds a generated population (a `network` group): the model layer's
 * coop_population_build (coop_population.h); the configuration module describes a
 * population and never draws.  Called by coop_config_load_with once the network
 * group, actor_template, experiment.seed and experiment.rng, the domains and the
 * observables are loaded, and before actor_overrides, regions, the hypothesis
 * actors, events and sweeps, which it lets name generated nodes.  It fills
 * cfg->pop (coop_pop_cfg: n_actors nodes of the template's profiles, network.initial_c
 * drawn, an edge list's named nodes materialised; the n_ties ties by arithmetic on a
 * lattice, else their endpoints) and leaves cfg->actors and cfg->ties NULL, and for an
 * edge list cfg->net.n (the count read; 0 on entry when the file gave no network.n) and
 * cfg->net.n_isolated.  On failure it returns a status, err->text being the message
 * without its location (the loader puts the network group's FILE:LINE in front);
 * what it allocated is released by coop_config_destroy. */
typedef int (*coop_population_fn)(coop_config *cfg, coop_err *err);

/* coop_config_load with build making a generated population.  build NULL: a
 * configuration with a network group is an error (COOP_ECONFIG, naming
 * coop_population_load); listed actors and ties need no builder. */
int coop_config_load_with(const char *path, const char *const *overrides, size_t n_overrides,
                          coop_population_fn build, coop_config *cfg, coop_err *err);

/* Releases what coop_config_load allocated; safe on a zeroed or destroyed config. */
void coop_config_destroy(coop_config *cfg);

/* Deep copy; dst is overwritten (release it first).  COOP_ENOMEM on failure. */
int coop_config_copy(coop_config *dst, const coop_config *src, coop_err *err);

/* Prints the fully resolved configuration (every key, defaults filled) in
 * libconfig syntax, with the `validation`, `sensitivity` and `infer` groups when the
 * file had them (as kept in cfg->validation, cfg->sensitivity, cfg->infer); loading the output gives the same text again.
 * Returns COOP_EIO when a write fails. */
int coop_config_print(const coop_config *cfg, FILE *out);

/* coop_config_print for a text that will be read from directory dir (a results
 * directory's manifest.cfg): network.file is written relative to dir, so that the
 * manifest loads from any working directory and on another machine with the same
 * tree.  dir NULL: as coop_config_print, which writes it absolute. */
int coop_config_print_in(const coop_config *cfg, FILE *out, const char *dir);

/* Resolves a numeric parameter path (as used by events and sweeps) to a ref. */
int coop_config_resolve(const coop_config *cfg, const char *path, coop_param_ref *ref,
                        coop_err *err);

/* The decimal-year date at the start of step s. */
static inline double coop_config_date(const coop_config *cfg, int step)
{
    return cfg->start + (double)step / cfg->steps_per_year;
}

/* The actors and ties whose per-step series a run records (series.csv, ties.csv,
 * summary.csv, milestones.csv): all of them, except for a generated network
 * without network.series_nodes, which records the population only. */
static inline size_t coop_config_series_actors(const coop_config *cfg)
{
    return cfg->net.present && !cfg->net.series_nodes ? 0 : cfg->n_actors;
}

static inline size_t coop_config_series_ties(const coop_config *cfg)
{
    return cfg->net.present && !cfg->net.series_nodes ? 0 : cfg->n_ties;
}

/* The name of network type t (coop_net_type), as network.type writes it. */
const char *coop_net_type_name(int t);

/* Whether s is a valid actor name: COOP_IDENT_CHARS, 1 to COOP_NAME_MAX - 1 of them
 * (how a generated population checks the node names of an edge list). */
#define COOP_IDENT_CHARS "letters, digits and _"
int coop_config_valid_ident(const char *s);

/* The actors and ties, listed or generated (coop_pop_cfg): every module reads them
 * through these.  coop_cfg_actor: actor i's values; its name (and line) only for a
 * listed or materialised actor, so read names with coop_cfg_actor_name, which returns
 * a generated node's name "n<i>" in one of 8 buffers of the calling thread (valid
 * until 8 more names are asked for there).  coop_cfg_actor_edit: actor i writable,
 * materialised (its own profile) first in a generated population; NULL when out of
 * memory.  coop_cfg_tie: tie t by value (obs0 shared read-only by generated ties);
 * coop_cfg_tie_ends, coop_cfg_tie_weight: its endpoints, its weight; coop_cfg_tie_edit:
 * tie t writable (a generated population's ties all materialised first); NULL when out
 * of memory. */
static inline const coop_actor_cfg *coop_cfg_actor(const coop_config *cfg, size_t i);
const char *coop_cfg_actor_name(const coop_config *cfg, size_t i);
coop_actor_cfg *coop_cfg_actor_edit(coop_config *cfg, size_t i);
coop_tie_cfg coop_cfg_tie(const coop_config *cfg, size_t t);
static inline void coop_cfg_tie_ends(const coop_config *cfg, size_t t, int *a, int *b);
static inline double coop_cfg_tie_weight(const coop_config *cfg, size_t t);
coop_tie_cfg *coop_cfg_tie_edit(coop_config *cfg, size_t t);

/* Inline: the engine reads every node and tie this way at allocation. */
static inline const coop_actor_cfg *coop_cfg_actor(const coop_config *cfg, size_t i)
{
    return cfg->actors ? &cfg->actors[i] : cfg->pop.prof[cfg->pop.of[i]];
}

/* The endpoints of tie t of an L x L lattice in coop_network_lattice's order: node
 * by node (row-major), its ties right, down and, on a Moore lattice, down-right and
 * down-left (periodic); one division. */
static inline void coop_cfg_lattice_ends(size_t L, int moore, size_t t, int *a, int *b)
{
    size_t i = moore ? t >> 2 : t >> 1, k = moore ? t & 3 : t & 1, y = i / L, x = i - y * L;
    size_t xr = x + 1 == L ? 0 : x + 1, xl = x == 0 ? L - 1 : x - 1;
    size_t yd = y + 1 == L ? 0 : (y + 1) * L; /* the row below, times L */
    size_t j = k == 0 ? y * L + xr : k == 1 ? yd + x : k == 2 ? yd + xr : yd + xl;
    *a = (int)i, *b = (int)j;
}

static inline void coop_cfg_tie_ends(const coop_config *cfg, size_t t, int *a, int *b)
{
    if (cfg->ties)
        *a = cfg->ties[t].a, *b = cfg->ties[t].b;
    else if (cfg->pop.lattice)
        coop_cfg_lattice_ends((size_t)cfg->net.L, cfg->net.moore, t, a, b);
    else
        *a = cfg->pop.ta[t], *b = cfg->pop.tb[t];
}

static inline double coop_cfg_tie_weight(const coop_config *cfg, size_t t)
{
    return cfg->ties ? cfg->ties[t].weight : cfg->pop.tw ? cfg->pop.tw[t] : 1.0;
}

/* A generated population's compact actors: n nodes of n_shared shared profiles (copies
 * of tmpl, each with its goals; profile k's propensity set by the caller), every node
 * of profile 0.  Releases nothing on failure (coop_config_destroy does).  COOP_ENOMEM. */
int coop_cfg_pop_actors(coop_config *cfg, size_t n, size_t n_shared);
/* Materialises node i under the given name (an edge list's names); COOP_ENOMEM. */
int coop_cfg_pop_name(coop_config *cfg, size_t i, const char *name);
void coop_cfg_pop_destroy(coop_pop_cfg *p);
int coop_cfg_pop_copy(coop_pop_cfg *dst, const coop_config *src);

/* Actor, domain or observable index by name, or -1. */
int coop_config_actor(const coop_config *cfg, const char *name);
int coop_config_domain(const coop_config *cfg, const char *name);
int coop_config_observable(const coop_config *cfg, const char *name);

/* Index of the tie between actors a and b (either order), or -1. */
int coop_config_tie(const coop_config *cfg, const char *a, const char *b);

/* The canonical path of a ref (e.g. "actors.KZ.goals.security") into buf.
 * COOP_EINVAL when ref designates nothing in cfg. */
int coop_config_ref_path(const coop_config *cfg, const coop_param_ref *ref, char *buf,
                         size_t size);

/* The current value of the parameter ref designates (NaN for an invalid ref). */
double coop_config_get_param(const coop_config *cfg, const coop_param_ref *ref);

/* Applies `op value` to the parameter ref designates (what an event or a sweep
 * point does), keeping cfg valid: the result must lie in the parameter's range
 * (COOP_ECONFIG otherwise, cfg unchanged); a goal weight is a share in [0,1] and
 * the actor's other goals are rescaled to keep the sum 1; changing b or c of a
 * donation domain recomputes R, S, T, P; theta stays non-decreasing. */
int coop_config_set_param(coop_config *cfg, const coop_param_ref *ref, coop_op op, double value,
                          coop_err *err);

/* The motivator channels by index (coop_mot_channel): channel c of role m, its
 * value set, the channel of parameter field f (-1 when f is none), and whether c is
 * a strength of the role (COOP_MOTIVATOR_CHANNELS). */
double coop_motivator_get(const coop_motivator_cfg *m, int c);
void coop_motivator_set(coop_motivator_cfg *m, int c, double v);
int coop_motivator_channel(coop_field f);
int coop_motivator_strength(int c);

/* The goal-share rule of events and sweeps, the one both the configuration
 * (coop_config_set_param) and the engine (an event during a run) apply: domain sub
 * of goal weights g[0..n) gets share x in [0,1] and the others keep their
 * proportions, sharing 1 - x.  -1, g unchanged, when the other weights are all 0
 * (the share must then stay 1); 0 otherwise. */
int coop_goal_share(double *g, size_t n, int sub, double x);

/* The schema, for documentation and tests: the number of keys; key i's path
 * pattern (e.g. "actors.NAME.openness") into buf (COOP_EINVAL past the end); and
 * the markdown reference table of every key and rule parameter that
 * docs/CONFIG.md contains (COOP_EIO when a write fails). */
size_t coop_config_schema_size(void);
int coop_config_schema_key(size_t i, char *buf, size_t size);

/* Key i of the schema as tests see it (tests/test_roundtrip.c walks the whole
 * table with it, so that a key added later is covered with no test edit): type is
 * the value type as docs/CONFIG.md's table writes it ("float", "int", "string",
 * "bool", "group", ...; the same text as coop_config_print_schema's type column),
 * def/min/max the default and range of numbers, sdef the default of strings and
 * enums (else the default in words), enums the names of an enum (NULL-terminated;
 * NULL for other types).  COOP_EINVAL past the end. */
typedef struct coop_schema_info {
    char path[COOP_PATH_MAX];   /* pattern, e.g. "actors.NAME.openness" */
    const char *type;
    double def, min, max;
    const char *sdef;
    const char *const *enums;
} coop_schema_info;
int coop_config_schema_info(size_t i, coop_schema_info *info);
int coop_config_print_schema(FILE *out);

#endif
