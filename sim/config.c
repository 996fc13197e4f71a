/* config.c: the configuration schema, loader, overrides, checks and printer.
 *
 * This module owns everything between a libconfig file (plus `--set PATH=VALUE`
 * overrides) and the validated plain structs of coop_config.h.  One table,
 * `schema` below, lists every key once with its type, default, allowed range and
 * meaning.  That table drives the loader (defaults, type and range checks), the
 * unknown-key check, the printer of the resolved configuration, the numeric
 * parameter paths of events and sweeps, and the reference table of
 * docs/CONFIG.md (coop_config_print_schema writes it; a test keeps the two equal).
 *
 * Loading has three stages.  (1) libconfig parses the file into a tree, with
 * auto-conversion on, so an integer is accepted where a float is read (`T = 5;`);
 * a float where an integer is read is an error.  (2) Each override's VALUE is
 * parsed by libconfig too and grafted into that tree at PATH, so an overridden
 * value is type- and range-checked exactly like one from the file; every setting
 * an override creates carries the override's text in its libconfig hook, so that
 * errors about it read "--set PATH=VALUE: ..." instead of "FILE:LINE: ...".
 * (3) The tree is walked once, scope by scope, into a coop_config, with the
 * cross-checks (names, ties, motivators, events).  Events are finally replayed on
 * a scratch copy, so an event that would drive a parameter out of its range is
 * reported at load time, not in the middle of a run.
 *
 * Nothing here writes files or exits: errors are values (COOP_ECONFIG with a
 * message naming file and line, setting, value and allowed range).  The one
 * exception is a note on stderr: the count of isolated nodes of an edge list that
 * network.isolated = "allow" keeps (allowed, so not an error).
 *
 * Paths in a configuration: network.file (an edge list) is relative to the
 * directory of the file that names it (a --set: the working directory) and is
 * printed absolute, or, by coop_config_print_in for a results manifest, relative
 * to the manifest's directory. */
#define _XOPEN_SOURCE 700 /* realpath (the validation group's trade_file); POSIX.1-2008 */

#include "coop_config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <gsl/gsl_rng.h>
#include <libconfig.h>

#include "coop_fmt.h"
#include "coop_network.h" /* the generated populations of the `network` group */
#include "coop_rng.h" /* COOP_MAX_POINTS: a sweep's points; the network's stream */

/* ------------------------------------------------------------------------ */
/* The schema                                                                */
/* ------------------------------------------------------------------------ */

/* Where a key lives; the prefix is how docs and messages write the scope. */
enum scope {
    SC_TOP, SC_EXPERIMENT, SC_TIME, SC_DOMAIN, SC_OBSERVABLE, SC_ACTOR, SC_MOTIVATOR,
    SC_TIE, SC_INSTITUTIONS, SC_ENGAGEMENT, SC_EVENT, SC_OUTPUT, SC_HYPOTHESIS,
    SC_SWEEP, SC_SWEEP_PARAM, SC_NETWORK, SC_OVERRIDE, N_SCOPES
};

static const char *const scope_prefix[N_SCOPES] = {
    [SC_TOP] = "", [SC_EXPERIMENT] = "experiment.", [SC_TIME] = "time.",
    [SC_DOMAIN] = "domains.NAME.", [SC_OBSERVABLE] = "observables.NAME.",
    [SC_ACTOR] = "actors.NAME.", [SC_MOTIVATOR] = "actors.NAME.motivator.",
    [SC_TIE] = "ties.A-B.", [SC_INSTITUTIONS] = "institutions.",
    [SC_ENGAGEMENT] = "engagement.", [SC_EVENT] = "events.INDEX.",
    [SC_OUTPUT] = "output.", [SC_HYPOTHESIS] = "hypothesis.",
    [SC_SWEEP] = "sweep.", [SC_SWEEP_PARAM] = "sweep.parameters.INDEX.",
    [SC_NETWORK] = "network.", [SC_OVERRIDE] = "actor_overrides.INDEX.",
};

/* Value types.  The scalar ones (V_FLOAT .. V_ENUM) with an offset are loaded and
 * printed by generic code; the others are handled by hand in their scope. */
enum vtype {
    V_FLOAT,   /* double; int settings accepted (auto-convert) */
    V_INT,     /* int; float settings rejected */
    V_SEED,    /* unsigned long in [0, 2^32-1]; int64 (L suffix) accepted */
    V_TEXT,    /* char[COOP_NAME_MAX], checked against a character class */
    V_ENUM,    /* int index into key.enums */
    V_GROUP,   /* a group { ... } */
    V_LIST,    /* a list ( { ... }, ... ) of groups */
    V_MAP,     /* a group NAME = number; ... */
    V_NAMES,   /* an array (or list) of strings */
    V_FLOATS,  /* an array (or list) of numbers */
    V_REF,     /* a string naming an actor */
    V_PATHS,   /* a string or an array of strings */
    V_IGNORED, /* accepted, not checked (run: not printed; validation: printed as text) */
    V_BOOL,    /* true or false */
    V_ROWS,    /* a list of arrays (or lists) of numbers */
    V_INTS     /* an array (or list) of integers */
};

static const char *const vtype_doc[] = {
    [V_FLOAT] = "float", [V_INT] = "int", [V_SEED] = "int (L suffix above 2147483647)",
    [V_TEXT] = "string", [V_ENUM] = "string", [V_GROUP] = "group", [V_LIST] = "list of groups",
    [V_MAP] = "group of floats", [V_NAMES] = "array of strings", [V_FLOATS] = "array of floats",
    [V_REF] = "string", [V_PATHS] = "string or array of strings", [V_IGNORED] = "group",
    [V_BOOL] = "bool", [V_ROWS] = "list of arrays of floats", [V_INTS] = "array of ints",
};

/* sweep.method, in coop_sweep_method order. */
static const char *const sweep_method_names[] = {"grid", "lhs", "sobol", "list", NULL};

/* Character classes of names. */
enum { CH_ANY, CH_IDENT, CH_IDENT0, CH_KEY, CH_FILE };

static const char *const chars_doc[] = {
    [CH_ANY] = "printable characters",
    [CH_IDENT] = "letters, digits and _",
    [CH_IDENT0] = "letters, digits and _ (or empty)",
    [CH_KEY] = "a letter, then letters, digits and _",
    [CH_FILE] = "letters, digits, _, . and -",
};

enum {
    K_REQUIRED = 1,  /* no default: the key must be given */
    K_MIN_OPEN = 2,  /* range excludes min */
    K_MAX_OPEN = 4,  /* range excludes max */
    K_PAYOFF = 8,    /* R, S, T, P, b, c: loaded and printed in the domain's form only */
};

#define NOOFF ((size_t)-1)
#define NOFIELD (-1)

typedef struct key {
    unsigned char scope, type, chars, flags;
    const char *name;
    double def;                 /* default of numbers */
    const char *sdef;           /* default of strings and enums; else the default in words */
    double min, max;            /* allowed range of numbers */
    size_t off;                 /* offset in the scope's struct, NOOFF when none */
    int field;                  /* coop_field when events and sweeps may change it */
    const char *const *enums;   /* V_ENUM: the names, NULL-terminated */
    const char *doc;            /* meaning; rationale or source of the default */
} key;

static const char *const series_names[] = {"none", "summary", "full", NULL};
/* network.type in coop_net_type order; network.neighbourhood (index = moore). */
static const char *const net_type_names[] = {"complete", "ring", "lattice", "gnp", "gnm",
                                             "ba", "ws", "file", NULL};
static const char *const hood_names[] = {"von_neumann", "moore", NULL};
/* network.ids (index = names flag) and network.isolated (index = allowed flag). */
static const char *const id_names[] = {"index", "name", NULL};
static const char *const isolated_names[] = {"error", "allow", NULL};
/* interaction, in coop_interaction order. */
static const char *const interaction_names[] = {"tie", "node", NULL};
/* experiment.engine, in coop_engine order. */
static const char *const engine_names[] = {"auto", "kernel", "general", NULL};
/* time.unit, in coop_time_unit order. */
static const char *const time_unit_names[] = {"year", "generation", "round", "step", NULL};
static const char *const op_names[] = {"set", "add", "mul", NULL};
/* The outcome scalars (docs/ODD.md, "7.8 Observation") in COOP_O_* order
 * (coop_model.h; a test keeps the two lists equal): hypothesis.primary stores the
 * index. */
static const char *const outcome_names[] = {
    "others_coop_target", "target_engagement", "others_level", "years_to_enhanced",
    "censored_share", "regional_cohesion", NULL};

#define PMAX 1e6 /* bound of payoffs and event values */

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

static const key schema[] = {
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
        "`trade_file` made absolute"),
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
        "giving the same numbers) where the configuration allows it, else the general "
        "engine; kernel: the node kernel, or an error saying which condition fails; "
        "general: the general engine always (docs/ODD.md, \"Node kernel\")"),

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
    FLT(SC_ACTOR, "capacity", coop_actor_cfg, capacity, 1, 0, 1e9, K_MIN_OPEN, COOP_F_ACTOR_CAPACITY,
        "economic weight; payoffs scale with sqrt(partner/own); 1 = all equal"),
    SPC(SC_ACTOR, "goals", V_MAP, 0, 0, 0, 1e6, COOP_F_ACTOR_GOAL, "equal weights",
        "weight >= 0 per domain, normalised to sum 1; a domain the group omits gets 0, "
        "the sum must be > 0"),
    FLT(SC_ACTOR, "openness", coop_actor_cfg, openness, 1, 0, 1, 0, COOP_F_ACTOR_OPENNESS,
        "compatibility of the regime with the partner's norms; agreements need both actors' "
        "openness >= omega; 1 = nothing blocks"),
    FLT(SC_ACTOR, "propensity", coop_actor_cfg, propensity, 0.5, 0, 1, 0, COOP_F_ACTOR_PROPENSITY,
        "initial probability of C; 0.5 = no prior leaning"),
    FLT(SC_ACTOR, "engagement", coop_actor_cfg, engagement, 0.5, 0, 1, 0, COOP_F_ACTOR_ENGAGEMENT,
        "initial engagement with each partner; 0.5 = midway"),
    FLT(SC_ACTOR, "attention_budget", coop_actor_cfg, attention_budget, 1e6, 0, 1e6, K_MIN_OPEN,
        COOP_F_ACTOR_ATTENTION,
        "most total engagement over all partners; the default is effectively unbounded, "
        "scenarios set it"),
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
    FLT(SC_MOTIVATOR, "initiative_rate", coop_motivator_cfg, initiative_rate, 0, 0, 1, 0,
        COOP_F_MOT_INITIATIVE_RATE, "probability per step of an initiative; 0 = the scenario sets it"),
    FLT(SC_MOTIVATOR, "initiative_impact", coop_motivator_cfg, initiative_impact, 0, 0, 1, 0,
        COOP_F_MOT_INITIATIVE_IMPACT, "raise of the target's engagement with the motivator's "
        "regional neighbours, as a share of the gap to 1"),
    FLT(SC_MOTIVATOR, "demonstration", coop_motivator_cfg, demonstration, 0, 0, 1, 0,
        COOP_F_MOT_DEMONSTRATION, "pull of neighbours' propensity toward the motivator's"),
    FLT(SC_MOTIVATOR, "brokerage", coop_motivator_cfg, brokerage, 0, 0, 1, 0,
        COOP_F_MOT_BROKERAGE, "trust transfer to neighbours' ties with the target"),
    FLT(SC_MOTIVATOR, "initiative", coop_motivator_cfg, initiative, 0, 0, 1, 0,
        COOP_F_MOT_INITIATIVE, "forced initiative: an event that sets it to 1 makes the "
        "motivator launch one initiative at that step, on top of the stochastic ones (a "
        "scheduled, dated initiative); the engine then resets it to 0.  Given here, 1 forces "
        "one in the first step"),

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
    ENM(SC_EVENT, "op", coop_event_cfg, op, op_names, "set",
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
    ENM(SC_SWEEP, "method", coop_sweep_cfg, method, sweep_method_names, "grid",
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
    ENM(SC_NETWORK, "type", coop_network_cfg, type, net_type_names, "lattice",
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
    ENM(SC_HYPOTHESIS, "primary", coop_hypothesis_cfg, primary, outcome_names,
        "others_coop_target", "the outcome the verdict rests on; default: the thesis's claim (b), "
        "that the other states cooperate more with the target"),
    FLT(SC_HYPOTHESIS, "alpha", coop_hypothesis_cfg, alpha, 0.05, 0, 1, K_MIN_OPEN | K_MAX_OPEN,
        NOFIELD, "significance level of the verdict, after Holm's correction over the outcomes; "
        "0.05 by convention"),
    FLT(SC_HYPOTHESIS, "confidence", coop_hypothesis_cfg, confidence, 0.95, 0, 1,
        K_MIN_OPEN | K_MAX_OPEN, NOFIELD, "level of the confidence intervals (bootstrap and t)"),
    INT(SC_HYPOTHESIS, "bootstrap", coop_hypothesis_cfg, bootstrap, 2000, 0, 1000000,
        "bootstrap resamples of the paired differences; 2000 keeps the Monte Carlo error of "
        "95% percentile limits small (Efron & Tibshirani 1993); 0 = no bootstrap interval"),
};

#define N_KEYS (sizeof schema / sizeof schema[0])

_Static_assert(sizeof(coop_series) == sizeof(int), "V_ENUM stores an int");
_Static_assert(sizeof(coop_op) == sizeof(int), "V_ENUM stores an int");

static const key *find_key(int scope, const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (schema[i].scope == scope && strcmp(schema[i].name, name) == 0)
            return &schema[i];
    return NULL;
}

static const key *find_field(int field)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (schema[i].field == field)
            return &schema[i];
    return NULL;
}

/* The scope of the group or list elements a top-level key holds. */
static int child_scope(const char *top)
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
static void cat(char *dst, size_t size, const char *src)
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
static void join(char *dst, size_t size, const char *a, const char *b)
{
    dst[0] = '\0';
    cat(dst, size, a);
    if (a[0])
        cat(dst, size, ".");
    cat(dst, size, b);
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
static void fmt_num(char *buf, size_t size, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        shortest(buf, size, v);
}

/* A float as the printer writes it: exact, and always read back as a float. */
static void fmt_float(char *buf, size_t size, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, size, "%.1f", v);
        return;
    }
    shortest(buf, size, v);
    if (!strpbrk(buf, ".eEni"))
        cat(buf, size, ".0");
}

static void fmt_range(char *buf, size_t size, double min, double max, int flags)
{
    char lo[40], hi[40];
    fmt_num(lo, sizeof lo, min);
    fmt_num(hi, sizeof hi, max);
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
static void fmt_value(char *buf, size_t size, const config_setting_t *s)
{
    int number = config_setting_type(s) == CONFIG_TYPE_INT
                 || config_setting_type(s) == CONFIG_TYPE_INT64
                 || config_setting_type(s) == CONFIG_TYPE_FLOAT;
    if (number && written_number(buf, size, s))
        return;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: snprintf(buf, size, "%d", config_setting_get_int(s)); break;
    case CONFIG_TYPE_INT64: snprintf(buf, size, "%lldL", config_setting_get_int64(s)); break;
    case CONFIG_TYPE_FLOAT: fmt_float(buf, size, config_setting_get_float(s)); break;
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

static int in_range(double x, double min, double max, int flags)
{
    if (isnan(x))
        return 0;
    if ((flags & K_MIN_OPEN) ? !(x > min) : !(x >= min))
        return 0;
    if ((flags & K_MAX_OPEN) ? !(x < max) : !(x <= max))
        return 0;
    return 1;
}

static int valid_name(const char *s, int chars)
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

/* ------------------------------------------------------------------------ */
/* Errors with their location                                                */
/* ------------------------------------------------------------------------ */

/* Actor names sorted, for lookups while loading (configurations may list
 * thousands of actors and ties). */
typedef struct name_ix {
    const char *name;
    int i;
} name_ix;

typedef struct ctx {
    const char *file;  /* the configuration file, for messages */
    coop_err *err;
    name_ix *actors;   /* sorted by name, then index; NULL until the actors are read */
    size_t n_actors;
} ctx;

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

static int fail(const ctx *c, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The message is formatted whole (coop_fail_at shortens a long one in the middle,
 * so that its explanation, at the end, survives). */
static int fail(const ctx *c, const config_setting_t *s, const char *fmt, ...)
{
    char where[COOP_ERR_MAX];
    locate(c, s, where, sizeof where);
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg)
        vsnprintf(msg, (size_t)n + 1, fmt, aq);
    va_end(aq);
    int st = COOP_FAIL(c->err, COOP_ECONFIG, "%s: %s", where, msg ? msg : "(out of memory)");
    free(msg);
    return st;
}

static int nomem(coop_err *err)
{
    return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading the configuration");
}

/* "a, b, c" of the keys of a scope. */
static void known_keys(char *buf, size_t size, int scope)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_KEYS; i++) {
        if (schema[i].scope != scope || schema[i].type == V_IGNORED)
            continue;
        if (buf[0])
            cat(buf, size, ", ");
        cat(buf, size, schema[i].name);
    }
}

static void domain_names(char *buf, size_t size, const coop_config *cfg)
{
    buf[0] = '\0';
    for (size_t d = 0; d < cfg->n_domains; d++) {
        if (d)
            cat(buf, size, ", ");
        cat(buf, size, cfg->domains[d].name);
    }
}

static void rule_param_names(char *buf, size_t size, int rule)
{
    buf[0] = '\0';
    for (int i = 0; i < coop_rules[rule].n_params; i++) {
        if (i)
            cat(buf, size, ", ");
        cat(buf, size, coop_rules[rule].param[i]);
    }
    if (!buf[0])
        cat(buf, size, "none");
}

/* ------------------------------------------------------------------------ */
/* Reading typed values                                                      */
/* ------------------------------------------------------------------------ */

static int get_number(const ctx *c, const config_setting_t *s, const char *path, double min,
                      double max, int flags, double *out)
{
    char v[256], r[96];
    double x;
    fmt_value(v, sizeof v, s);
    fmt_range(r, sizeof r, min, max, flags);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: x = config_setting_get_int(s); break;
    case CONFIG_TYPE_INT64: x = (double)config_setting_get_int64(s); break;
    case CONFIG_TYPE_FLOAT: x = config_setting_get_float(s); break;
    default:
        return fail(c, s, "%s = %s has the wrong type: expected a number in %s", path, v, r);
    }
    if (!in_range(x, min, max, flags))
        return fail(c, s, "%s = %s is out of range %s", path, v, r);
    *out = x;
    return COOP_OK;
}

static int get_integer(const ctx *c, const config_setting_t *s, const char *path, double min,
                       double max, long long *out)
{
    char v[256], r[96];
    long long x;
    fmt_value(v, sizeof v, s);
    fmt_range(r, sizeof r, min, max, 0);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: x = config_setting_get_int(s); break;
    case CONFIG_TYPE_INT64: x = config_setting_get_int64(s); break;
    default:
        return fail(c, s, "%s = %s has the wrong type: expected an integer in %s", path, v, r);
    }
    if ((double)x < min || (double)x > max) {
        /* libconfig 1.5 wraps an integer literal above INT_MAX without the L suffix. */
        const char *hint = (config_setting_type(s) == CONFIG_TYPE_INT && x < 0 && max > INT_MAX
                            && v[0] == '-')
                               ? " (write integers above 2147483647 with an L suffix, e.g. "
                                 "4294967295L)"
                               : "";
        return fail(c, s, "%s = %s is out of range %s%s", path, v, r, hint);
    }
    *out = x;
    return COOP_OK;
}

static int get_string(const ctx *c, const config_setting_t *s, const char *path, const char **out)
{
    *out = "";
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        char v[256];
        fmt_value(v, sizeof v, s);
        return fail(c, s, "%s = %s has the wrong type: expected a string", path, v);
    }
    *out = config_setting_get_string(s);
    return COOP_OK;
}

static int get_name(const ctx *c, const config_setting_t *s, const char *path, int chars,
                    char out[COOP_NAME_MAX])
{
    const char *t;
    int st = get_string(c, s, path, &t);
    if (st)
        return st;
    if (!valid_name(t, chars)) {
        char v[256];
        fmt_value(v, sizeof v, s);
        return fail(c, s, "%s = %s is not a valid name: use %s, at most %d characters", path, v,
                    chars_doc[chars], COOP_NAME_MAX - 1);
    }
    memcpy(out, t, strlen(t) + 1);
    return COOP_OK;
}

static int get_enum(const ctx *c, const config_setting_t *s, const char *path,
                    const char *const *names, int *out)
{
    const char *t;
    int st = get_string(c, s, path, &t);
    if (st)
        return st;
    char list[256] = "";
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], t) == 0) {
            *out = i;
            return COOP_OK;
        }
        if (i)
            cat(list, sizeof list, ", ");
        cat(list, sizeof list, names[i]);
    }
    char v[256];
    fmt_value(v, sizeof v, s);
    return fail(c, s, "%s = %s is not one of %s", path, v, list);
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
static int load_key(const ctx *c, const config_setting_t *g, const char *prefix, const key *k,
                    void *base)
{
    const config_setting_t *s = g ? config_setting_get_member(g, k->name) : NULL;
    char path[COOP_PATH_MAX * 2];
    void *p = (char *)base + k->off;
    int st = COOP_OK;
    join(path, sizeof path, prefix, k->name);
    if (!s) {
        if (k->flags & K_REQUIRED)
            return fail(c, g, "%s: missing required setting '%s'", prefix, k->name);
        store_default(k, base);
        return COOP_OK;
    }
    switch (k->type) {
    case V_FLOAT: st = get_number(c, s, path, k->min, k->max, k->flags, (double *)p); break;
    case V_INT:
    case V_SEED: {
        long long x = 0;
        st = get_integer(c, s, path, k->min, k->max, &x);
        if (!st && k->type == V_INT)
            *(int *)p = (int)x;
        else if (!st)
            *(unsigned long *)p = (unsigned long)x;
        break;
    }
    case V_TEXT: st = get_name(c, s, path, k->chars, (char *)p); break;
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
static int check_keys(const ctx *c, const config_setting_t *g, int scope, const char *prefix)
{
    if (!config_setting_is_group(g)) {
        char v[256];
        fmt_value(v, sizeof v, g);
        return fail(c, g, "%s = %s has the wrong type: expected a group { ... }", prefix, v);
    }
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        if (!find_key(scope, config_setting_name(s))) {
            char known[512], path[COOP_PATH_MAX * 2];
            known_keys(known, sizeof known, scope);
            join(path, sizeof path, prefix, config_setting_name(s));
            return fail(c, s, "unknown setting '%s' (known: %s)", path, known);
        }
    }
    return COOP_OK;
}

/* check_keys, then every generic scalar key of the scope. */
static int load_scope(const ctx *c, const config_setting_t *g, int scope, const char *prefix,
                      void *base)
{
    int st;
    if (g && (st = check_keys(c, g, scope, prefix)))
        return st;
    for (size_t i = 0; i < N_KEYS; i++) {
        const key *k = &schema[i];
        if (k->scope != scope || k->off == NOOFF || (k->flags & K_PAYOFF))
            continue;
        if ((st = load_key(c, g, prefix, k, base)))
            return st;
    }
    return COOP_OK;
}

/* The member `name` of root when it is a group (NULL when absent). */
static int get_group(const ctx *c, const config_setting_t *parent, const char *name,
                     const char *path, const config_setting_t **out)
{
    const config_setting_t *s = config_setting_get_member(parent, name);
    *out = s;
    if (s && !config_setting_is_group(s)) {
        char v[256];
        fmt_value(v, sizeof v, s);
        return fail(c, s, "%s = %s has the wrong type: expected a group { ... }", path, v);
    }
    return COOP_OK;
}

/* The member `name` of root when it is a list (an empty array counts). */
static int get_list(const ctx *c, const config_setting_t *root, const char *name,
                    const config_setting_t **out)
{
    const config_setting_t *s = config_setting_get_member(root, name);
    *out = s;
    if (s && !config_setting_is_list(s)
        && !(config_setting_is_array(s) && config_setting_length(s) == 0)) {
        char v[256];
        fmt_value(v, sizeof v, s);
        return fail(c, s, "%s = %s has the wrong type: expected a list ( { ... }, ... )", name, v);
    }
    return COOP_OK;
}

/* An array or list whose elements are scalars. */
static int get_vector(const ctx *c, const config_setting_t *s, const char *path, const char *what)
{
    if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
        char v[256];
        fmt_value(v, sizeof v, s);
        return fail(c, s, "%s = %s has the wrong type: expected an array [ %s ]", path, v, what);
    }
    return COOP_OK;
}

static void *alloc_array(size_t n, size_t size)
{
    return n ? calloc(n, size) : NULL;
}

#define ALLOC(p, n) (((p) = alloc_array((n), sizeof *(p))) == NULL && (n) > 0)

/* ------------------------------------------------------------------------ */
/* Scopes                                                                    */
/* ------------------------------------------------------------------------ */

static int load_experiment_time(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g, *s;
    int st;
    if ((st = get_group(c, root, "experiment", "experiment", &g))
        || (st = load_scope(c, g, SC_EXPERIMENT, "experiment", cfg)))
        return st;
    s = g ? config_setting_get_member(g, "rng") : NULL;
    int found = 0;
    char list[COOP_ERR_MAX / 2] = "";
    for (const gsl_rng_type **t = gsl_rng_types_setup(); *t; t++) {
        if (strcmp((*t)->name, cfg->rng) == 0)
            found = 1;
        if (list[0])
            cat(list, sizeof list, ", ");
        cat(list, sizeof list, (*t)->name);
    }
    if (!found) {
        char v[256];
        fmt_value(v, sizeof v, s);
        return fail(c, s, "experiment.rng = %s is not a GSL generator type (known: %s)", v, list);
    }

    if ((st = get_group(c, root, "time", "time", &g)) || (st = load_scope(c, g, SC_TIME, "time", cfg)))
        return st;
    s = g ? config_setting_get_member(g, "end") : NULL;
    if (!s && g)
        s = config_setting_get_member(g, "start");
    if (!(cfg->start < cfg->end)) {
        char a[40], b[40];
        fmt_float(a, sizeof a, cfg->start);
        fmt_float(b, sizeof b, cfg->end);
        return fail(c, s, "time.end = %s must be after time.start = %s", b, a);
    }
    double steps = round((cfg->end - cfg->start) * cfg->steps_per_year);
    if (steps < 1 || steps > INT_MAX) {
        char a[40];
        fmt_num(a, sizeof a, steps);
        return fail(c, s, "time: (end - start) * steps_per_year rounds to %s steps: between 1 "
                          "and %d are allowed", a, INT_MAX);
    }
    cfg->n_steps = (int)steps;
    return COOP_OK;
}

static int load_institutions(const ctx *c, const config_setting_t *root, coop_institutions_cfg *in)
{
    static const char *const def_levels[] = {"none", "framework_signed", "framework_in_force",
                                             "enhanced"};
    static const double def_theta[] = {0.0, 0.3, 0.5, 0.7};
    static const double def_omega[] = {0.0, 0.2, 0.4, 0.6};
    const config_setting_t *g, *s;
    int st;
    if ((st = get_group(c, root, "institutions", "institutions", &g))
        || (st = load_scope(c, g, SC_INSTITUTIONS, "institutions", in)))
        return st;

    const config_setting_t *lv = g ? config_setting_get_member(g, "levels") : NULL;
    if (!lv) {
        in->n_levels = 4;
        for (int l = 0; l < 4; l++)
            snprintf(in->level_name[l], COOP_NAME_MAX, "%s", def_levels[l]);
    } else {
        if ((st = get_vector(c, lv, "institutions.levels", "\"none\", ...")))
            return st;
        int n = config_setting_length(lv);
        if (n < 2 || n > COOP_MAX_LEVELS)
            return fail(c, lv, "institutions.levels has %d entries: between 2 and %d are allowed",
                        n, COOP_MAX_LEVELS);
        in->n_levels = n;
        for (int l = 0; l < n; l++) {
            char path[64];
            snprintf(path, sizeof path, "institutions.levels.%d", l);
            s = config_setting_get_elem(lv, (unsigned)l);
            if ((st = get_name(c, s, path, CH_IDENT, in->level_name[l])))
                return st;
            for (int m = 0; m < l; m++)
                if (strcmp(in->level_name[m], in->level_name[l]) == 0)
                    return fail(c, s, "%s = \"%s\": duplicate level name", path, in->level_name[l]);
        }
    }

    for (int which = 0; which < 2; which++) {
        const char *name = which ? "omega" : "theta";
        const double *def = which ? def_omega : def_theta;
        double *dst = which ? in->omega : in->theta;
        s = g ? config_setting_get_member(g, name) : NULL;
        if (!s) {
            if (in->n_levels != 4)
                return fail(c, lv, "institutions.%s is missing: it is required when "
                                   "institutions.levels has %d entries (the default has 4)",
                            name, in->n_levels);
            memcpy(dst, def, 4 * sizeof *def);
            continue;
        }
        char path[64];
        snprintf(path, sizeof path, "institutions.%s", name);
        if ((st = get_vector(c, s, path, "0.0, ...")))
            return st;
        if (config_setting_length(s) != in->n_levels)
            return fail(c, s, "institutions.%s has %d entries: it needs one per level (%d)", name,
                        config_setting_length(s), in->n_levels);
        for (int l = 0; l < in->n_levels; l++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)l);
            snprintf(path, sizeof path, "institutions.%s.%d", name, l);
            if ((st = get_number(c, e, path, 0, 1, 0, &dst[l])))
                return st;
            if (!which && l > 0 && dst[l] < dst[l - 1]) {
                char a[40], b[40];
                fmt_float(a, sizeof a, dst[l]);
                fmt_float(b, sizeof b, dst[l - 1]);
                return fail(c, e, "%s = %s is below institutions.theta.%d = %s: theta must be "
                                  "non-decreasing", path, a, l - 1, b);
            }
        }
    }
    return COOP_OK;
}

/* Name of element i of a list of named groups, for messages: NAME or the index. */
static void element_path(char *buf, size_t size, const char *list, const config_setting_t *e,
                         int i)
{
    const char *name = NULL;
    const config_setting_t *n = config_setting_is_group(e) ? config_setting_get_member(e, "name") : NULL;
    if (n && config_setting_type(n) == CONFIG_TYPE_STRING)
        name = config_setting_get_string(n);
    if (name && valid_name(name, CH_IDENT))
        snprintf(buf, size, "%s.%s", list, name);
    else
        snprintf(buf, size, "%s.%d", list, i);
}

static int load_domains(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = get_list(c, root, "domains", &l)))
        return st;
    if (!l) {
        if (ALLOC(cfg->domains, 1))
            return nomem(c->err);
        cfg->n_domains = 1;
        coop_domain_cfg *d = &cfg->domains[0];
        snprintf(d->name, sizeof d->name, "pd");
        d->R = 3, d->S = 0, d->T = 5, d->P = 1, d->b = 2, d->c = 1;
        return COOP_OK;
    }
    size_t n = (size_t)config_setting_length(l);
    if (n == 0)
        return fail(c, l, "domains = ( ) is empty: at least one domain is required");
    if (ALLOC(cfg->domains, n))
        return nomem(c->err);
    cfg->n_domains = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_domain_cfg *d = &cfg->domains[i];
        char prefix[COOP_PATH_MAX];
        element_path(prefix, sizeof prefix, "domains", e, (int)i);
        if ((st = load_scope(c, e, SC_DOMAIN, prefix, d)))
            return st;
        d->line = (int)config_setting_source_line(e);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->domains[j].name, d->name) == 0)
                return fail(c, config_setting_get_member(e, "name"),
                            "%s: duplicate domain name '%s' (also domains entry %zu)", prefix,
                            d->name, j);
        static const char *const form[2][4] = {{"R", "S", "T", "P"}, {"b", "c", NULL, NULL}};
        const config_setting_t *first[2] = {NULL, NULL};
        for (int f = 0; f < 2; f++)
            for (int m = 0; m < 4 && form[f][m] && !first[f]; m++)
                first[f] = config_setting_get_member(e, form[f][m]);
        if (first[0] && first[1])
            return fail(c, first[1], "%s: mixes the R, S, T, P form with the b, c form (donation "
                                     "game): give one of them", prefix);
        d->donation = first[1] != NULL;
        for (int m = 0; m < 4 && form[d->donation][m]; m++)
            if ((st = load_key(c, e, prefix, find_key(SC_DOMAIN, form[d->donation][m]), d)))
                return st;
        if (d->donation) {
            d->R = d->b - d->c, d->S = -d->c, d->T = d->b, d->P = 0;
        } else {
            d->b = 2, d->c = 1; /* unused; keeps copies and prints deterministic */
        }
    }
    return COOP_OK;
}

static int load_observables(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = get_list(c, root, "observables", &l)) || !l)
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (ALLOC(cfg->observables, n))
        return nomem(c->err);
    cfg->n_observables = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_observable_cfg *o = &cfg->observables[i];
        char prefix[COOP_PATH_MAX], path[COOP_PATH_MAX * 2];
        element_path(prefix, sizeof prefix, "observables", e, (int)i);
        if (ALLOC(o->drive, cfg->n_domains))
            return nomem(c->err);
        if ((st = load_scope(c, e, SC_OBSERVABLE, prefix, o)))
            return st;
        o->line = (int)config_setting_source_line(e);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->observables[j].name, o->name) == 0)
                return fail(c, config_setting_get_member(e, "name"),
                            "%s: duplicate observable name '%s'", prefix, o->name);
        const config_setting_t *ds = config_setting_get_member(e, "domains");
        join(path, sizeof path, prefix, "domains");
        if (!ds) {
            memset(o->drive, 1, cfg->n_domains);
            continue;
        }
        if ((st = get_vector(c, ds, path, "\"trade\", ...")))
            return st;
        for (int k = 0; k < config_setting_length(ds); k++) {
            const config_setting_t *s = config_setting_get_elem(ds, (unsigned)k);
            const char *t;
            char epath[COOP_PATH_MAX * 2 + 16];
            snprintf(epath, sizeof epath, "%s.%d", path, k);
            if ((st = get_string(c, s, epath, &t)))
                return st;
            int d = coop_config_domain(cfg, t);
            if (d < 0) {
                char names[512];
                domain_names(names, sizeof names, cfg);
                return fail(c, s, "%s = \"%s\": no domain named '%s' (domains: %s)", epath, t, t,
                            names);
            }
            if (o->drive[d])
                return fail(c, s, "%s = \"%s\": domain listed twice", epath, t);
            o->drive[d] = 1;
        }
    }
    return COOP_OK;
}

static int ix_cmp(const void *x, const void *y)
{
    const name_ix *p = x, *q = y;
    int d = strcmp(p->name, q->name);
    return d ? d : (p->i > q->i) - (p->i < q->i);
}

static int ix_key_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const name_ix *)elem)->name);
}

/* Looks up an actor named by string setting s; the message names `path`. */
static int get_actor_ref(const ctx *c, const coop_config *cfg, const config_setting_t *s,
                         const char *path, int *out)
{
    const char *t;
    int st = get_string(c, s, path, &t);
    if (st)
        return st;
    if (c->actors) {
        const name_ix *hit = bsearch(t, c->actors, c->n_actors, sizeof *c->actors, ix_key_cmp);
        *out = hit ? hit->i : -1;
    } else {
        *out = coop_config_actor(cfg, t);
    }
    if (*out < 0)
        return fail(c, s, "%s = \"%s\": no actor named '%s'", path, t, t);
    return COOP_OK;
}

static int load_goals(const ctx *c, const config_setting_t *e, const char *prefix,
                      coop_config *cfg, coop_actor_cfg *a)
{
    const config_setting_t *g = config_setting_get_member(e, "goals");
    char path[COOP_PATH_MAX * 2];
    int st;
    join(path, sizeof path, prefix, "goals");
    if (!g) {
        for (size_t d = 0; d < cfg->n_domains; d++)
            a->goals[d] = 1.0 / (double)cfg->n_domains;
        return COOP_OK;
    }
    if (!config_setting_is_group(g)) {
        char v[256];
        fmt_value(v, sizeof v, g);
        return fail(c, g, "%s = %s has the wrong type: expected a group { DOMAIN = weight; ... }",
                    path, v);
    }
    const key *k = find_key(SC_ACTOR, "goals");
    double sum = 0;
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        char wpath[COOP_PATH_MAX * 3];
        join(wpath, sizeof wpath, path, config_setting_name(s));
        int d = coop_config_domain(cfg, config_setting_name(s));
        if (d < 0) {
            char names[512];
            domain_names(names, sizeof names, cfg);
            return fail(c, s, "%s: no domain named '%s' (domains: %s)", wpath,
                        config_setting_name(s), names);
        }
        if ((st = get_number(c, s, wpath, k->min, k->max, 0, &a->goals[d])))
            return st;
        sum += a->goals[d];
    }
    if (!(sum > 0))
        return fail(c, g, "%s: the weights sum to 0: at least one must be > 0", path);
    /* Weights that already sum to 1 (a printed configuration) are kept as they are,
     * so that loading is idempotent. */
    if (fabs(sum - 1.0) > 1e-12)
        for (size_t d = 0; d < cfg->n_domains; d++)
            a->goals[d] /= sum;
    return COOP_OK;
}

static int load_rule(const ctx *c, const config_setting_t *e, const char *prefix, coop_actor_cfg *a)
{
    const config_setting_t *s = config_setting_get_member(e, "rule");
    char path[COOP_PATH_MAX * 2];
    int st;
    join(path, sizeof path, prefix, "rule");
    a->rule = coop_rule_lookup(find_key(SC_ACTOR, "rule")->sdef);
    if (s) {
        const char *t;
        if ((st = get_string(c, s, path, &t)))
            return st;
        a->rule = coop_rule_lookup(t);
        if (a->rule < 0) {
            char list[512] = "";
            for (int r = 0; r < COOP_N_RULES; r++) {
                if (r)
                    cat(list, sizeof list, ", ");
                cat(list, sizeof list, coop_rules[r].name);
            }
            return fail(c, s, "%s = \"%s\" is not a rule (known: %s)", path, t, list);
        }
    }
    const coop_rule_info *ri = &coop_rules[a->rule];
    for (int i = 0; i < ri->n_params; i++)
        a->rule_param[i] = ri->def[i];
    const config_setting_t *g = config_setting_get_member(e, "rule_params");
    join(path, sizeof path, prefix, "rule_params");
    if (!g)
        return COOP_OK;
    if (!config_setting_is_group(g)) {
        char v[256];
        fmt_value(v, sizeof v, g);
        return fail(c, g, "%s = %s has the wrong type: expected a group { PARAM = value; ... }",
                    path, v);
    }
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *p = config_setting_get_elem(g, (unsigned)i);
        char ppath[COOP_PATH_MAX * 3];
        join(ppath, sizeof ppath, path, config_setting_name(p));
        int k = coop_rule_param(a->rule, config_setting_name(p));
        if (k < 0) {
            char names[256];
            rule_param_names(names, sizeof names, a->rule);
            return fail(c, p, "unknown setting '%s': rule '%s' has parameters: %s", ppath,
                        ri->name, names);
        }
        if ((st = get_number(c, p, ppath, ri->min[k], ri->max[k], 0, &a->rule_param[k])))
            return st;
    }
    return COOP_OK;
}


/* ------------------------------------------------------------------------ */
/* Generated networks: the `network` group and `actor_template`              */
/* ------------------------------------------------------------------------ */

/* The actor template: every SC_ACTOR key but name and motivator. */
static int load_template(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g;
    coop_actor_cfg *a = &cfg->tmpl;
    int st;
    if ((st = get_group(c, root, "actor_template", "actor_template", &g)))
        return st;
    a->motivator.target = -1;
    a->region_id = -1;
    if (g && (st = check_keys(c, g, SC_ACTOR, "actor_template")))
        return st;
    const char *banned[] = {"name", "motivator"};
    for (int b = 0; g && b < 2; b++) {
        const config_setting_t *s = config_setting_get_member(g, banned[b]);
        if (s)
            return fail(c, s, "actor_template.%s: not allowed in the template (nodes are named "
                              "n0, n1, ... or by the edge list; a motivator needs a listed "
                              "actor)", banned[b]);
    }
    for (size_t i = 0; i < N_KEYS; i++) {
        const key *k = &schema[i];
        if (k->scope != SC_ACTOR || k->off == NOOFF || strcmp(k->name, "name") == 0)
            continue;
        if ((st = load_key(c, g, "actor_template", k, a)))
            return st;
    }
    if (ALLOC(a->goals, cfg->n_domains))
        return nomem(c->err);
    if (g)
        return (st = load_goals(c, g, "actor_template", cfg, a)) ? st
                                                                 : load_rule(c, g, "actor_template", a);
    for (size_t d = 0; d < cfg->n_domains; d++)
        a->goals[d] = 1.0 / (double)cfg->n_domains;
    a->rule = coop_rule_lookup(find_key(SC_ACTOR, "rule")->sdef);
    for (int i = 0; i < coop_rules[a->rule].n_params; i++)
        a->rule_param[i] = coop_rules[a->rule].def[i];
    return COOP_OK;
}

/* Draws the network of cfg->net (from experiment.seed, COOP_STREAM_NETWORK) and fills
 * cfg->actors (template copies) and cfg->ties. */
static int generate(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    coop_network_cfg *nc = &cfg->net;
    const gsl_rng_type *type = coop_rng_type(cfg->rng[0] ? cfg->rng : "mt19937");
    if (!type)
        return fail(c, g, "experiment.rng = \"%s\" is not a GSL generator", cfg->rng);
    gsl_rng *r = gsl_rng_alloc(type);
    if (!r)
        return nomem(c->err);
    gsl_rng_set(r, coop_rng_seed((uint32_t)cfg->seed, 0, 0, COOP_STREAM_NETWORK));
    coop_err nerr = {0};
    coop_network *net = NULL;
    size_t n = (size_t)nc->n;
    switch (nc->type) {
    case COOP_NET_COMPLETE: net = coop_network_complete(n, &nerr); break;
    case COOP_NET_RING: net = coop_network_ring(n, nc->k, &nerr); break;
    case COOP_NET_LATTICE: net = coop_network_lattice((size_t)nc->L, nc->moore, nc->self, &nerr); break;
    case COOP_NET_GNP: net = coop_network_gnp(r, n, nc->p, &nerr); break;
    case COOP_NET_GNM: net = coop_network_gnm(r, n, (size_t)nc->m, &nerr); break;
    case COOP_NET_BA: net = coop_network_ba(r, n, nc->m, &nerr); break;
    case COOP_NET_WS: net = coop_network_ws(r, n, nc->k, nc->p, &nerr); break;
    default: {
        /* network.n bounds the indices only when given (the printer writes the count
         * read, so that a manifest reads the file the same way) */
        coop_edges_opt opt = {nc->ids, config_setting_get_member(g, "n") ? n : 0, nc->isolated};
        size_t lonely = 0;
        net = coop_network_read_edges(nc->file, &opt, &lonely, &nerr);
        if (net)
            cfg->net.n = (int)net->n;
        if (lonely) /* allowed (network.isolated = "allow"), so not an error: a note */
            fprintf(stderr, "coopsim: note: %s: %zu of the %zu nodes have no tie "
                    "(network.isolated = \"allow\")\n", nc->file, lonely, net ? net->n : 0);
        break;
    }
    }
    int st = COOP_OK;
    if (!net) {
        /* "network: ring k = 3, ..." -> "FILE:LINE: network.k = 3, ..." */
        const char *msg = strncmp(nerr.text, "network: ", 9) == 0 ? nerr.text + 9 : nerr.text;
        if (nerr.code == COOP_ENOMEM)
            st = nomem(c->err);
        else
            st = fail(c, g, "network (type = \"%s\"): %s", net_type_names[nc->type], msg);
        gsl_rng_free(r);
        return st;
    }
    if (net->n > (size_t)INT_MAX / 2 || net->n_edges > (size_t)INT_MAX / 2) {
        st = fail(c, g, "network: %zu nodes and %zu ties are too many", net->n, net->n_edges);
        goto out;
    }
    if (ALLOC(cfg->actors, net->n) || ALLOC(cfg->ties, net->n_edges)) {
        st = nomem(c->err);
        goto out;
    }
    cfg->n_actors = net->n;
    for (size_t i = 0; i < net->n; i++) {
        coop_actor_cfg *a = &cfg->actors[i];
        *a = cfg->tmpl;
        a->goals = NULL;
        a->line = nc->line;
        if (net->names) {
            if (!valid_name(net->names[i], CH_IDENT)) {
                st = fail(c, g, "network.file: node name '%s' must be %s, shorter than %d",
                          net->names[i], chars_doc[CH_IDENT], COOP_NAME_MAX);
                goto out;
            }
            snprintf(a->name, sizeof a->name, "%s", net->names[i]);
        } else {
            snprintf(a->name, sizeof a->name, "n%zu", i);
        }
        if (nc->initial_c >= 0.0)
            a->propensity = gsl_rng_uniform(r) < nc->initial_c ? 1.0 : 0.0;
        if (ALLOC(a->goals, cfg->n_domains)) {
            st = nomem(c->err);
            goto out;
        }
        memcpy(a->goals, cfg->tmpl.goals, cfg->n_domains * sizeof(double));
    }
    cfg->n_ties = net->n_edges;
    for (size_t t = 0; t < net->n_edges; t++) {
        coop_tie_cfg *tc = &cfg->ties[t];
        tc->a = net->a[t], tc->b = net->b[t];
        tc->weight = net->weight ? net->weight[t] : 1.0;
        tc->rivalry = 0.0;
        tc->line = nc->line;
        if (ALLOC(tc->obs0, cfg->n_observables)) {
            st = nomem(c->err);
            goto out;
        }
    }
out:
    coop_network_free(net);
    gsl_rng_free(r);
    return st;
}

/* ---- actor_overrides: the template changed for selected nodes ---- */

/* A template key: every `actors.NAME.` key but name and motivator. */
static int template_key(const key *k)
{
    return k && k->scope == SC_ACTOR && strcmp(k->name, "name") != 0
           && strcmp(k->name, "motivator") != 0;
}

/* The bit of an `actors.NAME.` key in coop_override_cfg.set: its rank in the schema
 * (12 keys today; an unsigned holds 32). */
static unsigned actor_bit(const key *k)
{
    unsigned j = 0;
    for (const key *p = schema; p < k; p++)
        j += p->scope == SC_ACTOR;
    return 1u << j;
}

/* Every member of override e must be a selector or a template key. */
static int check_override_keys(const ctx *c, const config_setting_t *e, const char *prefix)
{
    if (!config_setting_is_group(e))
        return check_keys(c, e, SC_OVERRIDE, prefix); /* reports the wrong type */
    for (int i = 0; i < config_setting_length(e); i++) {
        const config_setting_t *s = config_setting_get_elem(e, (unsigned)i);
        const char *nm = config_setting_name(s);
        const key *ka = find_key(SC_ACTOR, nm);
        if (find_key(SC_OVERRIDE, nm) || template_key(ka))
            continue;
        if (ka)
            return fail(c, s, "%s.%s: not allowed in an override (as in actor_template)", prefix,
                        nm);
        char known[512];
        known_keys(known, sizeof known, SC_OVERRIDE);
        for (size_t j = 0; j < N_KEYS; j++)
            if (template_key(&schema[j]))
                coop_fmt_cat(known, sizeof known, ", %s", schema[j].name);
        return fail(c, s, "unknown setting '%s.%s' (known: %s)", prefix, nm, known);
    }
    return COOP_OK;
}

/* The selectors of override e: nodes, from and to, in_region; at least one. */
static int load_selectors(const ctx *c, const config_setting_t *e, const char *prefix,
                          size_t n_nodes, coop_override_cfg *o)
{
    const config_setting_t *s;
    char path[COOP_PATH_MAX * 2];
    double last = (double)n_nodes - 1;
    long long x;
    int st;
    o->from = o->to = -1;
    if ((s = config_setting_get_member(e, "nodes"))) {
        join(path, sizeof path, prefix, "nodes");
        if ((st = get_vector(c, s, path, "node indices")))
            return st;
        o->n_nodes = (size_t)config_setting_length(s);
        if (ALLOC(o->nodes, o->n_nodes))
            return nomem(c->err);
        for (size_t i = 0; i < o->n_nodes; i++) {
            char epath[COOP_PATH_MAX * 3];
            snprintf(epath, sizeof epath, "%s.%zu", path, i);
            if ((st = get_integer(c, config_setting_get_elem(s, (unsigned)i), epath, 0, last, &x)))
                return st;
            o->nodes[i] = (int)x;
        }
    }
    const config_setting_t *f = config_setting_get_member(e, "from");
    const config_setting_t *t = config_setting_get_member(e, "to");
    if (!f != !t)
        return fail(c, f ? f : t, "%s.%s: needs '%s' (an inclusive index range from..to)", prefix,
                    f ? "from" : "to", f ? "to" : "from");
    if (f) {
        join(path, sizeof path, prefix, "from");
        if ((st = get_integer(c, f, path, 0, last, &x)))
            return st;
        o->from = (int)x;
        join(path, sizeof path, prefix, "to");
        if ((st = get_integer(c, t, path, o->from, last, &x)))
            return st;
        o->to = (int)x;
    }
    if ((s = config_setting_get_member(e, "in_region"))) {
        join(path, sizeof path, prefix, "in_region");
        if ((st = get_name(c, s, path, CH_IDENT, o->in_region)))
            return st;
    }
    if (!o->n_nodes && o->from < 0 && !o->in_region[0])
        return fail(c, e, "%s: selects no nodes: give nodes = [ ... ], from and to, or in_region",
                    prefix);
    return COOP_OK;
}

/* The template keys override e gives, read by the template's own code. */
static int load_override_actor(const ctx *c, const config_setting_t *e, const char *prefix,
                               coop_config *cfg, coop_override_cfg *o)
{
    int st;
    for (size_t i = 0; i < N_KEYS; i++) {
        const key *k = &schema[i];
        if (!template_key(k) || !config_setting_get_member(e, k->name))
            continue;
        o->set |= actor_bit(k);
        if (k->off != NOOFF && (st = load_key(c, e, prefix, k, &o->a)))
            return st;
    }
    if (o->set & actor_bit(find_key(SC_ACTOR, "goals"))) {
        if (ALLOC(o->a.goals, cfg->n_domains))
            return nomem(c->err);
        if ((st = load_goals(c, e, prefix, cfg, &o->a)))
            return st;
    }
    const config_setting_t *rp = config_setting_get_member(e, "rule_params");
    if (rp && !config_setting_get_member(e, "rule"))
        return fail(c, rp, "%s.rule_params: give `rule` in the same override (the parameters "
                           "belong to a rule)", prefix);
    if (config_setting_get_member(e, "rule")) {
        o->set |= actor_bit(find_key(SC_ACTOR, "rule_params"));
        if ((st = load_rule(c, e, prefix, &o->a)))
            return st;
    }
    return COOP_OK;
}

/* Copies the keys o gives onto node a. */
static void apply_to(const coop_config *cfg, const coop_override_cfg *o, coop_actor_cfg *a)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const key *k = &schema[i];
        if (!template_key(k) || !(o->set & actor_bit(k)))
            continue;
        if (k->off != NOOFF) {
            size_t size = k->type == V_FLOAT ? sizeof(double)
                          : k->type == V_TEXT ? COOP_NAME_MAX
                                              : sizeof(int);
            memcpy((char *)a + k->off, (const char *)&o->a + k->off, size);
        } else if (strcmp(k->name, "goals") == 0) {
            memcpy(a->goals, o->a.goals, cfg->n_domains * sizeof(double));
        } else if (strcmp(k->name, "rule") == 0) {
            a->rule = o->a.rule;
            memcpy(a->rule_param, o->a.rule_param, sizeof a->rule_param);
        }
    }
}

/* Reads `actor_overrides` and applies each element, in order, to the nodes it
 * selects (in_region is matched before the element changes any node). */
static int load_overrides(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = get_list(c, root, "actor_overrides", &l)) || !l)
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (ALLOC(cfg->overrides, n))
        return nomem(c->err);
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_override_cfg *o = &cfg->overrides[i];
        char prefix[COOP_PATH_MAX];
        snprintf(prefix, sizeof prefix, "actor_overrides.%zu", i);
        cfg->n_overrides = i + 1;
        o->a.motivator.target = -1;
        o->a.region_id = -1;
        o->line = (int)config_setting_source_line(e);
        if ((st = check_override_keys(c, e, prefix))
            || (st = load_selectors(c, e, prefix, cfg->n_actors, o))
            || (st = load_override_actor(c, e, prefix, cfg, o)))
            return st;
        if (o->in_region[0]) {
            size_t hits = 0;
            for (size_t a = 0; a < cfg->n_actors; a++)
                if (strcmp(cfg->actors[a].region, o->in_region) == 0) {
                    apply_to(cfg, o, &cfg->actors[a]);
                    hits++;
                }
            if (!hits)
                return fail(c, config_setting_get_member(e, "in_region"),
                            "%s.in_region = \"%s\": no node is in region '%s' (regions come "
                            "from the template and earlier overrides)", prefix, o->in_region,
                            o->in_region);
        }
        for (size_t j = 0; j < o->n_nodes; j++)
            apply_to(cfg, o, &cfg->actors[o->nodes[j]]);
        for (int a = o->from; a >= 0 && a <= o->to; a++)
            apply_to(cfg, o, &cfg->actors[a]);
    }
    return COOP_OK;
}

/* The regions of the nodes, in first-seen node order (at most one per override
 * and the template's). */
static int node_regions(const ctx *c, coop_config *cfg)
{
    if (ALLOC(cfg->regions, cfg->n_overrides + 1))
        return nomem(c->err);
    for (size_t i = 0; i < cfg->n_actors; i++) {
        coop_actor_cfg *a = &cfg->actors[i];
        a->region_id = -1;
        if (!a->region[0])
            continue;
        size_t r = 0;
        while (r < cfg->n_regions && strcmp(cfg->regions[r], a->region) != 0)
            r++;
        if (r == cfg->n_regions)
            memcpy(cfg->regions[cfg->n_regions++], a->region, COOP_NAME_MAX);
        a->region_id = (int)r;
    }
    return COOP_OK;
}

static int load_network(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g, *s;
    coop_network_cfg *nc = &cfg->net;
    int st;
    if ((st = get_group(c, root, "network", "network", &g)))
        return st;
    if (!g) {
        if ((s = config_setting_get_member(root, "actor_template")))
            return fail(c, s, "actor_template: only used with a `network` group");
        if ((s = config_setting_get_member(root, "actor_overrides")))
            return fail(c, s, "actor_overrides: only used with a `network` group");
        return COOP_OK;
    }
    nc->present = 1;
    nc->line = (int)config_setting_source_line(g);
    if ((st = load_scope(c, g, SC_NETWORK, "network", nc)))
        return st;
    const char *bools[] = {"self", "series_nodes"};
    int *bval[] = {&nc->self, &nc->series_nodes};
    for (int b = 0; b < 2; b++) {
        if (!(s = config_setting_get_member(g, bools[b])))
            continue;
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
            char v[256];
            fmt_value(v, sizeof v, s);
            return fail(c, s, "network.%s = %s has the wrong type: expected true or false",
                        bools[b], v);
        }
        *bval[b] = config_setting_get_bool(s);
    }
    s = config_setting_get_member(g, "file");
    if (nc->type == COOP_NET_FILE) {
        const char *f;
        if (!s)
            return fail(c, g, "network: missing required setting 'file' (type = \"file\")");
        if ((st = get_string(c, s, "network.file", &f)))
            return st;
        /* relative to the configuration that names it (a --set: to the working
         * directory), so that a file and its edge list move together */
        const char *from = config_setting_get_hook(s) ? NULL : config_setting_source_file(s);
        if (!from && !config_setting_get_hook(s))
            from = c->file;
        const char *slash = from && f[0] != '/' ? strrchr(from, '/') : NULL;
        int dl = slash ? (int)(slash - from) + 1 : 0;
        if (!f[0] || strlen(f) + (size_t)dl >= sizeof nc->file)
            return fail(c, s, "network.file = \"%.200s\": %s", f,
                        f[0] ? "the path is too long (at most 255 characters with the "
                               "configuration's directory)" : "empty");
        snprintf(nc->file, sizeof nc->file, "%.*s%s", dl, slash ? from : "", f);
    } else if (s) {
        return fail(c, s, "network.file: only used with type = \"file\"");
    }
    const char *lists[] = {"actors", "ties"};
    for (int i = 0; i < 2; i++) {
        s = config_setting_get_member(root, lists[i]);
        if (s && config_setting_length(s) > 0)
            return fail(c, s, "%s: a configuration has either a `network` group or %s lists, "
                              "not both", lists[i], "actors and ties");
    }
    if ((st = load_template(c, root, cfg)) || (st = generate(c, g, cfg))
        || (st = load_overrides(c, root, cfg)))
        return st;
    return node_regions(c, cfg);
}

static int load_actors(ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if (cfg->net.present) /* generated by load_network */
        return COOP_OK;
    if ((st = get_list(c, root, "actors", &l)))
        return st;
    if (!l)
        return fail(c, NULL, "no actors: the setting 'actors' must list at least one actor");
    size_t n = (size_t)config_setting_length(l);
    if (n == 0)
        return fail(c, l, "actors = ( ) is empty: at least one actor is required");
    if (ALLOC(cfg->actors, n) || ALLOC(cfg->regions, n))
        return nomem(c->err);
    cfg->n_actors = n;
    const key *kname = find_key(SC_ACTOR, "name");

    /* Pass 1: names, so that motivators can name actors listed after them. */
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_actor_cfg *a = &cfg->actors[i];
        char prefix[COOP_PATH_MAX];
        snprintf(prefix, sizeof prefix, "actors.%zu", i);
        a->motivator.target = -1;
        a->region_id = -1;
        if (!config_setting_is_group(e))
            return check_keys(c, e, SC_ACTOR, prefix);
        if ((st = load_key(c, e, prefix, kname, a)))
            return st;
        a->line = (int)config_setting_source_line(e);
    }

    /* Sort the names: duplicates become neighbours, lookups become searches.  The
     * duplicate reported is the first one in file order. */
    if (ALLOC(c->actors, n))
        return nomem(c->err);
    c->n_actors = n;
    for (size_t i = 0; i < n; i++)
        c->actors[i] = (name_ix){cfg->actors[i].name, (int)i};
    qsort(c->actors, n, sizeof *c->actors, ix_cmp);
    int dup = -1, first_of = -1;
    for (size_t k = 0, run = 0; k + 1 < n; k++) {
        if (strcmp(c->actors[k].name, c->actors[k + 1].name) != 0) {
            run = k + 1;
            continue;
        }
        if (dup < 0 || c->actors[k + 1].i < dup)
            dup = c->actors[k + 1].i, first_of = c->actors[run].i;
    }
    if (dup >= 0) {
        const coop_actor_cfg *a = &cfg->actors[dup];
        char first[64] = "";
        if (cfg->actors[first_of].line > 0)
            snprintf(first, sizeof first, " (first at line %d)", cfg->actors[first_of].line);
        return fail(c, config_setting_get_member(config_setting_get_elem(l, (unsigned)dup), "name"),
                    "actors.%s: duplicate actor name '%s'%s", a->name, a->name, first);
    }

    /* Pass 2: everything else. */
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_actor_cfg *a = &cfg->actors[i];
        char prefix[COOP_PATH_MAX], path[COOP_PATH_MAX * 2];
        snprintf(prefix, sizeof prefix, "actors.%s", a->name);
        if ((st = load_scope(c, e, SC_ACTOR, prefix, a)))
            return st;
        if (ALLOC(a->goals, cfg->n_domains))
            return nomem(c->err);
        if ((st = load_goals(c, e, prefix, cfg, a)) || (st = load_rule(c, e, prefix, a)))
            return st;

        if (a->region[0]) {
            size_t r = 0;
            while (r < cfg->n_regions && strcmp(cfg->regions[r], a->region) != 0)
                r++;
            if (r == cfg->n_regions)
                memcpy(cfg->regions[cfg->n_regions++], a->region, COOP_NAME_MAX);
            a->region_id = (int)r;
        }

        const config_setting_t *m = config_setting_get_member(e, "motivator");
        join(path, sizeof path, prefix, "motivator");
        if (!m)
            continue;
        if ((st = load_scope(c, m, SC_MOTIVATOR, path, &a->motivator)))
            return st;
        const config_setting_t *t = config_setting_get_member(m, "target");
        char tpath[COOP_PATH_MAX * 3];
        join(tpath, sizeof tpath, path, "target");
        if (!t)
            return fail(c, m, "%s: missing required setting 'target'", path);
        if ((st = get_actor_ref(c, cfg, t, tpath, &a->motivator.target)))
            return st;
        if (a->motivator.target == (int)i)
            return fail(c, t, "%s = \"%s\" is the actor itself: a motivator needs another target",
                        tpath, a->name);
    }
    return COOP_OK;
}

typedef struct pair { int a, b, i; } pair;

static int pair_cmp(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

static int load_ties(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if (cfg->net.present) /* generated by load_network */
        return COOP_OK;
    if ((st = get_list(c, root, "ties", &l)) || !l)
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (ALLOC(cfg->ties, n))
        return nomem(c->err);
    cfg->n_ties = n;
    const key *kobs = find_key(SC_TIE, "observables");
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_tie_cfg *t = &cfg->ties[i];
        char prefix[COOP_PATH_MAX], path[COOP_PATH_MAX * 2];
        snprintf(prefix, sizeof prefix, "ties.%zu", i);
        if (ALLOC(t->obs0, cfg->n_observables))
            return nomem(c->err);
        if (!config_setting_is_group(e))
            return check_keys(c, e, SC_TIE, prefix);
        t->line = (int)config_setting_source_line(e);
        const char *end[2] = {"a", "b"};
        int *idx[2] = {&t->a, &t->b};
        for (int k = 0; k < 2; k++) {
            const config_setting_t *s = config_setting_get_member(e, end[k]);
            if (!s)
                return fail(c, e, "%s: missing required setting '%s'", prefix, end[k]);
            join(path, sizeof path, prefix, end[k]);
            if ((st = get_actor_ref(c, cfg, s, path, idx[k])))
                return st;
        }
        snprintf(prefix, sizeof prefix, "ties.%s-%s", cfg->actors[t->a].name,
                 cfg->actors[t->b].name);
        if (t->a == t->b)
            return fail(c, config_setting_get_member(e, "b"),
                        "%s: a tie from '%s' to itself: a and b must differ", prefix,
                        cfg->actors[t->a].name);
        if ((st = load_scope(c, e, SC_TIE, prefix, t)))
            return st;
        const config_setting_t *g = config_setting_get_member(e, "observables");
        join(path, sizeof path, prefix, "observables");
        if (!g)
            continue;
        if (!config_setting_is_group(g)) {
            char v[256];
            fmt_value(v, sizeof v, g);
            return fail(c, g, "%s = %s has the wrong type: expected a group { NAME = value; ... }",
                        path, v);
        }
        for (int k = 0; k < config_setting_length(g); k++) {
            const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
            char opath[COOP_PATH_MAX * 3];
            join(opath, sizeof opath, path, config_setting_name(s));
            size_t o = 0;
            while (o < cfg->n_observables && strcmp(cfg->observables[o].name, config_setting_name(s)))
                o++;
            if (o == cfg->n_observables) {
                char names[512] = "";
                for (size_t q = 0; q < cfg->n_observables; q++) {
                    if (q)
                        cat(names, sizeof names, ", ");
                    cat(names, sizeof names, cfg->observables[q].name);
                }
                return fail(c, s, "%s: no observable named '%s' (declared in 'observables': %s)",
                            opath, config_setting_name(s), names[0] ? names : "none");
            }
            if ((st = get_number(c, s, opath, kobs->min, kobs->max, 0, &t->obs0[o])))
                return st;
        }
    }

    /* One tie per pair: sort (min, max) pairs and compare neighbours. */
    pair *p;
    if (ALLOC(p, n))
        return nomem(c->err);
    for (size_t i = 0; i < n; i++) {
        int a = cfg->ties[i].a, b = cfg->ties[i].b;
        p[i] = (pair){a < b ? a : b, a < b ? b : a, (int)i};
    }
    if (n > 1)
        qsort(p, n, sizeof *p, pair_cmp);
    for (size_t i = 1; i < n; i++)
        if (p[i].a == p[i - 1].a && p[i].b == p[i - 1].b) {
            const coop_tie_cfg *t = &cfg->ties[p[i].i];
            const config_setting_t *e = config_setting_get_elem(l, (unsigned)p[i].i);
            char first[64] = "";
            if (cfg->ties[p[i - 1].i].line > 0)
                snprintf(first, sizeof first, " (first at line %d)", cfg->ties[p[i - 1].i].line);
            free(p);
            return fail(c, e, "ties.%s-%s: duplicate tie between '%s' and '%s'%s",
                        cfg->actors[t->a].name, cfg->actors[t->b].name, cfg->actors[t->a].name,
                        cfg->actors[t->b].name, first);
        }
    free(p);
    return COOP_OK;
}

/* hypothesis.motivator and hypothesis.target (g: the group, NULL when absent). */
static int load_hypothesis_actors(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    int st;
    const config_setting_t *sm = g ? config_setting_get_member(g, "motivator") : NULL;
    const config_setting_t *stg = g ? config_setting_get_member(g, "target") : NULL;
    const char *m = NULL, *t = NULL;
    if ((sm && (st = get_string(c, sm, "hypothesis.motivator", &m)))
        || (stg && (st = get_string(c, stg, "hypothesis.target", &t))))
        return st;
    coop_hypothesis_cfg *h = &cfg->hyp;
    h->motivator = h->target = -1;
    if (!sm) {
        for (size_t i = 0; i < cfg->n_actors && h->motivator < 0; i++)
            if (cfg->actors[i].motivator.target >= 0)
                h->motivator = (int)i;
    } else if (m[0]) {
        if ((st = get_actor_ref(c, cfg, sm, "hypothesis.motivator", &h->motivator)))
            return st;
    }
    if (h->motivator < 0) {
        if (t && t[0])
            return fail(c, stg, "hypothesis.target = \"%s\" needs a hypothesis.motivator (there "
                                "is none)", t);
        return COOP_OK;
    }
    if (!t) {
        h->target = cfg->actors[h->motivator].motivator.target;
        if (h->target < 0)
            return fail(c, sm, "hypothesis.target is missing: actor '%s' has no motivator role "
                               "to take it from", cfg->actors[h->motivator].name);
        return COOP_OK;
    }
    if (!t[0])
        return fail(c, stg, "hypothesis.target = \"\": a target is required with "
                            "hypothesis.motivator = \"%s\"", cfg->actors[h->motivator].name);
    if ((st = get_actor_ref(c, cfg, stg, "hypothesis.target", &h->target)))
        return st;
    if (h->target == h->motivator)
        return fail(c, stg, "hypothesis.target = \"%s\" is the motivator itself", t);
    return COOP_OK;
}

/* The hypothesis group: its scalar keys, the motivator and target, then the
 * placebo actors (each must be able to take the motivator's role). */
static int load_hypothesis(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g;
    int st;
    if ((st = get_group(c, root, "hypothesis", "hypothesis", &g))
        || (st = load_scope(c, g, SC_HYPOTHESIS, "hypothesis", &cfg->hyp))
        || (st = load_hypothesis_actors(c, g, cfg)))
        return st;
    coop_hypothesis_cfg *h = &cfg->hyp;
    h->n_placebo = 0;
    const config_setting_t *pl = g ? config_setting_get_member(g, "placebo") : NULL;
    if (!pl)
        return COOP_OK;
    if ((st = get_vector(c, pl, "hypothesis.placebo", "\"NAME\", ...")))
        return st;
    int n = config_setting_length(pl);
    if (n > COOP_MAX_PLACEBO)
        return fail(c, pl, "hypothesis.placebo has %d entries: at most %d are allowed", n,
                    COOP_MAX_PLACEBO);
    if (n > 0 && h->motivator < 0)
        return fail(c, pl, "hypothesis.placebo needs a motivator whose role it takes (there is "
                           "no hypothesis.motivator)");
    if (n > 0 && cfg->actors[h->motivator].motivator.target < 0)
        return fail(c, pl, "hypothesis.placebo needs a motivator role to move: actor '%s' has "
                           "none", cfg->actors[h->motivator].name);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(pl, (unsigned)i);
        char path[64];
        int a;
        snprintf(path, sizeof path, "hypothesis.placebo.%d", i);
        if ((st = get_actor_ref(c, cfg, s, path, &a)))
            return st;
        const char *nm = cfg->actors[a].name;
        if (a == h->motivator)
            return fail(c, s, "%s = \"%s\" is the motivator itself: a placebo is another actor",
                        path, nm);
        if (a == cfg->actors[h->motivator].motivator.target || a == h->target)
            return fail(c, s, "%s = \"%s\" is the target: it cannot motivate itself", path, nm);
        for (int j = 0; j < i; j++)
            if (h->placebo[j] == a)
                return fail(c, s, "%s = \"%s\" is listed twice", path, nm);
        h->placebo[i] = a;
    }
    h->n_placebo = n;
    return COOP_OK;
}

static int resolve(const coop_config *cfg, const char *path, coop_param_ref *ref, char *why,
                   size_t size);

/* An event and where it came from, while loading. */
typedef struct ev_src {
    coop_event_cfg ev;
    const config_setting_t *where;
    int index;  /* in the file's events list */
    size_t seq; /* order of expansion, for a stable sort */
} ev_src;

static int ev_cmp(const void *x, const void *y)
{
    const ev_src *p = x, *q = y;
    if (p->ev.date != q->ev.date)
        return p->ev.date < q->ev.date ? -1 : 1;
    /* Stable: equal dates keep the file's order (expanded paths in list order). */
    return (p->seq > q->seq) - (p->seq < q->seq);
}

static int load_events(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = get_list(c, root, "events", &l)) || !l)
        return st;
    size_t n_list = (size_t)config_setting_length(l), n = 0, cap = n_list;
    ev_src *v;
    if (ALLOC(v, cap))
        return nomem(c->err);
    for (size_t i = 0; i < n_list; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        char prefix[64], path[96], cpath[COOP_PATH_MAX + 96];
        coop_event_cfg ev = {0};
        snprintf(prefix, sizeof prefix, "events.%zu", i);
        if ((st = load_scope(c, e, SC_EVENT, prefix, &ev)))
            goto out;
        ev.line = (int)config_setting_source_line(e);
        const config_setting_t *sd = config_setting_get_member(e, "date");
        if (!(ev.date >= cfg->start && ev.date < cfg->end)) {
            char a[40], b[40], d[40];
            fmt_num(a, sizeof a, cfg->start);
            fmt_num(b, sizeof b, cfg->end);
            fmt_value(d, sizeof d, sd);
            st = fail(c, sd, "%s.date = %s is outside the time window [%s, %s)", prefix, d, a, b);
            goto out;
        }
        const config_setting_t *sp = config_setting_get_member(e, "path");
        snprintf(path, sizeof path, "%s.path", prefix);
        if (!sp) {
            st = fail(c, e, "%s: missing required setting 'path'", prefix);
            goto out;
        }
        int scalar = config_setting_type(sp) == CONFIG_TYPE_STRING;
        if (!scalar && (st = get_vector(c, sp, path, "\"PATH\", ...")))
            goto out;
        int np = scalar ? 1 : config_setting_length(sp);
        if (np == 0) {
            st = fail(c, sp, "%s = [ ] is empty: name at least one parameter", path);
            goto out;
        }
        if (n + (size_t)np > cap) {
            cap = 2 * cap + (size_t)np;
            ev_src *w = realloc(v, cap * sizeof *v);
            if (!w) {
                st = nomem(c->err);
                goto out;
            }
            v = w;
        }
        for (int k = 0; k < np; k++) {
            const config_setting_t *s = scalar ? sp : config_setting_get_elem(sp, (unsigned)k);
            const char *t;
            if (scalar)
                snprintf(cpath, sizeof cpath, "%s", path);
            else
                snprintf(cpath, sizeof cpath, "%s.%d", path, k);
            if ((st = get_string(c, s, cpath, &t)))
                goto out;
            if (strlen(t) >= COOP_PATH_MAX) {
                st = fail(c, s, "%s is longer than %d characters", cpath, COOP_PATH_MAX - 1);
                goto out;
            }
            char why[COOP_ERR_MAX];
            if (resolve(cfg, t, &ev.ref, why, sizeof why)) {
                st = fail(c, s, "%s = \"%s\": %s", cpath, t, why);
                goto out;
            }
            snprintf(ev.path, sizeof ev.path, "%s", t);
            v[n] = (ev_src){ev, s, (int)i, n};
            n++;
        }
    }
    if (n > 1)
        qsort(v, n, sizeof *v, ev_cmp);
    if (ALLOC(cfg->events, n)) {
        st = nomem(c->err);
        goto out;
    }
    cfg->n_events = n;
    for (size_t i = 0; i < n; i++)
        cfg->events[i] = v[i].ev;

    /* Replay the events on a scratch copy: an event that would drive a parameter
     * out of its range is an error now rather than in the middle of a run. */
    coop_config tmp;
    coop_err e2 = {0};
    if ((st = coop_config_copy(&tmp, cfg, c->err)))
        goto out;
    for (size_t i = 0; i < n && !st; i++) {
        const coop_event_cfg *ev = &v[i].ev;
        if (coop_config_set_param(&tmp, &ev->ref, ev->op, ev->value, &e2)) {
            char d[40], x[40];
            fmt_num(d, sizeof d, ev->date);
            fmt_num(x, sizeof x, ev->value);
            st = fail(c, v[i].where, "events.%d (%s %s %s at %s): %s", v[i].index, ev->path,
                      op_names[ev->op], x, d, e2.text);
        }
    }
    coop_config_destroy(&tmp);
out:
    free(v);
    return st;
}

/* ---- sweep ---- */

static double *param_ptr(const coop_config *cfg, const coop_param_ref *r, double *min,
                         double *max, int *flags);

/* A number of any numeric type (no range: sweep values are checked against their
 * parameter's range by sweep_check). */
static int get_real(const ctx *c, const config_setting_t *s, const char *path, double *out)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: *out = config_setting_get_int(s); return COOP_OK;
    case CONFIG_TYPE_INT64: *out = (double)config_setting_get_int64(s); return COOP_OK;
    case CONFIG_TYPE_FLOAT: *out = config_setting_get_float(s); return COOP_OK;
    default: {
        char v[256];
        fmt_value(v, sizeof v, s);
        return fail(c, s, "%s = %s has the wrong type: expected a number", path, v);
    }
    }
}

/* A value a sweep point sets must lie in the parameter's range (a goal weight is a
 * share in [0, 1]), as --set and events require. */
static int sweep_check(const ctx *c, const config_setting_t *s, const char *path, double x,
                       const coop_config *cfg, const coop_sweep_param_cfg *p)
{
    double lo, hi;
    int fl;
    if (!param_ptr(cfg, &p->ref, &lo, &hi, &fl))
        return fail(c, s, "%s: %s designates no parameter", path, p->path);
    if (p->ref.field == COOP_F_ACTOR_GOAL)
        lo = 0, hi = 1, fl = 0;
    if (isfinite(x) && in_range(x, lo, hi, fl))
        return COOP_OK;
    char v[40], r[96];
    fmt_num(v, sizeof v, x);
    fmt_range(r, sizeof r, lo, hi, fl);
    return fail(c, s, "%s = %s is outside the range of %s: %s", path, v, p->path, r);
}

/* One entry of sweep.parameters: its path, and the keys its method needs. */
static int load_sweep_param(const ctx *c, const config_setting_t *e, size_t i, coop_config *cfg,
                            double *grid_points)
{
    coop_sweep_cfg *sw = &cfg->sweep;
    coop_sweep_param_cfg *p = &sw->params[i];
    const char *mname = sweep_method_names[sw->method];
    char prefix[64], path[COOP_PATH_MAX];
    int st;
    snprintf(prefix, sizeof prefix, "sweep.parameters.%zu", i);
    if ((st = check_keys(c, e, SC_SWEEP_PARAM, prefix)))
        return st;
    p->line = (int)config_setting_source_line(e);

    const config_setting_t *sp = config_setting_get_member(e, "path");
    const char *t;
    snprintf(path, sizeof path, "%s.path", prefix);
    if (!sp)
        return fail(c, e, "%s: missing required setting 'path'", prefix);
    if ((st = get_string(c, sp, path, &t)))
        return st;
    if (strlen(t) >= COOP_PATH_MAX)
        return fail(c, sp, "%s is longer than %d characters", path, COOP_PATH_MAX - 1);
    char why[COOP_ERR_MAX];
    if (resolve(cfg, t, &p->ref, why, sizeof why))
        return fail(c, sp, "%s = \"%s\": %s", path, t, why);
    snprintf(p->path, sizeof p->path, "%s", t);
    for (size_t j = 0; j < i; j++) {
        const coop_param_ref *q = &sw->params[j].ref;
        if (q->field == p->ref.field && q->index == p->ref.index && q->sub == p->ref.sub)
            return fail(c, sp, "%s = \"%s\": the same parameter as sweep.parameters.%zu (\"%s\")",
                        path, t, j, sw->params[j].path);
    }

    const config_setting_t *smin = config_setting_get_member(e, "min");
    const config_setting_t *smax = config_setting_get_member(e, "max");
    const config_setting_t *slog = config_setting_get_member(e, "log");
    const config_setting_t *sv = config_setting_get_member(e, "values");
    if (sw->method == COOP_SWEEP_LHS || sw->method == COOP_SWEEP_SOBOL) {
        if (sv)
            return fail(c, sv, "%s.values: method = \"%s\" samples [min, max]; a list of values "
                               "belongs to method = \"grid\"", prefix, mname);
        if (!smin || !smax)
            return fail(c, e, "%s: missing required setting '%s' (method = \"%s\" samples "
                              "[min, max])", prefix, smin ? "max" : "min", mname);
        snprintf(path, sizeof path, "%s.min", prefix);
        if ((st = get_real(c, smin, path, &p->min)) || (st = sweep_check(c, smin, path, p->min, cfg, p)))
            return st;
        snprintf(path, sizeof path, "%s.max", prefix);
        if ((st = get_real(c, smax, path, &p->max)) || (st = sweep_check(c, smax, path, p->max, cfg, p)))
            return st;
        if (!(p->min <= p->max)) {
            char a[40], b[40];
            fmt_num(a, sizeof a, p->min);
            fmt_num(b, sizeof b, p->max);
            return fail(c, smax, "%s.max = %s is below %s.min = %s", prefix, b, prefix, a);
        }
        if (slog) {
            if (config_setting_type(slog) != CONFIG_TYPE_BOOL) {
                char v[256];
                fmt_value(v, sizeof v, slog);
                return fail(c, slog, "%s.log = %s has the wrong type: expected true or false",
                            prefix, v);
            }
            p->log = config_setting_get_bool(slog);
        }
        if (p->log && !(p->min > 0)) {
            char a[40];
            fmt_num(a, sizeof a, p->min);
            return fail(c, smin, "%s.min = %s: log = true needs min > 0", prefix, a);
        }
        return COOP_OK;
    }

    const config_setting_t *extra = smin ? smin : smax ? smax : slog;
    if (extra)
        return fail(c, extra, "%s.%s: only methods lhs and sobol sample a range (method = \"%s\")",
                    prefix, config_setting_name(extra), mname);
    if (sw->method == COOP_SWEEP_LIST) {
        if (sv)
            return fail(c, sv, "%s.values: method = \"list\" takes the values from sweep.rows",
                        prefix);
        return COOP_OK;
    }
    if (!sv)
        return fail(c, e, "%s: missing required setting 'values' (method = \"grid\")", prefix);
    snprintf(path, sizeof path, "%s.values", prefix);
    if ((st = get_vector(c, sv, path, "0.1, 0.2, ...")))
        return st;
    size_t n = (size_t)config_setting_length(sv);
    if (n == 0)
        return fail(c, sv, "%s = [ ] is empty: give at least one value", path);
    if (ALLOC(p->values, n))
        return nomem(c->err);
    p->n_values = n;
    for (size_t k = 0; k < n; k++) {
        const config_setting_t *s = config_setting_get_elem(sv, (unsigned)k);
        char epath[COOP_PATH_MAX + 24];
        snprintf(epath, sizeof epath, "%s.%zu", path, k);
        if ((st = get_real(c, s, epath, &p->values[k]))
            || (st = sweep_check(c, s, epath, p->values[k], cfg, p)))
            return st;
    }
    *grid_points *= (double)n;
    return COOP_OK;
}

/* sweep.rows of method list: one vector per point, one value per parameter. */
static int load_sweep_rows(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    coop_sweep_cfg *sw = &cfg->sweep;
    const config_setting_t *r = config_setting_get_member(g, "rows");
    int st;
    if (sw->method != COOP_SWEEP_LIST) {
        if (r)
            return fail(c, r, "sweep.rows: only method = \"list\" takes rows (method = \"%s\")",
                        sweep_method_names[sw->method]);
        return COOP_OK;
    }
    if (!r)
        return fail(c, g, "sweep: missing required setting 'rows' (method = \"list\")");
    if (!config_setting_is_list(r) && !config_setting_is_array(r)) {
        char v[256];
        fmt_value(v, sizeof v, r);
        return fail(c, r, "sweep.rows = %s has the wrong type: expected a list ( [ v1, v2, ... ], "
                          "... )", v);
    }
    size_t n = (size_t)config_setting_length(r), np = sw->n_params;
    if (n == 0)
        return fail(c, r, "sweep.rows = ( ) is empty: give at least one row");
    if (n > COOP_MAX_POINTS)
        return fail(c, r, "sweep.rows has %zu rows: at most %d points are allowed", n,
                    COOP_MAX_POINTS);
    if (ALLOC(sw->rows, n * np))
        return nomem(c->err);
    sw->n_rows = n;
    for (size_t k = 0; k < n; k++) {
        const config_setting_t *e = config_setting_get_elem(r, (unsigned)k);
        char path[64];
        snprintf(path, sizeof path, "sweep.rows.%zu", k);
        if ((st = get_vector(c, e, path, "v1, v2, ...")))
            return st;
        if ((size_t)config_setting_length(e) != np)
            return fail(c, e, "%s has %d values: it needs one per parameter (%zu)", path,
                        config_setting_length(e), np);
        for (size_t j = 0; j < np; j++) {
            const config_setting_t *s = config_setting_get_elem(e, (unsigned)j);
            char epath[96];
            snprintf(epath, sizeof epath, "%s.%zu", path, j);
            double *x = &sw->rows[k * np + j];
            if ((st = get_real(c, s, epath, x)) || (st = sweep_check(c, s, epath, *x, cfg, &sw->params[j])))
                return st;
        }
    }
    return COOP_OK;
}

/* The sweep group (after everything its paths can name).  Values are checked one
 * by one against their parameter's range here; what only a combination of values
 * can violate (theta order, events replayed at a point) is checked when
 * coop_sweep_alloc builds the points. */
static int load_sweep(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    coop_sweep_cfg *sw = &cfg->sweep;
    const config_setting_t *g, *s;
    int st;
    if ((st = get_group(c, root, "sweep", "sweep", &g)) || !g)
        return st;
    if ((st = load_scope(c, g, SC_SWEEP, "sweep", sw)))
        return st;
    sw->present = 1;
    sw->line = (int)config_setting_source_line(g);
    sw->seed = cfg->seed;
    if ((s = config_setting_get_member(g, "seed"))) {
        long long x = 0;
        if ((st = get_integer(c, s, "sweep.seed", 0, 4294967295.0, &x)))
            return st;
        sw->seed = (unsigned long)x;
    }
    const config_setting_t *l = config_setting_get_member(g, "parameters");
    if (!l)
        return fail(c, g, "sweep: missing required setting 'parameters'");
    if ((st = get_list(c, g, "parameters", &l)))
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (n == 0)
        return fail(c, l, "sweep.parameters = ( ) is empty: sweep at least one parameter");
    if (sw->method == COOP_SWEEP_SOBOL && n > 40)
        return fail(c, l, "sweep.parameters has %zu entries: method = \"sobol\" takes at most 40 "
                          "(GSL's gsl_qrng_sobol)", n);
    if (ALLOC(sw->params, n))
        return nomem(c->err);
    sw->n_params = n;
    double grid_points = 1;
    for (size_t i = 0; i < n; i++)
        if ((st = load_sweep_param(c, config_setting_get_elem(l, (unsigned)i), i, cfg,
                                   &grid_points)))
            return st;
    if (sw->method == COOP_SWEEP_GRID && grid_points > COOP_MAX_POINTS)
        return fail(c, l, "sweep: the grid has %.0f points (the product of the numbers of "
                          "values): at most %d are allowed", grid_points, COOP_MAX_POINTS);
    return load_sweep_rows(c, g, cfg);
}

/* output.snapshots: at most COOP_MAX_SNAPSHOTS steps, each in [0, n_steps - 1],
 * strictly ascending, into cfg->snapshots (owned; NULL when absent or empty).
 * The time group is loaded first, so n_steps is known. */
static int load_snapshots(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    const config_setting_t *s = g ? config_setting_get_member(g, "snapshots") : NULL;
    int st;
    if (!s)
        return COOP_OK;
    if ((st = get_vector(c, s, "output.snapshots", "step, ...")))
        return st;
    size_t n = (size_t)config_setting_length(s);
    if (n > COOP_MAX_SNAPSHOTS)
        return fail(c, s, "output.snapshots has %zu entries: at most %d are allowed", n,
                    COOP_MAX_SNAPSHOTS);
    if (n == 0)
        return COOP_OK;
    if (ALLOC(cfg->snapshots, n))
        return nomem(c->err);
    cfg->n_snapshots = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char path[64];
        long long x;
        snprintf(path, sizeof path, "output.snapshots.%zu", i);
        if ((st = get_integer(c, e, path, 0, (double)cfg->n_steps - 1, &x)))
            return st;
        if (i > 0 && x <= cfg->snapshots[i - 1])
            return fail(c, e, "%s = %lld is not after output.snapshots.%zu = %d: the steps must "
                              "be strictly ascending", path, x, i - 1, cfg->snapshots[i - 1]);
        cfg->snapshots[i] = (int)x;
    }
    return COOP_OK;
}

/* The whole tree into cfg. */
static int keep_validation(const ctx *c, const config_setting_t *root, coop_config *cfg);

static int extract(ctx *c, const config_setting_t *root, coop_config *cfg)
{
    int st;
    if ((st = check_keys(c, root, SC_TOP, "")) || (st = load_scope(c, root, SC_TOP, "", cfg))
        || (st = load_experiment_time(c, root, cfg)))
        return st;
    const config_setting_t *g;
    if ((st = get_group(c, root, "engagement", "engagement", &g))
        || (st = load_scope(c, g, SC_ENGAGEMENT, "engagement", cfg))
        || (st = get_group(c, root, "output", "output", &g))
        || (st = load_scope(c, g, SC_OUTPUT, "output", cfg))
        || (st = load_snapshots(c, g, cfg))
        || (st = load_institutions(c, root, &cfg->inst)) || (st = load_domains(c, root, cfg))
        || (st = load_observables(c, root, cfg)) || (st = load_network(c, root, cfg))
        || (st = load_actors(c, root, cfg))
        || (st = load_ties(c, root, cfg)) || (st = load_hypothesis(c, root, cfg))
        || (st = load_events(c, root, cfg)) || (st = load_sweep(c, root, cfg))
        || (st = keep_validation(c, root, cfg)))
        return st;
    return COOP_OK;
}

/* ------------------------------------------------------------------------ */
/* Overrides: --set PATH=VALUE grafted into the libconfig tree               */
/* ------------------------------------------------------------------------ */

/* Copies src under parent as `name` (NULL inside lists and arrays).  keep_pos
 * keeps the source line, file and hook (rebuilding a list); otherwise the copy
 * has none, so that the override's hook on its root locates it. */
static config_setting_t *graft(config_setting_t *parent, const char *name,
                               const config_setting_t *src, int keep_pos)
{
    int type = config_setting_type(src);
    config_setting_t *dst = config_setting_add(parent, name, type);
    if (!dst)
        return NULL;
    int ok = 1;
    switch (type) {
    case CONFIG_TYPE_INT: ok = config_setting_set_int(dst, config_setting_get_int(src)); break;
    case CONFIG_TYPE_INT64: ok = config_setting_set_int64(dst, config_setting_get_int64(src)); break;
    case CONFIG_TYPE_FLOAT: ok = config_setting_set_float(dst, config_setting_get_float(src)); break;
    case CONFIG_TYPE_BOOL: ok = config_setting_set_bool(dst, config_setting_get_bool(src)); break;
    case CONFIG_TYPE_STRING: ok = config_setting_set_string(dst, config_setting_get_string(src)); break;
    default:
        for (int i = 0; i < config_setting_length(src) && ok; i++) {
            const config_setting_t *e = config_setting_get_elem(src, (unsigned)i);
            ok = graft(dst, config_setting_is_group(src) ? config_setting_name(e) : NULL, e,
                       keep_pos) != NULL;
        }
        break;
    }
    if (ok && keep_pos) {
        /* libconfig 1.5 has no setter for these; the fields are public. */
        dst->line = src->line;
        dst->file = src->file;
        config_setting_set_hook(dst, config_setting_get_hook(src));
    }
    return ok ? dst : NULL;
}

typedef struct ovr {
    const ctx *c;
    const char *text;               /* PATH=VALUE */
    const config_setting_t *value;  /* parsed VALUE */
    config_setting_t *root;
} ovr;

static int ovr_fail(const ovr *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ovr_fail(const ovr *o, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg)
        vsnprintf(msg, (size_t)n + 1, fmt, aq);
    va_end(aq);
    int st = COOP_FAIL(o->c->err, COOP_ECONFIG, "--set %s: %s", o->text,
                       msg ? msg : "(out of memory)");
    free(msg);
    return st;
}

static void mark(const ovr *o, config_setting_t *s)
{
    config_setting_set_hook(s, (void *)o->text);
}

/* Puts the override's value at parent.name, replacing what is there. */
static int set_member(const ovr *o, config_setting_t *parent, const char *name, const char *path)
{
    if (config_setting_get_member(parent, name))
        config_setting_remove(parent, name);
    config_setting_t *s = graft(parent, name, o->value, 0);
    if (!s)
        return ovr_fail(o, "cannot set '%s': '%s' is not a valid setting name", path, name);
    mark(o, s);
    return COOP_OK;
}

/* The group parent.name, created (and marked) when absent. */
static int ensure_group(const ovr *o, config_setting_t *parent, const char *name,
                        const char *path, config_setting_t **out)
{
    config_setting_t *s = config_setting_get_member(parent, name);
    if (!s) {
        s = config_setting_add(parent, name, CONFIG_TYPE_GROUP);
        if (!s)
            return ovr_fail(o, "cannot set '%s': '%s' is not a valid setting name", path, name);
        mark(o, s);
    } else if (!config_setting_is_group(s)) {
        return ovr_fail(o, "cannot set '%s': '%s' is not a group in the configuration", path, path);
    }
    *out = s;
    return COOP_OK;
}

/* The names of the domains as the tree has them (the default "pd" when absent). */
static void tree_domain_names(const config_setting_t *root, const char **names, int *n, int max)
{
    const config_setting_t *l = config_setting_get_member(root, "domains");
    *n = 0;
    if (!l) {
        names[(*n)++] = "pd";
        return;
    }
    for (int i = 0; i < config_setting_length(l) && *n < max; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        const char *t;
        if (config_setting_is_group(e) && config_setting_lookup_string(e, "name", &t))
            names[(*n)++] = t;
    }
}

/* Replaces element idx of array/list s with the override's scalar value.  The
 * vector is rebuilt as a list (libconfig cannot replace an array element by one
 * of another type), keeping the other elements' lines. */
static int set_element(const ovr *o, config_setting_t *s, const char *idx, const char *path)
{
    char *endp;
    errno = 0;
    long i = strtol(idx, &endp, 10);
    if (config_setting_length(s) == 0)
        return ovr_fail(o, "'%s' names nothing: '%s' is empty (set the whole list)", path,
                        config_setting_name(s));
    if (*endp || endp == idx || errno || i < 0 || i >= config_setting_length(s))
        return ovr_fail(o, "'%s' names nothing: '%s' has %d entries (0 to %d)", path,
                        config_setting_name(s), config_setting_length(s),
                        config_setting_length(s) - 1);
    if (!config_setting_is_scalar(o->value))
        return ovr_fail(o, "'%s' is an element of a vector: give a single value", path);
    config_t scratch;
    config_init(&scratch);
    int st = COOP_OK;
    config_setting_t *copy = graft(config_root_setting(&scratch), "v", s, 1);
    config_setting_t *parent = config_setting_parent(s);
    const char *name = config_setting_name(s);
    char saved[COOP_NAME_MAX * 2];
    snprintf(saved, sizeof saved, "%s", name);
    if (!copy) {
        st = COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
        goto out;
    }
    config_setting_remove(parent, saved);
    config_setting_t *list = config_setting_add(parent, saved, CONFIG_TYPE_LIST);
    if (!list) {
        st = COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
        goto out;
    }
    list->line = copy->line;
    list->file = copy->file;
    config_setting_set_hook(list, config_setting_get_hook(copy));
    for (int k = 0; k < config_setting_length(copy); k++) {
        config_setting_t *e;
        if (k == i) {
            e = graft(list, NULL, o->value, 0);
            if (e)
                mark(o, e);
        } else {
            e = graft(list, NULL, config_setting_get_elem(copy, (unsigned)k), 1);
        }
        if (!e) {
            st = COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
            goto out;
        }
    }
out:
    config_destroy(&scratch);
    return st;
}

/* Creates a vector from its default so that one element can be overridden. */
static int ensure_vector(const ovr *o, config_setting_t *parent, int scope, const char *name,
                         const char *path, config_setting_t **out)
{
    config_setting_t *s = config_setting_get_member(parent, name);
    if (s) {
        if (!config_setting_is_array(s) && !config_setting_is_list(s))
            return ovr_fail(o, "cannot set '%s': '%s' is not an array", path, name);
        *out = s;
        return COOP_OK;
    }
    static const char *const levels[] = {"none", "framework_signed", "framework_in_force",
                                         "enhanced"};
    static const double theta[] = {0.0, 0.3, 0.5, 0.7}, omega[] = {0.0, 0.2, 0.4, 0.6};
    s = config_setting_add(parent, name, CONFIG_TYPE_ARRAY);
    if (!s)
        return COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
    mark(o, s);
    if (scope == SC_OBSERVABLE) {
        const char *names[1024];
        int n;
        tree_domain_names(o->root, names, &n, 1024);
        for (int i = 0; i < n; i++)
            config_setting_set_string_elem(s, -1, names[i]);
    } else if (scope == SC_INSTITUTIONS) { /* hypothesis.placebo: empty by default */
        for (int i = 0; i < 4; i++) {
            if (strcmp(name, "levels") == 0)
                config_setting_set_string_elem(s, -1, levels[i]);
            else
                config_setting_set_float_elem(s, -1, strcmp(name, "theta") == 0 ? theta[i] : omega[i]);
        }
    }
    *out = s;
    return COOP_OK;
}

/* The element of list l whose string member `member` is name (NULL if none). */
static config_setting_t *find_named(const config_setting_t *l, const char *member, const char *name)
{
    for (int i = 0; i < config_setting_length(l); i++) {
        config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        const char *t;
        if (config_setting_is_group(e) && config_setting_lookup_string(e, member, &t)
            && strcmp(t, name) == 0)
            return e;
    }
    return NULL;
}

/* The element of list l (actors, domains, observables, ties, events) that comp names. */
static int find_element(const ovr *o, config_setting_t *l, const char *list, const char *comp,
                        config_setting_t **out)
{
    *out = NULL;
    if (strcmp(list, "ties") == 0) {
        char a[COOP_NAME_MAX * 2], *b;
        snprintf(a, sizeof a, "%s", comp);
        b = strchr(a, '-');
        if (!b)
            return ovr_fail(o, "'ties.%s' names no tie: write ties.A-B", comp);
        *b++ = '\0';
        for (int i = 0; i < config_setting_length(l) && !*out; i++) {
            config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
            const char *x, *y;
            if (config_setting_is_group(e) && config_setting_lookup_string(e, "a", &x)
                && config_setting_lookup_string(e, "b", &y)
                && ((strcmp(x, a) == 0 && strcmp(y, b) == 0)
                    || (strcmp(x, b) == 0 && strcmp(y, a) == 0)))
                *out = e;
        }
        if (!*out)
            return ovr_fail(o, "no tie between '%s' and '%s'", a, b);
        return COOP_OK;
    }
    if (strcmp(list, "events") == 0 || strcmp(list, "actor_overrides") == 0) {
        const char *what = list[0] == 'e' ? "event" : "override";
        char *endp;
        long i = strtol(comp, &endp, 10);
        if (*endp || endp == comp || i < 0 || i >= config_setting_length(l))
            return ovr_fail(o, "no %s with index '%s' (the configuration has %d %ss)", what, comp,
                            config_setting_length(l), what);
        *out = config_setting_get_elem(l, (unsigned)i);
        if (!config_setting_is_group(*out))
            return ovr_fail(o, "%s.%s is not a group", list, comp);
        return COOP_OK;
    }
    *out = find_named(l, "name", comp);
    if (!*out) {
        const char *what = strcmp(list, "actors") == 0    ? "actor"
                           : strcmp(list, "domains") == 0 ? "domain"
                                                          : "observable";
        return ovr_fail(o, "no %s named '%s'", what, comp);
    }
    return COOP_OK;
}

/* Walks comp[0..n) below group g of `scope` (path names g) and sets the value. */
static int descend(const ovr *o, config_setting_t *g, int scope, char **comp, int n,
                   const char *gpath)
{
    char path[COOP_PATH_MAX * 2];
    join(path, sizeof path, gpath, comp[0]);
    const key *k = find_key(scope, comp[0]);
    if (!k && scope == SC_OVERRIDE && template_key(find_key(SC_ACTOR, comp[0])))
        k = find_key(scope = SC_ACTOR, comp[0]); /* an override's actor_template key */
    if (!k || k->type == V_IGNORED) {
        char known[512];
        known_keys(known, sizeof known, scope);
        return ovr_fail(o, "unknown setting '%s' (known: %s)", path, known);
    }
    if (n == 1) {
        if (scope == SC_ACTOR && strcmp(comp[0], "rule") == 0) {
            /* A new rule starts from its own defaults: drop the old rule's parameters
             * that came from the file (keep those given with --set). */
            const char *old = find_key(SC_ACTOR, "rule")->sdef;
            config_setting_lookup_string(g, "rule", &old);
            int same = config_setting_type(o->value) == CONFIG_TYPE_STRING
                       && strcmp(old, config_setting_get_string(o->value)) == 0;
            config_setting_t *rp = config_setting_get_member(g, "rule_params");
            if (!same && rp && config_setting_is_group(rp) && !config_setting_get_hook(rp))
                for (int i = config_setting_length(rp) - 1; i >= 0; i--)
                    if (!config_setting_get_hook(config_setting_get_elem(rp, (unsigned)i)))
                        config_setting_remove_elem(rp, (unsigned)i);
        }
        return set_member(o, g, comp[0], path);
    }
    config_setting_t *s = NULL;
    int st;
    switch (k->type) {
    case V_MAP:
        if (n != 2)
            break;
        {
            int created = !config_setting_get_member(g, comp[0]);
            if ((st = ensure_group(o, g, comp[0], path, &s)))
                return st;
            if (created && scope == SC_ACTOR && strcmp(comp[0], "goals") == 0) {
                /* Start from the default, equal weights, and change one. */
                const char *names[1024];
                int nd;
                tree_domain_names(o->root, names, &nd, 1024);
                for (int i = 0; i < nd; i++) {
                    config_setting_t *w = config_setting_add(s, names[i], CONFIG_TYPE_FLOAT);
                    if (w)
                        config_setting_set_float(w, 1.0);
                }
            }
            char mpath[COOP_PATH_MAX * 3];
            join(mpath, sizeof mpath, path, comp[1]);
            return set_member(o, s, comp[1], mpath);
        }
    case V_GROUP:
        if ((st = ensure_group(o, g, comp[0], path, &s)))
            return st;
        return descend(o, s, SC_MOTIVATOR, comp + 1, n - 1, path);
    case V_NAMES:
    case V_FLOATS:
        if (n != 2)
            break;
        if ((st = ensure_vector(o, g, scope, comp[0], path, &s)))
            return st;
        {
            char epath[COOP_PATH_MAX * 3];
            join(epath, sizeof epath, path, comp[1]);
            return set_element(o, s, comp[1], epath);
        }
    default:
        break;
    }
    char full[COOP_PATH_MAX * 3];
    join(full, sizeof full, gpath, comp[0]);
    for (int i = 1; i < n; i++) {
        cat(full, sizeof full, ".");
        cat(full, sizeof full, comp[i]);
    }
    return ovr_fail(o, "'%s' names nothing: '%s' has no part '%s'", full, path, comp[1]);
}

/* Parses VALUE the way libconfig parses a setting's value; a VALUE libconfig
 * rejects is taken as a bare string (so that --set actors.KZ.rule=wsls works).
 * An integer beyond int range gets the L suffix libconfig 1.5 needs. */
static int parse_value(config_t *vc, const char *value, coop_err *err, const char *text)
{
    size_t n = strlen(value);
    char *buf = malloc(n + 8);
    if (!buf)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory applying --set %s", text);
    const char *p = value + (value[0] == '-' || value[0] == '+');
    int digits = *p != '\0';
    for (const char *q = p; *q; q++)
        digits = digits && *q >= '0' && *q <= '9';
    int big = 0;
    if (digits) {
        errno = 0;
        long long x = strtoll(value, NULL, 10);
        big = errno == 0 && (x > INT_MAX || x < INT_MIN);
    }
    snprintf(buf, n + 8, "v = %s%s;", value, big ? "L" : "");
    config_set_auto_convert(vc, 1);
    int ok = config_read_string(vc, buf) && config_setting_length(config_root_setting(vc)) == 1;
    free(buf);
    if (!ok) {
        config_destroy(vc);
        config_init(vc);
        config_set_auto_convert(vc, 1);
        config_setting_t *s = config_setting_add(config_root_setting(vc), "v", CONFIG_TYPE_STRING);
        if (!s || !config_setting_set_string(s, value))
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory applying --set %s", text);
    }
    return COOP_OK;
}

static int apply_override(const ctx *c, config_t *lc, const char *text)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text)
        return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: expected PATH=VALUE", text);
    size_t plen = (size_t)(eq - text);
    if (plen >= COOP_PATH_MAX)
        return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: the path is longer than %d characters",
                         text, COOP_PATH_MAX - 1);
    char fullpath[COOP_PATH_MAX], pathbuf[COOP_PATH_MAX], *comp[16];
    memcpy(pathbuf, text, plen);
    pathbuf[plen] = '\0';
    memcpy(fullpath, pathbuf, plen + 1);
    int n = 0;
    for (char *s = pathbuf;; s++) {
        char *dot = strchr(s, '.');
        if (n == 16)
            return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: the path has too many parts", text);
        comp[n++] = s;
        if (!dot)
            break;
        *dot = '\0';
        s = dot;
    }
    for (int i = 0; i < n; i++)
        if (!comp[i][0])
            return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: the path has an empty part", text);

    config_t vc;
    config_init(&vc);
    int st = parse_value(&vc, eq + 1, c->err, text);
    if (st) {
        config_destroy(&vc);
        return st;
    }
    config_setting_t *root = config_root_setting(lc);
    ovr o = {c, text, config_setting_get_elem(config_root_setting(&vc), 0), root};

    const key *k = find_key(SC_TOP, comp[0]);
    int scope = child_scope(comp[0]);
    config_setting_t *s;
    if (k && k->type == V_IGNORED && strcmp(k->name, "validation") == 0) {
        st = ovr_fail(&o, "the `validation` group cannot be changed with --set: coopsim "
                      "validate reads it from the file as written (edit a copy of the file)");
    } else if (!k || k->type == V_IGNORED) {
        char known[512];
        known_keys(known, sizeof known, SC_TOP);
        st = ovr_fail(&o, "unknown setting '%s' (known: %s)", comp[0], known);
    } else if (n == 1) {
        st = set_member(&o, root, comp[0], comp[0]);
    } else if (k->type == V_GROUP) {
        if (!(st = ensure_group(&o, root, comp[0], comp[0], &s)))
            st = descend(&o, s, scope, comp + 1, n - 1, comp[0]);
    } else if (k->type == V_LIST) {
        config_setting_t *l = config_setting_get_member(root, comp[0]), *e;
        if (!l) {
            l = config_setting_add(root, comp[0], CONFIG_TYPE_LIST);
            if (l && strcmp(comp[0], "domains") == 0) {
                /* The default domain, so that domains.pd.KEY can be set. */
                config_setting_t *d = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
                config_setting_t *nm = d ? config_setting_add(d, "name", CONFIG_TYPE_STRING) : NULL;
                if (nm)
                    config_setting_set_string(nm, "pd");
            }
            if (l)
                mark(&o, l);
        }
        if (!l)
            st = COOP_FAIL(c->err, COOP_ENOMEM, "out of memory applying --set %s", text);
        else if (!config_setting_is_list(l))
            st = ovr_fail(&o, "cannot set '%s': '%s' is not a list", fullpath, comp[0]);
        else if (!(st = find_element(&o, l, comp[0], comp[1], &e))) {
            char epath[COOP_PATH_MAX];
            snprintf(epath, sizeof epath, "%s.%s", comp[0], comp[1]);
            if (n == 2)
                st = ovr_fail(&o, "'%s' names a whole entry: set one of its keys, e.g. %s.%s",
                              epath, epath, strcmp(comp[0], "ties") == 0 ? "weight" : "name");
            else
                st = descend(&o, e, scope, comp + 2, n - 2, epath);
        }
    } else {
        st = ovr_fail(&o, "'%s' names nothing: '%s' is a single value", fullpath, comp[0]);
    }
    config_destroy(&vc);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Load, destroy, copy                                                       */
/* ------------------------------------------------------------------------ */

/* Refuses, before libconfig reads it, a configuration that is not a regular file
 * (/dev/zero, a FIFO), is larger than COOP_CONFIG_MAX_BYTES, has a line longer
 * than COOP_CONFIG_MAX_LINE (libconfig lexes long lines in quadratic time) or a
 * NUL byte (libconfig would stop the text there). */
static int prescan(const char *path, coop_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    int st = COOP_OK;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode))
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: not a regular file (a configuration is a text "
                       "file)", path);
    else if (sb.st_size > COOP_CONFIG_MAX_BYTES)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: %lld bytes, more than the %ld MiB a "
                       "configuration may have", path, (long long)sb.st_size,
                       COOP_CONFIG_MAX_BYTES >> 20);
    char buf[65536];
    size_t k, col = 0;
    long line = 1, total = 0;
    while (!st && (k = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < k && !st; i++) {
            if (buf[i] == '\n') {
                line++, col = 0;
            } else if (buf[i] == '\0') {
                st = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: a NUL byte (a configuration is "
                               "text)", path, line);
            } else if (++col > COOP_CONFIG_MAX_LINE) {
                st = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: the line is longer than %d bytes, "
                               "the most a configuration line may have (split it)", path, line,
                               COOP_CONFIG_MAX_LINE);
            }
        }
        total += (long)k;
        if (!st && total > COOP_CONFIG_MAX_BYTES) /* grew while read */
            st = COOP_FAIL(err, COOP_ECONFIG, "%s: more than the %ld MiB a configuration may "
                           "have", path, COOP_CONFIG_MAX_BYTES >> 20);
    }
    if (!st && ferror(f))
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: cannot read: %s", path, strerror(errno));
    fclose(f);
    return st;
}

int coop_config_load(const char *path, const char *const *overrides, size_t n_overrides,
                     coop_config *cfg, coop_err *err)
{
    ctx c = {path, err, NULL, 0};
    config_t lc;
    coop_config tmp;
    int st;
    memset(cfg, 0, sizeof *cfg);
    memset(&tmp, 0, sizeof tmp);
    if (strlen(path) >= COOP_PATH_MAX)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: the file name is longer than %d characters",
                         path, COOP_PATH_MAX - 1);
    if ((st = prescan(path, err)))
        return st;
    for (size_t i = 0; i < n_overrides; i++)
        if (strlen(overrides[i]) > COOP_CONFIG_MAX_LINE)
            return COOP_FAIL(err, COOP_ECONFIG, "--set %.64s...: the text is %zu bytes long, "
                             "more than the %d a --set may have", overrides[i],
                             strlen(overrides[i]), COOP_CONFIG_MAX_LINE);

    config_init(&lc);
    config_set_auto_convert(&lc, 1);
    if (!config_read_file(&lc, path)) {
        if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
            st = COOP_FAIL(err, COOP_ECONFIG, "%s: cannot read: %s", path,
                           config_error_text(&lc));
        else if (strcmp(config_error_text(&lc), "syntax error") == 0) /* libconfig's usual text */
            st = COOP_FAIL(err, COOP_ECONFIG, "%s:%d: syntax error (a ';', quote or bracket "
                           "missing on this line or the one before?)",
                           config_error_file(&lc) ? config_error_file(&lc) : path,
                           config_error_line(&lc));
        else
            st = COOP_FAIL(err, COOP_ECONFIG, "%s:%d: syntax error: %s",
                           config_error_file(&lc) ? config_error_file(&lc) : path,
                           config_error_line(&lc), config_error_text(&lc));
        config_destroy(&lc);
        return st;
    }
    st = COOP_OK;
    for (size_t i = 0; i < n_overrides && !st; i++)
        st = apply_override(&c, &lc, overrides[i]);
    if (!st) {
        snprintf(tmp.source, sizeof tmp.source, "%s", path);
        st = extract(&c, config_root_setting(&lc), &tmp);
    }
    config_destroy(&lc);
    free(c.actors);
    if (st) {
        coop_config_destroy(&tmp);
        return st;
    }
    *cfg = tmp;
    return COOP_OK;
}

void coop_config_destroy(coop_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; cfg->actors && i < cfg->n_actors; i++)
        free(cfg->actors[i].goals);
    for (size_t i = 0; cfg->ties && i < cfg->n_ties; i++)
        free(cfg->ties[i].obs0);
    for (size_t i = 0; cfg->observables && i < cfg->n_observables; i++)
        free(cfg->observables[i].drive);
    free(cfg->domains);
    free(cfg->actors);
    free(cfg->ties);
    free(cfg->regions);
    free(cfg->observables);
    free(cfg->events);
    for (size_t i = 0; cfg->sweep.params && i < cfg->sweep.n_params; i++)
        free(cfg->sweep.params[i].values);
    free(cfg->sweep.params);
    free(cfg->sweep.rows);
    free(cfg->tmpl.goals);
    for (size_t i = 0; cfg->overrides && i < cfg->n_overrides; i++) {
        free(cfg->overrides[i].nodes);
        free(cfg->overrides[i].a.goals);
    }
    free(cfg->overrides);
    free(cfg->snapshots);
    free(cfg->validation);
    memset(cfg, 0, sizeof *cfg);
}

static void *dup_array(const void *src, size_t n, size_t size, int *fail)
{
    if (!n || !src)
        return NULL;
    void *p = malloc(n * size);
    if (!p)
        *fail = 1;
    else
        memcpy(p, src, n * size);
    return p;
}

int coop_config_copy(coop_config *dst, const coop_config *src, coop_err *err)
{
    int bad = 0;
    *dst = *src;
    dst->domains = dup_array(src->domains, src->n_domains, sizeof *src->domains, &bad);
    dst->regions = dup_array(src->regions, src->n_regions, sizeof *src->regions, &bad);
    dst->events = dup_array(src->events, src->n_events, sizeof *src->events, &bad);
    dst->actors = dup_array(src->actors, src->n_actors, sizeof *src->actors, &bad);
    for (size_t i = 0; dst->actors && i < src->n_actors; i++)
        dst->actors[i].goals = NULL;
    dst->tmpl.goals = dup_array(src->tmpl.goals, src->tmpl.goals ? src->n_domains : 0,
                                sizeof(double), &bad);
    dst->overrides = dup_array(src->overrides, src->n_overrides, sizeof *src->overrides, &bad);
    for (size_t i = 0; dst->overrides && i < src->n_overrides; i++)
        dst->overrides[i].nodes = NULL, dst->overrides[i].a.goals = NULL;
    for (size_t i = 0; dst->overrides && i < src->n_overrides; i++) {
        const coop_override_cfg *o = &src->overrides[i];
        dst->overrides[i].nodes = dup_array(o->nodes, o->n_nodes, sizeof *o->nodes, &bad);
        dst->overrides[i].a.goals = dup_array(o->a.goals, o->a.goals ? src->n_domains : 0,
                                              sizeof(double), &bad);
    }
    dst->snapshots = dup_array(src->snapshots, src->n_snapshots, sizeof *src->snapshots, &bad);
    dst->validation = dup_array(src->validation, src->validation ? strlen(src->validation) + 1 : 0,
                                1, &bad);
    dst->ties = dup_array(src->ties, src->n_ties, sizeof *src->ties, &bad);
    for (size_t i = 0; dst->ties && i < src->n_ties; i++)
        dst->ties[i].obs0 = NULL;
    dst->observables = dup_array(src->observables, src->n_observables, sizeof *src->observables, &bad);
    for (size_t i = 0; dst->observables && i < src->n_observables; i++)
        dst->observables[i].drive = NULL;
    for (size_t i = 0; dst->actors && i < src->n_actors; i++)
        dst->actors[i].goals = dup_array(src->actors[i].goals, src->n_domains, sizeof(double), &bad);
    for (size_t i = 0; dst->ties && i < src->n_ties; i++)
        dst->ties[i].obs0 = dup_array(src->ties[i].obs0, src->n_observables, sizeof(double), &bad);
    for (size_t i = 0; dst->observables && i < src->n_observables; i++)
        dst->observables[i].drive = dup_array(src->observables[i].drive, src->n_domains, 1, &bad);
    const coop_sweep_cfg *ss = &src->sweep;
    dst->sweep.params = dup_array(ss->params, ss->n_params, sizeof *ss->params, &bad);
    for (size_t i = 0; dst->sweep.params && i < ss->n_params; i++)
        dst->sweep.params[i].values = NULL;
    dst->sweep.rows = dup_array(ss->rows, ss->n_rows * ss->n_params, sizeof *ss->rows, &bad);
    for (size_t i = 0; dst->sweep.params && i < ss->n_params; i++)
        dst->sweep.params[i].values = dup_array(ss->params[i].values, ss->params[i].n_values,
                                                sizeof(double), &bad);
    if (bad) {
        coop_config_destroy(dst);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory copying the configuration");
    }
    return COOP_OK;
}

int coop_config_actor(const coop_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_actors; i++)
        if (strcmp(cfg->actors[i].name, name) == 0)
            return (int)i;
    return -1;
}

int coop_config_domain(const coop_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_domains; i++)
        if (strcmp(cfg->domains[i].name, name) == 0)
            return (int)i;
    return -1;
}

int coop_config_observable(const coop_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_observables; i++)
        if (strcmp(cfg->observables[i].name, name) == 0)
            return (int)i;
    return -1;
}

int coop_config_tie(const coop_config *cfg, const char *a, const char *b)
{
    int x = coop_config_actor(cfg, a), y = coop_config_actor(cfg, b);
    for (size_t i = 0; x >= 0 && y >= 0 && i < cfg->n_ties; i++)
        if ((cfg->ties[i].a == x && cfg->ties[i].b == y) || (cfg->ties[i].a == y && cfg->ties[i].b == x))
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Parameter paths                                                           */
/* ------------------------------------------------------------------------ */

/* "a, b" of the keys of a scope that events and sweeps may change. */
static void numeric_keys(char *buf, size_t size, int scope)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_KEYS; i++) {
        if (schema[i].scope != scope || schema[i].field == NOFIELD)
            continue;
        if (buf[0])
            cat(buf, size, ", ");
        cat(buf, size, schema[i].name);
    }
    if (scope == SC_ACTOR)
        cat(buf, size, ", motivator.KEY");
}

static int parse_index(const char *s, int n, int *out)
{
    char *end;
    long i = strtol(s, &end, 10);
    if (!*s || *end || i < 0 || i >= n)
        return 0;
    *out = (int)i;
    return 1;
}

/* Resolves path into ref; on failure writes the reason (without the path) to why. */
static int resolve(const coop_config *cfg, const char *path, coop_param_ref *ref, char *why,
                   size_t size)
{
    char buf[COOP_PATH_MAX], *comp[8];
    int n = 0;
    if (strlen(path) >= sizeof buf) {
        snprintf(why, size, "longer than %d characters", COOP_PATH_MAX - 1);
        return COOP_ECONFIG;
    }
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf; n < 8;) {
        comp[n++] = s;
        char *dot = strchr(s, '.');
        if (!dot)
            break;
        *dot = '\0';
        s = dot + 1;
    }
    ref->index = ref->sub = 0;
    const char *c0 = comp[0];
    int scope = -1, rest = 1, index = 0;
    char known[512];

    if (strcmp(c0, "actors") == 0 || strcmp(c0, "domains") == 0 || strcmp(c0, "ties") == 0
        || strcmp(c0, "observables") == 0) {
        if (n < 3) {
            snprintf(why, size, "names no numeric parameter: write %s.%s.KEY", c0,
                     c0[0] == 't' ? "A-B" : "NAME");
            return COOP_ECONFIG;
        }
        rest = 2;
        if (c0[0] == 'a') {
            scope = SC_ACTOR, index = coop_config_actor(cfg, comp[1]);
            if (index < 0) {
                snprintf(why, size, "no actor named '%s'", comp[1]);
                return COOP_ECONFIG;
            }
        } else if (c0[0] == 'd') {
            scope = SC_DOMAIN, index = coop_config_domain(cfg, comp[1]);
            if (index < 0) {
                snprintf(why, size, "no domain named '%s'", comp[1]);
                return COOP_ECONFIG;
            }
        } else if (c0[0] == 'o') {
            scope = SC_OBSERVABLE, index = coop_config_observable(cfg, comp[1]);
            if (index < 0) {
                snprintf(why, size, "no observable named '%s'", comp[1]);
                return COOP_ECONFIG;
            }
        } else {
            char a[COOP_PATH_MAX], *b;
            snprintf(a, sizeof a, "%s", comp[1]);
            b = strchr(a, '-');
            if (!b) {
                snprintf(why, size, "'%s' names no tie: write ties.A-B", comp[1]);
                return COOP_ECONFIG;
            }
            *b++ = '\0';
            scope = SC_TIE, index = coop_config_tie(cfg, a, b);
            if (index < 0) {
                snprintf(why, size, "no tie between '%s' and '%s'", a, b);
                return COOP_ECONFIG;
            }
        }
    } else if (n == 1 && strcmp(c0, "noise") == 0) {
        scope = SC_TOP, rest = 0;
    } else if (strcmp(c0, "engagement") == 0) {
        scope = SC_ENGAGEMENT;
    } else if (strcmp(c0, "institutions") == 0) {
        scope = SC_INSTITUTIONS;
    } else {
        snprintf(why, size, "names no numeric parameter (paths start with noise, engagement, "
                            "institutions, domains, actors, ties or observables)");
        return COOP_ECONFIG;
    }
    ref->index = index;
    const char *kn = rest < n ? comp[rest] : "";
    if (scope == SC_ACTOR && strcmp(kn, "motivator") == 0) {
        if (cfg->actors[index].motivator.target < 0) {
            snprintf(why, size, "actor '%s' has no motivator role", cfg->actors[index].name);
            return COOP_ECONFIG;
        }
        scope = SC_MOTIVATOR, rest++;
        kn = rest < n ? comp[rest] : "";
    }
    const key *k = scope == SC_TOP ? find_key(SC_TOP, c0) : find_key(scope, kn);
    if (!k || k->field == NOFIELD) {
        numeric_keys(known, sizeof known, scope);
        snprintf(why, size, "'%s' is not a numeric parameter (numeric: %s)", kn[0] ? kn : c0, known);
        return COOP_ECONFIG;
    }
    ref->field = (coop_field)k->field;
    int want = rest + 1; /* components a plain key uses */
    const char *sub = rest + 1 < n ? comp[rest + 1] : NULL;
    switch (k->field) {
    case COOP_F_INST_THETA:
    case COOP_F_INST_OMEGA:
        want++;
        if (!sub || !parse_index(sub, cfg->inst.n_levels, &ref->sub)) {
            snprintf(why, size, "write institutions.%s.LEVEL with LEVEL in 0..%d", k->name,
                     cfg->inst.n_levels - 1);
            return COOP_ECONFIG;
        }
        break;
    case COOP_F_ACTOR_GOAL:
        want++;
        if (!sub || (ref->sub = coop_config_domain(cfg, sub)) < 0) {
            char names[512];
            domain_names(names, sizeof names, cfg);
            snprintf(why, size, "no domain named '%s' (domains: %s)", sub ? sub : "", names);
            return COOP_ECONFIG;
        }
        break;
    case COOP_F_ACTOR_RULE_PARAM: {
        int r = cfg->actors[index].rule;
        want++;
        if (!sub || (ref->sub = coop_rule_param(r, sub)) < 0) {
            char names[256];
            rule_param_names(names, sizeof names, r);
            snprintf(why, size, "rule '%s' of actor '%s' has no parameter '%s' (parameters: %s)",
                     coop_rules[r].name, cfg->actors[index].name, sub ? sub : "", names);
            return COOP_ECONFIG;
        }
        break;
    }
    case COOP_F_TIE_OBS:
        want++;
        if (!sub || (ref->sub = coop_config_observable(cfg, sub)) < 0) {
            snprintf(why, size, "no observable named '%s'", sub ? sub : "");
            return COOP_ECONFIG;
        }
        break;
    case COOP_F_DOMAIN_B:
    case COOP_F_DOMAIN_C:
        if (!cfg->domains[index].donation) {
            snprintf(why, size, "domain '%s' is not a donation game (it has R, S, T, P)",
                     cfg->domains[index].name);
            return COOP_ECONFIG;
        }
        break;
    default: break;
    }
    if (n != want) {
        snprintf(why, size, "names no numeric parameter: '%s' has no parts",
                 rest < n ? comp[rest] : c0);
        return COOP_ECONFIG;
    }
    return COOP_OK;
}

int coop_config_resolve(const coop_config *cfg, const char *path, coop_param_ref *ref,
                        coop_err *err)
{
    char why[COOP_ERR_MAX];
    if (resolve(cfg, path, ref, why, sizeof why))
        return COOP_FAIL(err, COOP_ECONFIG, "%s: %s", path, why);
    return COOP_OK;
}

/* The double a valid ref designates, with its allowed range. */
static double *param_ptr(const coop_config *cfg, const coop_param_ref *r, double *min,
                         double *max, int *flags)
{
    const key *k = (r->field >= 0 && r->field < COOP_N_FIELDS) ? find_field(r->field) : NULL;
    if (!k)
        return NULL;
    *min = k->min, *max = k->max, *flags = k->flags;
    size_t i = (size_t)r->index;
    int sub = r->sub;
    void *base = NULL;
    switch (k->scope) {
    case SC_TOP:
    case SC_ENGAGEMENT: base = (void *)cfg; break;
    case SC_INSTITUTIONS:
        if (r->field == COOP_F_INST_THETA || r->field == COOP_F_INST_OMEGA) {
            if (sub < 0 || sub >= cfg->inst.n_levels)
                return NULL;
            return (double *)(r->field == COOP_F_INST_THETA ? cfg->inst.theta : cfg->inst.omega) + sub;
        }
        base = (void *)&cfg->inst;
        break;
    case SC_DOMAIN:
        if (i >= cfg->n_domains)
            return NULL;
        base = &cfg->domains[i];
        break;
    case SC_OBSERVABLE:
        if (i >= cfg->n_observables)
            return NULL;
        base = &cfg->observables[i];
        break;
    case SC_ACTOR:
    case SC_MOTIVATOR:
        if (i >= cfg->n_actors)
            return NULL;
        if (r->field == COOP_F_ACTOR_GOAL)
            return (sub >= 0 && (size_t)sub < cfg->n_domains) ? &cfg->actors[i].goals[sub] : NULL;
        if (r->field == COOP_F_ACTOR_RULE_PARAM) {
            const coop_rule_info *ri = &coop_rules[cfg->actors[i].rule];
            if (sub < 0 || sub >= ri->n_params)
                return NULL;
            *min = ri->min[sub], *max = ri->max[sub], *flags = 0;
            return &cfg->actors[i].rule_param[sub];
        }
        base = k->scope == SC_ACTOR ? (void *)&cfg->actors[i] : (void *)&cfg->actors[i].motivator;
        break;
    case SC_TIE:
        if (i >= cfg->n_ties)
            return NULL;
        if (r->field == COOP_F_TIE_OBS)
            return (sub >= 0 && (size_t)sub < cfg->n_observables) ? &cfg->ties[i].obs0[sub] : NULL;
        base = &cfg->ties[i];
        break;
    default: return NULL;
    }
    return (double *)((char *)base + k->off);
}

int coop_config_ref_path(const coop_config *cfg, const coop_param_ref *ref, char *buf, size_t size)
{
    double lo, hi;
    int fl;
    const key *k = find_field(ref->field);
    if (!param_ptr(cfg, ref, &lo, &hi, &fl) || !k)
        return COOP_EINVAL;
    int i = ref->index, sub = ref->sub;
    switch (k->scope) {
    case SC_TOP: snprintf(buf, size, "%s", k->name); break;
    case SC_ENGAGEMENT: snprintf(buf, size, "engagement.%s", k->name); break;
    case SC_INSTITUTIONS:
        if (k->type == V_FLOATS)
            snprintf(buf, size, "institutions.%s.%d", k->name, sub);
        else
            snprintf(buf, size, "institutions.%s", k->name);
        break;
    case SC_DOMAIN: snprintf(buf, size, "domains.%s.%s", cfg->domains[i].name, k->name); break;
    case SC_OBSERVABLE: snprintf(buf, size, "observables.%s.%s", cfg->observables[i].name, k->name); break;
    case SC_MOTIVATOR: snprintf(buf, size, "actors.%s.motivator.%s", cfg->actors[i].name, k->name); break;
    case SC_ACTOR:
        if (ref->field == COOP_F_ACTOR_GOAL)
            snprintf(buf, size, "actors.%s.goals.%s", cfg->actors[i].name, cfg->domains[sub].name);
        else if (ref->field == COOP_F_ACTOR_RULE_PARAM)
            snprintf(buf, size, "actors.%s.rule_params.%s", cfg->actors[i].name,
                     coop_rules[cfg->actors[i].rule].param[sub]);
        else
            snprintf(buf, size, "actors.%s.%s", cfg->actors[i].name, k->name);
        break;
    case SC_TIE: {
        const coop_tie_cfg *t = &cfg->ties[i];
        if (ref->field == COOP_F_TIE_OBS)
            snprintf(buf, size, "ties.%s-%s.observables.%s", cfg->actors[t->a].name,
                     cfg->actors[t->b].name, cfg->observables[sub].name);
        else
            snprintf(buf, size, "ties.%s-%s.%s", cfg->actors[t->a].name, cfg->actors[t->b].name,
                     k->name);
        break;
    }
    default: return COOP_EINVAL;
    }
    return COOP_OK;
}

double coop_config_get_param(const coop_config *cfg, const coop_param_ref *ref)
{
    double lo, hi;
    int fl;
    const double *p = param_ptr(cfg, ref, &lo, &hi, &fl);
    return p ? *p : NAN;
}

int coop_config_set_param(coop_config *cfg, const coop_param_ref *ref, coop_op op, double value,
                          coop_err *err)
{
    double lo, hi;
    int fl;
    double *p = param_ptr(cfg, ref, &lo, &hi, &fl);
    char path[COOP_PATH_MAX * 2], v[40], r[96];
    if (!p || coop_config_ref_path(cfg, ref, path, sizeof path))
        return COOP_FAIL(err, COOP_EINVAL, "invalid parameter reference (field %d, index %d, sub %d)",
                         (int)ref->field, ref->index, ref->sub);
    double x = op == COOP_OP_ADD ? *p + value : op == COOP_OP_MUL ? *p * value : value;
    if (ref->field == COOP_F_ACTOR_GOAL)
        lo = 0, hi = 1, fl = 0; /* a share */
    fmt_num(v, sizeof v, x);
    fmt_range(r, sizeof r, lo, hi, fl);
    if (!isfinite(x) || !in_range(x, lo, hi, fl))
        return COOP_FAIL(err, COOP_ECONFIG, "%s = %s is out of range %s", path, v, r);
    if (ref->field == COOP_F_ACTOR_GOAL) {
        /* The domain gets share x; the others keep their proportions. */
        double *g = cfg->actors[ref->index].goals, others = 0;
        for (size_t d = 0; d < cfg->n_domains; d++)
            if ((int)d != ref->sub)
                others += g[d];
        if (x < 1 && !(others > 0))
            return COOP_FAIL(err, COOP_ECONFIG, "%s = %s: the other goal weights are all 0, so "
                             "the share of this domain must stay 1", path, v);
        for (size_t d = 0; d < cfg->n_domains; d++)
            if ((int)d != ref->sub)
                g[d] = x < 1 ? g[d] * (1 - x) / others : 0;
        *p = x;
        return COOP_OK;
    }
    if (ref->field == COOP_F_INST_THETA) {
        const double *t = cfg->inst.theta;
        int l = ref->sub;
        if ((l > 0 && x < t[l - 1]) || (l + 1 < cfg->inst.n_levels && x > t[l + 1]))
            return COOP_FAIL(err, COOP_ECONFIG, "%s = %s would make institutions.theta decrease",
                             path, v);
    }
    *p = x;
    if (ref->field == COOP_F_DOMAIN_B || ref->field == COOP_F_DOMAIN_C) {
        coop_domain_cfg *d = &cfg->domains[ref->index];
        d->R = d->b - d->c, d->S = -d->c, d->T = d->b, d->P = 0;
    }
    return COOP_OK;
}

/* ------------------------------------------------------------------------ */
/* Printer                                                                   */
/* ------------------------------------------------------------------------ */

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\x%02x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void put_float(FILE *out, double v)
{
    char buf[64];
    fmt_float(buf, sizeof buf, v);
    fputs(buf, out);
}

static void put_key(FILE *out, int ind, const char *name)
{
    fprintf(out, "%*s%s = ", ind, "", name);
}

/* ---- the validation group, kept as text ---- */

/* Writes the value of libconfig setting s as libconfig text whose closing bracket
 * is indented by ind: groups and lists one member a line, arrays on one line,
 * integers as read (64-bit ones with the L suffix), floats exactly (fmt_float),
 * strings escaped.  The string setting `subst` is written as `with` instead. */
static void put_setting_value(FILE *out, int ind, const config_setting_t *s,
                              const config_setting_t *subst, const char *with)
{
    int n = config_setting_length(s);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: fprintf(out, "%d", config_setting_get_int(s)); break;
    case CONFIG_TYPE_INT64: fprintf(out, "%lldL", config_setting_get_int64(s)); break;
    case CONFIG_TYPE_FLOAT: {
        double v = config_setting_get_float(s);
        if (isinf(v)) /* a literal beyond the doubles: reads back as the same infinity */
            fputs(v > 0 ? "1e999" : "-1e999", out);
        else
            put_float(out, v);
        break;
    }
    case CONFIG_TYPE_BOOL: fputs(config_setting_get_bool(s) ? "true" : "false", out); break;
    case CONFIG_TYPE_STRING:
        put_string(out, s == subst ? with : config_setting_get_string(s));
        break;
    case CONFIG_TYPE_GROUP:
        fputs("{\n", out);
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            put_key(out, ind + 2, config_setting_name(e));
            put_setting_value(out, ind + 2, e, subst, with);
            fputs(";\n", out);
        }
        fprintf(out, "%*s}", ind, "");
        break;
    case CONFIG_TYPE_ARRAY:
        fputs("[ ", out);
        for (int i = 0; i < n; i++) {
            put_setting_value(out, ind, config_setting_get_elem(s, (unsigned)i), subst, with);
            fputs(i + 1 < n ? ", " : " ", out);
        }
        fputs("]", out);
        break;
    case CONFIG_TYPE_LIST:
        if (!n) {
            fputs("( )", out);
            break;
        }
        fputs("(\n", out);
        for (int i = 0; i < n; i++) {
            fprintf(out, "%*s", ind + 2, "");
            put_setting_value(out, ind + 2, config_setting_get_elem(s, (unsigned)i), subst, with);
            fputs(i + 1 < n ? ",\n" : "\n", out);
        }
        fprintf(out, "%*s)", ind, "");
        break;
    default: break;
    }
}

/* Keeps the file's `validation` group (when it has one) in cfg->validation as the
 * text "validation = ...;\n" that coop_config_print writes, so that a manifest can
 * be validated again.  validation.trade_file is relative to the configuration's
 * directory (sim/validate.c); a relative one that names an existing file is
 * written as that file's absolute path (realpath), so the manifest finds it from
 * any directory; otherwise it is kept as written (validate reports it).  Comments
 * are not kept.  COOP_ENOMEM when the text cannot be built. */
static int keep_validation(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g = config_setting_get_member(root, "validation");
    if (!g)
        return COOP_OK;
    const config_setting_t *tf = config_setting_is_group(g)
                                     ? config_setting_get_member(g, "trade_file") : NULL;
    const char *file = tf ? config_setting_get_string(tf) : NULL;
    char *abs = NULL;
    if (file && file[0] && file[0] != '/') {
        const char *slash = strrchr(c->file, '/');
        size_t dl = slash ? (size_t)(slash - c->file) + 1 : 0;
        char *joined = malloc(dl + strlen(file) + 1);
        if (!joined)
            return nomem(c->err);
        memcpy(joined, c->file, dl);
        strcpy(joined + dl, file);
        abs = realpath(joined, NULL); /* NULL (kept as written) when it does not resolve */
        free(joined);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        free(abs);
        return nomem(c->err);
    }
    fputs("validation = ", m);
    put_setting_value(m, 0, g, abs ? tf : NULL, abs);
    fputs(";\n", m);
    int bad = ferror(m);
    if (fclose(m) != 0 || bad) {
        free(text);
        free(abs);
        return nomem(c->err);
    }
    free(abs);
    cfg->validation = text;
    return COOP_OK;
}

static void print_generic(FILE *out, int ind, const key *k, const void *base)
{
    const void *p = (const char *)base + k->off;
    put_key(out, ind, k->name);
    switch (k->type) {
    case V_FLOAT: put_float(out, *(const double *)p); break;
    case V_INT: fprintf(out, "%d", *(const int *)p); break;
    case V_SEED: {
        unsigned long v = *(const unsigned long *)p;
        fprintf(out, v > INT_MAX ? "%luL" : "%lu", v);
        break;
    }
    case V_TEXT: put_string(out, (const char *)p); break;
    case V_ENUM: {
        int i;
        memcpy(&i, p, sizeof i);
        put_string(out, k->enums[i]);
        break;
    }
    default: break;
    }
    fputs(";\n", out);
}

typedef void special_fn(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i);

static void print_scope(FILE *out, int ind, int scope, const void *base, special_fn *special,
                        const coop_config *cfg, size_t i)
{
    for (size_t j = 0; j < N_KEYS; j++) {
        const key *k = &schema[j];
        if (k->scope != scope)
            continue;
        if (k->type == V_IGNORED) {
            if (special) /* special_top prints the kept validation group */
                special(out, ind, k, cfg, i);
            continue;
        }
        if (k->off != NOOFF && !(k->flags & K_PAYOFF))
            print_generic(out, ind, k, base);
        else if (special)
            special(out, ind, k, cfg, i);
    }
}

static void print_name_of(FILE *out, int ind, const char *key, const coop_config *cfg, int actor)
{
    put_key(out, ind, key);
    put_string(out, actor >= 0 ? cfg->actors[actor].name : "");
    fputs(";\n", out);
}

static void special_motivator(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    if (strcmp(k->name, "target") == 0)
        print_name_of(out, ind, "target", cfg, cfg->actors[i].motivator.target);
}

static void special_actor_of(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i,
                             const coop_actor_cfg *a);

static void special_actor(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    special_actor_of(out, ind, k, cfg, i, &cfg->actors[i]);
}

static void special_template(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    special_actor_of(out, ind, k, cfg, i, &cfg->tmpl);
}

static void special_network(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    if (strcmp(k->name, "self") == 0 || strcmp(k->name, "series_nodes") == 0) {
        put_key(out, ind, k->name);
        int v = strcmp(k->name, "self") == 0 ? cfg->net.self : cfg->net.series_nodes;
        fputs(v ? "true;\n" : "false;\n", out);
    } else if (strcmp(k->name, "file") == 0 && cfg->net.type == COOP_NET_FILE) {
        put_key(out, ind, "file");
        put_string(out, cfg->net.file);
        fputs(";\n", out);
    }
}

static void special_actor_of(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i,
                             const coop_actor_cfg *a)
{
    (void)i;
    const coop_rule_info *ri = &coop_rules[a->rule];
    if (strcmp(k->name, "goals") == 0) {
        fprintf(out, "%*sgoals = {\n", ind, "");
        for (size_t d = 0; d < cfg->n_domains; d++) {
            put_key(out, ind + 2, cfg->domains[d].name);
            put_float(out, a->goals[d]);
            fputs(";\n", out);
        }
        fprintf(out, "%*s};\n", ind, "");
    } else if (strcmp(k->name, "rule") == 0) {
        put_key(out, ind, "rule");
        put_string(out, ri->name);
        fputs(";\n", out);
    } else if (strcmp(k->name, "rule_params") == 0) {
        fprintf(out, "%*srule_params = {", ind, "");
        for (int p = 0; p < ri->n_params; p++) {
            fprintf(out, "%s%*s%s = ", p ? "" : "\n", ind + 2, "", ri->param[p]);
            put_float(out, a->rule_param[p]);
            fputs(";\n", out);
        }
        fprintf(out, "%*s};\n", ri->n_params ? ind : 1, "");
    } else if (strcmp(k->name, "motivator") == 0 && a->motivator.target >= 0) {
        fprintf(out, "%*smotivator = {\n", ind, "");
        print_scope(out, ind + 2, SC_MOTIVATOR, &a->motivator, special_motivator, cfg, i);
        fprintf(out, "%*s};\n", ind, "");
    }
}

static void special_domain(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    const coop_domain_cfg *d = &cfg->domains[i];
    int bc = strcmp(k->name, "b") == 0 || strcmp(k->name, "c") == 0;
    if ((k->flags & K_PAYOFF) && bc == d->donation)
        print_generic(out, ind, k, d);
}

static void special_observable(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    if (strcmp(k->name, "domains") != 0)
        return;
    fprintf(out, "%*sdomains = [", ind, "");
    int first = 1;
    for (size_t d = 0; d < cfg->n_domains; d++)
        if (cfg->observables[i].drive[d]) {
            fputs(first ? " " : ", ", out);
            put_string(out, cfg->domains[d].name);
            first = 0;
        }
    fputs(" ];\n", out);
}

static void special_tie(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    const coop_tie_cfg *t = &cfg->ties[i];
    if (strcmp(k->name, "a") == 0 || strcmp(k->name, "b") == 0) {
        print_name_of(out, ind, k->name, cfg, k->name[0] == 'a' ? t->a : t->b);
    } else if (strcmp(k->name, "observables") == 0) {
        fprintf(out, "%*sobservables = {", ind, "");
        for (size_t o = 0; o < cfg->n_observables; o++) {
            fprintf(out, "%s%*s%s = ", o ? "" : "\n", ind + 2, "", cfg->observables[o].name);
            put_float(out, t->obs0[o]);
            fputs(";\n", out);
        }
        fprintf(out, "%*s};\n", cfg->n_observables ? ind : 1, "");
    }
}

static void special_event(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    if (strcmp(k->name, "path") == 0) {
        put_key(out, ind, "path");
        put_string(out, cfg->events[i].path);
        fputs(";\n", out);
    }
}

static void special_institutions(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    const coop_institutions_cfg *in = &cfg->inst;
    fprintf(out, "%*s%s = [ ", ind, "", k->name);
    for (int l = 0; l < in->n_levels; l++) {
        if (l)
            fputs(", ", out);
        if (strcmp(k->name, "levels") == 0)
            put_string(out, in->level_name[l]);
        else
            put_float(out, strcmp(k->name, "theta") == 0 ? in->theta[l] : in->omega[l]);
    }
    fputs(" ];\n", out);
}

static void special_hypothesis(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    if (strcmp(k->name, "placebo") == 0) {
        fprintf(out, "%*splacebo = [", ind, "");
        for (int p = 0; p < cfg->hyp.n_placebo; p++) {
            fputs(p ? ", " : " ", out);
            put_string(out, cfg->actors[cfg->hyp.placebo[p]].name);
        }
        fputs(" ];\n", out);
        return;
    }
    print_name_of(out, ind, k->name, cfg,
                  strcmp(k->name, "motivator") == 0 ? cfg->hyp.motivator : cfg->hyp.target);
}

static void special_output(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    if (strcmp(k->name, "snapshots") != 0)
        return;
    fprintf(out, "%*ssnapshots = [", ind, "");
    for (size_t j = 0; j < cfg->n_snapshots; j++)
        fprintf(out, "%s%d", j ? ", " : " ", cfg->snapshots[j]);
    fputs(" ];\n", out);
}

/* A top-level list of groups: each element printed by its scope. */
static void print_list(FILE *out, const char *name, size_t n, int scope, const void *first,
                       size_t size, special_fn *special, const coop_config *cfg)
{
    fprintf(out, "%s = (", name);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n  {\n" : "\n  {\n", out);
        print_scope(out, 4, scope, (const char *)first + i * size, special, cfg, i);
        fputs("  }", out);
    }
    fputs(n ? "\n);\n" : " );\n", out);
}

/* The sweep group, when the configuration has one: per parameter only the keys
 * its method reads, and rows only for method list, so that the output loads. */
static void print_floats(FILE *out, const double *v, size_t n)
{
    fputs("[", out);
    for (size_t k = 0; k < n; k++) {
        fputs(k ? ", " : " ", out);
        put_float(out, v[k]);
    }
    fputs(" ]", out);
}

static void special_sweep(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    const coop_sweep_cfg *sw = &cfg->sweep;
    int ranged = sw->method == COOP_SWEEP_LHS || sw->method == COOP_SWEEP_SOBOL;
    if (strcmp(k->name, "seed") == 0) {
        put_key(out, ind, "seed");
        fprintf(out, sw->seed > INT_MAX ? "%luL;\n" : "%lu;\n", sw->seed);
    } else if (strcmp(k->name, "parameters") == 0) {
        fprintf(out, "%*sparameters = (", ind, "");
        for (size_t j = 0; j < sw->n_params; j++) {
            const coop_sweep_param_cfg *p = &sw->params[j];
            fprintf(out, "%s%*s{\n", j ? ",\n" : "\n", ind + 2, "");
            put_key(out, ind + 4, "path");
            put_string(out, p->path);
            fputs(";\n", out);
            if (ranged) {
                put_key(out, ind + 4, "min");
                put_float(out, p->min);
                fputs(";\n", out);
                put_key(out, ind + 4, "max");
                put_float(out, p->max);
                fputs(";\n", out);
                put_key(out, ind + 4, "log");
                fputs(p->log ? "true;\n" : "false;\n", out);
            } else if (sw->method == COOP_SWEEP_GRID) {
                put_key(out, ind + 4, "values");
                print_floats(out, p->values, p->n_values);
                fputs(";\n", out);
            }
            fprintf(out, "%*s}", ind + 2, "");
        }
        fprintf(out, "\n%*s);\n", ind, "");
    } else if (strcmp(k->name, "rows") == 0 && sw->method == COOP_SWEEP_LIST) {
        fprintf(out, "%*srows = (", ind, "");
        for (size_t r = 0; r < sw->n_rows; r++) {
            fprintf(out, "%s%*s", r ? ",\n" : "\n", ind + 2, "");
            print_floats(out, sw->rows + r * sw->n_params, sw->n_params);
        }
        fprintf(out, "\n%*s);\n", ind, "");
    }
}

/* actor_overrides: per element its selectors, then only the keys it gives. */
static void print_overrides(FILE *out, const coop_config *cfg)
{
    fputs("actor_overrides = (", out);
    for (size_t i = 0; i < cfg->n_overrides; i++) {
        const coop_override_cfg *o = &cfg->overrides[i];
        fputs(i ? ",\n  {\n" : "\n  {\n", out);
        if (o->n_nodes) { /* 16 a line: lines stay far below COOP_CONFIG_MAX_LINE */
            put_key(out, 4, "nodes");
            for (size_t j = 0; j < o->n_nodes; j++)
                fprintf(out, "%s%d", j == 0 ? "[ " : j % 16 ? ", " : ",\n      ", o->nodes[j]);
            fputs(" ];\n", out);
        }
        if (o->from >= 0)
            fprintf(out, "    from = %d;\n    to = %d;\n", o->from, o->to);
        if (o->in_region[0]) {
            put_key(out, 4, "in_region");
            put_string(out, o->in_region);
            fputs(";\n", out);
        }
        for (size_t j = 0; j < N_KEYS; j++) {
            const key *k = &schema[j];
            if (!template_key(k) || !(o->set & actor_bit(k)))
                continue;
            if (k->off != NOOFF)
                print_generic(out, 4, k, &o->a);
            else
                special_actor_of(out, 4, k, cfg, 0, &o->a);
        }
        fputs("  }", out);
    }
    fputs("\n);\n", out);
}

static void special_top(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)ind, (void)i;
    const char *n = k->name;
    int scope = child_scope(n);
    if (strcmp(n, "network") == 0) {
        if (cfg->net.present) {
            fputs("network = {\n", out);
            print_scope(out, 2, SC_NETWORK, &cfg->net, special_network, cfg, 0);
            fputs("};\n", out);
        }
    } else if (strcmp(n, "actor_template") == 0) {
        if (cfg->net.present) {
            fputs("actor_template = {\n", out);
            for (size_t j = 0; j < N_KEYS; j++) {
                const key *ka = &schema[j];
                if (ka->scope != SC_ACTOR || strcmp(ka->name, "name") == 0
                    || strcmp(ka->name, "motivator") == 0)
                    continue;
                if (ka->off != NOOFF)
                    print_generic(out, 2, ka, &cfg->tmpl);
                else
                    special_template(out, 2, ka, cfg, 0);
            }
            fputs("};\n", out);
        }
    } else if (strcmp(n, "actor_overrides") == 0) {
        if (cfg->net.present && cfg->n_overrides)
            print_overrides(out, cfg);
    } else if (cfg->net.present && (strcmp(n, "actors") == 0 || strcmp(n, "ties") == 0)) {
        /* generated: the network group and the template describe them */
    } else if (k->type == V_GROUP && scope == SC_SWEEP) {
        if (cfg->sweep.present) {
            fputs("sweep = {\n", out);
            print_scope(out, 2, SC_SWEEP, &cfg->sweep, special_sweep, cfg, 0);
            fputs("};\n", out);
        }
    } else if (k->type == V_GROUP) {
        special_fn *fn = scope == SC_INSTITUTIONS ? special_institutions
                         : scope == SC_HYPOTHESIS ? special_hypothesis
                         : scope == SC_OUTPUT     ? special_output
                                                  : NULL;
        const void *base = scope == SC_INSTITUTIONS ? (const void *)&cfg->inst
                           : scope == SC_HYPOTHESIS ? (const void *)&cfg->hyp
                                                    : (const void *)cfg;
        fprintf(out, "%s = {\n", n);
        print_scope(out, 2, scope, base, fn, cfg, 0);
        fputs("};\n", out);
    } else if (strcmp(n, "domains") == 0) {
        print_list(out, n, cfg->n_domains, scope, cfg->domains, sizeof *cfg->domains,
                   special_domain, cfg);
    } else if (strcmp(n, "observables") == 0) {
        print_list(out, n, cfg->n_observables, scope, cfg->observables,
                   sizeof *cfg->observables, special_observable, cfg);
    } else if (strcmp(n, "actors") == 0) {
        print_list(out, n, cfg->n_actors, scope, cfg->actors, sizeof *cfg->actors, special_actor, cfg);
    } else if (strcmp(n, "ties") == 0) {
        print_list(out, n, cfg->n_ties, scope, cfg->ties, sizeof *cfg->ties, special_tie, cfg);
    } else if (strcmp(n, "events") == 0) {
        print_list(out, n, cfg->n_events, scope, cfg->events, sizeof *cfg->events, special_event, cfg);
    } else if (strcmp(n, "validation") == 0) {
        if (cfg->validation)
            fputs(cfg->validation, out);
    }
}

/* target relative to directory dir, both absolute and canonical, into buf. */
static void relative_to(const char *dir, const char *target, char *buf, size_t size)
{
    size_t common = 0, dl = strlen(dir);
    for (size_t i = 0; dir[i] && dir[i] == target[i]; i++)
        if (dir[i] == '/')
            common = i + 1;
    if (strncmp(dir, target, dl) == 0 && target[dl] == '/')
        common = dl + 1;
    buf[0] = '\0';
    for (const char *p = common < dl ? dir + common : ""; *p;) { /* one ../ a component */
        cat(buf, size, "../");
        p += strcspn(p, "/");
        p += *p == '/';
    }
    cat(buf, size, target + common);
}

/* dir as an absolute canonical path: the realpath of its longest existing
 * ancestor, then the rest as written (a results directory may not exist yet when
 * its manifest text is made).  NULL when nothing resolves or memory runs out. */
static char *canonical_dir(const char *dir)
{
    size_t n = strlen(dir);
    char *head = strdup(dir), *out = NULL;
    while (head && !out) {
        while (n > 1 && head[n - 1] == '/')
            head[--n] = '\0';
        char *r = realpath(n ? head : ".", NULL);
        if (r) {
            const char *rest = dir + n;
            while (*rest == '/')
                rest++;
            size_t k = strlen(r) + strlen(rest) + 2;
            out = malloc(k);
            if (out)
                snprintf(out, k, "%s%s%s", r, *rest && strcmp(r, "/") ? "/" : "", rest);
            free(r);
            break;
        }
        char *slash = strrchr(head, '/');
        if (!n || !slash) { /* nothing but the working directory is left */
            n = 0, head[0] = '\0';
            continue;
        }
        n = (size_t)(slash - head);
        head[n ? n : 1] = '\0', n = n ? n : 1;
    }
    free(head);
    return out;
}

int coop_config_print_in(const coop_config *cfg, FILE *out, const char *dir)
{
    coop_config shown = *cfg; /* shallow: only net.file differs */
    if (cfg->net.present && cfg->net.type == COOP_NET_FILE) {
        char *file = realpath(cfg->net.file, NULL), *base = dir ? canonical_dir(dir) : NULL;
        if (file && base)
            relative_to(base, file, shown.net.file, sizeof shown.net.file);
        else if (file && strlen(file) < sizeof shown.net.file)
            memcpy(shown.net.file, file, strlen(file) + 1);
        free(file);
        free(base);
    }
    fputs("# coopsim configuration, fully resolved: every key, defaults filled in.\n", out);
    print_scope(out, 0, SC_TOP, &shown, special_top, &shown, 0);
    if (fflush(out) != 0 || ferror(out))
        return COOP_EIO;
    return COOP_OK;
}

int coop_config_print(const coop_config *cfg, FILE *out)
{
    return coop_config_print_in(cfg, out, NULL);
}

/* ------------------------------------------------------------------------ */
/* The schema as documentation                                               */
/* ------------------------------------------------------------------------ */

size_t coop_config_schema_size(void)
{
    return N_KEYS;
}

int coop_config_schema_key(size_t i, char *buf, size_t size)
{
    if (i >= N_KEYS)
        return COOP_EINVAL;
    snprintf(buf, size, "%s%s", scope_prefix[schema[i].scope], schema[i].name);
    return COOP_OK;
}

int coop_config_schema_info(size_t i, coop_schema_info *info)
{
    if (i >= N_KEYS)
        return COOP_EINVAL;
    const key *k = &schema[i];
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
    case V_FLOAT: fmt_float(buf, size, k->def); break;
    case V_INT:
    case V_SEED: fmt_num(buf, size, k->def); break;
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
    for (size_t i = 0; i < N_KEYS; i++) {
        const key *k = &schema[i];
        char def[128], range[128] = "";
        doc_default(def, sizeof def, k);
        if (k->scope == SC_OVERRIDE && k->type != V_TEXT)
            snprintf(range, sizeof range, "node indices");
        else if ((k->type == V_FLOAT || k->type == V_INT || k->type == V_SEED) &&
                 k->scope != SC_SWEEP_PARAM)
            fmt_range(range, sizeof range, k->min, k->max, k->flags);
        else if (k->type == V_MAP && k->max > 0)
            fmt_range(range, sizeof range, k->min, k->max, 0);
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
                    cat(range, sizeof range, ", ");
                coop_fmt_cat(range, sizeof range, "%s", k->enums[e]);
            }
        } else if (k->type == V_TEXT && k->off != NOOFF)
            coop_fmt_cat(range, sizeof range, "%s", chars_doc[k->chars]);
        else if (k->scope == SC_OVERRIDE)
            coop_fmt_cat(range, sizeof range, "%s", chars_doc[CH_IDENT]);
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
            fmt_float(d, sizeof d, ri->def[p]);
            fmt_range(rg, sizeof rg, ri->min[p], ri->max[p], 0);
            fprintf(out, "| `%s` | `%s` | %s | %s | %s |\n", ri->name, ri->param[p], d, rg,
                    p ? "" : ri->doc);
        }
    }
    if (fflush(out) != 0 || ferror(out))
        return COOP_EIO;
    return COOP_OK;
}
