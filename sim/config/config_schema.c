/* config_schema.c: the configuration schema: one table, `cfg_schema`, lists every
 * key once with its type, default, allowed range and meaning, and drives the
 * loader (defaults, type and range checks), the unknown-key check, the printer,
 * the numeric parameter paths of events and sweeps, and the reference table of
 * docs/CONFIG.md (coop_config_print_schema writes it; a test keeps the two equal).
 * The rows of the numeric actor keys and of the motivator's channels are generated
 * from their declarations (COOP_ACTOR_FIELDS, COOP_MOTIVATOR_CHANNELS, coop_config.h).
 * Also here: the text helpers, errors located at "FILE:LINE" (or the --set that
 * made a setting), and the reading of typed values and whole scopes by the table. */
#include "coop_config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "coop_fmt.h"
#include "coop_rng.h" /* COOP_MAX_POINTS: sweep.n */
#include "config_internal.h"

/* ------------------------------------------------------------------------ */
/* The schema                                                                */
/* ------------------------------------------------------------------------ */



static const char *const scope_prefix[N_SCOPES] = {
    [SC_TOP] = "", [SC_EXPERIMENT] = "experiment.", [SC_TIME] = "time.",
    [SC_DOMAIN] = "domains.NAME.", [SC_OBSERVABLE] = "observables.NAME.",
    [SC_ACTOR] = "actors.NAME.", [SC_MOTIVATOR] = "actors.NAME.motivator.",
    [SC_TIE] = "ties.A-B.", [SC_INSTITUTIONS] = "institutions.",
    [SC_ENGAGEMENT] = "engagement.", [SC_EVENT] = "events.INDEX.",
    [SC_OUTPUT] = "output.", [SC_HYPOTHESIS] = "hypothesis.",
    [SC_SWEEP] = "sweep.", [SC_SWEEP_PARAM] = "sweep.parameters.INDEX.",
    [SC_NETWORK] = "network.", [SC_OVERRIDE] = "actor_overrides.INDEX.",
    [SC_SESOI] = "hypothesis.sesoi.",
};


static const char *const vtype_doc[] = {
    [V_FLOAT] = "float", [V_INT] = "int", [V_SEED] = "int (L suffix above 2147483647)",
    [V_TEXT] = "string", [V_ENUM] = "string", [V_GROUP] = "group", [V_LIST] = "list of groups",
    [V_MAP] = "group of floats", [V_NAMES] = "array of strings", [V_FLOATS] = "array of floats",
    [V_REF] = "string", [V_PATHS] = "string or array of strings", [V_IGNORED] = "group",
    [V_BOOL] = "bool", [V_ROWS] = "list of arrays of floats", [V_INTS] = "array of ints",
};

/* sweep.method, in coop_sweep_method order. */
const char *const cfg_sweep_method_names[] = {"grid", "lhs", "sobol", "list", NULL};



const char *const cfg_chars_doc[] = {
    [CH_ANY] = "printable characters",
    [CH_IDENT] = COOP_IDENT_CHARS,
    [CH_IDENT0] = "letters, digits and _ (or empty)",
    [CH_KEY] = "a letter, then letters, digits and _",
    [CH_FILE] = "letters, digits, _, . and -",
};



static const char *const series_names[] = {"none", "summary", "full", NULL};
/* network.type in coop_net_type order; network.neighbourhood (index = moore). */
const char *const cfg_net_type_names[] = {"complete", "ring", "lattice", "gnp", "gnm",
                                             "ba", "ws", "file", NULL};
static const char *const hood_names[] = {"von_neumann", "moore", NULL};
/* network.ids (index = names flag) and network.isolated (index = allowed flag). */
static const char *const id_names[] = {"index", "name", NULL};
static const char *const isolated_names[] = {"error", "allow", NULL};
/* interaction, in coop_interaction order. */
static const char *const interaction_names[] = {"tie", "node", NULL};
/* experiment.engine, in coop_engine_choice order. */
static const char *const engine_names[] = {"auto", "kernel", "general", "bytes", NULL};
/* time.unit, in coop_time_unit order. */
static const char *const time_unit_names[] = {"year", "generation", "round", "step", NULL};
const char *const cfg_op_names[] = {"set", "add", "mul", NULL};
/* The outcome scalars (docs/ODD.md, "7.8 Observation") in COOP_O_* order
 * (coop_model.h; a test keeps the two lists equal): hypothesis.primary stores the
 * index. */
/* hypothesis.posterior_models, in COOP_POST_MODELS_* order. */
static const char *const post_models_names[] = {"first", "all", NULL};
static const char *const outcome_names[] = {
    "others_coop_target", "target_engagement", "others_level", "rmst_enhanced",
    "engaged_share", "regional_cohesion", NULL};



#define FLT(sc, nm, st, mem, d, lo, hi, fl, fld, doc_)                                     \
    {.scope = sc, .type = V_FLOAT, .flags = fl, .name = nm, .def = d, .min = lo, .max = hi, \
     .off = offsetof(st, mem), .field = fld, .doc = doc_}
#define INT(sc, nm, st, mem, d, lo, hi, doc_)                                             \
    {.scope = sc, .type = V_INT, .name = nm, .def = d, .min = lo, .max = hi,               \
     .off = offsetof(st, mem), .field = NOFIELD, .doc = doc_}
#define TXT(sc, nm, st, mem, ch, fl, d, doc_)                                             \
    {.scope = sc, .type = V_TEXT, .chars = ch, .flags = fl, .name = nm, .sdef = d,         \
     .off = offsetof(st, mem), .field = NOFIELD, .doc = doc_}
#define ENM(sc, nm, st, mem, names, d, doc_)                                              \
    {.scope = sc, .type = V_ENUM, .name = nm, .sdef = d, .off = offsetof(st, mem),         \
     .field = NOFIELD, .enums = names, .doc = doc_}
#define SPC(sc, nm, ty, fl, d, lo, hi, fld, dflt, doc_)                                   \
    {.scope = sc, .type = ty, .flags = fl, .name = nm, .def = d, .min = lo, .max = hi,     \
     .sdef = dflt, .off = NOOFF, .field = fld, .doc = doc_}

const key cfg_schema[] = {
    /* Top level, in the order the printer writes it. */
    SPC(SC_TOP, "experiment", V_GROUP, 0, 0, 0, 0, NOFIELD, "", "the run: name, master seed, replicates, generator"),
    SPC(SC_TOP, "time", V_GROUP, 0, 0, 0, 0, NOFIELD, "", "the time axis; step s starts at start + s/steps_per_year"),
    FLT(SC_TOP, "noise", coop_config, noise, 0.01, 0, 0.5, 0, COOP_F_NOISE,
        "implementation error: each action is flipped with this probability; 1% is the error "
        "rate of Wu & Axelrod (1995), small enough that reciprocity still pays"),
    ENM(SC_TOP, "interaction", coop_config, interaction, interaction_names, "tie",
        "tie: every actor chooses its action per tie and domain (docs/ODD.md, \"7.3 Play\"); "
        "node: once per step and domain, played against all its neighbours, as in the "
        "classic evolutionary games (docs/ODD.md, \"Node-level play\")"),
    INT(SC_TOP, "update_every", coop_config, update_every, 1, 1, 100000,
        "steps between learning updates (docs/ODD.md, \"7.6 Decision rules and learning\"); "
        "1 = learn every step"),
    SPC(SC_TOP, "engagement", V_GROUP, 0, 0, 0, 0, NOFIELD, "",
        "engagement dynamics (docs/ODD.md, \"7.2 Engagement\")"),
    SPC(SC_TOP, "institutions", V_GROUP, 0, 0, 0, 0, NOFIELD, "",
        "agreement levels and trust (docs/ODD.md, \"7.4 Trust and institutions\")"),
    SPC(SC_TOP, "output", V_GROUP, 0, 0, 0, 0, NOFIELD, "", "what a run keeps"),
    SPC(SC_TOP, "hypothesis", V_GROUP, 0, 0, 0, 0, NOFIELD, "",
        "whom the outcome scalars are about (docs/ODD.md, \"7.8 Observation\")"),
    SPC(SC_TOP, "domains", V_LIST, 0, 0, 0, 0, NOFIELD, "one domain `pd` (R, S, T, P = 3, 0, 5, 1)",
        "the issue areas and their 2x2 stage games; at least one"),
    SPC(SC_TOP, "observables", V_LIST, 0, 0, 0, 0, NOFIELD, "none", "tie observables (e.g. trade) and their dynamics"),
    SPC(SC_TOP, "network", V_GROUP, 0, 0, 0, 0, NOFIELD, "none",
        "a generated population instead of `actors` and `ties` (docs/CONFIG.md \"Generated "
        "networks\"); absent = the actors and ties are listed"),
    SPC(SC_TOP, "actor_template", V_GROUP, 0, 0, 0, 0, NOFIELD, "every actor default",
        "with `network`: the actor every node copies (every `actors.NAME.` key but name and "
        "motivator); nodes are named n0, n1, ... (or by the edge-list file)"),
    SPC(SC_TOP, "actor_overrides", V_LIST, 0, 0, 0, 0, NOFIELD, "none",
        "with `network`: changes of the template for some nodes, applied in order after the "
        "template and network.initial_c (a later one wins); each selects nodes with `nodes`, "
        "`from` and `to`, or `in_region` (the union) and gives any `actor_template` keys "
        "(docs/CONFIG.md \"Generated networks\")"),
    SPC(SC_TOP, "actors", V_LIST, K_REQUIRED, 0, 0, 0, NOFIELD, "required",
        "the actors (nodes); at least one; not with `network`"),
    SPC(SC_TOP, "ties", V_LIST, 0, 0, 0, 0, NOFIELD, "none",
        "undirected ties between actors; not with `network`"),
    SPC(SC_TOP, "events", V_LIST, 0, 0, 0, 0, NOFIELD, "none",
        "scheduled changes of numeric parameters, applied at the first step whose start date is "
        ">= the event date; kept sorted by date (stable)"),
    SPC(SC_TOP, "validation", V_IGNORED, 0, 0, 0, 0, NOFIELD, "none",
        "targets of `coopsim validate` (docs/VALIDATION.md): read by the validation module "
        "from the file itself, not checked here; printed in the manifest as written, with "
        "`trade_file` relative to the results directory (absolute in `coopsim check`)"),
    SPC(SC_TOP, "sensitivity", V_IGNORED, 0, 0, 0, 0, NOFIELD, "none",
        "the design of `coopsim sensitivity` (docs/SENSITIVITY.md): read by the sensitivity "
        "module from the file itself, not checked here; printed in the manifest as written "
        "(comments dropped), so that `coopsim sensitivity DIR/manifest.cfg` reproduces the run"),
    SPC(SC_TOP, "infer", V_IGNORED, 0, 0, 0, 0, NOFIELD, "none",
        "parameters, priors, targets and models of `coopsim infer` (docs/INFERENCE.md): read "
        "by the inference module from the file itself, not checked here; printed in the "
        "manifest as written (comments dropped), so that `coopsim infer DIR/manifest.cfg` "
        "reproduces the run"),
    SPC(SC_TOP, "run", V_IGNORED, 0, 0, 0, 0, NOFIELD, "none",
        "written by coopsim into a results manifest (version, command line, times); accepted "
        "and ignored, never printed, so that `coopsim run DIR/manifest.cfg` loads"),

    /* experiment */
    TXT(SC_EXPERIMENT, "name", coop_config, name, CH_FILE, 0, "coopsim",
        "names the results directory (results/NAME)"),
    {.scope = SC_EXPERIMENT, .type = V_SEED, .name = "seed", .def = 1, .min = 0, .max = 4294967295.0,
     .off = offsetof(coop_config, seed), .field = NOFIELD,
     .doc = "master seed; replicate r of point p draws from a generator seeded from (seed, p, r)"},
    INT(SC_EXPERIMENT, "replicates", coop_config, replicates, 100, 1, COOP_MAX_REPLICATES,
        "replicates per point; 100 gives a standard error of a share below 0.05"),
    TXT(SC_EXPERIMENT, "rng", coop_config, rng, CH_ANY, 0, "mt19937",
        "GSL generator type by name (gsl_rng_types_setup): mt19937 (Matsumoto & Nishimura "
        "1998) is GSL's default; ranlxd2 and taus2 are alternatives"),
    ENM(SC_EXPERIMENT, "engine", coop_config, engine, engine_names, "auto",
        "auto: the node kernel (a fast path for the classic node-level imitation models, "
        "giving the same numbers; bit-sliced on lattices with imitate_best) where the "
        "configuration allows it, else the general engine; kernel: the node kernel, or an "
        "error saying which condition fails; general: the general engine always; bytes: as "
        "auto, but never the bit-sliced form of the kernel (docs/ODD.md, \"Node kernel\")"),

    /* time */
    FLT(SC_TIME, "start", coop_config, start, 1991.0, -PMAX, PMAX, 0, NOFIELD,
        "decimal year of the first step; 1991 = independence of the CA states and TACIS"),
    FLT(SC_TIME, "end", coop_config, end, 2030.0, -PMAX, PMAX, 0, NOFIELD,
        "decimal year the last step ends; must be > start; 2030 = the horizon of the "
        "EU-Central Asia scenarios"),
    INT(SC_TIME, "steps_per_year", coop_config, steps_per_year, 4, 1, 366,
        "steps per year; 4 = quarters; n_steps = round((end - start) * steps_per_year) >= 1"),
    ENM(SC_TIME, "unit", coop_config, time_unit, time_unit_names, "year",
        "what one unit of time is, for labels only (figures): a calendar year, or the "
        "generation, round or step of a classic model whose time is not a date"),

    /* domains */
    TXT(SC_DOMAIN, "name", coop_domain_cfg, name, CH_KEY, K_REQUIRED, "",
        "unique; also a key in actors' goals and observables' domains"),
    FLT(SC_DOMAIN, "R", coop_domain_cfg, R, 3, -PMAX, PMAX, K_PAYOFF, COOP_F_DOMAIN_R,
        "reward for mutual cooperation; defaults R, S, T, P = 3, 0, 5, 1 are Axelrod's (1984)"),
    FLT(SC_DOMAIN, "S", coop_domain_cfg, S, 0, -PMAX, PMAX, K_PAYOFF, COOP_F_DOMAIN_S,
        "sucker's payoff (C against D)"),
    FLT(SC_DOMAIN, "T", coop_domain_cfg, T, 5, -PMAX, PMAX, K_PAYOFF, COOP_F_DOMAIN_T,
        "temptation (D against C)"),
    FLT(SC_DOMAIN, "P", coop_domain_cfg, P, 1, -PMAX, PMAX, K_PAYOFF, COOP_F_DOMAIN_P,
        "punishment for mutual defection"),
    FLT(SC_DOMAIN, "b", coop_domain_cfg, b, 2, 0, PMAX, K_PAYOFF, COOP_F_DOMAIN_B,
        "donation game benefit (instead of R, S, T, P: R = b-c, S = -c, T = b, P = 0); "
        "default b/c = 2 (Nowak 2006)"),
    FLT(SC_DOMAIN, "c", coop_domain_cfg, c, 1, 0, PMAX, K_PAYOFF, COOP_F_DOMAIN_C,
        "donation game cost"),
    FLT(SC_DOMAIN, "public_good", coop_domain_cfg, public_good, 0, 0, 1, 0, COOP_F_DOMAIN_PUBLIC_GOOD,
        "share of the benefit that is a regional public good (free riding, "
        "docs/ODD.md, \"7.3 Play\"); "
        "0 = a private good"),

    /* observables */
    TXT(SC_OBSERVABLE, "name", coop_observable_cfg, name, CH_KEY, K_REQUIRED, "",
        "unique; also a key in ties' observables"),
    SPC(SC_OBSERVABLE, "domains", V_NAMES, 0, 0, 0, 0, NOFIELD, "every domain",
        "the domains whose cooperation drives it"),
    FLT(SC_OBSERVABLE, "growth", coop_observable_cfg, growth, 0.1, 0, 10, 0, COOP_F_OBS_GROWTH,
        "growth rate per year at full cooperation in the driving domains; 10%/year is "
        "a plausible ceiling for trade growth"),
    FLT(SC_OBSERVABLE, "decay", coop_observable_cfg, decay, 0.05, 0, 10, 0, COOP_F_OBS_DECAY,
        "decay rate per year without cooperation: half the growth rate, so that trade "
        "erodes more slowly than it is built"),

    /* actors */
    TXT(SC_ACTOR, "name", coop_actor_cfg, name, CH_IDENT, K_REQUIRED, "", "unique"),
    TXT(SC_ACTOR, "kind", coop_actor_cfg, kind, CH_ANY, 0, "state", "`union`, `state` or free text"),
    TXT(SC_ACTOR, "region", coop_actor_cfg, region, CH_IDENT0, 0, "",
        "regional group (actors of one region are each other's regional neighbours); "
        "empty = none"),
    /* capacity, goals, openness, ...: the numeric fields (COOP_ACTOR_FIELDS) around
     * goals; a field the engine floors at a positive value excludes lo */
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc)                          \
    FLT(SC_ACTOR, #key, coop_actor_cfg, key, def, lo, hi,                                 \
        COOP_BOUND_##bound == COOP_BOUND_POSITIVE ? K_MIN_OPEN : 0, COOP_F_ACTOR_##FIELD, doc),
    COOP_ACTOR_FIELDS_HEAD(COOP_X_)
    SPC(SC_ACTOR, "goals", V_MAP, 0, 0, 0, 1e6, COOP_F_ACTOR_GOAL, "equal weights",
        "weight >= 0 per domain, normalised to sum 1; a domain the group omits gets 0, "
        "the sum must be > 0"),
    COOP_ACTOR_FIELDS_TAIL(COOP_X_)
#undef COOP_X_
    SPC(SC_ACTOR, "rule", V_TEXT, 0, 0, 0, 0, NOFIELD, "bush_mosteller",
        "decision rule (table below); default: Bush-Mosteller reinforcement learning, so "
        "that actors respond to payoffs"),
    SPC(SC_ACTOR, "rule_params", V_MAP, 0, 0, 0, 0, COOP_F_ACTOR_RULE_PARAM, "the rule's defaults",
        "the rule's parameters by name (table below); a missing one takes its default"),
    SPC(SC_ACTOR, "motivator", V_GROUP, 0, 0, 0, 0, NOFIELD, "none",
        "the motivator role (docs/ODD.md, \"7.5 Motivator and counter-mechanisms\"); absent = "
        "an ordinary actor"),

    /* actors.NAME.motivator */
    SPC(SC_MOTIVATOR, "target", V_REF, K_REQUIRED, 0, 0, 0, NOFIELD, "required",
        "the actor it motivates (not itself)"),
#define COOP_X_(key, FIELD, strength, doc)                                               \
    FLT(SC_MOTIVATOR, #key, coop_motivator_cfg, key, 0, 0, 1, 0, COOP_F_MOT_##FIELD, doc),
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_

    /* ties */
    SPC(SC_TIE, "a", V_REF, K_REQUIRED, 0, 0, 0, NOFIELD, "required", "one actor"),
    SPC(SC_TIE, "b", V_REF, K_REQUIRED, 0, 0, 0, NOFIELD, "required",
        "the other actor (not a; one tie per pair)"),
    FLT(SC_TIE, "weight", coop_tie_cfg, weight, 1, 0, 1e6, K_MIN_OPEN, COOP_F_TIE_WEIGHT,
        "salience: how much the tie matters; 1 = all equal"),
    FLT(SC_TIE, "rivalry", coop_tie_cfg, rivalry, 0, 0, 1, 0, COOP_F_TIE_RIVALRY,
        "competition between the two (docs/ODD.md, \"7.5 Motivator and "
        "counter-mechanisms\"); 0 = none"),
    SPC(SC_TIE, "observables", V_MAP, 0, 0, 0, 1e12, COOP_F_TIE_OBS, "0 each",
        "initial value per declared observable"),

    /* institutions */
    SPC(SC_INSTITUTIONS, "levels", V_NAMES, 0, 2, 2, COOP_MAX_LEVELS, NOFIELD,
        "none, framework_signed, framework_in_force, enhanced",
        "names of the agreement levels, level 0 first; 2 to 8 levels (the default: no "
        "agreement, PCA signed, PCA in force, enhanced agreement; docs/ODD.md, \"7.4 Trust "
        "and institutions\")"),
    SPC(SC_INSTITUTIONS, "theta", V_FLOATS, 0, 0, 0, 1, COOP_F_INST_THETA, "0.0, 0.3, 0.5, 0.7",
        "trust needed to reach each level, non-decreasing (theta[0] unused); steps of 0.2 "
        "from 0.3: a framework needs occasional mutual cooperation, an enhanced agreement "
        "mutual cooperation in most steps"),
    SPC(SC_INSTITUTIONS, "omega", V_FLOATS, 0, 0, 0, 1, COOP_F_INST_OMEGA, "0.0, 0.2, 0.4, 0.6",
        "openness both actors need for each level; 0.1 below theta, so that trust, not the "
        "regime, usually binds and only closed regimes are blocked"),
    INT(SC_INSTITUTIONS, "tau", coop_institutions_cfg, tau, 4, 1, 100000,
        "consecutive steps a condition must hold; 4 = one year at 4 steps/year"),
    FLT(SC_INSTITUTIONS, "hysteresis", coop_institutions_cfg, hysteresis, 0.1, 0, 1, 0,
        COOP_F_INST_HYSTERESIS, "a level is lost below theta[level] - hysteresis; agreements "
        "outlast a bad year"),
    FLT(SC_INSTITUTIONS, "beta", coop_institutions_cfg, beta, 0.1, 0, 100, 0, COOP_F_INST_BETA,
        "payoff multiplier 1 + beta*level: each level adds 10% (institutions raise gains)"),
    FLT(SC_INSTITUTIONS, "gamma", coop_institutions_cfg, gamma, 0.5, 0, PMAX, 0, COOP_F_INST_GAMMA,
        "penalty gamma*level for a defection under an agreement; at level 3 it is 1.5, less "
        "than the default T - R = 2: agreements deter defection but do not abolish it"),
    FLT(SC_INSTITUTIONS, "lambda", coop_institutions_cfg, lambda, 0.1, 0, 1, 0, COOP_F_INST_LAMBDA,
        "trust learning rate: a memory of about 1/lambda = 10 steps"),

    /* engagement */
    FLT(SC_ENGAGEMENT, "alpha", coop_config, eng_alpha, 0.2, 0, 1, 0, COOP_F_ENG_ALPHA,
        "rise of engagement per unit signal: e += alpha*signal*(1-e); a full signal closes "
        "a fifth of the gap per step"),
    FLT(SC_ENGAGEMENT, "delta", coop_config, eng_delta, 0.05, 0, 1, 0, COOP_F_ENG_DELTA,
        "decay of engagement per step: e -= delta*e (half-life of about 3.4 years at 4 "
        "steps/year)"),

    /* events */
    FLT(SC_EVENT, "date", coop_event_cfg, date, 0, -PMAX, PMAX, K_REQUIRED, NOFIELD,
        "decimal year, in [time.start, time.end)"),
    SPC(SC_EVENT, "path", V_PATHS, K_REQUIRED, 0, 0, 0, NOFIELD, "required",
        "numeric parameter path(s) (see Paths); a list gives one event per path"),
    ENM(SC_EVENT, "op", coop_event_cfg, op, cfg_op_names, "set",
        "set, add or mul; on a goal weight the result is the domain's new share, the "
        "others rescaled to keep the sum 1"),
    FLT(SC_EVENT, "value", coop_event_cfg, value, 0, -PMAX, PMAX, K_REQUIRED, NOFIELD,
        "operand; the result must lie in the parameter's range"),

    /* output */
    ENM(SC_OUTPUT, "series", coop_config, series, series_names, "summary",
        "per-step data kept: none, summary (statistics over replicates) or full (every "
        "replicate)"),
    SPC(SC_OUTPUT, "snapshots", V_INTS, 0, 0, 0, COOP_MAX_SNAPSHOTS, NOFIELD, "none",
        "steps at which `coopsim run` records every actor's share of C in replicate 0 "
        "(snapshots.csv; on a lattice, the `snapshots` figure), e.g. [ 0, 10, 50 ]; strictly "
        "ascending, at most 64"),

    /* sweep: the points of `coopsim sweep` (loaded by load_sweep, points by sweep.c) */
    SPC(SC_TOP, "sweep", V_GROUP, 0, 0, 0, 0, NOFIELD, "none",
        "the points of `coopsim sweep`: each point is this configuration with the point's "
        "values set as --set would set them; absent = no sweep (printed only when present)"),
    ENM(SC_SWEEP, "method", coop_sweep_cfg, method, cfg_sweep_method_names, "grid",
        "grid: every combination of the parameters' values (the last parameter varies "
        "fastest); lhs: a Latin hypercube of n points over [min, max] (McKay, Beckman & "
        "Conover 1979), one point per stratum of each parameter; sobol: the first n points "
        "of GSL's Sobol sequence (gsl_qrng_sobol, at most 40 parameters) scaled to "
        "[min, max]; list: the points in `rows`"),
    INT(SC_SWEEP, "n", coop_sweep_cfg, n, 100, 1, COOP_MAX_POINTS,
        "lhs and sobol: the number of points; ignored by grid and list"),
    SPC(SC_SWEEP, "seed", V_SEED, 0, 0, 0, 4294967295.0, NOFIELD, "experiment.seed",
        "lhs: seed of the strata permutations and the jitter within strata (a generator of "
        "their own: the points do not depend on the runs)"),
    SPC(SC_SWEEP, "parameters", V_LIST, K_REQUIRED, 0, 0, 0, NOFIELD, "required",
        "the swept parameters, at least one, at most one entry per parameter; their order "
        "is the column order of points.csv and the value order of `rows`"),
    SPC(SC_SWEEP, "rows", V_ROWS, 0, 0, 0, 0, NOFIELD, "none",
        "list only: one array [ v1, v2, ... ] per point, one value per parameter; at least "
        "one row, at most 65535"),
    SPC(SC_SWEEP_PARAM, "path", V_TEXT, K_REQUIRED, 0, 0, 0, NOFIELD, "",
        "a numeric parameter path (see Paths), e.g. engagement.delta or "
        "actors.KZ.motivator.brokerage; every value a point can take must lie in the "
        "parameter's range"),
    SPC(SC_SWEEP_PARAM, "values", V_FLOATS, 0, 0, 0, 0, NOFIELD, "required by grid",
        "grid only: the values, in order, at least one"),
    SPC(SC_SWEEP_PARAM, "min", V_FLOAT, 0, 0, -PMAX, PMAX, NOFIELD, "required by lhs and sobol",
        "lhs and sobol only: the lower end of the sampled range"),
    SPC(SC_SWEEP_PARAM, "max", V_FLOAT, 0, 0, -PMAX, PMAX, NOFIELD, "required by lhs and sobol",
        "lhs and sobol only: the upper end, >= min"),
    SPC(SC_SWEEP_PARAM, "log", V_BOOL, 0, 0, 0, 0, NOFIELD, "false",
        "lhs and sobol only: sample log(value) uniformly, for parameters that span orders of "
        "magnitude; needs min > 0"),

    /* network: a generated population (coop_network.h) */
    ENM(SC_NETWORK, "type", coop_network_cfg, type, cfg_net_type_names, "lattice",
        "complete graph; ring (k neighbours); L x L lattice with periodic boundaries; "
        "Erdos-Renyi gnp (n, p) or gnm (n, m); Barabasi-Albert ba (n, m); Watts-Strogatz ws "
        "(n, k, p); file: a CSV edge list a,b[,weight]"),
    INT(SC_NETWORK, "n", coop_network_cfg, n, 100, 2, 2000000000,
        "nodes (complete, ring, gnp, gnm, ba, ws)"),
    INT(SC_NETWORK, "k", coop_network_cfg, k, 4, 2, 1000000,
        "ring and ws: neighbours of each node, even, < n; 4 = the mean degree of Santos & "
        "Pacheco (2005)"),
    INT(SC_NETWORK, "L", coop_network_cfg, L, 100, 3, 44000,
        "lattice: side (L x L nodes); >= 3 so that no neighbour appears twice"),
    ENM(SC_NETWORK, "neighbourhood", coop_network_cfg, moore, hood_names, "moore",
        "lattice: 4 (von_neumann) or 8 (moore) neighbours; Moore is Nowak & May's (1992)"),
    SPC(SC_NETWORK, "self", V_BOOL, 0, 0, 0, 0, NOFIELD, "false",
        "lattice: each node also plays itself every step (Nowak & May 1992; docs/ODD.md 9)"),
    FLT(SC_NETWORK, "p", coop_network_cfg, p, 0.1, 0, 1, 0, NOFIELD,
        "gnp: tie probability; ws: rewiring probability"),
    INT(SC_NETWORK, "m", coop_network_cfg, m, 2, 0, 2000000000,
        "gnm: number of ties; ba: ties of each new node (mean degree about 2m; 2 = Santos & "
        "Pacheco's mean degree 4)"),
    FLT(SC_NETWORK, "initial_c", coop_network_cfg, initial_c, -1, -1, 1, 0, NOFIELD,
        "share of nodes, placed at random, that start as cooperators (propensity 1; the "
        "others 0), e.g. 0.9 as in Nowak & May (1992); -1 = every node keeps "
        "actor_template.propensity"),
    SPC(SC_NETWORK, "series_nodes", V_BOOL, 0, 0, 0, 0, NOFIELD, "false",
        "keep the per-node and per-tie series of a generated network (series.csv, ties.csv, "
        "milestones.csv and their summary rows: large); false = population.csv only"),
    SPC(SC_NETWORK, "file", V_TEXT, 0, 0, 0, 0, NOFIELD, "",
        "file: the edge list, relative to the directory of the configuration that names it "
        "(a --set: the working directory); one `a,b` or `a,b,weight` per line, optional "
        "header, # comments; at most 1 GiB, lines of at most 4096 bytes"),
    ENM(SC_NETWORK, "ids", coop_network_cfg, ids, id_names, "index",
        "file: what the endpoints are. index: node indices, node i is n<i> (as in "
        "actor_overrides), n = the largest + 1 unless network.n is given; name: labels, "
        "numbered in order of first appearance, that name the nodes. Said, never guessed; "
        "index by default because a numbered list then keeps its numbers"),
    ENM(SC_NETWORK, "isolated", coop_network_cfg, isolated, isolated_names, "error",
        "file with ids = index: nodes in [0, n - 1] without a tie (an index skipped, or "
        "network.n above the largest) are an error naming the count and the first; allow: "
        "kept, their count printed on stderr"),

    /* actor_overrides.INDEX: the selectors; the other keys are actor_template's */
    SPC(SC_OVERRIDE, "nodes", V_INTS, 0, 0, 0, 0, NOFIELD, "none",
        "node indices (n17 is 17), each in [0, nodes - 1]"),
    SPC(SC_OVERRIDE, "from", V_INT, 0, 0, 0, 0, NOFIELD, "none",
        "first node index of an inclusive range, in [0, nodes - 1]; needs `to`"),
    SPC(SC_OVERRIDE, "to", V_INT, 0, 0, 0, 0, NOFIELD, "none",
        "last node index of the range, in [from, nodes - 1]; needs `from`"),
    SPC(SC_OVERRIDE, "in_region", V_TEXT, 0, 0, 0, 0, NOFIELD, "",
        "the nodes whose region (set by the template or an earlier override) is this one "
        "when the override applies; at least one node must match"),

    /* hypothesis */
    SPC(SC_HYPOTHESIS, "motivator", V_REF, 0, 0, 0, 0, NOFIELD, "the first actor with a motivator role",
        "the motivator whose effect is tested; \"\" = none (no outcomes)"),
    SPC(SC_HYPOTHESIS, "target", V_REF, 0, 0, 0, 0, NOFIELD, "the motivator's target",
        "the actor the outcomes are measured toward"),
    FLT(SC_HYPOTHESIS, "window_years", coop_hypothesis_cfg, window_years, 10, 0, 1000, K_MIN_OPEN,
        NOFIELD, "the `last N years` of others_coop_target; a decade smooths out single events"),
    SPC(SC_HYPOTHESIS, "placebo", V_NAMES, 0, 0, 0, COOP_MAX_PLACEBO, NOFIELD, "none",
        "actors that each get the motivator's role (target and strengths) in place of the "
        "motivator, one placebo world each (`coopsim hypothesis`); not the motivator or its "
        "target, at most 16"),
    SPC(SC_HYPOTHESIS, "weights", V_MAP, 0, 0, 0, 1e12, NOFIELD, "equal",
        "\"equal\" or STATE = weight; ... for every other state (the motivator's regional "
        "neighbours except the target), each >= 0, some > 0: the states' weights in the pooled "
        "outcomes (docs/HYPOTHESIS.md, \"Per state\"); equal by default, as the thesis "
        "speaks of the states, not of their size"),
    ENM(SC_HYPOTHESIS, "primary", coop_hypothesis_cfg, primary, outcome_names,
        "others_coop_target", "the outcome the verdict rests on; default: the thesis's claim (b), "
        "that the other states cooperate more with the target"),
    FLT(SC_HYPOTHESIS, "alpha", coop_hypothesis_cfg, alpha, 0.05, 0, 1, K_MIN_OPEN | K_MAX_OPEN,
        NOFIELD, "significance level of the verdict: the primary outcome is tested at alpha, the "
        "others behind it with Holm's correction (gatekeeping), each one-sided test at "
        "alpha / 2 (docs/HYPOTHESIS.md); 0.05 by convention"),
    FLT(SC_HYPOTHESIS, "confidence", coop_hypothesis_cfg, confidence, 0.95, 0, 1,
        K_MIN_OPEN | K_MAX_OPEN, NOFIELD, "level of the confidence intervals (bootstrap and t)"),
    INT(SC_HYPOTHESIS, "bootstrap", coop_hypothesis_cfg, bootstrap, 2000, 0, 1000000,
        "bootstrap resamples of the paired differences; 2000 keeps the Monte Carlo error of "
        "95% percentile limits small (Efron & Tibshirani 1993); 0 = no bootstrap interval"),
    SPC(SC_HYPOTHESIS, "channels", V_BOOL, 0, 0, 0, 0, NOFIELD, "false",
        "true: also run the 2^k factorial design over the motivator's channels (initiative, "
        "demonstration, brokerage: 6 more worlds) and write channels.csv: main effects, "
        "interactions and Shapley shares of the effect "
        "(docs/HYPOTHESIS.md, \"Which channel carries the effect\"); "
        "false by default because it multiplies the cost of every point by "
        "(2^k + placebos) / (2 + placebos)"),
    INT(SC_HYPOTHESIS, "max_replicates", coop_hypothesis_cfg, max_replicates, 16384, 2,
        COOP_MAX_REPLICATES, "the most replicates `coopsim hypothesis --replicates auto` "
        "may grow to (doubling from experiment.replicates); 16384 = 8 doublings of the "
        "2000 of configs/eu_ca.cfg, about a minute on 2 cores"),
    INT(SC_HYPOTHESIS, "posterior_draws", coop_hypothesis_cfg, posterior_draws, 0, 0,
        COOP_MAX_REPLICATES, "`coopsim hypothesis --posterior`: the posterior draws K; 0 = "
        "experiment.replicates, so that with replicates_per_draw = 1 each replicate has its own "
        "draw (docs/INFERENCE.md, \"Verdicts over the posterior\")"),
    INT(SC_HYPOTHESIS, "replicates_per_draw", coop_hypothesis_cfg, replicates_per_draw, 1, 1,
        COOP_MAX_REPLICATES, "`coopsim hypothesis --posterior`: the replicates m run at each draw, "
        "whose mean estimates the draw's expected effect (standard error s / sqrt(m)); 1 keeps "
        "one run per draw (the cheapest design for the effect averaged over the posterior); "
        "use 10 or more for the probabilities of the verdict regions"),
    ENM(SC_HYPOTHESIS, "posterior_models", coop_hypothesis_cfg, posterior_models,
        post_models_names, "first", "`coopsim hypothesis --posterior`: first: draw from the "
        "first model of the posterior (the effect if the role exists, the question of "
        "docs/HYPOTHESIS.md); all: from every model in proportion to its posterior probability "
        "(Bayesian model averaging: the effect over model uncertainty too, a model without the "
        "role contributing effects of 0)"),
    SPC(SC_HYPOTHESIS, "sesoi", V_GROUP, 0, 0, 0, 0, NOFIELD, "",
        "smallest effect size of interest per outcome, in the outcome's units: the "
        "verdict's thresholds (docs/HYPOTHESIS.md, \"Smallest effects of interest\")"),
    /* hypothesis.sesoi, in COOP_O_* order (docs/HYPOTHESIS.md argues each default) */
    FLT(SC_SESOI, "others_coop_target", coop_hypothesis_cfg, sesoi[0], 0.02, 0, 1, 0, NOFIELD,
        "2 points of the share of C actions: twice the 1% implementation noise, below "
        "which a change is within what noise alone does to a share"),
    FLT(SC_SESOI, "target_engagement", coop_hypothesis_cfg, sesoi[1], 0.02, 0, 1, 0, NOFIELD,
        "2 points of engagement (a share of attention in [0, 1]), as for the shares"),
    FLT(SC_SESOI, "others_level", coop_hypothesis_cfg, sesoi[2], 0.1, 0, 100, 0, NOFIELD,
        "a tenth of an agreement level: one of the four others one level higher in 4 "
        "replicates of 10"),
    FLT(SC_SESOI, "rmst_enhanced", coop_hypothesis_cfg, sesoi[3], 1, 0, 1000, 0, NOFIELD,
        "one year of the restricted mean time to the enhanced level: the record dates "
        "agreements to the year"),
    FLT(SC_SESOI, "engaged_share", coop_hypothesis_cfg, sesoi[4], 0.05, 0, 1, 0, NOFIELD,
        "5 points: one of the four others engaged with the target or not in 1 replicate of 5"),
    FLT(SC_SESOI, "regional_cohesion", coop_hypothesis_cfg, sesoi[5], 0.02, 0, 1, 0, NOFIELD,
        "2 points of the share of C actions inside the region, as for others_coop_target"),
};

const size_t cfg_n_keys = sizeof cfg_schema / sizeof cfg_schema[0];

_Static_assert(sizeof(coop_series) == sizeof(int), "V_ENUM stores an int");
_Static_assert(sizeof(coop_op) == sizeof(int), "V_ENUM stores an int");

const key *cfg_find_key(int scope, const char *name)
{
    for (size_t i = 0; i < cfg_n_keys; i++)
        if (cfg_schema[i].scope == scope && strcmp(cfg_schema[i].name, name) == 0)
            return &cfg_schema[i];
    return NULL;
}

const key *cfg_find_field(int field)
{
    for (size_t i = 0; i < cfg_n_keys; i++)
        if (cfg_schema[i].field == field)
            return &cfg_schema[i];
    return NULL;
}

/* ---- the motivator channels (COOP_MOTIVATOR_CHANNELS) ---- */

static const size_t mot_offset[COOP_N_MOT] = {
#define COOP_X_(key, FIELD, strength, doc) [COOP_MOT_##FIELD] = offsetof(coop_motivator_cfg, key),
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
};

static const unsigned char mot_strength[COOP_N_MOT] = {
#define COOP_X_(key, FIELD, strength, doc) [COOP_MOT_##FIELD] = strength,
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
};

double coop_motivator_get(const coop_motivator_cfg *m, int c)
{
    double v;
    memcpy(&v, (const char *)m + mot_offset[c], sizeof v);
    return v;
}

void coop_motivator_set(coop_motivator_cfg *m, int c, double v)
{
    memcpy((char *)m + mot_offset[c], &v, sizeof v);
}

int coop_motivator_channel(coop_field f)
{
    switch (f) {
#define COOP_X_(key, FIELD, strength, doc) case COOP_F_MOT_##FIELD: return COOP_MOT_##FIELD;
        COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
    default: return -1;
    }
}

int coop_motivator_strength(int c)
{
    return c >= 0 && c < COOP_N_MOT && mot_strength[c];
}

/* The scope of the group or list elements a top-level key holds. */
int cfg_child_scope(const char *top)
{
    static const struct { const char *name; int scope; } map[] = {
        {"experiment", SC_EXPERIMENT}, {"time", SC_TIME}, {"domains", SC_DOMAIN},
        {"observables", SC_OBSERVABLE}, {"actors", SC_ACTOR}, {"ties", SC_TIE},
        {"institutions", SC_INSTITUTIONS}, {"engagement", SC_ENGAGEMENT}, {"events", SC_EVENT},
        {"output", SC_OUTPUT}, {"hypothesis", SC_HYPOTHESIS}, {"sweep", SC_SWEEP},
        {"network", SC_NETWORK}, {"actor_template", SC_ACTOR},
        {"actor_overrides", SC_OVERRIDE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, top) == 0)
            return map[i].scope;
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Text helpers                                                              */
/* ------------------------------------------------------------------------ */

/* Appends to a NUL-terminated buffer, truncating. */
void cfg_cat(char *dst, size_t size, const char *src)
{
    size_t n = strlen(dst);
    if (n + 1 >= size)
        return;
    size_t k = strlen(src);
    if (k > size - n - 1)
        k = size - n - 1;
    memcpy(dst + n, src, k);
    dst[n + k] = '\0';
}

/* dst = a.b (or b when a is empty). */
void cfg_join(char *dst, size_t size, const char *a, const char *b)
{
    dst[0] = '\0';
    cfg_cat(dst, size, a);
    if (a[0])
        cfg_cat(dst, size, ".");
    cfg_cat(dst, size, b);
}

/* The shortest %g text that reads back as v. */
static void shortest(char *buf, size_t size, double v)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* A number for messages and ranges: integers without a decimal point. */
void cfg_fmt_num(char *buf, size_t size, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        shortest(buf, size, v);
}

/* A float as the printer writes it: exact, and always read back as a float. */
void cfg_fmt_float(char *buf, size_t size, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, size, "%.1f", v);
        return;
    }
    shortest(buf, size, v);
    if (!strpbrk(buf, ".eEni"))
        cfg_cat(buf, size, ".0");
}

void cfg_fmt_range(char *buf, size_t size, double min, double max, int flags)
{
    char lo[40], hi[40];
    cfg_fmt_num(lo, sizeof lo, min);
    cfg_fmt_num(hi, sizeof hi, max);
    snprintf(buf, size, "%c%s, %s%c", (flags & K_MIN_OPEN) ? '(' : '[', lo, hi,
             (flags & K_MAX_OPEN) ? ')' : ']');
}

/* A number literal libconfig cannot hold: an integer beyond 64 bits (libconfig
 * 1.5 reads it as -1, or as the 64-bit limit with the L suffix) or a float beyond
 * the doubles (inf). */
static int overflows(const char *t)
{
    char *end;
    errno = 0;
    if (strpbrk(t, ".eE") && !strpbrk(t, "xX"))
        (void)strtod(t, &end);
    else
        (void)strtoll(t, &end, 0);
    return end != t && errno == ERANGE;
}

/* The number as written, when it overflows: the VALUE of the --set that made s,
 * or the token after `NAME =` (or `NAME :`) on s's line of its file.  1 when
 * found (buf filled, a long one cut), else 0. */
static int written_number(char *buf, size_t size, const config_setting_t *s)
{
    char tok[128] = "";
    const char *hook = config_setting_get_hook(s), *name = config_setting_name(s);
    if (hook && strchr(hook, '=')) {
        snprintf(tok, sizeof tok, "%s", strchr(hook, '=') + 1);
    } else if (!hook && name && config_setting_source_file(s) && config_setting_source_line(s)) {
        FILE *f = fopen(config_setting_source_file(s), "r");
        char *line = NULL;
        size_t cap = 0;
        for (unsigned l = 1; f && getline(&line, &cap, f) >= 0; l++) {
            if (l < config_setting_source_line(s))
                continue;
            size_t nl = strlen(name);
            for (const char *p = strstr(line, name); p; p = strstr(p + 1, name)) {
                const char *q = p + nl;
                while (*q == ' ' || *q == '\t')
                    q++;
                if ((p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
                    || (*q != '=' && *q != ':'))
                    continue;
                q += strspn(q + 1, " \t") + 1;
                size_t k = strcspn(q, " \t\r\n;,)]}#/");
                snprintf(tok, sizeof tok, "%.*s", (int)(k < sizeof tok ? k : sizeof tok - 1), q);
                break;
            }
            break;
        }
        free(line);
        if (f)
            fclose(f);
    }
    char digits[128];
    size_t n = strlen(tok);
    while (n && (tok[n - 1] == 'L' || tok[n - 1] == 'l')) /* the 64-bit suffix */
        n--;
    snprintf(digits, sizeof digits, "%.*s", (int)n, tok);
    if (!digits[0] || !overflows(digits))
        return 0;
    snprintf(buf, size, "%s", tok);
    return 1;
}

/* A setting's value as a message shows it. */
void cfg_fmt_value(char *buf, size_t size, const config_setting_t *s)
{
    int number = config_setting_type(s) == CONFIG_TYPE_INT
                 || config_setting_type(s) == CONFIG_TYPE_INT64
                 || config_setting_type(s) == CONFIG_TYPE_FLOAT;
    if (number && written_number(buf, size, s))
        return;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: snprintf(buf, size, "%d", config_setting_get_int(s)); break;
    case CONFIG_TYPE_INT64: snprintf(buf, size, "%lldL", config_setting_get_int64(s)); break;
    case CONFIG_TYPE_FLOAT: cfg_fmt_float(buf, size, config_setting_get_float(s)); break;
    case CONFIG_TYPE_BOOL: snprintf(buf, size, "%s", config_setting_get_bool(s) ? "true" : "false"); break;
    case CONFIG_TYPE_STRING: {
        const char *t = config_setting_get_string(s);
        snprintf(buf, size, "\"%.200s%s\"", t, strlen(t) > 200 ? "..." : "");
        break;
    }
    case CONFIG_TYPE_GROUP: snprintf(buf, size, "{ ... }"); break;
    case CONFIG_TYPE_LIST: snprintf(buf, size, config_setting_length(s) ? "( ... )" : "( )"); break;
    case CONFIG_TYPE_ARRAY: snprintf(buf, size, config_setting_length(s) ? "[ ... ]" : "[ ]"); break;
    default: snprintf(buf, size, "?"); break;
    }
}

int cfg_in_range(double x, double min, double max, int flags)
{
    if (isnan(x))
        return 0;
    if ((flags & K_MIN_OPEN) ? !(x > min) : !(x >= min))
        return 0;
    if ((flags & K_MAX_OPEN) ? !(x < max) : !(x <= max))
        return 0;
    return 1;
}

int cfg_valid_name(const char *s, int chars)
{
    size_t n = strlen(s);
    if (n >= COOP_NAME_MAX)
        return 0;
    if (chars == CH_ANY) {
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                return 0;
        return 1;
    }
    if (n == 0)
        return chars == CH_IDENT0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                 || ch == '_';
        if (chars == CH_FILE)
            ok = ok || ch == '.' || ch == '-';
        if (chars == CH_KEY && i == 0)
            ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (!ok)
            return 0;
    }
    return 1;
}



/* "FILE:LINE" of a setting, or "--set PATH=VALUE" when an override made it: the
 * nearest of the setting and its parents that carries either. */
static void locate(const ctx *c, const config_setting_t *s, char *buf, size_t size)
{
    for (const config_setting_t *p = s; p; p = config_setting_parent(p)) {
        const void *hook = config_setting_get_hook(p);
        if (hook) {
            snprintf(buf, size, "--set %s", (const char *)hook);
            return;
        }
        if (config_setting_source_line(p) > 0) {
            const char *f = config_setting_source_file(p);
            snprintf(buf, size, "%s:%u", f ? f : c->file, config_setting_source_line(p));
            return;
        }
    }
    snprintf(buf, size, "%s", c->file);
}

char *cfg_vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg)
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    return msg;
}

/* The message is formatted whole (coop_fail_at shortens a long one in the middle,
 * so that its explanation, at the end, survives). */
int cfg_fail(const ctx *c, const config_setting_t *s, const char *fmt, ...)
{
    char where[COOP_ERR_MAX];
    locate(c, s, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    char *msg = cfg_vformat(fmt, ap);
    va_end(ap);
    int st = COOP_FAIL(c->err, COOP_ECONFIG, "%s: %s", where, msg ? msg : "(out of memory)");
    free(msg);
    return st;
}

int cfg_nomem(coop_err *err)
{
    return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading the configuration");
}

const char *cfg_hint(char *hint, const char *word, const char *list)
{
    return coop_suggest_hint(hint, CFG_HINT_MAX, word, list);
}

const char *cfg_actor_hint(char *hint, const ctx *c, const coop_config *cfg, const char *word)
{
    coop_suggest s;
    coop_suggest_start(&s, word);
    if (c && c->actors)
        for (size_t i = 0; i < c->n_actors; i++)
            coop_suggest_offer(&s, c->actors[i].name);
    else
        for (size_t i = 0; cfg && i < cfg->n_actors; i++)
            coop_suggest_offer(&s, coop_cfg_actor_name(cfg, i));
    return coop_suggest_hint_of(hint, CFG_HINT_MAX, &s);
}

const char *cfg_observable_hint(char *hint, const coop_config *cfg, const char *word)
{
    coop_suggest s;
    coop_suggest_start(&s, word);
    for (size_t i = 0; i < cfg->n_observables; i++)
        coop_suggest_offer(&s, cfg->observables[i].name);
    return coop_suggest_hint_of(hint, CFG_HINT_MAX, &s);
}

/* "a, b, c" of the keys of a scope. */
void cfg_known_keys(char *buf, size_t size, int scope)
{
    buf[0] = '\0';
    for (size_t i = 0; i < cfg_n_keys; i++) {
        if (cfg_schema[i].scope != scope || cfg_schema[i].type == V_IGNORED)
            continue;
        if (buf[0])
            cfg_cat(buf, size, ", ");
        cfg_cat(buf, size, cfg_schema[i].name);
    }
}

void cfg_domain_names(char *buf, size_t size, const coop_config *cfg)
{
    buf[0] = '\0';
    for (size_t d = 0; d < cfg->n_domains; d++) {
        if (d)
            cfg_cat(buf, size, ", ");
        cfg_cat(buf, size, cfg->domains[d].name);
    }
}

void cfg_rule_param_names(char *buf, size_t size, int rule)
{
    buf[0] = '\0';
    for (int i = 0; i < coop_rules[rule].n_params; i++) {
        if (i)
            cfg_cat(buf, size, ", ");
        cfg_cat(buf, size, coop_rules[rule].param[i]);
    }
    if (!buf[0])
        cfg_cat(buf, size, "none");
}

/* ------------------------------------------------------------------------ */
/* Reading typed values                                                      */
/* ------------------------------------------------------------------------ */

int cfg_get_number(const ctx *c, const config_setting_t *s, const char *path, double min,
                   double max, int flags, double *out)
{
    char v[256], r[96];
    double x;
    cfg_fmt_value(v, sizeof v, s);
    cfg_fmt_range(r, sizeof r, min, max, flags);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: x = config_setting_get_int(s); break;
    case CONFIG_TYPE_INT64: x = (double)config_setting_get_int64(s); break;
    case CONFIG_TYPE_FLOAT: x = config_setting_get_float(s); break;
    default:
        return cfg_fail(c, s, "%s = %s has the wrong type: expected a number in %s", path, v, r);
    }
    if (!cfg_in_range(x, min, max, flags))
        return cfg_fail(c, s, "%s = %s is out of range %s", path, v, r);
    *out = x;
    return COOP_OK;
}

int cfg_get_integer(const ctx *c, const config_setting_t *s, const char *path, double min,
                    double max, long long *out)
{
    char v[256], r[96];
    long long x;
    cfg_fmt_value(v, sizeof v, s);
    cfg_fmt_range(r, sizeof r, min, max, 0);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: x = config_setting_get_int(s); break;
    case CONFIG_TYPE_INT64: x = config_setting_get_int64(s); break;
    default:
        return cfg_fail(c, s, "%s = %s has the wrong type: expected an integer in %s", path, v, r);
    }
    if ((double)x < min || (double)x > max) {
        /* libconfig 1.5 wraps an integer literal above INT_MAX without the L suffix. */
        const char *hint = (config_setting_type(s) == CONFIG_TYPE_INT && x < 0 && max > INT_MAX
                            && v[0] == '-')
                               ? " (write integers above 2147483647 with an L suffix, e.g. "
                                 "4294967295L)"
                               : "";
        return cfg_fail(c, s, "%s = %s is out of range %s%s", path, v, r, hint);
    }
    *out = x;
    return COOP_OK;
}

int cfg_get_string_as(const ctx *c, const config_setting_t *s, const char *path,
                      const char *expected, const char **out)
{
    *out = "";
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        char v[256];
        cfg_fmt_value(v, sizeof v, s);
        return cfg_fail(c, s, "%s = %s has the wrong type: expected %s", path, v, expected);
    }
    *out = config_setting_get_string(s);
    return COOP_OK;
}

int cfg_get_string(const ctx *c, const config_setting_t *s, const char *path, const char **out)
{
    return cfg_get_string_as(c, s, path, "a string", out);
}

int cfg_get_name(const ctx *c, const config_setting_t *s, const char *path, int chars,
                 char out[COOP_NAME_MAX])
{
    const char *t;
    int st = cfg_get_string(c, s, path, &t);
    if (st)
        return st;
    if (!cfg_valid_name(t, chars)) {
        char v[256];
        cfg_fmt_value(v, sizeof v, s);
        return cfg_fail(c, s, "%s = %s is not a valid name: use %s, at most %d characters", path, v,
                        cfg_chars_doc[chars], COOP_NAME_MAX - 1);
    }
    memcpy(out, t, strlen(t) + 1);
    return COOP_OK;
}

static int get_enum(const ctx *c, const config_setting_t *s, const char *path,
                    const char *const *names, int *out)
{
    const char *t;
    char list[256] = "", expected[300];
    for (int i = 0; names[i]; i++) {
        if (i)
            cfg_cat(list, sizeof list, ", ");
        cfg_cat(list, sizeof list, names[i]);
    }
    snprintf(expected, sizeof expected, "a string, one of %s", list);
    int st = cfg_get_string_as(c, s, path, expected, &t);
    if (st)
        return st;
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], t) == 0) {
            *out = i;
            return COOP_OK;
        }
    }
    char v[256], hint[CFG_HINT_MAX];
    cfg_fmt_value(v, sizeof v, s);
    return cfg_fail(c, s, "%s = %s is not one of %s%s", path, v, list, cfg_hint(hint, t, list));
}

static void store_default(const key *k, void *base)
{
    void *p = (char *)base + k->off;
    switch (k->type) {
    case V_FLOAT: *(double *)p = k->def; break;
    case V_INT: *(int *)p = (int)k->def; break;
    case V_SEED: *(unsigned long *)p = (unsigned long)k->def; break;
    case V_TEXT: snprintf((char *)p, COOP_NAME_MAX, "%s", k->sdef); break;
    case V_ENUM:
        for (int i = 0; k->enums[i]; i++)
            if (strcmp(k->enums[i], k->sdef) == 0)
                memcpy(p, &i, sizeof i);
        break;
    default: break;
    }
}

/* Loads one scalar key of group g (NULL = absent) into base; prefix names g. */
int cfg_load_key(const ctx *c, const config_setting_t *g, const char *prefix, const key *k,
                 void *base)
{
    const config_setting_t *s = g ? config_setting_get_member(g, k->name) : NULL;
    char path[COOP_PATH_MAX * 2];
    void *p = (char *)base + k->off;
    int st = COOP_OK;
    cfg_join(path, sizeof path, prefix, k->name);
    if (!s) {
        if (k->flags & K_REQUIRED)
            return cfg_fail(c, g, "%s: missing required setting '%s'", prefix, k->name);
        store_default(k, base);
        return COOP_OK;
    }
    switch (k->type) {
    case V_FLOAT: st = cfg_get_number(c, s, path, k->min, k->max, k->flags, (double *)p); break;
    case V_INT:
    case V_SEED: {
        long long x = 0;
        st = cfg_get_integer(c, s, path, k->min, k->max, &x);
        if (!st && k->type == V_INT)
            *(int *)p = (int)x;
        else if (!st)
            *(unsigned long *)p = (unsigned long)x;
        break;
    }
    case V_TEXT: st = cfg_get_name(c, s, path, k->chars, (char *)p); break;
    case V_ENUM: {
        int i = 0;
        st = get_enum(c, s, path, k->enums, &i);
        if (!st)
            memcpy(p, &i, sizeof i);
        break;
    }
    default: break;
    }
    return st;
}

/* Every member of group g must be a key of the scope. */
int cfg_check_keys(const ctx *c, const config_setting_t *g, int scope, const char *prefix)
{
    int st = cfg_need_group(c, g, prefix, "...");
    if (st)
        return st;
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        if (!cfg_find_key(scope, config_setting_name(s))) {
            char known[512], path[COOP_PATH_MAX * 2], hint[CFG_HINT_MAX];
            cfg_known_keys(known, sizeof known, scope);
            cfg_join(path, sizeof path, prefix, config_setting_name(s));
            return cfg_fail(c, s, "unknown setting '%s' (known: %s)%s", path, known,
                            cfg_hint(hint, config_setting_name(s), known));
        }
    }
    return COOP_OK;
}

/* check_keys, then every generic scalar key of the scope. */
int cfg_load_scope(const ctx *c, const config_setting_t *g, int scope, const char *prefix,
                   void *base)
{
    int st;
    if (g && (st = cfg_check_keys(c, g, scope, prefix)))
        return st;
    for (size_t i = 0; i < cfg_n_keys; i++) {
        const key *k = &cfg_schema[i];
        if (k->scope != scope || k->off == NOOFF || (k->flags & K_PAYOFF))
            continue;
        if ((st = cfg_load_key(c, g, prefix, k, base)))
            return st;
    }
    return COOP_OK;
}

/* COOP_OK when setting g (path names it) is a group; otherwise the error that it
 * has the wrong type, with the expected form. */
int cfg_need_group(const ctx *c, const config_setting_t *g, const char *path, const char *form)
{
    if (config_setting_is_group(g))
        return COOP_OK;
    char v[256];
    cfg_fmt_value(v, sizeof v, g);
    return cfg_fail(c, g, "%s = %s has the wrong type: expected a group { %s }", path, v, form);
}

/* The member `name` of root when it is a group (NULL when absent). */
int cfg_get_group(const ctx *c, const config_setting_t *parent, const char *name,
                  const char *path, const config_setting_t **out)
{
    const config_setting_t *s = config_setting_get_member(parent, name);
    *out = s;
    return s ? cfg_need_group(c, s, path, "...") : COOP_OK;
}

/* The member `name` of root when it is a list (an empty array counts). */
int cfg_get_list(const ctx *c, const config_setting_t *root, const char *name,
                 const config_setting_t **out)
{
    const config_setting_t *s = config_setting_get_member(root, name);
    *out = s;
    if (s && !config_setting_is_list(s)
        && !(config_setting_is_array(s) && config_setting_length(s) == 0)) {
        char v[256];
        cfg_fmt_value(v, sizeof v, s);
        return cfg_fail(c, s, "%s = %s has the wrong type: expected a list ( { ... }, ... )", name,
                        v);
    }
    return COOP_OK;
}

/* An array or list whose elements are scalars. */
int cfg_get_vector(const ctx *c, const config_setting_t *s, const char *path, const char *what)
{
    if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
        char v[256];
        cfg_fmt_value(v, sizeof v, s);
        return cfg_fail(c, s, "%s = %s has the wrong type: expected an array [ %s ]", path, v,
                        what);
    }
    return COOP_OK;
}

void *cfg_alloc_array(size_t n, size_t size)
{
    return n ? calloc(n, size) : NULL;
}



/* ------------------------------------------------------------------------ */
/* The schema as documentation                                               */
/* ------------------------------------------------------------------------ */

size_t coop_config_schema_size(void)
{
    return cfg_n_keys;
}

int coop_config_schema_key(size_t i, char *buf, size_t size)
{
    if (i >= cfg_n_keys)
        return COOP_EINVAL;
    snprintf(buf, size, "%s%s", scope_prefix[cfg_schema[i].scope], cfg_schema[i].name);
    return COOP_OK;
}

int coop_config_schema_info(size_t i, coop_schema_info *info)
{
    if (i >= cfg_n_keys)
        return COOP_EINVAL;
    const key *k = &cfg_schema[i];
    memset(info, 0, sizeof *info);
    snprintf(info->path, sizeof info->path, "%s%s", scope_prefix[k->scope], k->name);
    info->type = vtype_doc[k->type];
    info->def = k->def, info->min = k->min, info->max = k->max;
    info->sdef = k->sdef;
    info->enums = k->type == V_ENUM ? k->enums : NULL;
    return COOP_OK;
}

static void doc_default(char *buf, size_t size, const key *k)
{
    switch (k->off == NOOFF && k->type != V_TEXT ? -1 : k->type) {
    case V_FLOAT: cfg_fmt_float(buf, size, k->def); break;
    case V_INT:
    case V_SEED: cfg_fmt_num(buf, size, k->def); break;
    case V_TEXT:
    case V_ENUM: snprintf(buf, size, "\"%s\"", k->sdef); break;
    default: snprintf(buf, size, "%s", k->sdef); break;
    }
    if (k->flags & K_REQUIRED)
        snprintf(buf, size, "required");
}

int coop_config_print_schema(FILE *out)
{
    fputs("| key | type | default | range | meaning |\n| --- | --- | --- | --- | --- |\n", out);
    for (size_t i = 0; i < cfg_n_keys; i++) {
        const key *k = &cfg_schema[i];
        char def[128], range[128] = "";
        doc_default(def, sizeof def, k);
        if (k->scope == SC_OVERRIDE && k->type != V_TEXT)
            snprintf(range, sizeof range, "node indices");
        else if ((k->type == V_FLOAT || k->type == V_INT || k->type == V_SEED) &&
                 k->scope != SC_SWEEP_PARAM)
            cfg_fmt_range(range, sizeof range, k->min, k->max, k->flags);
        else if (k->type == V_MAP && k->max > 0)
            cfg_fmt_range(range, sizeof range, k->min, k->max, 0);
        else if (k->type == V_FLOATS && k->scope == SC_INSTITUTIONS)
            snprintf(range, sizeof range, "each in [0, 1]");
        else if (k->scope == SC_SWEEP_PARAM && (k->type == V_FLOATS || k->type == V_FLOAT))
            snprintf(range, sizeof range, "in the parameter's range");
        else if (k->type == V_NAMES && k->scope == SC_INSTITUTIONS)
            snprintf(range, sizeof range, "2 to %d names", COOP_MAX_LEVELS);
        else if (k->type == V_INTS && k->scope == SC_OUTPUT)
            snprintf(range, sizeof range, "steps in [0, n_steps - 1], at most %d",
                     COOP_MAX_SNAPSHOTS);
        else if (k->type == V_NAMES && k->scope == SC_HYPOTHESIS)
            snprintf(range, sizeof range, "0 to %d actor names", COOP_MAX_PLACEBO);
        else if (k->type == V_ENUM) {
            for (int e = 0; k->enums[e]; e++) {
                if (e)
                    cfg_cat(range, sizeof range, ", ");
                coop_fmt_cat(range, sizeof range, "%s", k->enums[e]);
            }
        } else if (k->type == V_TEXT && k->off != NOOFF)
            coop_fmt_cat(range, sizeof range, "%s", cfg_chars_doc[k->chars]);
        else if (k->scope == SC_OVERRIDE)
            coop_fmt_cat(range, sizeof range, "%s", cfg_chars_doc[CH_IDENT]);
        fprintf(out, "| `%s%s` | %s | %s | %s | %s |\n", scope_prefix[k->scope], k->name,
                vtype_doc[k->type], def, range, k->doc);
    }
    fputs("\nRules and their parameters (`actors.NAME.rule`, `actors.NAME.rule_params.PARAM`):\n\n"
          "| rule | parameter | default | range | meaning |\n| --- | --- | --- | --- | --- |\n",
          out);
    for (int r = 0; r < COOP_N_RULES; r++) {
        const coop_rule_info *ri = &coop_rules[r];
        if (!ri->n_params)
            fprintf(out, "| `%s` | | | | %s |\n", ri->name, ri->doc);
        for (int p = 0; p < ri->n_params; p++) {
            char d[40], rg[96];
            cfg_fmt_float(d, sizeof d, ri->def[p]);
            cfg_fmt_range(rg, sizeof rg, ri->min[p], ri->max[p], 0);
            fprintf(out, "| `%s` | `%s` | %s | %s | %s |\n", ri->name, ri->param[p], d, rg,
                    p ? "" : ri->doc);
        }
    }
    if (fflush(out) != 0 || ferror(out))
        return COOP_EIO;
    return COOP_OK;
}
