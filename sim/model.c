/* model.c: one run of the cooperation model (docs/ODD.md).
 *
 * The engine owns the state of one run and advances it step by step, in the order
 * of docs/ODD.md, "3. Process overview and scheduling": events, engagement, play, trust and institutions, motivator,
 * learning, observables, record.  Nothing about a particular scenario is written
 * here: actors, regions, the motivator and its target come from the configuration,
 * so the same code runs the EU-Central Asia scenario, a two-player match or a
 * lattice of a million nodes.
 *
 * Data layout.  Ties are undirected; each has two directed *slots* (i->j, j->i)
 * stored in CSR order (actor i's slots are row[i] .. row[i+1]-1), so per-direction
 * state is a flat array indexed by slot and per-direction per-domain state a flat
 * array indexed by slot*D + d (structure of arrays).  Every buffer is allocated by
 * coop_model_alloc; coop_model_init and coop_model_step allocate nothing.
 *
 * Parameters that events may change (every numeric path of coop_config.h) are
 * copied into the model by coop_model_init and changed there, never in the
 * configuration, so one configuration serves any number of runs and threads.
 *
 * Randomness.  Every kind of decision draws from streams of its own, all GSL
 * generators of type cfg->rng seeded from the run's key (coop_rng.h): one stream per tie (per
 * block of ties beyond TSTREAMS) for its engagement, and in tie mode its choices
 * and implementation errors; one for the motivators' initiatives; one per block of
 * KBLOCK nodes for the per-node draws (the actions and errors of interaction =
 * node, and the neighbour a fermi or replicator imitator samples and whether it
 * copies); the run's generator (rng) for the Moran process.  Two worlds of a
 * replicate (hypothesis.c) therefore share the random numbers of every tie and
 * node, whatever the motivator does (common random numbers), and blocks of nodes
 * can run on any threads and give the same numbers.  A tie draws its engagement
 * every step; other draws are made only where the outcome is uncertain: a choice
 * only when a rule's probability of C is strictly between 0 and 1, an initiative
 * only when 0 < initiative_rate < 1.  Implementation errors of per-tie play form
 * a Bernoulli process with probability `noise` over each tie stream's actions,
 * sampled by geometric gaps (one draw per error, none when noise = 0), which has
 * the same law as one draw per action and costs far less; in node mode each
 * action with a partner gets its own draw when noise > 0.
 *
 * Node kernel.  The node-level imitation models (Nowak & May 1992, imitate_best;
 * Fermi and proportional imitation, also with implementation errors) run through
 * a fast path with one byte per node instead of the per-tie state, selected
 * automatically and giving the same numbers bit for bit (section "node kernel"
 * below, docs/ODD.md). */
/* GSL's inline versions of gsl_rng_uniform and friends (GSL manual, "Inline
 * functions"): the same generator calls, one function call less per draw. */
#define HAVE_INLINE 1

#include "coop_model.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coop_game.h"
#include "coop_network.h"
#include "coop_rng.h"
#include "coop_strategy.h"

#define EVENT_EPS 1e-9    /* an event is due when date(step) >= its date - EVENT_EPS */
#define MIN_POSITIVE 1e-9 /* floor for capacities, weights and budgets after events */
#define NPAR COOP_RULE_PARAMS_MAX

/* Blocks of nodes (sections "record" and "node kernel" below): KSUB nodes per partial sum,
 * KBLOCK nodes per unit of work and per imitation stream, and within-run threads
 * only for runs of at least KPAR_MIN nodes. */
#define KSUB 256
#define KBLOCK (16 * KSUB)
#define KPAR_MIN (16 * KBLOCK)

/* Streams of a run besides its generator (section "Randomness" above): at most
 * TSTREAMS tie streams. */
#define TSTREAMS 4096

const char *const coop_outcome_names[COOP_N_OUTCOMES] = {
    "others_coop_target", "target_engagement", "others_level",
    "years_to_enhanced",  "censored_share",    "regional_cohesion",
};
const char *const coop_actor_metric_names[COOP_ACTOR_METRICS] = {
    "coop_rate", "coop_target", "gain", "cum_gain", "engagement", "propensity",
};
const char *const coop_tie_metric_names[COOP_TIE_METRICS] = {"trust", "level", "coop_rate"};
const char *const coop_pop_metric_names[COOP_POP_METRICS] = {"coop_share", "mean_gain"};

struct coop_model {
    const coop_config *cfg;
    gsl_rng *rng;
    gsl_rng **brng;  /* n_brng: one stream per block of KBLOCK nodes for the per-node
                      * draws (node-mode actions and errors; fermi and replicator
                      * imitation), NULL when there are none (tie mode without them) */
    size_t n_brng;
    gsl_rng **trng;  /* n_trng: one stream per tie (per tb ties beyond TSTREAMS ties) for
                      * its engagement draws and, in tie mode, choices and errors */
    size_t n_trng, tb;
    double *tgap;    /* n_trng: actions left before the next error on each tie stream */
    gsl_rng *mrng;   /* the motivators' initiative draws */
    size_t n, nt, nd, no, ns; /* actors, ties, domains, observables, slots (2 nt) */
    int nl;                   /* agreement levels */
    int step;
    size_t next_event;

    /* topology, fixed at alloc */
    int *row;        /* n+1 */
    int *nbr;        /* ns: the partner */
    int *own;        /* ns: the owner */
    int *tie;        /* ns: the undirected tie */
    int *rev;        /* ns: the partner's slot on the same tie */
    int *tslot;      /* 2 nt: slot a->b, slot b->a */
    int *region;     /* n: region id, -1 none */
    int *tie_region; /* nt: region of an intra-regional tie, -1 otherwise */
    int *xreg;       /* ns: the partner's region when it is not the owner's, else -1 */
    int *spill_row;  /* ns+1: free-riding lists (NULL when no slot has one) */
    int *spill;      /* slots k->j of the regional neighbours k of i, for slot i->j */
    int *spill_slots, n_spill_slots; /* the slots with a non-empty list */
    int *to_target;  /* n: slot i->hyp.target, -1 none */

    /* motivators: actors with a target, and per regional neighbour k its slots */
    int n_mot;
    int *mot, *mot_mt, *mot_tm, *mot_row; /* n_mot (+1): actor, slot m->t, slot t->m */
    int *mk_kt, *mk_tk, *mk_km;           /* slot k->t, slot t->k, tie k-m (-1 none) */

    /* outcome bookkeeping (hypothesis motivator and target) */
    int hyp;                  /* outcomes are defined */
    int n_oth, n_reg, n_intra;
    int *oth_kt;              /* n_oth: slot other->target, -1 none */
    int *reg_tk;              /* n_reg: slot target->member */
    int *intra;               /* n_intra: ties inside the motivator's region */
    int win_start;            /* first step of the outcome window */
    double *win_c, *win_n;    /* n_oth: C and actions toward the target in the window */
    double win_eng, win_eng_n, win_coh_c, win_coh_n;

    /* parameters (copies that events change) */
    double noise, alpha, delta, hyst, beta, gamma, lambda;
    double theta[COOP_MAX_LEVELS], omega[COOP_MAX_LEVELS];
    int tau, update_every;
    int games_dirty; /* an event changed a game or a rule parameter this step */
    int last_learn; /* step of the last learning update, -1 none */
    int *fresh, n_fresh; /* ties played since the last learning update */
    coop_game *game;                 /* nd */
    double *pay;                     /* nd*4: the games as tables (coop_game_table) */
    double *db, *dc, *pg;            /* nd: donation b, c; public-good share */
    int *donation;                   /* nd */
    int *pgd, n_pgd;                 /* domains with a public-good share > 0 */
    double *cap, *open, *attn;       /* n */
    double *goal;                    /* n*nd */
    int *rule;                       /* n */
    double *rpar;                    /* n*NPAR */
    double *mch; /* n*COOP_N_MOT: the motivator channels (MOT; a forced initiative is pending) */
    double *w, *rival;               /* nt */
    double *obs;                     /* nt*no */
    double *oshare;                  /* nt*no: share of C driving each observable */
    double *growth, *decay;          /* no */
    int *drv_row, *drv;              /* no+1, domains driving each observable */
    double wmax;

    /* derived */
    double *sr;    /* ns: sqrt(cap partner / cap owner) */
    double *aspA, *aspIM; /* n*nd: Bush-Mosteller aspiration, 1/normaliser */
    double *scale; /* ns*nd: goal * sr */
    double delta_max; /* largest payoff range over domains (replicator norm) */

    /* state */
    double *eng;   /* ns: engagement */
    double *prop;  /* ns*nd: propensity (probability of C) */
    unsigned char *mem; /* ns*nd: memory byte (coop_strategy.h) */
    double *lastv; /* ns*nd: effective payoff of the last round (learning) */
    double *fr;    /* ns*nd: free-riding share this step (NULL when no lists) */
    int *cc;       /* ns: C played this step */
    double *tgain; /* ns: cumulative gain on the slot */
    unsigned char *on; /* nt: engaged this step */
    int *on_list, n_on; /* the engaged ties, in tie order */
    int *last_on;  /* nt: last step engaged, -1 never */
    int *mut;      /* nt: domains with mutual C this step */
    double *trust; /* nt */
    int *level, *up, *down; /* nt */
    int *mile;     /* nt*nl: first step each level was reached, -1 never */
    double *gain, *cum, *acc; /* n: this step, cumulative, since the last update */
    int *nc, *na;  /* n: C and actions this step */
    double *coh;   /* n_regions: cooperation on intra-regional ties this step */
    double *coh_c, *coh_n;
    double *pnode; /* n*nd: imitation snapshot */
    int *model_of; /* n: imitation choice */
    int any_reinforce, any_imitate;
    int draw_rules; /* some actor follows fermi or replicator (imitation that draws) */
    int self_play; /* network.self: each node also plays itself (Nowak & May 1992) */
    int any_moran; /* some actor follows the Moran process */
    int node_mode; /* interaction = node: one action per node and domain per step */
    unsigned char *nact; /* n*nd: the node actions of this step (node_mode) */

    /* node kernel (section "node kernel" below); NULL buffers when not possible */
    int k_able;          /* the configuration allows the kernel (alloc) */
    int k_allow;         /* coop_model_set_kernel; COOPSIM_KERNEL=0 clears it */
    int k_forbid;        /* COOPSIM_KERNEL=0: k_allow stays 0 whatever the callers ask */
    int k_threads;       /* coop_model_set_threads, 0 = omp_get_max_threads() */
    int k_ready;         /* the state after init allows it (init) */
    int k_on;            /* this run uses it (decided at step 0) */
    unsigned char *k_buf; /* 3n: the actions to play, the next ones, the last played */
    unsigned char *k_act, *k_nxt, *k_old;
    unsigned char *k_exe;  /* n: the actions executed this step, with errors (fermi and
                            * replicator only: NULL when some node is imitate_best); it
                            * trades places with k_old, so k_ebuf holds the allocation */
    unsigned char *k_ebuf;
    const unsigned char *k_play; /* what the payoff pass plays: k_exe with noise, else k_act */
    int16_t *k_key;      /* n: rank of this step's gain + 1, negated for a D node */
    int16_t *k_ckey;     /* lattice: key of code x (d + 1) + k (action x, k C neighbours) */
    double *k_cval;      /* lattice: gain of each code */
    double *k_val;       /* k_nval: the distinct gains, ascending */
    uint16_t *k_tab;     /* per degree d present: 2 (d+1) ranks, [x][count of C] */
    int *k_off;          /* max degree + 1: offset of degree d in k_tab, -1 absent */
    int k_maxdeg, k_nval;
    double *k_ssum;      /* per KSUB nodes: their gains summed in node order */
    long *k_bc, *k_bn;   /* per block: C and actions */
    size_t k_nb;         /* blocks */
    int k_lat, k_moore;  /* L of a verified periodic lattice (0: use the CSR) */
    int k_draw;          /* some node follows a rule that draws (fermi, replicator) */
    double *k_ftab;      /* every node fermi with one K: [rank i][rank j] probability of
                          * copying j, from coop_strategy_fermi (NULL: computed per node) */
};

/* Channel c (coop_mot_channel) of actor a's motivator role. */
#define MOT(m, a, c) ((m)->mch[(size_t)(a) * COOP_N_MOT + (size_t)(c)])

/* ---------------------------------------------------------------- helpers */

static inline double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* fmax/fmin without the NaN rules (the engine's values are never NaN), which
 * gcc compiles to one instruction instead of a libm call. */
static inline double dmax(double a, double b)
{
    return a > b ? a : b;
}

static inline double dmin(double a, double b)
{
    return a < b ? a : b;
}

static double apply_op(coop_op op, double x, double v)
{
    switch (op) {
    case COOP_OP_ADD: return x + v;
    case COOP_OP_MUL: return x * v;
    default: return v;
    }
}

static int find_slot(const coop_model *m, int i, int j)
{
    for (int s = m->row[i]; s < m->row[i + 1]; s++)
        if (m->nbr[s] == j)
            return s;
    return -1;
}

static const gsl_rng_type *rng_type(const char *name)
{
    if (name[0] == '\0')
        return gsl_rng_mt19937;
    for (const gsl_rng_type **t = gsl_rng_types_setup(); *t; t++)
        if (strcmp((*t)->name, name) == 0)
            return *t;
    return NULL;
}

/* Recomputes the capacity and goal scaling of actor i's slots and of the
 * partners' slots toward i. */
static void rescale_actor(coop_model *m, int i)
{
    size_t D = m->nd;
    for (int s = m->row[i]; s < m->row[i + 1]; s++) {
        int j = m->nbr[s], r = m->rev[s];
        m->sr[s] = coop_game_capacity_scale(m->cap[i], m->cap[j]);
        m->sr[r] = coop_game_capacity_scale(m->cap[j], m->cap[i]);
        for (size_t d = 0; d < D; d++) {
            m->scale[(size_t)s * D + d] = m->goal[(size_t)i * D + d] * m->sr[s];
            m->scale[(size_t)r * D + d] = m->goal[(size_t)j * D + d] * m->sr[r];
        }
    }
}

static void update_wmax(coop_model *m)
{
    m->wmax = 0.0;
    for (size_t t = 0; t < m->nt; t++)
        m->wmax = dmax(m->wmax, m->w[t]);
}

/* Bush-Mosteller aspiration levels, cached per actor and domain: they change only
 * with the games and the rule parameters. */
static void update_aspirations(coop_model *m)
{
    if (!m->any_reinforce)
        return;
    size_t D = m->nd;
    for (size_t i = 0; i < m->n; i++) {
        if (coop_strategies[m->rule[i]].learning != COOP_LEARN_REINFORCE)
            continue;
        for (size_t d = 0; d < D; d++) {
            double M;
            coop_strategy_aspiration(&m->game[d], m->rpar[i * NPAR], &m->aspA[i * D + d], &M);
            m->aspIM[i * D + d] = 1.0 / M;
        }
    }
}

/* After a change of a domain game: the replicator's normaliser and the aspirations. */
static void games_changed(coop_model *m)
{
    m->delta_max = 0.0;
    for (size_t d = 0; d < m->nd; d++) {
        coop_game_table(&m->game[d], m->pay + 4 * d);
        m->delta_max = dmax(m->delta_max, coop_game_max(&m->game[d]) - coop_game_min(&m->game[d]));
    }
    update_aspirations(m);
}

/* Draws the number of error-free actions before the next implementation error on
 * tie stream b (noise_reset: on every one). */
static void noise_reset1(coop_model *m, size_t b)
{
    if (m->noise <= 0.0)
        m->tgap[b] = INFINITY;
    else if (m->noise >= 1.0)
        m->tgap[b] = 0.0;
    else
        m->tgap[b] = floor(log(gsl_rng_uniform_pos(m->trng[b])) / log1p(-m->noise));
}

static void noise_reset(coop_model *m)
{
    for (size_t b = 0; b < m->n_trng; b++)
        noise_reset1(m, b);
}

/* 1 when the next action on tie stream b is flipped by an implementation error. */
static inline int noise_flip(coop_model *m, size_t b)
{
    if (m->tgap[b] >= 1.0) {
        m->tgap[b] -= 1.0;
        return 0;
    }
    noise_reset1(m, b);
    return 1;
}

/* Finite attention: scales actor i's engagements down to its budget. */
static void apply_budget(coop_model *m, int i)
{
    double sum = 0.0;
    for (int s = m->row[i]; s < m->row[i + 1]; s++)
        sum += m->eng[s];
    if (sum > m->attn[i]) {
        double f = m->attn[i] / sum;
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            m->eng[s] *= f;
    }
}

static void update_public_goods(coop_model *m);
static void kernel_alloc(coop_model *m, const coop_config *cfg, int *fail);
static void kernel_init(coop_model *m);

/* ---------------------------------------------------------------- records */

coop_record *coop_record_alloc(const coop_config *cfg, int keep_series)
{
    coop_record *rec = calloc(1, sizeof *rec);
    if (!rec)
        return NULL;
    rec->n_steps = cfg->n_steps;
    rec->keep_series = keep_series != 0;
    rec->n_actors = coop_config_series_actors(cfg); /* 0 for a generated network */
    rec->n_ties = coop_config_series_ties(cfg);     /* without network.series_nodes */
    rec->n_obs = cfg->n_observables;
    rec->n_levels = (size_t)cfg->inst.n_levels;
    size_t steps = cfg->n_steps > 0 ? (size_t)cfg->n_steps : 0;
    size_t nm = rec->n_ties * rec->n_levels;
    rec->milestone = malloc((nm ? nm : 1) * sizeof *rec->milestone);
    if (!rec->milestone)
        goto fail;
    for (size_t k = 0; k < nm; k++)
        rec->milestone[k] = -1;
    if (rec->keep_series) {
        size_t na = steps * rec->n_actors * COOP_ACTOR_METRICS;
        size_t nt = steps * rec->n_ties * (COOP_TIE_METRICS + rec->n_obs);
        size_t np = steps * COOP_POP_METRICS;
        rec->actor = calloc(na ? na : 1, sizeof *rec->actor);
        rec->tie = calloc(nt ? nt : 1, sizeof *rec->tie);
        rec->pop = calloc(np ? np : 1, sizeof *rec->pop);
        if (!rec->actor || !rec->tie || !rec->pop)
            goto fail;
    }
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        rec->outcome[k] = NAN;
    return rec;
fail:
    coop_record_free(rec);
    return NULL;
}

int coop_record_add_snapshots(coop_record *rec, const coop_config *cfg)
{
    size_t k = cfg->n_snapshots, n = cfg->n_actors;
    if (k == 0 || rec->snap)
        return COOP_OK;
    double *snap = malloc((n > 0 ? n * k : 1) * sizeof *snap);
    if (!snap)
        return COOP_ENOMEM;
    for (size_t q = 0; q < n * k; q++)
        snap[q] = NAN;
    rec->snap = snap, rec->n_snaps = k, rec->snap_step = cfg->snapshots, rec->n_snap_nodes = n;
    return COOP_OK;
}

void coop_record_free(coop_record *rec)
{
    if (!rec)
        return;
    free(rec->snap);
    free(rec->actor);
    free(rec->tie);
    free(rec->pop);
    free(rec->milestone);
    free(rec);
}

/* ---------------------------------------------------------------- alloc */

void coop_model_free(coop_model *m)
{
    if (!m)
        return;
    if (m->rng)
        gsl_rng_free(m->rng);
    if (m->mrng)
        gsl_rng_free(m->mrng);
    for (size_t b = 0; m->trng && b < m->n_trng; b++)
        if (m->trng[b])
            gsl_rng_free(m->trng[b]);
    free(m->trng);
    free(m->tgap);
    for (size_t b = 0; m->brng && b < m->n_brng; b++)
        if (m->brng[b])
            gsl_rng_free(m->brng[b]);
    free(m->brng);
    void *bufs[] = {
        m->row, m->nbr, m->own, m->tie, m->rev, m->tslot, m->region, m->tie_region, m->xreg,
        m->spill_row, m->spill, m->spill_slots, m->to_target, m->mot, m->mot_mt, m->mot_tm, m->mot_row,
        m->mk_kt, m->mk_tk, m->mk_km, m->oth_kt, m->reg_tk, m->intra, m->win_c, m->win_n,
        m->game, m->pay, m->db, m->dc, m->pg, m->donation, m->pgd, m->cap, m->open, m->attn, m->goal,
        m->rule, m->rpar, m->mch, m->w, m->rival, m->obs, m->oshare,
        m->growth, m->decay, m->drv_row, m->drv, m->sr, m->aspA, m->aspIM, m->scale, m->eng, m->prop, m->mem, m->lastv, m->fr,
        m->cc, m->tgain, m->on, m->on_list, m->last_on, m->fresh, m->mut, m->trust, m->level, m->up, m->down,
        m->mile, m->gain, m->cum, m->acc, m->nc, m->na, m->coh, m->coh_c, m->coh_n,
        m->pnode, m->model_of, m->nact,
        m->k_buf, m->k_ebuf, m->k_key, m->k_ckey, m->k_cval, m->k_ssum, m->k_val, m->k_tab, m->k_off, m->k_bc, m->k_bn, m->k_ftab,
    };
    for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++)
        free(bufs[k]);
    free(m);
}

/* calloc of at least one element, so that empty arrays are valid pointers. */
static void *zalloc(size_t count, size_t size, int *fail)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        *fail = 1;
    return p;
}

/* Validates what the engine relies on beyond the loader's checks. */
static int check_config(const coop_config *cfg, coop_err *err)
{
    if (cfg->n_domains < 1)
        return COOP_FAIL(err, COOP_EINVAL, "model: at least one domain is needed");
    if (cfg->steps_per_year < 1)
        return COOP_FAIL(err, COOP_EINVAL, "model: steps_per_year = %d, must be >= 1",
                         cfg->steps_per_year);
    if (cfg->inst.n_levels < 1 || cfg->inst.n_levels > COOP_MAX_LEVELS)
        return COOP_FAIL(err, COOP_EINVAL, "model: n_levels = %d, allowed 1..%d",
                         cfg->inst.n_levels, COOP_MAX_LEVELS);
    for (size_t i = 0; i < cfg->n_actors; i++) {
        const coop_actor_cfg *a = &cfg->actors[i];
        if (a->rule < 0 || a->rule >= COOP_N_RULES)
            return COOP_FAIL(err, COOP_EINVAL, "model: actor %s has rule id %d", a->name, a->rule);
        if (!(a->capacity > 0.0))
            return COOP_FAIL(err, COOP_EINVAL, "model: actor %s has capacity %g, must be > 0",
                             a->name, a->capacity);
        if (a->region_id >= (int)cfg->n_regions)
            return COOP_FAIL(err, COOP_EINVAL, "model: actor %s has region id %d", a->name,
                             a->region_id);
    }
    for (size_t t = 0; t < cfg->n_ties; t++) {
        int a = cfg->ties[t].a, b = cfg->ties[t].b;
        if (a < 0 || b < 0 || (size_t)a >= cfg->n_actors || (size_t)b >= cfg->n_actors || a == b)
            return COOP_FAIL(err, COOP_EINVAL, "model: tie %zu joins actors %d and %d", t, a, b);
    }
    return COOP_OK;
}

/* CSR adjacency: actor i's slots in tie order (coop_network_csr); ea, eb are
 * scratch arrays of nt ints. */
static void build_topology(coop_model *m, const coop_config *cfg, int *ea, int *eb)
{
    for (size_t t = 0; t < m->nt; t++)
        ea[t] = cfg->ties[t].a, eb[t] = cfg->ties[t].b;
    coop_network_csr(m->n, m->nt, ea, eb, m->row, m->nbr, m->own, m->tie, m->rev, m->tslot);
    for (size_t i = 0; i < m->n; i++)
        m->region[i] = cfg->actors[i].region_id;
    for (size_t t = 0; t < m->nt; t++) {
        int ra = m->region[cfg->ties[t].a], rb = m->region[cfg->ties[t].b];
        m->tie_region[t] = (ra >= 0 && ra == rb) ? ra : -1;
        m->xreg[m->tslot[2 * t]] = rb != ra ? rb : -1;
        m->xreg[m->tslot[2 * t + 1]] = ra != rb ? ra : -1;
    }
}

/* Free-riding lists: for slot i->j with j outside i's region, the slots k->j of
 * i's regional neighbours k.  Counts when lists == NULL, fills otherwise. */
static size_t spill_lists(const coop_model *m, int *row, int *lists)
{
    size_t count = 0;
    for (size_t s = 0; s < m->ns; s++) {
        int i = m->own[s], j = m->nbr[s], r = m->region[i];
        if (row)
            row[s] = (int)count;
        if (r < 0 || m->region[j] == r)
            continue;
        for (int s2 = m->row[j]; s2 < m->row[j + 1]; s2++) {
            int k = m->nbr[s2];
            if (k != i && m->region[k] == r) {
                if (lists)
                    lists[count] = m->rev[s2];
                count++;
            }
        }
    }
    if (row)
        row[m->ns] = (int)count;
    return count;
}

/* The regional neighbours of actor a (same region, not a, not b). */
static int is_neighbour(const coop_model *m, int a, int b, int k)
{
    return m->region[a] >= 0 && m->region[k] == m->region[a] && k != a && k != b;
}

static int build_motivators(coop_model *m, const coop_config *cfg, int *fail)
{
    int n_mot = 0, n_k = 0;
    for (size_t a = 0; a < m->n; a++) {
        int t = cfg->actors[a].motivator.target;
        if (t < 0 || (size_t)t >= m->n || t == (int)a)
            continue;
        n_mot++;
        for (size_t k = 0; k < m->n; k++)
            n_k += is_neighbour(m, (int)a, t, (int)k);
    }
    m->n_mot = n_mot;
    m->mot = zalloc((size_t)n_mot, sizeof(int), fail);
    m->mot_mt = zalloc((size_t)n_mot, sizeof(int), fail);
    m->mot_tm = zalloc((size_t)n_mot, sizeof(int), fail);
    m->mot_row = zalloc((size_t)n_mot + 1, sizeof(int), fail);
    m->mk_kt = zalloc((size_t)n_k, sizeof(int), fail);
    m->mk_tk = zalloc((size_t)n_k, sizeof(int), fail);
    m->mk_km = zalloc((size_t)n_k, sizeof(int), fail);
    if (*fail)
        return 0;
    int q = 0, x = 0;
    for (size_t a = 0; a < m->n; a++) {
        int t = cfg->actors[a].motivator.target;
        if (t < 0 || (size_t)t >= m->n || t == (int)a)
            continue;
        m->mot[q] = (int)a;
        m->mot_mt[q] = find_slot(m, (int)a, t);
        m->mot_tm[q] = find_slot(m, t, (int)a);
        m->mot_row[q] = x;
        for (size_t k = 0; k < m->n; k++) {
            if (!is_neighbour(m, (int)a, t, (int)k))
                continue;
            int km = find_slot(m, (int)k, (int)a);
            m->mk_kt[x] = find_slot(m, (int)k, t);
            m->mk_tk[x] = find_slot(m, t, (int)k);
            m->mk_km[x] = km >= 0 ? m->tie[km] : -1;
            x++;
        }
        q++;
    }
    m->mot_row[q] = x;
    return 1;
}

static void build_outcomes(coop_model *m, const coop_config *cfg, int *fail)
{
    int hm = cfg->hyp.motivator, ht = cfg->hyp.target;
    m->hyp = hm >= 0 && (size_t)hm < m->n && ht >= 0 && (size_t)ht < m->n && hm != ht;
    int n_oth = 0, n_reg = 0, n_intra = 0;
    if (m->hyp) {
        for (size_t k = 0; k < m->n; k++) {
            n_oth += is_neighbour(m, hm, ht, (int)k);
            n_reg += (is_neighbour(m, hm, ht, (int)k) || (int)k == hm)
                     && find_slot(m, ht, (int)k) >= 0;
        }
        for (size_t t = 0; t < m->nt; t++)
            n_intra += m->region[hm] >= 0 && m->tie_region[t] == m->region[hm];
    }
    m->oth_kt = zalloc((size_t)n_oth, sizeof(int), fail);
    m->win_c = zalloc((size_t)n_oth, sizeof(double), fail);
    m->win_n = zalloc((size_t)n_oth, sizeof(double), fail);
    m->reg_tk = zalloc((size_t)n_reg, sizeof(int), fail);
    m->intra = zalloc((size_t)n_intra, sizeof(int), fail);
    if (*fail || !m->hyp)
        return;
    m->n_oth = n_oth, m->n_reg = n_reg, m->n_intra = n_intra;
    int x = 0, y = 0, z = 0;
    for (size_t k = 0; k < m->n; k++) {
        int other = is_neighbour(m, hm, ht, (int)k);
        if (other)
            m->oth_kt[x++] = find_slot(m, (int)k, ht);
        int s = find_slot(m, ht, (int)k);
        if ((other || (int)k == hm) && s >= 0)
            m->reg_tk[y++] = s;
    }
    for (size_t t = 0; t < m->nt; t++)
        if (m->region[hm] >= 0 && m->tie_region[t] == m->region[hm])
            m->intra[z++] = (int)t;
    long w = lround(cfg->hyp.window_years * cfg->steps_per_year);
    w = w < 1 ? 1 : (w > cfg->n_steps ? cfg->n_steps : w);
    m->win_start = cfg->n_steps - (int)w;
}

coop_model *coop_model_alloc(const coop_config *cfg, coop_err *err)
{
    if (check_config(cfg, err))
        return NULL;
    const gsl_rng_type *type = rng_type(cfg->rng);
    if (!type) {
        COOP_FAIL(err, COOP_EINVAL, "model: unknown random number generator '%s'", cfg->rng);
        return NULL;
    }
    coop_model *m = calloc(1, sizeof *m);
    if (!m) {
        COOP_FAIL(err, COOP_ENOMEM, "model: out of memory");
        return NULL;
    }
    int fail = 0;
    m->cfg = cfg;
    m->n = cfg->n_actors, m->nt = cfg->n_ties, m->nd = cfg->n_domains;
    m->no = cfg->n_observables, m->ns = 2 * cfg->n_ties, m->nl = cfg->inst.n_levels;
    size_t n = m->n, nt = m->nt, nd = m->nd, no = m->no, ns = m->ns;
    size_t nr = cfg->n_regions;

    m->rng = gsl_rng_alloc(type);
    m->mrng = gsl_rng_alloc(type);
    fail |= !m->rng || !m->mrng;
    m->tb = nt > TSTREAMS ? (nt + TSTREAMS - 1) / TSTREAMS : 1;
    m->n_trng = nt ? (nt + m->tb - 1) / m->tb : 0;
    m->trng = zalloc(m->n_trng, sizeof(gsl_rng *), &fail);
    m->tgap = zalloc(m->n_trng, sizeof(double), &fail);
    for (size_t b = 0; !fail && b < m->n_trng; b++)
        fail = !(m->trng[b] = gsl_rng_alloc(type));
    m->row = zalloc(n + 1, sizeof(int), &fail);
    m->nbr = zalloc(ns, sizeof(int), &fail);
    m->own = zalloc(ns, sizeof(int), &fail);
    m->tie = zalloc(ns, sizeof(int), &fail);
    m->rev = zalloc(ns, sizeof(int), &fail);
    m->tslot = zalloc(ns, sizeof(int), &fail);
    m->region = zalloc(n, sizeof(int), &fail);
    m->tie_region = zalloc(nt, sizeof(int), &fail);
    m->xreg = zalloc(ns, sizeof(int), &fail);
    m->to_target = zalloc(n, sizeof(int), &fail);
    m->model_of = zalloc(n, sizeof(int), &fail);

    m->game = zalloc(nd, sizeof(coop_game), &fail);
    m->pay = zalloc(nd * 4, sizeof(double), &fail);
    m->db = zalloc(nd, sizeof(double), &fail);
    m->dc = zalloc(nd, sizeof(double), &fail);
    m->pg = zalloc(nd, sizeof(double), &fail);
    m->donation = zalloc(nd, sizeof(int), &fail);
    m->pgd = zalloc(nd, sizeof(int), &fail);
    m->cap = zalloc(n, sizeof(double), &fail);
    m->open = zalloc(n, sizeof(double), &fail);
    m->attn = zalloc(n, sizeof(double), &fail);
    m->goal = zalloc(n * nd, sizeof(double), &fail);
    m->rule = zalloc(n, sizeof(int), &fail);
    m->rpar = zalloc(n * NPAR, sizeof(double), &fail);
    m->mch = zalloc(n * COOP_N_MOT, sizeof(double), &fail);
    m->w = zalloc(nt, sizeof(double), &fail);
    m->rival = zalloc(nt, sizeof(double), &fail);
    m->obs = zalloc(nt * no, sizeof(double), &fail);
    m->oshare = zalloc(nt * no, sizeof(double), &fail);
    m->growth = zalloc(no, sizeof(double), &fail);
    m->decay = zalloc(no, sizeof(double), &fail);
    m->drv_row = zalloc(no + 1, sizeof(int), &fail);
    m->drv = zalloc(no * nd, sizeof(int), &fail);

    m->sr = zalloc(ns, sizeof(double), &fail);
    m->aspA = zalloc(n * nd, sizeof(double), &fail);
    m->aspIM = zalloc(n * nd, sizeof(double), &fail);
    m->scale = zalloc(ns * nd, sizeof(double), &fail);
    m->eng = zalloc(ns, sizeof(double), &fail);
    m->prop = zalloc(ns * nd, sizeof(double), &fail);
    m->mem = zalloc(ns * nd, 1, &fail);
    m->lastv = zalloc(ns * nd, sizeof(double), &fail);
    m->cc = zalloc(ns, sizeof(int), &fail);
    m->tgain = zalloc(ns, sizeof(double), &fail);
    m->on = zalloc(nt, 1, &fail);
    m->on_list = zalloc(nt, sizeof(int), &fail);
    m->last_on = zalloc(nt, sizeof(int), &fail);
    m->fresh = zalloc(nt, sizeof(int), &fail);
    m->mut = zalloc(nt, sizeof(int), &fail);
    m->trust = zalloc(nt, sizeof(double), &fail);
    m->level = zalloc(nt, sizeof(int), &fail);
    m->up = zalloc(nt, sizeof(int), &fail);
    m->down = zalloc(nt, sizeof(int), &fail);
    m->mile = zalloc(nt * (size_t)m->nl, sizeof(int), &fail);
    m->gain = zalloc(n, sizeof(double), &fail);
    m->cum = zalloc(n, sizeof(double), &fail);
    m->acc = zalloc(n, sizeof(double), &fail);
    m->nc = zalloc(n, sizeof(int), &fail);
    m->na = zalloc(n, sizeof(int), &fail);
    m->coh = zalloc(nr, sizeof(double), &fail);
    m->coh_c = zalloc(nr, sizeof(double), &fail);
    m->coh_n = zalloc(nr, sizeof(double), &fail);
    if (fail)
        goto nomem;

    {
        int *ea = zalloc(nt, sizeof(int), &fail), *eb = zalloc(nt, sizeof(int), &fail);
        if (!fail)
            build_topology(m, cfg, ea, eb);
        free(ea);
        free(eb);
        if (fail)
            goto nomem;
    }
    for (size_t o = 0, x = 0; o < no; o++) {
        for (size_t d = 0; d < nd; d++)
            if (cfg->observables[o].drive[d])
                m->drv[x++] = (int)d;
        m->drv_row[o + 1] = (int)x;
    }
    size_t n_spill = spill_lists(m, NULL, NULL);
    if (n_spill > 0) {
        m->spill_row = zalloc(ns + 1, sizeof(int), &fail);
        m->spill = zalloc(n_spill, sizeof(int), &fail);
        m->fr = zalloc(ns * nd, sizeof(double), &fail);
        m->spill_slots = zalloc(ns, sizeof(int), &fail);
        if (fail)
            goto nomem;
        spill_lists(m, m->spill_row, m->spill);
        for (size_t s = 0; s < ns; s++)
            if (m->spill_row[s + 1] > m->spill_row[s])
                m->spill_slots[m->n_spill_slots++] = (int)s;
    }
    int ht = cfg->hyp.target;
    for (size_t i = 0; i < n; i++) {
        m->to_target[i] = (ht >= 0 && (size_t)ht < n) ? find_slot(m, (int)i, ht) : -1;
        coop_learning l = coop_strategies[cfg->actors[i].rule].learning;
        m->any_reinforce |= l == COOP_LEARN_REINFORCE;
        m->any_imitate |= l == COOP_LEARN_IMITATE;
        m->any_moran |= l == COOP_LEARN_MORAN;
    }
    if (m->any_imitate)
        m->pnode = zalloc(n * nd, sizeof(double), &fail);
    for (size_t i = 0; i < n; i++)
        m->draw_rules |= cfg->actors[i].rule == COOP_RULE_FERMI
                         || cfg->actors[i].rule == COOP_RULE_REPLICATOR;
    /* per-node draws, from block streams: node mode, or imitation rules that draw */
    if ((cfg->interaction == COOP_INTERACTION_NODE || m->draw_rules) && !fail) {
        m->n_brng = (n + KBLOCK - 1) / KBLOCK;
        m->brng = zalloc(m->n_brng, sizeof(gsl_rng *), &fail);
        for (size_t b = 0; !fail && b < m->n_brng; b++)
            fail = !(m->brng[b] = gsl_rng_alloc(m->rng->type));
    }
    m->self_play = cfg->net.present && cfg->net.self;
    m->node_mode = cfg->interaction == COOP_INTERACTION_NODE;
    if (m->node_mode)
        m->nact = zalloc(n * nd, 1, &fail);
    if (fail || !build_motivators(m, cfg, &fail))
        goto nomem;
    build_outcomes(m, cfg, &fail);
    if (fail)
        goto nomem;
    kernel_alloc(m, cfg, &fail);
    if (fail)
        goto nomem;
    coop_model_init(m, cfg->seed);
    return m;
nomem:
    coop_model_free(m);
    COOP_FAIL(err, COOP_ENOMEM, "model: out of memory for %zu actors and %zu ties", n, nt);
    return NULL;
}

/* ---------------------------------------------------------------- init */

void coop_model_init(coop_model *m, uint64_t seed)
{
    const coop_config *cfg = m->cfg;
    size_t n = m->n, nt = m->nt, D = m->nd, no = m->no, ns = m->ns;

    /* seed is the work item's key (coop_rng_key); every stream hashes it with its
     * kind and index, so no two streams of any runs are related (rng.c). */
    gsl_rng_set(m->rng, coop_rng_stream(seed, COOP_STREAM_MAIN, 0));
    gsl_rng_set(m->mrng, coop_rng_stream(seed, COOP_STREAM_MOTIVATOR, 0));
    for (size_t b = 0; b < m->n_trng; b++)
        gsl_rng_set(m->trng[b], coop_rng_stream(seed, COOP_STREAM_TIE, b));
    for (size_t b = 0; b < m->n_brng; b++)
        gsl_rng_set(m->brng[b], coop_rng_stream(seed, COOP_STREAM_BLOCK, b));
    m->step = 0;
    m->next_event = 0;
    m->last_learn = -1;
    m->n_fresh = 0;
    m->games_dirty = 0;

    m->noise = cfg->noise;
    m->alpha = cfg->eng_alpha, m->delta = cfg->eng_delta;
    m->hyst = cfg->inst.hysteresis, m->beta = cfg->inst.beta;
    m->gamma = cfg->inst.gamma, m->lambda = cfg->inst.lambda;
    m->tau = cfg->inst.tau < 1 ? 1 : cfg->inst.tau;
    m->update_every = cfg->update_every < 1 ? 1 : cfg->update_every;
    for (int l = 0; l < COOP_MAX_LEVELS; l++)
        m->theta[l] = cfg->inst.theta[l], m->omega[l] = cfg->inst.omega[l];

    for (size_t d = 0; d < D; d++) {
        const coop_domain_cfg *dc = &cfg->domains[d];
        m->game[d] = (coop_game){dc->R, dc->S, dc->T, dc->P};
        m->db[d] = dc->b, m->dc[d] = dc->c, m->pg[d] = dc->public_good;
        m->donation[d] = dc->donation;
    }
    for (size_t i = 0; i < n; i++) {
        const coop_actor_cfg *a = &cfg->actors[i];
        m->cap[i] = a->capacity, m->open[i] = a->openness, m->attn[i] = a->attention_budget;
        m->rule[i] = a->rule;
        memcpy(m->rpar + i * NPAR, a->rule_param, sizeof a->rule_param);
        memcpy(m->goal + i * D, a->goals, D * sizeof(double));
        for (int c = 0; c < COOP_N_MOT; c++)
            MOT(m, i, c) = coop_motivator_get(&a->motivator, c);
        m->gain[i] = m->cum[i] = m->acc[i] = 0.0;
        m->nc[i] = m->na[i] = 0;
    }
    for (size_t t = 0; t < nt; t++) {
        m->w[t] = cfg->ties[t].weight, m->rival[t] = cfg->ties[t].rivalry;
        for (size_t o = 0; o < no; o++)
            m->obs[t * no + o] = cfg->ties[t].obs0[o], m->oshare[t * no + o] = 0.0;
        m->on[t] = 0, m->last_on[t] = -1, m->mut[t] = 0;
        m->cc[m->tslot[2 * t]] = m->cc[m->tslot[2 * t + 1]] = 0;
        m->trust[t] = 0.0, m->level[t] = 0, m->up[t] = m->down[t] = 0;
        for (int l = 0; l < m->nl; l++)
            m->mile[t * (size_t)m->nl + (size_t)l] = -1;
    }
    for (size_t o = 0; o < no; o++)
        m->growth[o] = cfg->observables[o].growth, m->decay[o] = cfg->observables[o].decay;
    update_wmax(m);
    games_changed(m);
    for (size_t i = 0; i < n; i++)
        rescale_actor(m, (int)i);
    for (size_t s = 0; s < ns; s++) {
        const coop_actor_cfg *a = &cfg->actors[m->own[s]];
        m->eng[s] = a->engagement;
        m->cc[s] = 0, m->tgain[s] = 0.0;
        for (size_t d = 0; d < D; d++) {
            m->prop[s * D + d] = a->propensity;
            m->mem[s * D + d] = 0;
            m->lastv[s * D + d] = 0.0;
        }
    }
    update_public_goods(m);
    for (size_t r = 0; r < cfg->n_regions; r++)
        m->coh[r] = m->coh_c[r] = m->coh_n[r] = 0.0;
    for (int x = 0; x < m->n_oth; x++)
        m->win_c[x] = m->win_n[x] = 0.0;
    m->win_eng = m->win_eng_n = m->win_coh_c = m->win_coh_n = 0.0;
    m->n_on = 0;
    noise_reset(m);
    kernel_init(m);
}

/* ---------------------------------------------------------------- 1. events */

/* Whether ref designates something in this model (the loader resolves refs; this
 * guards the engine against a hand-made configuration). */
static int valid_ref(const coop_model *m, const coop_param_ref *ref)
{
    long i = ref->index, sub = ref->sub;
    switch (ref->field) {
    case COOP_F_NOISE: case COOP_F_ENG_ALPHA: case COOP_F_ENG_DELTA:
    case COOP_F_INST_HYSTERESIS: case COOP_F_INST_BETA: case COOP_F_INST_GAMMA:
    case COOP_F_INST_LAMBDA:
        return 1;
    case COOP_F_INST_THETA: case COOP_F_INST_OMEGA:
        return sub >= 0 && sub < COOP_MAX_LEVELS;
    case COOP_F_DOMAIN_R: case COOP_F_DOMAIN_S: case COOP_F_DOMAIN_T: case COOP_F_DOMAIN_P:
    case COOP_F_DOMAIN_B: case COOP_F_DOMAIN_C: case COOP_F_DOMAIN_PUBLIC_GOOD:
        return i >= 0 && (size_t)i < m->nd;
    case COOP_F_ACTOR_GOAL:
        return i >= 0 && (size_t)i < m->n && sub >= 0 && (size_t)sub < m->nd;
    case COOP_F_ACTOR_RULE_PARAM:
        return i >= 0 && (size_t)i < m->n && sub >= 0 && sub < NPAR;
    case COOP_F_TIE_WEIGHT: case COOP_F_TIE_RIVALRY:
        return i >= 0 && (size_t)i < m->nt;
    case COOP_F_TIE_OBS:
        return i >= 0 && (size_t)i < m->nt && sub >= 0 && (size_t)sub < m->no;
    case COOP_F_OBS_GROWTH: case COOP_F_OBS_DECAY:
        return i >= 0 && (size_t)i < m->no;
    case COOP_N_FIELDS:
        return 0;
    default: /* the other actor fields */
        return i >= 0 && (size_t)i < m->n;
    }
}

static void apply_event(coop_model *m, const coop_event_cfg *ev)
{
    const coop_param_ref *ref = &ev->ref;
    int i = ref->index, sub = ref->sub;
    size_t D = m->nd;
    double v = ev->value;
    coop_op op = ev->op;
    if (!valid_ref(m, ref))
        return;

    switch (ref->field) {
    case COOP_F_NOISE:
        m->noise = clamp(apply_op(op, m->noise, v), 0.0, 0.5);
        noise_reset(m);
        break;
    case COOP_F_ENG_ALPHA: m->alpha = clamp(apply_op(op, m->alpha, v), 0.0, 1.0); break;
    case COOP_F_ENG_DELTA: m->delta = clamp(apply_op(op, m->delta, v), 0.0, 1.0); break;
    case COOP_F_INST_THETA:
        if (sub >= 0 && sub < COOP_MAX_LEVELS)
            m->theta[sub] = clamp(apply_op(op, m->theta[sub], v), 0.0, 1.0);
        break;
    case COOP_F_INST_OMEGA:
        if (sub >= 0 && sub < COOP_MAX_LEVELS)
            m->omega[sub] = clamp(apply_op(op, m->omega[sub], v), 0.0, 1.0);
        break;
    case COOP_F_INST_HYSTERESIS: m->hyst = clamp(apply_op(op, m->hyst, v), 0.0, 1.0); break;
    case COOP_F_INST_BETA: m->beta = dmax(0.0, apply_op(op, m->beta, v)); break;
    case COOP_F_INST_GAMMA: m->gamma = dmax(0.0, apply_op(op, m->gamma, v)); break;
    case COOP_F_INST_LAMBDA: m->lambda = clamp(apply_op(op, m->lambda, v), 0.0, 1.0); break;
    case COOP_F_DOMAIN_R: m->game[i].R = apply_op(op, m->game[i].R, v); m->games_dirty = 1; break;
    case COOP_F_DOMAIN_S: m->game[i].S = apply_op(op, m->game[i].S, v); m->games_dirty = 1; break;
    case COOP_F_DOMAIN_T: m->game[i].T = apply_op(op, m->game[i].T, v); m->games_dirty = 1; break;
    case COOP_F_DOMAIN_P: m->game[i].P = apply_op(op, m->game[i].P, v); m->games_dirty = 1; break;
    case COOP_F_DOMAIN_B:
    case COOP_F_DOMAIN_C:
        if (ref->field == COOP_F_DOMAIN_B)
            m->db[i] = apply_op(op, m->db[i], v);
        else
            m->dc[i] = apply_op(op, m->dc[i], v);
        if (m->donation[i]) {
            m->game[i] = coop_game_donation(m->db[i], m->dc[i]);
            m->games_dirty = 1;
        }
        break;
    case COOP_F_DOMAIN_PUBLIC_GOOD:
        m->pg[i] = clamp(apply_op(op, m->pg[i], v), 0.0, 1.0);
        update_public_goods(m);
        break;
    case COOP_F_ACTOR_CAPACITY:
        m->cap[i] = dmax(MIN_POSITIVE, apply_op(op, m->cap[i], v));
        rescale_actor(m, i);
        break;
    case COOP_F_ACTOR_OPENNESS: m->open[i] = clamp(apply_op(op, m->open[i], v), 0.0, 1.0); break;
    case COOP_F_ACTOR_PROPENSITY:
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            for (size_t d = 0; d < D; d++) {
                double *p = &m->prop[(size_t)s * D + d];
                *p = clamp(apply_op(op, *p, v), 0.0, 1.0);
            }
        break;
    case COOP_F_ACTOR_ENGAGEMENT:
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            m->eng[s] = clamp(apply_op(op, m->eng[s], v), 0.0, 1.0);
        break;
    case COOP_F_ACTOR_ATTENTION:
        m->attn[i] = dmax(MIN_POSITIVE, apply_op(op, m->attn[i], v));
        break;
    case COOP_F_ACTOR_GOAL: {
        /* The domain gets share x in [0,1] (coop_goal_share); when the others are
         * all 0 the share must stay 1 and the event changes nothing. */
        double *g = m->goal + (size_t)i * D, x = clamp(apply_op(op, g[sub], v), 0.0, 1.0);
        if (coop_goal_share(g, D, sub, x) == 0)
            rescale_actor(m, i);
        break;
    }
    case COOP_F_ACTOR_RULE_PARAM: {
        const coop_rule_info *info = &coop_rules[m->rule[i]];
        if (sub >= 0 && sub < info->n_params) {
            double *p = &m->rpar[(size_t)i * NPAR + (size_t)sub];
            *p = clamp(apply_op(op, *p, v), info->min[sub], info->max[sub]);
            m->games_dirty = 1; /* the aspiration is a rule parameter */
        }
        break;
    }
#define COOP_X_(key, FIELD, strength, doc) case COOP_F_MOT_##FIELD:
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
    { /* a forced initiative is pending until this step's motivator phase */
        double *p = &MOT(m, i, coop_motivator_channel(ref->field));
        *p = clamp(apply_op(op, *p, v), 0.0, 1.0);
        break;
    }
    case COOP_F_TIE_WEIGHT:
        m->w[i] = dmax(MIN_POSITIVE, apply_op(op, m->w[i], v));
        update_wmax(m);
        break;
    case COOP_F_TIE_RIVALRY: m->rival[i] = clamp(apply_op(op, m->rival[i], v), 0.0, 1.0); break;
    case COOP_F_TIE_OBS: {
        double *o = &m->obs[(size_t)i * m->no + (size_t)sub];
        *o = dmax(0.0, apply_op(op, *o, v));
        break;
    }
    case COOP_F_OBS_GROWTH: m->growth[i] = apply_op(op, m->growth[i], v); break;
    case COOP_F_OBS_DECAY: m->decay[i] = dmax(0.0, apply_op(op, m->decay[i], v)); break;
    default: break;
    }
}

static void do_events(coop_model *m)
{
    const coop_config *cfg = m->cfg;
    double now = coop_config_date(cfg, m->step);
    while (m->next_event < cfg->n_events && cfg->events[m->next_event].date <= now + EVENT_EPS)
        apply_event(m, &cfg->events[m->next_event++]);
    if (m->games_dirty) { /* once for all the step's events */
        games_changed(m);
        m->games_dirty = 0;
    }
}

/* ---------------------------------------------------------------- 2. engagement */

/* e <- e + alpha*signal*(1-e) - delta*e with the signals of the previous step, then
 * the attention budgets, then which ties are engaged this step. */
static void do_engagement(coop_model *m)
{
    int dynamic = m->step > 0 && (m->alpha > 0.0 || m->delta > 0.0);
    double inv_d = 1.0 / (double)m->nd, alpha = m->alpha, delta = m->delta;
    for (size_t i = 0; i < m->n; i++) {
        int lo = m->row[i], hi = m->row[i + 1];
        double sum = 0.0;
        for (int s = lo; s < hi; s++) {
            if (dynamic) {
                double sig = m->cc[m->rev[s]] * inv_d; /* 0 when the tie was idle */
                int rj = m->xreg[s];
                if (rj >= 0)
                    sig = 1.0 - (1.0 - sig) * (1.0 - m->coh[rj]); /* regional signal */
                double e = m->eng[s];
                e += alpha * sig * (1.0 - e) - delta * e;
                m->eng[s] = clamp(e, 0.0, 1.0);
            }
            sum += m->eng[s];
        }
        if (sum > m->attn[i]) { /* finite attention */
            double f = m->attn[i] / sum;
            for (int s = lo; s < hi; s++)
                m->eng[s] *= f;
        }
    }
    int n_on = 0;
    for (size_t t = 0; t < m->nt; t++) {
        double p = m->w[t] * sqrt(m->eng[m->tslot[2 * t]] * m->eng[m->tslot[2 * t + 1]]);
        /* drawn even when p is 0 or 1, so that the tie's stream stays in step
         * with the other worlds' (common random numbers) */
        double u = gsl_rng_uniform(m->trng[m->tb == 1 ? t : t / m->tb]);
        int on = p >= 1.0 ? 1 : (p <= 0.0 ? 0 : u < p);
        m->on[t] = (unsigned char)on;
        m->on_list[n_on] = (int)t; /* appended when on, overwritten otherwise */
        n_on += on;
    }
    m->n_on = n_on;
}

/* ---------------------------------------------------------------- 3. play */

/* Free-riding shares x = public_good[d] * (share of i's regional neighbours that
 * cooperated with j in domain d in the previous step). */
static void free_ride_shares(coop_model *m)
{
    size_t D = m->nd;
    int prev = m->step - 1;
    for (int y = 0; y < m->n_spill_slots; y++) {
        size_t s = (size_t)m->spill_slots[y];
        int lo = m->spill_row[s], hi = m->spill_row[s + 1];
        double *fr = m->fr + s * D;
        for (int x = 0; x < m->n_pgd; x++)
            fr[m->pgd[x]] = 0.0;
        for (int q = lo; q < hi; q++) {
            int s2 = m->spill[q];
            int was_on = m->last_on[m->tie[s2]] == prev; /* as a factor: no branch */
            const unsigned char *mem = m->mem + (size_t)s2 * D;
            for (int x = 0; x < m->n_pgd; x++)
                fr[m->pgd[x]] += was_on & mem[m->pgd[x]] & COOP_MEM_OWN;
        }
        double inv = 1.0 / (hi - lo);
        for (int x = 0; x < m->n_pgd; x++)
            fr[m->pgd[x]] *= m->pg[m->pgd[x]] * inv;
    }
}

/* The domains with a public-good share > 0; free-riding shares of the others are 0. */
static void update_public_goods(coop_model *m)
{
    m->n_pgd = 0;
    for (size_t d = 0; d < m->nd; d++)
        if (m->pg[d] > 0.0)
            m->pgd[m->n_pgd++] = (int)d;
    if (m->fr)
        memset(m->fr, 0, m->ns * m->nd * sizeof(double));
}

/* Self-interaction (network.self, Nowak & May 1992): every node also plays its
 * own action against itself, in every domain, and gains goal[d] * pi(x, x) (no
 * capacity scaling, no institutions, no noise).  Its action is C with the
 * propensity of its first slot (learners play one propensity on all their
 * slots), or the rule's first move for a fixed rule. */
static void play_self(coop_model *m)
{
    size_t D = m->nd;
    for (size_t i = 0; i < m->n; i++) {
        int lo = m->row[i];
        if (m->row[i + 1] == lo)
            continue;
        const coop_strategy *st = &coop_strategies[m->rule[i]];
        double g = 0.0;
        int c = 0;
        for (size_t d = 0; d < D; d++) {
            double p = m->prop[(size_t)lo * D + d];
            if (st->learning == COOP_LEARN_NONE)
                p = st->p_coop(0, m->rpar + i * NPAR, p);
            int x = m->node_mode ? m->nact[i * D + d] : coop_strategy_bernoulli(m->rng, p);
            g += m->goal[i * D + d] * m->pay[4 * d + 3 * (size_t)x]; /* index 2x + x */
            c += x;
        }
        m->gain[i] += g;
        m->nc[i] += c, m->na[i] += (int)D;
    }
}

static int run_threads(const coop_model *m);

/* interaction = node: every actor with a partner chooses one action per domain
 * for the step from its first slot (a learner's propensity, the same on all its
 * slots after imitation; a fixed rule's response to the memory of that slot), then
 * the implementation error (a draw per action when noise > 0); the tie loop plays
 * it against every neighbour.  The draws come from the stream of the actor's
 * block, in actor order within the block, so the blocks can run in parallel.  An
 * actor without partners plays nothing (play_self skips it too). */
static void node_actions(coop_model *m)
{
    size_t D = m->nd;
    const double noise = m->noise;
    long nb = (long)m->n_brng;
    int nth = run_threads(m);
#pragma omp parallel for schedule(static) num_threads(nth) if (nth > 1)
    for (long b = 0; b < nb; b++) {
        size_t i0 = (size_t)b * KBLOCK, i1 = i0 + KBLOCK < m->n ? i0 + KBLOCK : m->n;
        gsl_rng *rng = m->brng[b];
        for (size_t i = i0; i < i1; i++) {
            int lo = m->row[i];
            if (m->row[i + 1] == lo)
                continue;
            const coop_strategy *st = &coop_strategies[m->rule[i]];
            const double *par = m->rpar + i * NPAR;
            for (size_t d = 0; d < D; d++) {
                double p = m->prop[(size_t)lo * D + d];
                if (st->learning == COOP_LEARN_NONE)
                    p = st->p_coop(m->mem[(size_t)lo * D + d], par, p);
                int x = coop_strategy_bernoulli(rng, p);
                if (noise > 0.0)
                    x ^= gsl_rng_uniform(rng) < noise;
                m->nact[i * D + d] = (unsigned char)x;
            }
        }
    }
}

static void do_play(coop_model *m)
{
    size_t D = m->nd;
    const double *pay_all = m->pay; /* locals: the generator calls force reloads of m->... */
    const int noisy = m->noise > 0.0, node = m->node_mode;
    if (node)
        node_actions(m);
    if (m->fr)
        free_ride_shares(m);
    for (size_t i = 0; i < m->n; i++)
        m->gain[i] = 0.0, m->nc[i] = m->na[i] = 0;
    for (size_t r = 0; r < m->cfg->n_regions; r++)
        m->coh_c[r] = m->coh_n[r] = 0.0;

    for (size_t s = 0; s < m->ns; s++)
        m->cc[s] = 0;
    for (size_t t = 0; t < m->nt; t++)
        m->mut[t] = 0;
    for (int x = 0; x < m->n_on; x++) {
        int t = m->on_list[x];
        int sa = m->tslot[2 * t], sb = m->tslot[2 * t + 1];
        int i = m->own[sa], j = m->own[sb];
        int ri = m->rule[i], rj = m->rule[j];
        const double *pari = m->rpar + (size_t)i * NPAR, *parj = m->rpar + (size_t)j * NPAR;
        int keep_i = coop_strategies[ri].learning == COOP_LEARN_NONE;
        int keep_j = coop_strategies[rj].learning == COOP_LEARN_NONE;
        int L = m->level[t];
        double mult = 1.0 + m->beta * L, pen = L > 0 ? m->gamma * L : 0.0;
        size_t ka = (size_t)sa * D, kb = (size_t)sb * D;
        double *pa = m->prop + ka, *pb = m->prop + kb;
        unsigned char *ma = m->mem + ka, *mb = m->mem + kb;
        const double *fa = m->fr ? m->fr + ka : NULL, *fb = m->fr ? m->fr + kb : NULL;
        const double *sca = m->scale + ka, *scb = m->scale + kb;
        double *va = m->lastv + ka, *vb = m->lastv + kb;
        double ga = 0.0, gb = 0.0;
        int ca = 0, cb = 0, mutual = 0;
        size_t tk = m->tb == 1 ? (size_t)t : (size_t)t / m->tb; /* the tie's stream */
        gsl_rng *tr = m->trng[tk];

        for (size_t d = 0; d < D; d++) {
            /* learners play C with their propensity; fixed rules report theirs */
            int xa, xb;
            if (node) { /* the actions chosen once for the step (node_actions) */
                xa = m->nact[(size_t)i * D + d], xb = m->nact[(size_t)j * D + d];
            } else {
                /* learners play C with their propensity; fixed rules report theirs */
                double qa = keep_i ? (pa[d] = coop_strategies[ri].p_coop(ma[d], pari, pa[d])) : pa[d];
                double qb = keep_j ? (pb[d] = coop_strategies[rj].p_coop(mb[d], parj, pb[d])) : pb[d];
                xa = coop_strategy_bernoulli(tr, qa);
                xb = coop_strategy_bernoulli(tr, qb);
                if (noisy) {
                    xa ^= noise_flip(m, tk);
                    xb ^= noise_flip(m, tk);
                }
            }
            const double *pay = pay_all + 4 * d;
            va[d] = coop_game_effective_table(pay, xa, xb, fa ? fa[d] : 0.0, mult, pen);
            vb[d] = coop_game_effective_table(pay, xb, xa, fb ? fb[d] : 0.0, mult, pen);
            ga += sca[d] * va[d];
            gb += scb[d] * vb[d];
            ma[d] = (unsigned char)coop_strategy_remember(ma[d], xa, xb);
            mb[d] = (unsigned char)coop_strategy_remember(mb[d], xb, xa);
            ca += xa, cb += xb, mutual += xa & xb;
        }
        m->cc[sa] = ca, m->cc[sb] = cb, m->mut[t] = mutual;
        m->gain[i] += ga, m->gain[j] += gb;
        m->tgain[sa] += ga, m->tgain[sb] += gb;
        m->nc[i] += ca, m->nc[j] += cb;
        m->na[i] += (int)D, m->na[j] += (int)D;
        if (m->last_on[t] <= m->last_learn)
            m->fresh[m->n_fresh++] = t;
        m->last_on[t] = m->step;
        for (size_t o = 0; o < m->no; o++) { /* observables: the new share of C */
            int c = 0, lo = m->drv_row[o], hi = m->drv_row[o + 1];
            for (int x = lo; x < hi; x++)
                c += (ma[m->drv[x]] & COOP_MEM_OWN) + (mb[m->drv[x]] & COOP_MEM_OWN);
            m->oshare[(size_t)t * m->no + o] = hi > lo ? c / (2.0 * (hi - lo)) : 0.0;
        }
        int r = m->tie_region[t];
        if (r >= 0)
            m->coh_c[r] += ca + cb, m->coh_n[r] += 2.0 * D;
    }
    if (m->self_play)
        play_self(m);
    for (size_t i = 0; i < m->n; i++)
        m->cum[i] += m->gain[i], m->acc[i] += m->gain[i];
    for (size_t r = 0; r < m->cfg->n_regions; r++)
        m->coh[r] = m->coh_n[r] > 0.0 ? m->coh_c[r] / m->coh_n[r] : 0.0;
}

/* ---------------------------------------------------------------- 4. institutions */

static void do_institutions(coop_model *m)
{
    double inv_d = 1.0 / (double)m->nd;
    int top = m->nl - 1;
    for (size_t t = 0; t < m->nt; t++) {
        /* trust <- (1-lambda)*trust + lambda*mutual on an engaged tie (mut = 0 and
         * on = 0 on an idle one, which keeps its trust), written without a branch */
        m->trust[t] += m->on[t] * m->lambda * (m->mut[t] * inv_d - m->trust[t]);
        double tr = m->trust[t];
        int L = m->level[t];
        int a = m->own[m->tslot[2 * t]], b = m->own[m->tslot[2 * t + 1]];
        if (L < top && tr >= m->theta[L + 1] && m->open[a] >= m->omega[L + 1]
            && m->open[b] >= m->omega[L + 1])
            m->up[t]++;
        else
            m->up[t] = 0;
        if (L > 0 && tr < m->theta[L] - m->hyst)
            m->down[t]++;
        else
            m->down[t] = 0;
        if (m->up[t] >= m->tau) {
            L++;
            int *mile = &m->mile[t * (size_t)m->nl + (size_t)L];
            if (*mile < 0)
                *mile = m->step;
            m->up[t] = m->down[t] = 0;
        } else if (m->down[t] >= m->tau) {
            L--;
            m->up[t] = m->down[t] = 0;
        }
        m->level[t] = L;
    }
}

/* ---------------------------------------------------------------- 5. motivator */

static void do_motivators(coop_model *m)
{
    size_t D = m->nd;
    for (int q = 0; q < m->n_mot; q++) {
        int a = m->mot[q], mt = m->mot_mt[q], tm = m->mot_tm[q];
        int lo = m->mot_row[q], hi = m->mot_row[q + 1];
        int target = m->cfg->actors[a].motivator.target;

        /* initiative: raises the target's engagement with the whole region.  A
         * forced initiative (an event on actors.NAME.motivator.initiative) comes on
         * top of the stochastic one, whose draw is made as usual so that the random
         * stream does not depend on the schedule. */
        double rate = MOT(m, a, COOP_MOT_INITIATIVE_RATE);
        int launched = rate > 0.0 && (rate >= 1.0 || gsl_rng_uniform(m->mrng) < rate);
        launched += MOT(m, a, COOP_MOT_INITIATIVE) > 0.0;
        MOT(m, a, COOP_MOT_INITIATIVE) = 0.0;
        for (int k = 0; k < launched; k++) {
            double imp = MOT(m, a, COOP_MOT_INITIATIVE_IMPACT);
            for (int x = lo; x <= hi; x++) {
                int s = x < hi ? m->mk_tk[x] : tm; /* the neighbours, then the motivator */
                if (s >= 0)
                    m->eng[s] += imp * (1.0 - m->eng[s]);
            }
            apply_budget(m, target);
        }

        /* demonstration: visible (absolute) gains from the target attract, or repel
         * in proportion to rivalry */
        double demo = MOT(m, a, COOP_MOT_DEMONSTRATION);
        if (demo > 0.0 && mt >= 0 && m->wmax > 0.0) {
            double vm = m->cap[a] * m->tgain[mt];
            for (int x = lo; x < hi; x++) {
                int kt = m->mk_kt[x], km = m->mk_km[x];
                if (kt < 0 || km < 0)
                    continue;
                double vk = m->cap[m->own[kt]] * m->tgain[kt];
                double den = fabs(vm) + fabs(vk);
                double G = den > 0.0 ? dmax(0.0, vm - vk) / den : 0.0;
                double f = demo * (m->w[km] / m->wmax) * G, r = m->rival[km];
                if (f <= 0.0)
                    continue;
                for (size_t d = 0; d < D; d++) {
                    double pm = m->prop[(size_t)mt * D + d];
                    double *pk = &m->prop[(size_t)kt * D + d];
                    double gap = dmax(0.0, pm - *pk);
                    *pk = clamp(*pk + f * ((1.0 - r) * gap - r * *pk), 0.0, 1.0);
                }
            }
        }

        /* brokerage: trust passes from the motivator's tie with the target to the
         * neighbours' ties with the target and to the motivator's regional ties */
        double brok = MOT(m, a, COOP_MOT_BROKERAGE);
        if (brok > 0.0 && mt >= 0 && m->wmax > 0.0) {
            double tr = m->trust[m->tie[mt]];
            for (int x = lo; x < hi; x++) {
                int kt = m->mk_kt[x], km = m->mk_km[x];
                if (km < 0)
                    continue;
                double inc = brok * (m->w[km] / m->wmax) * tr;
                if (kt >= 0)
                    m->trust[m->tie[kt]] = dmin(1.0, m->trust[m->tie[kt]] + inc);
                m->trust[km] = dmin(1.0, m->trust[km] + inc);
            }
        }
    }
}

/* ---------------------------------------------------------------- 6. learning */

/* Bush-Mosteller on both sides of every tie played since the last update (the
 * list `fresh`, filled by do_play), in every domain, from the last round's
 * effective payoff.  Iterating over that list rather than testing every slot
 * avoids a branch on engagement, which is random. */
static void learn_reinforce(coop_model *m)
{
    size_t D = m->nd;
    for (int x = 0; x < m->n_fresh; x++) {
        int t = m->fresh[x];
        for (int side = 0; side < 2; side++) {
            int s = m->tslot[2 * t + side], i = m->own[s];
            if (coop_strategies[m->rule[i]].learning != COOP_LEARN_REINFORCE)
                continue;
            double l = m->rpar[(size_t)i * NPAR + 1];
            const double *A = m->aspA + (size_t)i * D, *IM = m->aspIM + (size_t)i * D;
            size_t k0 = (size_t)s * D;
            for (size_t d = 0; d < D; d++) {
                size_t k = k0 + d;
                double st = (m->lastv[k] - A[d]) * IM[d]; /* clamped by the update */
                m->prop[k] = coop_strategy_bush_mosteller(m->prop[k], m->mem[k] & COOP_MEM_OWN, st, l);
            }
        }
    }
}

/* The gain of actor i since the last learning update: the node kernel's gain of
 * this step (it runs with update_every 1) or the general engine's accumulator (the
 * same number, but for the sign of a zero, which neither rule below sees). */
static inline double node_acc(const coop_model *m, int i)
{
    return m->k_on ? m->k_val[abs(m->k_key[i]) - 1] : m->acc[i];
}

/* The neighbour whose propensities actor i copies, or i itself; the draws of
 * fermi and replicator come from rng, the imitation stream of i's block. */
static int imitation_model(const coop_model *m, int i, gsl_rng *rng)
{
    int lo = m->row[i], deg = m->row[i + 1] - lo;
    if (deg == 0)
        return i;
    int rule = m->rule[i];
    if (rule == COOP_RULE_IMITATE_BEST) {
        int best = i; /* self included, kept on ties; first best neighbour otherwise */
        double top = node_acc(m, i);
        for (int s = lo; s < lo + deg; s++) {
            double a = node_acc(m, m->nbr[s]);
            if (a > top)
                best = m->nbr[s], top = a;
        }
        return best;
    }
    int j = m->nbr[lo + (deg > 1 ? (int)gsl_rng_uniform_int(rng, (unsigned long)deg) : 0)];
    double p;
    if (rule == COOP_RULE_FERMI) {
        p = coop_strategy_fermi(node_acc(m, i), node_acc(m, j), m->rpar[(size_t)i * NPAR]);
    } else {
        int degj = m->row[j + 1] - m->row[j];
        double norm = (deg > degj ? deg : degj) * (double)m->update_every * m->delta_max;
        p = coop_strategy_replicator(node_acc(m, i), node_acc(m, j), norm);
    }
    if (p >= 1.0 || (p > 0.0 && gsl_rng_uniform(rng) < p))
        return j;
    return i;
}

/* The threads of this run's own parallel loops: 1 unless the run is large and no
 * parallel region is active (experiment.c runs replicates in one). */
static int run_threads(const coop_model *m)
{
    int nth = m->k_threads > 0 ? m->k_threads : omp_get_max_threads();
    return nth > 1 && m->n >= KPAR_MIN && !omp_in_parallel() ? nth : 1;
}

static void learn_imitate(coop_model *m)
{
    size_t D = m->nd;
    for (size_t i = 0; i < m->n; i++) {
        int lo = m->row[i], hi = m->row[i + 1];
        for (size_t d = 0; d < D; d++) {
            double sum = 0.0;
            for (int s = lo; s < hi; s++)
                sum += m->prop[(size_t)s * D + d];
            m->pnode[i * D + d] = hi > lo ? sum / (hi - lo) : 0.0;
        }
    }
    long nb = (long)((m->n + KBLOCK - 1) / KBLOCK);
    int nth = run_threads(m);
#pragma omp parallel for schedule(static) num_threads(nth) if (nth > 1)
    for (long b = 0; b < nb; b++) {
        size_t lo = (size_t)b * KBLOCK, hi = lo + KBLOCK < m->n ? lo + KBLOCK : m->n;
        gsl_rng *rng = m->brng ? m->brng[b] : NULL; /* imitate_best draws nothing */
        for (size_t i = lo; i < hi; i++)
            m->model_of[i] = coop_strategies[m->rule[i]].learning == COOP_LEARN_IMITATE
                                 ? imitation_model(m, (int)i, rng)
                                 : (int)i;
    }
    for (size_t i = 0; i < m->n; i++) {
        int j = m->model_of[i];
        if (j == (int)i)
            continue;
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            for (size_t d = 0; d < D; d++)
                m->prop[(size_t)s * D + d] = m->pnode[(size_t)j * D + d];
    }
}

/* One Moran birth-death event (Moran 1958; on graphs, Lieberman, Hauert & Nowak
 * 2005): a reproducer i among the Moran actors, chosen with probability
 * proportional to its payoff since the last update (negative payoffs count as 0;
 * uniformly when all are 0), copies its propensities onto a uniformly chosen
 * neighbour j (a Moran actor too; otherwise nothing happens).  Two draws. */
static void learn_moran(coop_model *m)
{
    size_t D = m->nd;
    double total = 0.0;
    size_t n_moran = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->rule[i] == COOP_RULE_MORAN && m->row[i + 1] > m->row[i])
            total += dmax(0.0, m->acc[i]), n_moran++;
    if (n_moran == 0)
        return;
    double u = gsl_rng_uniform(m->rng), cum = 0.0;
    size_t k = total > 0.0 ? 0 : (size_t)(u * (double)n_moran), seen = 0;
    int who = -1;
    for (size_t i = 0; i < m->n && who < 0; i++) {
        if (m->rule[i] != COOP_RULE_MORAN || m->row[i + 1] == m->row[i])
            continue;
        if (total > 0.0) {
            cum += dmax(0.0, m->acc[i]) / total;
            if (u < cum)
                who = (int)i;
        } else if (seen++ == k) {
            who = (int)i;
        }
    }
    if (who < 0) { /* rounding: the last Moran actor */
        for (size_t i = m->n; i-- > 0 && who < 0;)
            if (m->rule[i] == COOP_RULE_MORAN && m->row[i + 1] > m->row[i])
                who = (int)i;
    }
    int lo = m->row[who], deg = m->row[who + 1] - lo;
    int j = m->nbr[lo + (int)gsl_rng_uniform_int(m->rng, (unsigned long)deg)];
    if (m->rule[j] != COOP_RULE_MORAN)
        return;
    const double *src = m->prop + (size_t)lo * D; /* a Moran actor plays one propensity */
    for (int s = m->row[j]; s < m->row[j + 1]; s++)
        for (size_t d = 0; d < D; d++)
            m->prop[(size_t)s * D + d] = src[d];
}

static void do_learning(coop_model *m)
{
    if (m->any_reinforce)
        learn_reinforce(m);
    m->n_fresh = 0;
    if (m->any_imitate)
        learn_imitate(m);
    if (m->any_moran)
        learn_moran(m);
    for (size_t i = 0; i < m->n; i++)
        m->acc[i] = 0.0;
    m->last_learn = m->step;
}

/* ---------------------------------------------------------------- 7. observables */

/* obs <- obs * (1 + (growth*c - decay*(1-c)) / steps_per_year), c the share of C in
 * the driving domains among the last actions on the tie (kept while it is idle). */
static void do_observables(coop_model *m)
{
    size_t no = m->no;
    double inv_spy = 1.0 / m->cfg->steps_per_year;
    for (size_t o = 0; o < no; o++) {
        if (m->drv_row[o] == m->drv_row[o + 1])
            continue;
        double g = m->growth[o], dc = m->decay[o];
        for (size_t t = 0; t < m->nt; t++) {
            double c = m->oshare[t * no + o];
            m->obs[t * no + o] *= dmax(0.0, 1.0 + (g * c - dc * (1.0 - c)) * inv_spy);
        }
    }
}

/* ---------------------------------------------------------------- 8. record */

/* The sum of x[0..n-1] in blocks of KSUB values: each block summed in order from
 * 0, then the block sums in order.  The node kernel sums its blocks four at a time
 * and in parallel and gets the same number; for n <= KSUB it is the plain sum in
 * order.  KBLOCK, the node kernel's unit of work, is a multiple of 4 KSUB. */
static double block_sum(const double *x, size_t n)
{
    double total = 0.0;
    for (size_t lo = 0; lo < n; lo += KSUB) {
        size_t hi = lo + KSUB < n ? lo + KSUB : n;
        double b = 0.0;
        for (size_t i = lo; i < hi; i++)
            b += x[i];
        total += b;
    }
    return total;
}

static void do_window(coop_model *m)
{
    if (!m->hyp || m->step < m->win_start)
        return;
    size_t D = m->nd;
    for (int x = 0; x < m->n_oth; x++) {
        int s = m->oth_kt[x];
        if (s >= 0 && m->on[m->tie[s]])
            m->win_c[x] += m->cc[s], m->win_n[x] += (double)D;
    }
    for (int x = 0; x < m->n_reg; x++)
        m->win_eng += m->eng[m->reg_tk[x]], m->win_eng_n += 1.0;
    for (int x = 0; x < m->n_intra; x++) {
        int t = m->intra[x];
        if (m->on[t]) {
            m->win_coh_c += m->cc[m->tslot[2 * t]] + m->cc[m->tslot[2 * t + 1]];
            m->win_coh_n += 2.0 * D;
        }
    }
}

/* The snapshot of this step, when rec takes one: from the node kernel's actions
 * played (k_act) or the general engine's counts of C and actions. */
static int snap_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void record_snapshot(const coop_model *m, coop_record *rec)
{
    if (!rec->snap || rec->n_snap_nodes != m->n)
        return;
    const int *hit = bsearch(&m->step, rec->snap_step, rec->n_snaps, sizeof(int), snap_cmp);
    if (!hit)
        return;
    double *out = rec->snap + (size_t)(hit - rec->snap_step) * m->n;
    for (size_t i = 0; i < m->n; i++) {
        if (m->k_on)
            out[i] = m->row[i + 1] > m->row[i] ? (double)m->k_play[i] : NAN;
        else
            out[i] = m->na[i] ? (double)m->nc[i] / m->na[i] : NAN;
    }
}

static void do_record(coop_model *m, coop_record *rec)
{
    record_snapshot(m, rec);
    size_t D = m->nd, no = m->no;
    if (rec->milestone && rec->n_ties == m->nt && rec->n_levels == (size_t)m->nl)
        memcpy(rec->milestone, m->mile, m->nt * (size_t)m->nl * sizeof(int));
    if (!rec->keep_series || m->step >= rec->n_steps)
        return;
    int per_actor = rec->n_actors == m->n, per_tie = rec->n_ties == m->nt;
    long c_all = 0, n_all = 0;
    double g_all = block_sum(m->gain, m->n);
    if (!per_actor) /* population only (a generated network) */
        for (size_t i = 0; i < m->n; i++)
            c_all += m->nc[i], n_all += m->na[i];
    double *ar = per_actor ? rec->actor + (size_t)m->step * m->n * COOP_ACTOR_METRICS : NULL;
    for (size_t i = 0; per_actor && i < m->n; i++, ar += COOP_ACTOR_METRICS) {
        int lo = m->row[i], hi = m->row[i + 1], ts = m->to_target[i];
        double e = 0.0, p = 0.0;
        for (int s = lo; s < hi; s++) {
            e += m->eng[s];
            for (size_t d = 0; d < D; d++)
                p += m->prop[(size_t)s * D + d];
        }
        ar[COOP_A_COOP_RATE] = m->na[i] ? (double)m->nc[i] / m->na[i] : NAN;
        ar[COOP_A_COOP_TARGET] = (ts >= 0 && m->on[m->tie[ts]]) ? (double)m->cc[ts] / D : NAN;
        ar[COOP_A_GAIN] = m->gain[i];
        ar[COOP_A_CUM_GAIN] = m->cum[i];
        ar[COOP_A_ENGAGEMENT] = hi > lo ? e / (hi - lo) : NAN;
        ar[COOP_A_PROPENSITY] = hi > lo ? p / ((hi - lo) * (double)D) : NAN;
        c_all += m->nc[i], n_all += m->na[i];
    }
    size_t tw = COOP_TIE_METRICS + no;
    double *tr = per_tie ? rec->tie + (size_t)m->step * m->nt * tw : NULL;
    for (size_t t = 0; per_tie && t < m->nt; t++, tr += tw) {
        tr[COOP_T_TRUST] = m->trust[t];
        tr[COOP_T_LEVEL] = m->level[t];
        tr[COOP_T_COOP_RATE] =
            m->on[t] ? (double)(m->cc[m->tslot[2 * t]] + m->cc[m->tslot[2 * t + 1]]) / (2.0 * D)
                     : NAN;
        for (size_t o = 0; o < no; o++)
            tr[COOP_TIE_METRICS + o] = m->obs[t * no + o];
    }
    double *pr = rec->pop + (size_t)m->step * COOP_POP_METRICS;
    pr[COOP_P_COOP_SHARE] = n_all ? (double)c_all / n_all : NAN;
    pr[COOP_P_MEAN_GAIN] = m->n ? g_all / m->n : NAN;
}

/* ---------------------------------------------------------------- node kernel */

/* The node kernel: a fast path for the classic node-level models (Nowak & May
 * 1992; Szabo & Toke 1998) that gives the numbers of the general engine, bit for
 * bit.  It applies when every part of the step but play and imitation is inert and
 * every intended action is pure:
 *   alloc: interaction = node, one domain, every actor imitate_best, fermi or
 *     replicator, update_every 1, no events, no observables, no free-riding lists (regions with public
 *     goods), no motivators, no hypothesis outcomes, n >= 1;
 *   init:  noise 0 unless no actor is imitate_best, engagement alpha = delta = 0, institutions beta = gamma =
 *     lambda = 0 and no level reachable at trust 0 (n_levels 1 or theta_1 > 0),
 *     every tie engaged with certainty (weight * sqrt(e_a e_b) >= 1, no attention
 *     budget binding), every propensity 0 or 1 (and the same on a node's slots),
 *     one capacity-and-goal scale on every slot and one goal for self-play, and a
 *     game whose gain from d neighbours does not depend on their order (for each
 *     own action, one of the two payoffs is +0, or both are integers below 2^31);
 *   step 0: the record (if any) holds the population only (no per-actor or
 *     per-tie series).
 * Otherwise the general engine runs.  coop_model_set_kernel(m, 0) and
 * COOPSIM_KERNEL=0 force the general engine (tests compare the two);
 * coop_model_set_kernel(m, 2) and COOPSIM_KERNEL=2 let the kernel skip the
 * cumulative gains (read only by coop_model_cum_gain, then NaN, and by per-actor
 * series, which the kernel never runs with): a read-modify-write of 16 bytes per
 * node and step, about a third of the kernel's time.
 *
 * State: one byte per node for the action to play (k_act), the next one (k_nxt)
 * and the last one played (k_old), and an int16 key per node: the rank + 1 of its
 * gain among the exact gains of a node of degree d with action x and k
 * cooperating neighbours (each computed once, at init, by the general engine's own
 * sums in its order), negated for a D node.  A step is a payoff pass (count the
 * cooperating neighbours, look the key and the gain up, add the gain to the
 * cumulative gain and the sub-block sum) and an imitation pass (copy the action
 * of the best-scoring node among the neighbours and the node itself, self kept on
 * ties, else the first best neighbour in slot order: the largest and smallest
 * neighbour keys give the best C and D neighbours, and only a tie between those
 * two needs the slot order, then the CSR is scanned).  On a periodic lattice
 * whose CSR is verified to be the Moore or von Neumann neighbourhood the
 * neighbours are found by arithmetic (a stencil, vectorised with omp simd), else
 * through the CSR.  Nothing is allocated per step.
 *
 * fermi and replicator: the imitation pass makes imitation_model's choice per
 * node with the gains read through the keys (a table of the Fermi probabilities
 * when every node has one K); with noise > 0 an error pass first draws the
 * executed actions (k_exe), which the payoff pass plays, while imitation copies
 * the intended ones (k_act), as the general engine copies propensities.
 *
 * Threads (docs/ODD.md, "Node kernel"): the passes run over fixed
 * blocks of KBLOCK nodes; imitate_best draws nothing, the errors and fermi and
 * replicator draw from the block's stream in node order, and the population's
 * gain is summed per sub-block of KSUB nodes and then in sub-block order, exactly
 * as block_sum does in the general engine, so the numbers depend neither on the
 * thread count nor on the path.  Threads are
 * used only for runs of at least KPAR_MIN nodes and never inside an active
 * parallel region (the replicate-level threads of experiment.c), so the two
 * levels never oversubscribe the cores. */

static int kernel_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Whether node i's CSR neighbours are the periodic (Moore or von Neumann)
 * neighbourhood of (i / L, i % L), each once. */
static int lattice_node_ok(const coop_model *m, int L, int moore, int i)
{
    static const int dr[8] = {0, 1, 0, -1, 1, 1, -1, -1}, dc[8] = {1, 0, -1, 0, 1, -1, 1, -1};
    int r = i / L, c = i % L, k = moore ? 8 : 4, seen = 0;
    if (m->row[i + 1] - m->row[i] != k)
        return 0;
    for (int s = m->row[i]; s < m->row[i + 1]; s++) {
        int j = m->nbr[s], hit = -1;
        for (int q = 0; q < k && hit < 0; q++)
            if (j == ((r + dr[q] + L) % L) * L + (c + dc[q] + L) % L)
                hit = q;
        if (hit < 0 || (seen >> hit & 1))
            return 0;
        seen |= 1 << hit;
    }
    return 1;
}

#define KFTAB 128 /* the largest number of distinct gains with a table of fermi probabilities */

static void kernel_alloc(coop_model *m, const coop_config *cfg, int *fail)
{
    const char *env = getenv("COOPSIM_KERNEL");
    m->k_forbid = env && strcmp(env, "0") == 0;
    m->k_allow = !env || strcmp(env, "2") != 0 ? !m->k_forbid : 2;
    int able = m->node_mode && m->nd == 1 && m->n >= 1 && cfg->n_events == 0 && m->no == 0
               && !m->fr && m->n_mot == 0 && !m->hyp && cfg->update_every <= 1;
    for (size_t i = 0; able && i < m->n; i++) {
        int r = cfg->actors[i].rule;
        able = r == COOP_RULE_IMITATE_BEST || r == COOP_RULE_FERMI || r == COOP_RULE_REPLICATOR;
    }
    if (!able)
        return;
    m->k_draw = m->draw_rules; /* not brng: every node-mode run has block streams */
    int one_fermi = 1;
    for (size_t i = 0; one_fermi && i < m->n; i++)
        one_fermi = cfg->actors[i].rule == COOP_RULE_FERMI
                    && cfg->actors[i].rule_param[0] == cfg->actors[0].rule_param[0];
    if (one_fermi)
        m->k_ftab = zalloc(KFTAB * KFTAB, sizeof(double), fail);
    int best = 0; /* imitate_best copies the best *played* action: no errors in the kernel */
    for (size_t i = 0; i < m->n; i++)
        best |= cfg->actors[i].rule == COOP_RULE_IMITATE_BEST;
    if (m->k_draw && !best)
        m->k_ebuf = m->k_exe = zalloc(m->n, 1, fail);
    size_t n = m->n;
    int maxdeg = 0;
    for (size_t i = 0; i < n; i++)
        maxdeg = dmax(maxdeg, m->row[i + 1] - m->row[i]);
    m->k_maxdeg = maxdeg;
    m->k_off = zalloc((size_t)maxdeg + 1, sizeof(int), fail);
    if (*fail)
        return;
    for (int d = 0; d <= maxdeg; d++)
        m->k_off[d] = -1;
    size_t tab = 0;
    for (size_t i = 0; i < n; i++) {
        int d = m->row[i + 1] - m->row[i];
        if (m->k_off[d] < 0)
            m->k_off[d] = (int)tab, tab += 2 * ((size_t)d + 1);
    }
    m->k_nb = (n + KBLOCK - 1) / KBLOCK;
    m->k_buf = zalloc(3 * n, 1, fail);
    m->k_key = zalloc(n, sizeof(int16_t), fail);
    m->k_ckey = zalloc(18, sizeof(int16_t), fail);
    m->k_cval = zalloc(18, sizeof(double), fail);
    m->k_ssum = zalloc((n + KSUB - 1) / KSUB, sizeof(double), fail);
    m->k_val = zalloc(tab, sizeof(double), fail);
    m->k_tab = zalloc(tab, sizeof(uint16_t), fail);
    m->k_bc = zalloc(m->k_nb, sizeof(long), fail);
    m->k_bn = zalloc(m->k_nb, sizeof(long), fail);
    if (*fail)
        return;
    m->k_able = 1;
    /* a verified periodic lattice: neighbours by arithmetic */
    int L = (int)lround(sqrt((double)n));
    if (L >= 3 && (size_t)L * (size_t)L == n && (maxdeg == 8 || maxdeg == 4)) {
        int ok = 1;
        for (size_t i = 0; ok && i < n; i++)
            ok = lattice_node_ok(m, L, maxdeg == 8, (int)i);
        if (ok)
            m->k_lat = L, m->k_moore = maxdeg == 8;
    }
}

/* Whether a fold of d values, each a or c, is independent of their order. */
static int order_free(double a, double c)
{
    double lim = 2147483648.0;
    if ((a == 0.0 && !signbit(a)) || (c == 0.0 && !signbit(c)) || a == c)
        return 1;
    return a == floor(a) && c == floor(c) && fabs(a) < lim && fabs(c) < lim;
}

/* The state checks of init; builds the gain table.  Sets k_ready. */
static void kernel_init(coop_model *m)
{
    m->k_ready = 0, m->k_on = 0;
    if (!m->k_able || !m->k_allow)
        return;
    if ((m->noise != 0.0 && !m->k_ebuf) || m->alpha != 0.0 || m->delta != 0.0 || m->beta != 0.0
        || m->gamma != 0.0 || m->lambda != 0.0 || (m->nl > 1 && !(m->theta[1] > 0.0)))
        return;
    size_t n = m->n;
    for (size_t t = 0; t < m->nt; t++)
        if (!(m->w[t] * sqrt(m->eng[m->tslot[2 * t]] * m->eng[m->tslot[2 * t + 1]]) >= 1.0))
            return;
    double S0 = m->ns ? m->scale[0] : 1.0, G0 = m->goal[0];
    for (size_t i = 0; i < n; i++) {
        int lo = m->row[i], hi = m->row[i + 1];
        double sum = 0.0;
        for (int s = lo; s < hi; s++) {
            sum += m->eng[s];
            if (m->scale[s] != S0 || m->prop[s] != m->prop[lo])
                return;
        }
        if (sum > m->attn[i] || m->goal[i] != G0)
            return;
        if (hi > lo && m->prop[lo] != 0.0 && m->prop[lo] != 1.0)
            return;
    }
    const double *pay = m->pay;
    double v[2][2]; /* the general engine's ga for own action x and partner action y */
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 2; y++)
            v[x][y] = 0.0 + S0 * coop_game_effective_table(pay, x, y, 0.0, 1.0 + m->beta * 0,
                                                            0.0);
    if (!order_free(v[0][0], v[0][1]) || !order_free(v[1][0], v[1][1]))
        return;
    /* the table: degree d, action x, k cooperating neighbours (C neighbours first;
     * the order does not matter, checked above), then self-play as play_self adds */
    size_t tab = 0;
    for (int d = 0; d <= m->k_maxdeg; d++) {
        if (m->k_off[d] < 0)
            continue;
        for (int x = 0; x < 2; x++)
            for (int k = 0; k <= d; k++) {
                double g = 0.0;
                for (int q = 0; q < d; q++)
                    g += v[x][q < k];
                if (m->self_play && d > 0)
                    g += 0.0 + G0 * pay[3 * x];
                m->k_val[m->k_off[d] + x * (d + 1) + k] = g;
            }
        tab += 2 * ((size_t)d + 1);
    }
    for (size_t q = 0; q < tab; q++)
        if (!isfinite(m->k_val[q]))
            return;
    double *vals = malloc((tab ? tab : 1) * sizeof *vals);
    if (!vals)
        return;
    memcpy(vals, m->k_val, tab * sizeof *vals);
    qsort(vals, tab, sizeof *vals, kernel_cmp);
    size_t u = 0;
    for (size_t q = 0; q < tab; q++)
        if (u == 0 || vals[q] != vals[u - 1])
            vals[u++] = vals[q];
    for (size_t q = 0; q < tab; q++) {
        const double *hit = bsearch(&m->k_val[q], vals, u, sizeof *vals, kernel_cmp);
        m->k_tab[q] = (uint16_t)(hit - vals);
    }
    memcpy(m->k_val, vals, u * sizeof *vals);
    free(vals);
    m->k_nval = (int)u;
    if (u >= 32000) /* keys are int16 */
        return;
    if (m->k_ftab && u <= KFTAB) /* the general engine's numbers, computed once */
        for (size_t a = 0; a < u; a++)
            for (size_t c = 0; c < u; c++)
                m->k_ftab[a * u + c] = coop_strategy_fermi(m->k_val[a], m->k_val[c], m->rpar[0]);
    if (m->k_lat) {
        int d = m->k_moore ? 8 : 4;
        for (int x = 0; x < 2; x++)
            for (int k = 0; k <= d; k++) {
                int code = x * (d + 1) + k, rk = m->k_tab[m->k_off[d] + code];
                m->k_ckey[code] = (int16_t)(x ? rk + 1 : -(rk + 1));
                m->k_cval[code] = m->k_val[rk];
            }
    }
    m->k_act = m->k_buf, m->k_nxt = m->k_buf + n, m->k_old = m->k_buf + 2 * n;
    m->k_exe = m->k_ebuf, m->k_play = m->k_act;
    for (size_t i = 0; i < n; i++) {
        int lo = m->row[i];
        m->k_act[i] = m->row[i + 1] > lo ? (unsigned char)(m->prop[lo] >= 1.0) : 0;
        m->k_nxt[i] = m->k_old[i] = 0;
    }
    m->k_ready = 1;
}

/* Node (r, col) of the lattice in the payoff pass, with the wrap-around: its
 * code x (d + 1) + k (action x, k cooperating neighbours). */
static inline void lat_code1(coop_model *m, size_t r, size_t col)
{
    size_t L = (size_t)m->k_lat, cl = col ? col - 1 : L - 1, cr = col + 1 < L ? col + 1 : 0;
    int d = m->k_moore ? 8 : 4;
    const unsigned char *a = m->k_play, *up = a + ((r + L - 1) % L) * L, *mid = a + r * L,
                        *dn = a + ((r + 1) % L) * L;
    int k = mid[cl] + mid[cr] + up[col] + dn[col];
    if (d == 8)
        k += up[cl] + up[cr] + dn[cl] + dn[cr];
    m->k_nxt[r * L + col] = (unsigned char)(mid[col] * (d + 1) + k);
}

/* The codes of row r, columns c0 .. c1-1, into k_nxt (free until the imitation
 * pass); interior columns vectorised, 16 nodes per SSE2 instruction. */
static void lat_codes(coop_model *m, size_t r, size_t c0, size_t c1)
{
    size_t L = (size_t)m->k_lat;
    const unsigned char *a = m->k_play, *up = a + ((r + L - 1) % L) * L, *mid = a + r * L,
                        *dn = a + ((r + 1) % L) * L;
    unsigned char *code = m->k_nxt + r * L;
    if (c0 == 0)
        lat_code1(m, r, 0), c0 = 1;
    size_t e = c1 < L - 1 ? c1 : L - 1;
    if (m->k_moore) {
#pragma omp simd
        for (size_t c = c0; c < e; c++)
            code[c] = (unsigned char)(mid[c] * 9 + mid[c - 1] + mid[c + 1] + up[c - 1] + up[c]
                                      + up[c + 1] + dn[c - 1] + dn[c] + dn[c + 1]);
    } else {
#pragma omp simd
        for (size_t c = c0; c < e; c++)
            code[c] = (unsigned char)(mid[c] * 5 + mid[c - 1] + mid[c + 1] + up[c] + dn[c]);
    }
    if (c1 == L)
        lat_code1(m, r, L - 1);
}

static void kernel_sums(coop_model *m, size_t lo, size_t hi, const unsigned char *code,
                        const int16_t *ckey, const double *val);

/* Payoff pass over block b: the keys (rank of the gain + 1, negative for a D
 * node), the cumulative gains, the sums of the gains per sub-block of KSUB nodes
 * (four sub-blocks at a time: four independent chains of additions) and the counts
 * of C and actions. */
static void kernel_pay(coop_model *m, size_t b)
{
    size_t lo = b * KBLOCK, hi = lo + KBLOCK < m->n ? lo + KBLOCK : m->n;
    const unsigned char *a = m->k_play;
    int16_t *key = m->k_key;
    int self = m->self_play;
    long c = 0, na = 0;
    if (m->k_lat) {
        size_t L = (size_t)m->k_lat;
        int d = m->k_moore ? 8 : 4;
        for (size_t i = lo; i < hi;) { /* row segments */
            size_t r = i / L, end = (r + 1) * L < hi ? (r + 1) * L : hi;
            lat_codes(m, r, i - r * L, end - r * L);
            i = end;
        }
#pragma omp simd reduction(+ : c)
        for (size_t i = lo; i < hi; i++)
            c += a[i];
        c *= d + self, na = (long)(hi - lo) * (d + self);
    } else {
        for (size_t i = lo; i < hi; i++) {
            int s0 = m->row[i], s1 = m->row[i + 1], d = s1 - s0, k = 0, x = a[i];
            if (d == 0) { /* plays nothing: gain 0 (the table's entry for d = 0) */
                key[i] = (int16_t)(m->k_tab[m->k_off[0]] + 1);
                continue;
            }
            for (int s = s0; s < s1; s++)
                k += a[m->nbr[s]];
            int v = m->k_tab[m->k_off[d] + x * (d + 1) + k] + 1;
            key[i] = (int16_t)(x ? v : -v);
            c += (long)x * (d + self), na += d + self;
        }
    }
    m->k_bc[b] = c, m->k_bn[b] = na;
    if (m->k_lat)
        kernel_sums(m, lo, hi, m->k_nxt, m->k_ckey, m->k_cval);
    else
        kernel_sums(m, lo, hi, NULL, NULL, m->k_val);
}

/* The gains of nodes lo .. hi-1 into the cumulative gains and the sums per
 * sub-block, four sub-blocks at a time (four independent chains of additions).
 * With code: node q's key and gain are ckey[code[q]], val[code[q]] (the lattice);
 * without: its key is set and its gain is val[|key| - 1]. */
static void kernel_sums(coop_model *m, size_t lo, size_t hi, const unsigned char *code,
                        const int16_t *ckey, const double *val)
{
    int16_t *key = m->k_key;
    double *cum = m->cum;
#define KSUMS(GAIN, CUM)                                                                 \
    for (size_t s = lo; s < hi; s += 4 * KSUB) {                                         \
        if (s + 4 * KSUB <= hi) {                                                        \
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;                               \
            for (size_t q = s; q < s + KSUB; q++) {                                      \
                double g0 = GAIN(q), g1 = GAIN(q + KSUB);                                \
                double g2 = GAIN(q + 2 * KSUB), g3 = GAIN(q + 3 * KSUB);                 \
                s0 += g0, s1 += g1, s2 += g2, s3 += g3;                                  \
                CUM(q, g0), CUM(q + KSUB, g1), CUM(q + 2 * KSUB, g2);                    \
                CUM(q + 3 * KSUB, g3);                                                   \
            }                                                                            \
            double *out = m->k_ssum + s / KSUB;                                          \
            out[0] = s0, out[1] = s1, out[2] = s2, out[3] = s3;                          \
        } else {                                                                         \
            for (size_t u = s; u < hi; u += KSUB) {                                      \
                size_t e = u + KSUB < hi ? u + KSUB : hi;                                \
                double sum = 0.0;                                                        \
                for (size_t q = u; q < e; q++) {                                         \
                    double g = GAIN(q);                                                  \
                    sum += g;                                                            \
                    CUM(q, g);                                                           \
                }                                                                        \
                m->k_ssum[u / KSUB] = sum;                                               \
            }                                                                            \
        }                                                                                \
    }
#define KGAIN_CODE(q) (key[q] = ckey[code[q]], val[code[q]])
#define KGAIN_KEY(q) (val[abs(key[q]) - 1])
#define KCUM(q, g) (cum[q] += (g))
#define KNOCUM(q, g) (void)(g)
    int keep = m->k_allow != 2;
    if (code && keep) {
        KSUMS(KGAIN_CODE, KCUM)
    } else if (code) {
        KSUMS(KGAIN_CODE, KNOCUM)
    } else if (keep) {
        KSUMS(KGAIN_KEY, KCUM)
    } else {
        KSUMS(KGAIN_KEY, KNOCUM)
    }
#undef KSUMS
#undef KGAIN_CODE
#undef KGAIN_KEY
#undef KCUM
#undef KNOCUM
}

/* The first best of node i's neighbours in slot order, self kept on ties: for a
 * tie between a C and a D neighbour. */
static unsigned char kernel_tie(const coop_model *m, size_t i)
{
    int best = (int)i, kb = abs(m->k_key[i]);
    for (int s = m->row[i]; s < m->row[i + 1]; s++) {
        int j = m->nbr[s], kj = abs(m->k_key[j]);
        if (kj > kb)
            best = j, kb = kj;
    }
    return m->k_act[best];
}

/* imitate_best from the largest key hi and the smallest lo over the neighbours:
 * the best C neighbour has key max(hi, 0), the best D one max(-lo, 0); the node
 * keeps its action unless one of them scored more.  Sets *tie when the best C and
 * D neighbours scored the same (the slot order decides: kernel_tie).  In int16
 * arithmetic, which SSE2 vectorises 8 nodes at a time. */
static inline int16_t smax(int16_t a, int16_t b)
{
    return a > b ? a : b;
}

static inline int16_t smin(int16_t a, int16_t b)
{
    return a < b ? a : b;
}

static inline unsigned char imitate1(int16_t hi, int16_t lo, int16_t own, unsigned char x, int *tie)
{
    int16_t mc = smax(hi, 0), md = smax((int16_t)-lo, 0), top = smax(mc, md);
    own = smax(own, (int16_t)-own);
    *tie |= top > own && mc == md;
    return top <= own ? x : (unsigned char)(mc > md);
}

/* The next actions of row r, columns c0 .. c1-1 (interior columns vectorised). */
static void lat_next(coop_model *m, size_t r, size_t c0, size_t c1)
{
    size_t L = (size_t)m->k_lat;
    int moore = m->k_moore, tie = 0;
    const int16_t *k = m->k_key, *up = k + ((r + L - 1) % L) * L, *mid = k + r * L,
                  *dn = k + ((r + 1) % L) * L;
    const unsigned char *a = m->k_act + r * L;
    unsigned char *nxt = m->k_nxt + r * L;
    for (size_t c = c0; c < c1; c++) { /* the wrap-around columns */
        if (c > 0 && c < L - 1) {
            c = c1 < L - 1 ? c1 - 1 : L - 2;
            continue;
        }
        size_t cl = c ? c - 1 : L - 1, cr = c + 1 < L ? c + 1 : 0;
        int16_t hi = smax(smax(mid[cl], mid[cr]), smax(up[c], dn[c]));
        int16_t lo = smin(smin(mid[cl], mid[cr]), smin(up[c], dn[c]));
        if (moore) {
            hi = smax(hi, smax(smax(up[cl], up[cr]), smax(dn[cl], dn[cr])));
            lo = smin(lo, smin(smin(up[cl], up[cr]), smin(dn[cl], dn[cr])));
        }
        nxt[c] = imitate1(hi, lo, mid[c], a[c], &tie);
    }
    size_t s = c0 ? c0 : 1, e = c1 < L - 1 ? c1 : L - 1;
    if (moore) {
#pragma omp simd reduction(| : tie)
        for (size_t c = s; c < e; c++) {
            int16_t hi = smax(smax(smax(mid[c - 1], mid[c + 1]), smax(up[c], dn[c])),
                              smax(smax(up[c - 1], up[c + 1]), smax(dn[c - 1], dn[c + 1])));
            int16_t lo = smin(smin(smin(mid[c - 1], mid[c + 1]), smin(up[c], dn[c])),
                              smin(smin(up[c - 1], up[c + 1]), smin(dn[c - 1], dn[c + 1])));
            nxt[c] = imitate1(hi, lo, mid[c], a[c], &tie);
        }
    } else {
#pragma omp simd reduction(| : tie)
        for (size_t c = s; c < e; c++) {
            int16_t hi = smax(smax(mid[c - 1], mid[c + 1]), smax(up[c], dn[c]));
            int16_t lo = smin(smin(mid[c - 1], mid[c + 1]), smin(up[c], dn[c]));
            nxt[c] = imitate1(hi, lo, mid[c], a[c], &tie);
        }
    }
    if (tie) /* rare: redo the ties in slot order */
        for (size_t c = c0; c < c1; c++) {
            size_t i = r * L + c;
            int16_t hi = 0, lo = 0;
            int t = 0;
            for (int q = m->row[i]; q < m->row[i + 1]; q++)
                hi = smax(hi, k[m->nbr[q]]), lo = smin(lo, k[m->nbr[q]]);
            imitate1(hi, lo, k[i], a[c], &t);
            if (t)
                nxt[c] = kernel_tie(m, i);
        }
}

/* fermi with one K on every node: imitation_model's draws and decisions, with the
 * probabilities looked up in the table kernel_init computed. */
static void kernel_fermi(coop_model *m, size_t lo, size_t hi, gsl_rng *rng)
{
    const int16_t *key = m->k_key;
    const unsigned char *act = m->k_act;
    const double *tab = m->k_ftab;
    size_t nv = (size_t)m->k_nval;
    for (size_t i = lo; i < hi; i++) {
        int s0 = m->row[i], deg = m->row[i + 1] - s0;
        unsigned char x = act[i];
        if (deg > 0) {
            int j = m->nbr[s0 + (deg > 1 ? (int)gsl_rng_uniform_int(rng, (unsigned long)deg) : 0)];
            double p = tab[(size_t)(abs(key[i]) - 1) * nv + (size_t)(abs(key[j]) - 1)];
            if (p >= 1.0 || (p > 0.0 && gsl_rng_uniform(rng) < p))
                x = act[j];
        }
        m->k_nxt[i] = x;
    }
}

/* Imitation pass over block b: the next actions. */
static void kernel_imitate(coop_model *m, size_t b)
{
    size_t lo = b * KBLOCK, hi = lo + KBLOCK < m->n ? lo + KBLOCK : m->n;
    if (m->k_draw && m->k_ftab && m->k_nval <= KFTAB) {
        kernel_fermi(m, lo, hi, m->brng[b]);
        return;
    }
    if (m->k_draw) { /* the general engine's choice, from the block's stream */
        for (size_t i = lo; i < hi; i++)
            m->k_nxt[i] = m->k_act[imitation_model(m, (int)i, m->brng[b])];
        return;
    }
    if (m->k_lat) {
        size_t L = (size_t)m->k_lat;
        for (size_t i = lo; i < hi;) {
            size_t r = i / L, end = (r + 1) * L < hi ? (r + 1) * L : hi;
            lat_next(m, r, i - r * L, end - r * L);
            i = end;
        }
        return;
    }
    const int16_t *k = m->k_key;
    for (size_t i = lo; i < hi; i++) {
        int16_t h = 0, l = 0;
        int tie = 0;
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            h = smax(h, k[m->nbr[s]]), l = smin(l, k[m->nbr[s]]);
        m->k_nxt[i] = imitate1(h, l, k[i], m->k_act[i], &tie);
        if (tie)
            m->k_nxt[i] = kernel_tie(m, i);
    }
}

/* Implementation errors of block b (node_actions' draws: one per node with a
 * partner, from the block's stream, before its imitation draws). */
static void kernel_errors(coop_model *m, size_t b)
{
    size_t lo = b * KBLOCK, hi = lo + KBLOCK < m->n ? lo + KBLOCK : m->n;
    gsl_rng *rng = m->brng[b];
    double noise = m->noise;
    for (size_t i = lo; i < hi; i++) {
        unsigned char x = m->k_act[i];
        if (m->row[i + 1] > m->row[i])
            x ^= (unsigned char)(gsl_rng_uniform(rng) < noise);
        m->k_exe[i] = x;
    }
}

static void kernel_step(coop_model *m, coop_record *rec)
{
    long nb = (long)m->k_nb;
    int nth = run_threads(m), noisy = m->noise > 0.0;
    m->k_play = noisy ? m->k_exe : m->k_act;
#pragma omp parallel num_threads(nth) if (nth > 1)
    {
        if (noisy) {
#pragma omp for schedule(static)
            for (long b = 0; b < nb; b++)
                kernel_errors(m, (size_t)b);
        }
#pragma omp for schedule(static)
        for (long b = 0; b < nb; b++)
            kernel_pay(m, (size_t)b);
#pragma omp for schedule(static)
        for (long b = 0; b < nb; b++)
            kernel_imitate(m, (size_t)b);
    }
    if (rec)
        record_snapshot(m, rec); /* k_play: the actions played in this step */
    unsigned char *t = m->k_old;
    if (noisy) /* the executed actions become the last played */
        m->k_old = m->k_exe, m->k_exe = t, t = m->k_act;
    else
        m->k_old = m->k_act;
    m->k_act = m->k_nxt, m->k_nxt = t;
    if (rec) {
        if (rec->milestone && rec->n_ties == m->nt && rec->n_levels == (size_t)m->nl)
            memcpy(rec->milestone, m->mile, m->nt * (size_t)m->nl * sizeof(int));
        if (rec->keep_series && m->step < rec->n_steps) {
            long c_all = 0, n_all = 0;
            double g_all = 0.0;
            for (long b = 0; b < nb; b++)
                c_all += m->k_bc[b], n_all += m->k_bn[b];
            for (size_t u = 0; u < (m->n + KSUB - 1) / KSUB; u++)
                g_all += m->k_ssum[u];
            double *pr = rec->pop + (size_t)m->step * COOP_POP_METRICS;
            pr[COOP_P_COOP_SHARE] = n_all ? (double)c_all / n_all : NAN;
            pr[COOP_P_MEAN_GAIN] = g_all / m->n;
        }
    }
    m->step++;
}

void coop_model_set_kernel(coop_model *m, int allow)
{
    /* from the next coop_model_init; COOPSIM_KERNEL=0 wins (tests and make bench
     * compare the paths through build/coopsim, which asks for the kernel) */
    m->k_allow = m->k_forbid ? 0 : allow == 2 ? 2 : allow != 0;
}

void coop_model_set_threads(coop_model *m, int threads)
{
    m->k_threads = threads > 0 ? threads : 0;
}

int coop_model_kernel_on(const coop_model *m)
{
    return m->k_on;
}

/* ---------------------------------------------------------------- step and run */

void coop_model_step(coop_model *m, coop_record *rec)
{
    if (m->step == 0)
        m->k_on = m->k_ready && (!rec || (rec->n_actors == 0 && rec->n_ties == 0));
    if (m->k_on) {
        kernel_step(m, rec);
        return;
    }
    do_events(m);
    do_engagement(m);
    do_play(m);
    do_institutions(m);
    do_motivators(m);
    if ((m->step + 1) % m->update_every == 0)
        do_learning(m);
    do_observables(m);
    do_window(m);
    if (rec)
        do_record(m, rec);
    m->step++;
}

void coop_model_outcomes(const coop_model *m, double out[COOP_N_OUTCOMES])
{
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        out[k] = NAN;
    if (!m->hyp)
        return;
    const coop_config *cfg = m->cfg;
    double spy = cfg->steps_per_year, horizon = cfg->n_steps / spy;
    int top = m->nl - 1;
    double sum_rate = 0.0, sum_level = 0.0, sum_years = 0.0;
    int n_rate = 0, n_tie = 0, n_cens = 0;
    for (int x = 0; x < m->n_oth; x++) {
        if (m->win_n[x] > 0.0)
            sum_rate += m->win_c[x] / m->win_n[x], n_rate++;
        int s = m->oth_kt[x];
        if (s < 0)
            continue;
        int t = m->tie[s], first = m->mile[(size_t)t * (size_t)m->nl + (size_t)top];
        n_tie++;
        sum_level += m->level[t];
        if (first >= 0)
            sum_years += first / spy;
        else
            sum_years += horizon, n_cens++;
    }
    if (n_rate)
        out[COOP_O_OTHERS_COOP_TARGET] = sum_rate / n_rate;
    if (m->win_eng_n > 0.0)
        out[COOP_O_TARGET_ENGAGEMENT] = m->win_eng / m->win_eng_n;
    if (n_tie) {
        out[COOP_O_OTHERS_LEVEL] = sum_level / n_tie;
        out[COOP_O_YEARS_TO_ENHANCED] = sum_years / n_tie;
        out[COOP_O_CENSORED_SHARE] = (double)n_cens / n_tie;
    }
    if (m->win_coh_n > 0.0)
        out[COOP_O_REGIONAL_COHESION] = m->win_coh_c / m->win_coh_n;
}

void coop_model_run(coop_model *m, uint64_t seed, coop_record *rec)
{
    coop_model_init(m, seed);
    for (int s = 0; s < m->cfg->n_steps; s++)
        coop_model_step(m, rec);
    if (rec)
        coop_model_outcomes(m, rec->outcome);
}

int coop_model_steps_done(const coop_model *m)
{
    return m->step;
}

/* ---------------------------------------------------------------- inspection */

double coop_model_trust(const coop_model *m, size_t tie)
{
    return m->trust[tie];
}

int coop_model_level(const coop_model *m, size_t tie)
{
    return m->level[tie];
}

double coop_model_engagement(const coop_model *m, int a, int b)
{
    int s = find_slot(m, a, b);
    return s >= 0 ? m->eng[s] : NAN;
}

double coop_model_propensity(const coop_model *m, int a, int b, size_t domain)
{
    int s = find_slot(m, a, b);
    if (s >= 0 && m->k_on) /* the node kernel keeps one action per node */
        return m->k_act[a];
    return s >= 0 ? m->prop[(size_t)s * m->nd + domain] : NAN;
}

int coop_model_last_action(const coop_model *m, int a, int b, size_t domain)
{
    int s = find_slot(m, a, b);
    if (s >= 0 && m->k_on)
        return m->step > 0 ? m->k_old[a] : -1;
    if (s < 0 || !(m->mem[(size_t)s * m->nd + domain] & COOP_MEM_ONE))
        return -1;
    return (m->mem[(size_t)s * m->nd + domain] & COOP_MEM_OWN) ? COOP_C : COOP_D;
}

double coop_model_cum_gain(const coop_model *m, int actor)
{
    if (m->k_on && m->k_allow == 2) /* the kernel without cumulative gains */
        return NAN;
    return m->cum[actor];
}

double coop_model_observable(const coop_model *m, size_t tie, size_t obs)
{
    return m->obs[tie * m->no + obs];
}

double coop_model_parameter(const coop_model *m, coop_param_ref ref)
{
    size_t D = m->nd;
    int i = ref.index, sub = ref.sub;
    if (!valid_ref(m, &ref))
        return NAN;
    switch (ref.field) {
    case COOP_F_NOISE: return m->noise;
    case COOP_F_ENG_ALPHA: return m->alpha;
    case COOP_F_ENG_DELTA: return m->delta;
    case COOP_F_INST_THETA: return m->theta[sub];
    case COOP_F_INST_OMEGA: return m->omega[sub];
    case COOP_F_INST_HYSTERESIS: return m->hyst;
    case COOP_F_INST_BETA: return m->beta;
    case COOP_F_INST_GAMMA: return m->gamma;
    case COOP_F_INST_LAMBDA: return m->lambda;
    case COOP_F_DOMAIN_R: return m->game[i].R;
    case COOP_F_DOMAIN_S: return m->game[i].S;
    case COOP_F_DOMAIN_T: return m->game[i].T;
    case COOP_F_DOMAIN_P: return m->game[i].P;
    case COOP_F_DOMAIN_B: return m->db[i];
    case COOP_F_DOMAIN_C: return m->dc[i];
    case COOP_F_DOMAIN_PUBLIC_GOOD: return m->pg[i];
    case COOP_F_ACTOR_CAPACITY: return m->cap[i];
    case COOP_F_ACTOR_OPENNESS: return m->open[i];
    case COOP_F_ACTOR_ATTENTION: return m->attn[i];
    case COOP_F_ACTOR_GOAL: return m->goal[(size_t)i * D + (size_t)sub];
    case COOP_F_ACTOR_RULE_PARAM: return m->rpar[(size_t)i * NPAR + (size_t)sub];
#define COOP_X_(key, FIELD, strength, doc) case COOP_F_MOT_##FIELD:
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
        return MOT(m, i, coop_motivator_channel(ref.field));
    case COOP_F_TIE_WEIGHT: return m->w[i];
    case COOP_F_TIE_RIVALRY: return m->rival[i];
    case COOP_F_TIE_OBS: return m->obs[(size_t)i * m->no + (size_t)sub];
    case COOP_F_OBS_GROWTH: return m->growth[i];
    case COOP_F_OBS_DECAY: return m->decay[i];
    default: return NAN; /* per-slot state: see coop_model_propensity/engagement */
    }
}
