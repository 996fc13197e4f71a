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
 * coop_model_alloc (model_alloc.c); coop_model_init and coop_model_step allocate
 * nothing.  The struct is defined in model_internal.h, which model.c, model_alloc.c,
 * play_node.c (node mode's play, step 4), learning.c (step 6) and kernel.c share.
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
 * automatically and giving the same numbers bit for bit (kernel.c, docs/ODD.md). */
/* GSL's inline versions of gsl_rng_uniform and friends (GSL manual, "Inline
 * functions"): the same generator calls, one function call less per draw. */
#define HAVE_INLINE 1

#include "model_internal.h"

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

const char *const coop_outcome_names[COOP_N_OUTCOMES] = {
    "others_coop_target", "target_engagement", "others_level",
    "rmst_enhanced",      "engaged_share",     "regional_cohesion",
};
const char *const coop_actor_metric_names[COOP_ACTOR_METRICS] = {
    "coop_rate", "coop_target", "gain", "cum_gain", "engagement", "propensity",
};
const char *const coop_tie_metric_names[COOP_TIE_METRICS] = {"trust", "level", "coop_rate"};
const char *const coop_pop_metric_names[COOP_POP_METRICS] = {"coop_share", "mean_gain"};

/* Channel c (coop_mot_channel) of actor a's motivator role. */
#define MOT(m, a, c) ((m)->mch[(size_t)(a) * COOP_N_MOT + (size_t)(c)])

/* ---------------------------------------------------------------- helpers */


static double apply_op(coop_op op, double x, double v)
{
    switch (op) {
    case COOP_OP_ADD: return x + v;
    case COOP_OP_MUL: return x * v;
    default: return v;
    }
}

/* ---------------------------------------------------------------- actor fields */

/* Where the engine keeps an actor field (COOP_ACTOR_FIELDS): its array, how many
 * values each of the actor's slots has there (0: one value per actor, v[i]), and
 * the bound of an event's result. */
typedef struct actor_field {
    double *v;
    size_t per_slot;
    coop_actor_bound bound;
} actor_field;

static size_t values_per_slot(const coop_model *m, coop_actor_per per)
{
    return per == COOP_PER_SLOT ? 1 : per == COOP_PER_SLOT_DOMAIN ? m->nd : 0;
}

/* Field f (a COOP_F_ACTOR_ value of COOP_ACTOR_FIELDS; v NULL for another). */
static actor_field actor_field_of(const coop_model *m, coop_field f)
{
    switch (f) {
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc)                          \
    case COOP_F_ACTOR_##FIELD:                                                            \
        return (actor_field){m->array, values_per_slot(m, COOP_PER_##per), COOP_BOUND_##bound};
        COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
    default: return (actor_field){NULL, 0, COOP_BOUND_UNIT};
    }
}

/* Actor a's configured value of field f (a COOP_F_ACTOR_ value; NaN for another):
 * what the engine's arrays start at, read where the node kernel runs without them. */
static double actor_cfg_field(const coop_actor_cfg *a, coop_field f)
{
    switch (f) {
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc)                          \
    case COOP_F_ACTOR_##FIELD: return a->key;
        COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
    default: return NAN;
    }
}

static double bounded(coop_actor_bound bound, double x)
{
    switch (bound) {
    case COOP_BOUND_NONNEG: return dmax(0.0, x);
    case COOP_BOUND_POSITIVE: return dmax(MIN_POSITIVE, x);
    default: return clamp(x, 0.0, 1.0);
    }
}

/* Sets actor i's value of field af to x: the actor's own value, or every value of
 * each of its slots (the initial state a field kept per slot sets). */
static void set_actor_field(const coop_model *m, actor_field af, int i, double x)
{
    size_t w = af.per_slot;
    if (w == 0) {
        af.v[i] = x;
        return;
    }
    for (int s = m->row[i]; s < m->row[i + 1]; s++)
        for (size_t k = 0; k < w; k++)
            af.v[(size_t)s * w + k] = x;
}

/* Recomputes the capacity and goal scaling of actor i's slots and of the
 * partners' slots toward i. */
static void rescale_actor(coop_model *m, int i)
{
    size_t D = m->nd;
    for (int s = m->row[i]; s < m->row[i + 1]; s++) {
        int j = m->nbr[s], r = m->rev[s];
        const double *gi = m->goal + (size_t)i * D, *gj = m->goal + (size_t)j * D;
        for (size_t d = 0; d < D; d++) {
            double a = model_scale(gi[d], m->cap[i], m->cap[j]);
            double b = model_scale(gj[d], m->cap[j], m->cap[i]);
            m->scale[(size_t)s * D + d] = a, m->scale[(size_t)r * D + d] = b;
            m->scale_one &= a == 1.0 && b == 1.0;
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

/* Actor i's attention budget now: the base (attention_budget, which events change)
 * plus what initiatives added (agenda setting, 0 unless attention_max is above the
 * base and attention_expansion > 0). */
static inline double budget(const coop_model *m, int i)
{
    return m->attn[i] + m->xattn[i];
}

/* Finite attention: scales actor i's engagements down to its budget. */
static void apply_budget(coop_model *m, int i)
{
    double sum = 0.0, B = budget(m, i);
    for (int s = m->row[i]; s < m->row[i + 1]; s++)
        sum += m->eng[s];
    if (sum > B) {
        double f = B / sum;
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            m->eng[s] *= f;
    }
}

static void update_public_goods(coop_model *m);

/* ---------------------------------------------------------------- init */

/* Actor i's fields from its configuration: those the engine keeps per actor
 * (per_slot 0) or per slot (per_slot 1: propensity, engagement). */
static void set_actor_fields(coop_model *m, size_t i, int per_slot)
{
    const coop_actor_cfg *a = coop_cfg_actor(m->cfg, i);
    actor_field af;
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc)                          \
    af = actor_field_of(m, COOP_F_ACTOR_##FIELD);                                         \
    if ((af.per_slot != 0) == per_slot)                                                   \
        set_actor_field(m, af, (int)i, a->key);
    COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
}

void general_reset(coop_model *m)
{
    if (!m->gen)
        return;
    const coop_config *cfg = m->cfg;
    for (size_t b = 0; b < m->n_trng; b++)
        gsl_rng_set(m->trng[b], coop_rng_stream(m->seed, COOP_STREAM_TIE, b));
    noise_reset(m); /* m->noise: set by init, before any event */
    for (size_t t = 0; t < m->nt; t++)
        m->w[t] = coop_cfg_tie_weight(cfg, t);
    update_wmax(m);
    for (size_t i = 0; i < m->n; i++) { /* capacity, ..., goals: before the scales */
        set_actor_fields(m, i, 0);
        const coop_actor_cfg *a = coop_cfg_actor(cfg, i);
        memcpy(m->goal + i * m->nd, a->goals, m->nd * sizeof(double));
        m->rule[i] = a->rule;
        memcpy(m->rpar + i * NPAR, a->rule_param, sizeof a->rule_param);
    }
    m->scale_one = 1; /* until a scale is not 1 (rescale_actor) */
    for (size_t i = 0; i < m->n; i++) {
        set_actor_fields(m, i, 1);
        rescale_actor(m, (int)i);
        m->xattn[i] = 0.0;
        for (int c = 0; c < COOP_N_MOT; c++)
            MOT(m, i, c) = coop_motivator_get(&coop_cfg_actor(cfg, i)->motivator, c);
        m->gain[i] = m->acc[i] = 0.0;
        m->nc[i] = m->na[i] = 0;
    }
    memset(m->mem, 0, m->ns * m->nd);
    if (m->cc) /* tie mode */
        memset(m->cc, 0, m->ns * sizeof(int));
    m->inst_idle = 1; /* trust, levels and counters as below */
    for (size_t t = 0; t < m->nt; t++) {
        m->rival[t] = coop_cfg_tie(cfg, t).rivalry;
        m->on[t] = 0, m->last_on[t] = -1;
        if (m->mut)
            m->mut[t] = 0;
        m->trust[t] = 0.0, m->level[t] = 0, m->up[t] = m->down[t] = 0;
        for (int l = 0; l < m->nl; l++)
            m->mile[t * (size_t)m->nl + (size_t)l] = -1;
    }
}

void coop_model_init(coop_model *m, uint64_t seed)
{
    const coop_config *cfg = m->cfg;
    size_t n = m->n, nt = m->nt, D = m->nd, no = m->no, ns = m->ns;

    /* seed is the work item's key (coop_rng_key); every stream hashes it with its
     * kind and index, so no two streams of any runs are related (rng.c). */
    gsl_rng_set(m->rng, coop_rng_stream(seed, COOP_STREAM_MAIN, 0));
    gsl_rng_set(m->mrng, coop_rng_stream(seed, COOP_STREAM_MOTIVATOR, 0));
    m->seed = seed; /* the tie streams' (general_reset) */
    for (size_t b = 0; b < m->n_brng; b++)
        gsl_rng_set(m->brng[b], coop_rng_stream(seed, COOP_STREAM_BLOCK, b));
    m->step = 0;
    m->next_event = 0;
    m->last_learn = -1;
    m->n_fresh = 0;
    m->games_dirty = 0;
    m->snapped = 0;
    m->keep_cum = 1; /* until step 0 decides */

    m->noise = cfg->noise;
    m->alpha = cfg->eng_alpha, m->delta = cfg->eng_delta;
    m->hyst = cfg->inst.hysteresis, m->beta = cfg->inst.beta;
    m->gamma = cfg->inst.gamma, m->lambda = cfg->inst.lambda;
    m->tau = cfg->inst.tau < 1 ? 1 : cfg->inst.tau;
    m->update_every = cfg->update_every < 1 ? 1 : cfg->update_every;
    m->acc_gain = m->node_mode && m->update_every == 1 && !m->any_moran;
    for (int l = 0; l < COOP_MAX_LEVELS; l++)
        m->theta[l] = cfg->inst.theta[l], m->omega[l] = cfg->inst.omega[l];

    for (size_t d = 0; d < D; d++) {
        const coop_domain_cfg *dc = &cfg->domains[d];
        m->game[d] = (coop_game){dc->R, dc->S, dc->T, dc->P};
        m->db[d] = dc->b, m->dc[d] = dc->c, m->pg[d] = dc->public_good;
        m->donation[d] = dc->donation;
    }
    for (size_t i = 0; i < n; i++)
        m->cum[i] = 0.0; /* the actors' other fields: general_reset */
    for (size_t t = 0; t < nt; t++) {
        for (size_t o = 0; o < no; o++)
            m->obs[t * no + o] = coop_cfg_tie(cfg, t).obs0[o], m->oshare[t * no + o] = 0.0;
    }
    general_reset(m); /* weights, engagement, propensity, scale, ... */
    for (size_t o = 0; o < no; o++)
        m->growth[o] = cfg->observables[o].growth, m->decay[o] = cfg->observables[o].decay;
    games_changed(m);
    for (size_t s = 0; s < ns; s++) {
        if (m->tgain)
            m->tgain[s] = 0.0;
        for (size_t d = 0; m->lastv && d < D; d++)
            m->lastv[s * D + d] = 0.0;
    }
    update_public_goods(m);
    for (size_t r = 0; r < cfg->n_regions; r++)
        m->coh[r] = m->coh_c[r] = m->coh_n[r] = 0.0;
    for (int x = 0; x < m->n_oth; x++)
        m->win_c[x] = m->win_n[x] = m->win_e[x] = 0.0, m->reach[x] = 0;
    m->win_eng = m->win_eng_n = m->win_coh_c = m->win_coh_n = m->win_steps = 0.0;
    m->n_on = 0;
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

/* An event on actor field f of actor i (COOP_ACTOR_FIELDS): its value, or each value
 * of each of its slots for a field kept per slot, moved by `op v` and bounded. */
static void apply_actor_field(coop_model *m, coop_field f, int i, coop_op op, double v)
{
    actor_field af = actor_field_of(m, f);
    size_t w = af.per_slot;
    if (w == 0)
        af.v[i] = bounded(af.bound, apply_op(op, af.v[i], v));
    else
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            for (size_t k = 0; k < w; k++) {
                double *p = &af.v[(size_t)s * w + k];
                *p = bounded(af.bound, apply_op(op, *p, v));
            }
    if (f == COOP_F_ACTOR_CAPACITY)
        rescale_actor(m, i); /* the capacity scaling of its slots and of its partners' */
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
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc) case COOP_F_ACTOR_##FIELD:
    COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
        apply_actor_field(m, ref->field, i, op, v);
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

/* Within-run parallel passes.  A pass over nodes runs over the fixed blocks of
 * KBLOCK nodes (the blocks of the per-node streams), a pass over ties over blocks
 * of `chunk` ties, on run_threads(m) threads; each block writes only its own
 * nodes' (slots') or ties' state and sums in a fixed order, so the numbers do not
 * depend on the thread count. */
void par_ranges(coop_model *m, size_t count, size_t chunk, range_fn *f)
{
    long nb = (long)((count + chunk - 1) / chunk);
    int nth = run_threads(m);
    if (nth <= 1) { /* no parallel construct at all: small runs take many steps */
        for (size_t lo = 0; lo < count; lo += chunk)
            f(m, lo, lo + chunk < count ? lo + chunk : count);
        return;
    }
#pragma omp parallel for schedule(static) num_threads(nth)
    for (long b = 0; b < nb; b++) {
        size_t lo = (size_t)b * chunk, hi = lo + chunk < count ? lo + chunk : count;
        f(m, lo, hi);
    }
}

/* ---------------------------------------------------------------- 2. engagement */

/* Actors lo .. hi-1: the expansion of each budget relaxes (x <- (1 -
 * attention_relax) x), then e <- e + alpha*signal*(1-e) - delta*e with the
 * signals of the previous step, then the attention budget. */
static void engage_actors(coop_model *m, size_t lo_i, size_t hi_i)
{
    int dynamic = m->step > 0 && (m->alpha > 0.0 || m->delta > 0.0);
    double inv_d = 1.0 / (double)m->nd, alpha = m->alpha, delta = m->delta;
    for (size_t i = lo_i; i < hi_i; i++) {
        int lo = m->row[i], hi = m->row[i + 1];
        double sum = 0.0;
        if (m->xattn[i] > 0.0) /* agenda setting: attention is costly to keep */
            m->xattn[i] *= 1.0 - m->arho[i];
        for (int s = lo; s < hi; s++) {
            if (dynamic) {
                double sig = slot_cc(m, (size_t)m->rev[s]) * inv_d; /* 0 when the tie was idle */
                int rj = m->xreg ? m->xreg[s] : -1; /* NULL: no regions */
                if (rj >= 0)
                    sig = 1.0 - (1.0 - sig) * (1.0 - m->coh[rj]); /* regional signal */
                double e = m->eng[s];
                e += alpha * sig * (1.0 - e) - delta * e;
                m->eng[s] = clamp(e, 0.0, 1.0);
            }
            sum += m->eng[s];
        }
        if (sum > budget(m, (int)i)) { /* finite attention */
            double f = budget(m, (int)i) / sum;
            for (int s = lo; s < hi; s++)
                m->eng[s] *= f;
        }
    }
}

/* Ties lo .. hi-1, the ties of one tie stream: whether each is engaged this step. */
static void engage_ties(coop_model *m, size_t lo, size_t hi)
{
    gsl_rng *r = m->trng[lo / m->tb];
    for (size_t t = lo; t < hi; t++) {
        double p = m->w[t] * sqrt(m->eng[m->tslot[2 * t]] * m->eng[m->tslot[2 * t + 1]]);
        /* drawn even when p is 0 or 1, so that the tie's stream stays in step
         * with the other worlds' (common random numbers) */
        double u = gsl_rng_uniform(r);
        m->on[t] = (unsigned char)(p >= 1.0 ? 1 : (p <= 0.0 ? 0 : u < p));
    }
}

/* The actors' engagement and budgets, then which ties are engaged this step (each
 * tie stream draws for its own ties in tie order, so the streams run on any
 * threads), then the list of engaged ties in tie order (on_list, n_on; not kept in
 * node mode without reinforcement or regions, where nothing reads it). */
static void do_engagement(coop_model *m)
{
    par_ranges(m, m->n, KBLOCK, engage_actors);
    par_ranges(m, m->nt, m->tb, engage_ties);
    if (m->node_mode && !m->any_reinforce && m->cfg->n_regions == 0)
        return; /* node mode reads the list only for those (do_play): no sequential pass */
    int n_on = 0;
    for (size_t t = 0; t < m->nt; t++) {
        m->on_list[n_on] = (int)t; /* appended when on, overwritten otherwise */
        n_on += m->on[t];
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

static void play_self(coop_model *m)
{
    for (size_t i = 0; i < m->n; i++)
        play_self1(m, i);
}

/* The bookkeeping of engaged tie t after play, in tie order: the list of ties
 * played since the last learning update, the step it was last engaged, and the
 * cooperation on intra-regional ties (its slots played ca and cb C). */
static void tie_played(coop_model *m, int t, int ca, int cb)
{
    if (m->fresh && m->last_on[t] <= m->last_learn) /* NULL: no actor reinforces */
        m->fresh[m->n_fresh++] = t;
    m->last_on[t] = m->step;
    int r = m->tie_region ? m->tie_region[t] : -1; /* NULL: no regions */
    if (r >= 0)
        m->coh_c[r] += ca + cb, m->coh_n[r] += 2.0 * (double)m->nd;
}

/* Tie mode: both sides of every engaged tie, in tie order (the tie streams draw
 * the choices and errors). */
static void play_ties(coop_model *m)
{
    size_t D = m->nd;
    const double *pay_all = m->pay; /* locals: the generator calls force reloads of m->... */
    const int noisy = m->noise > 0.0;
    for (size_t i = 0; i < m->n; i++)
        m->gain[i] = 0.0, m->nc[i] = m->na[i] = 0;
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
        double *va = m->lastv ? m->lastv + ka : NULL, *vb = m->lastv ? m->lastv + kb : NULL;
        double ga = 0.0, gb = 0.0;
        /* the price of attention above the base budget (agenda setting, 7.5): each C
         * costs its player attention_cost per unit of expansion */
        double xa_cost = m->acost[i] * m->xattn[i], xb_cost = m->acost[j] * m->xattn[j];
        int ca = 0, cb = 0, mutual = 0;
        size_t tk = m->tb == 1 ? (size_t)t : (size_t)t / m->tb; /* the tie's stream */
        gsl_rng *tr = m->trng[tk];

        for (size_t d = 0; d < D; d++) {
            /* learners play C with their propensity; fixed rules report theirs */
            double qa = keep_i ? (pa[d] = coop_strategies[ri].p_coop(ma[d], pari, pa[d])) : pa[d];
            double qb = keep_j ? (pb[d] = coop_strategies[rj].p_coop(mb[d], parj, pb[d])) : pb[d];
            int xa = coop_strategy_bernoulli(tr, qa);
            int xb = coop_strategy_bernoulli(tr, qb);
            if (noisy) {
                xa ^= noise_flip(m, tk);
                xb ^= noise_flip(m, tk);
            }
            const double *pay = pay_all + 4 * d;
            double v_a = coop_game_effective_table(pay, xa, xb, fa ? fa[d] : 0.0, mult, pen);
            double v_b = coop_game_effective_table(pay, xb, xa, fb ? fb[d] : 0.0, mult, pen);
            if (xa_cost > 0.0 && xa)
                v_a -= xa_cost;
            if (xb_cost > 0.0 && xb)
                v_b -= xb_cost;
            ga += sca[d] * v_a;
            gb += scb[d] * v_b;
            if (va)
                va[d] = v_a, vb[d] = v_b;
            ma[d] = (unsigned char)coop_strategy_remember(ma[d], xa, xb);
            mb[d] = (unsigned char)coop_strategy_remember(mb[d], xb, xa);
            ca += xa, cb += xb, mutual += xa & xb;
        }
        m->cc[sa] = ca, m->cc[sb] = cb, m->mut[t] = mutual;
        m->gain[i] += ga, m->gain[j] += gb;
        if (m->tgain)
            m->tgain[sa] += ga, m->tgain[sb] += gb;
        m->nc[i] += ca, m->nc[j] += cb;
        m->na[i] += (int)D, m->na[j] += (int)D;
        tie_shares(m, (size_t)t, ma, mb);
        tie_played(m, t, ca, cb);
    }
    if (m->self_play)
        play_self(m);
    for (size_t i = 0; i < m->n; i++)
        m->cum[i] += m->gain[i], m->acc[i] += m->gain[i];
}

static void do_play(coop_model *m)
{
    if (m->node_mode)
        node_actions(m);
    if (m->fr)
        free_ride_shares(m);
    for (size_t r = 0; r < m->cfg->n_regions; r++)
        m->coh_c[r] = m->coh_n[r] = 0.0;
    if (m->node_mode) {
        par_ranges(m, m->n, KBLOCK, play_node_actors);
        /* the list of fresh ties (read only by reinforcement learning) and the
         * regional cohesion need tie order; the rest of the ties' play comes with
         * their institutions (do_institutions, play_node.c) */
        for (int x = 0; (m->any_reinforce || m->cfg->n_regions > 0) && x < m->n_on; x++) {
            int t = m->on_list[x];
            int sa = m->tslot[2 * t], sb = m->tslot[2 * t + 1];
            tie_played(m, t, slot_cc(m, (size_t)sa), slot_cc(m, (size_t)sb));
        }
    } else {
        play_ties(m);
    }
    for (size_t r = 0; r < m->cfg->n_regions; r++)
        m->coh[r] = m->coh_n[r] > 0.0 ? m->coh_c[r] / m->coh_n[r] : 0.0;
}

/* ---------------------------------------------------------------- 5. motivator */

static void do_motivators(coop_model *m)
{
    size_t D = m->nd;
    for (int q = 0; q < m->n_mot; q++) {
        int a = m->mot[q], mt = m->mot_mt[q], tm = m->mot_tm[q];
        int lo = m->mot_row[q], hi = m->mot_row[q + 1];
        int target = coop_cfg_actor(m->cfg, a)->motivator.target;

        /* initiative: raises the target's engagement with the whole region and,
         * where the target allows it (attention_max above its budget), first moves
         * the target's attention budget toward attention_max by attention_expansion
         * of the gap (agenda setting, docs/ODD.md 7.5).  A forced initiative (an
         * event on actors.NAME.motivator.initiative) comes on top of the stochastic
         * one, whose draw is made as usual so that the random stream does not depend
         * on the schedule. */
        double rate = MOT(m, a, COOP_MOT_INITIATIVE_RATE);
        int launched = rate > 0.0 && (rate >= 1.0 || gsl_rng_uniform(m->mrng) < rate);
        launched += MOT(m, a, COOP_MOT_INITIATIVE) > 0.0;
        MOT(m, a, COOP_MOT_INITIATIVE) = 0.0;
        for (int k = 0; k < launched; k++) {
            double imp = MOT(m, a, COOP_MOT_INITIATIVE_IMPACT);
            double gap = m->amax[target] - budget(m, target);
            if (gap > 0.0 && m->axi[target] > 0.0)
                m->xattn[target] += m->axi[target] * gap;
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

/* Actors lo .. hi-1, one block of KBLOCK, for the population record: their gains
 * summed per sub-block of KSUB actors as block_sum sums them (the sub-block sums
 * added in order give block_sum's number), their C and actions. */
static void record_block(coop_model *m, size_t lo, size_t hi)
{
    long c = 0, a = 0;
    for (size_t u = lo; u < hi; u += KSUB) {
        size_t e = u + KSUB < hi ? u + KSUB : hi;
        double b = 0.0;
        for (size_t i = u; i < e; i++)
            b += m->gain[i], c += m->nc[i], a += m->na[i];
        m->psum[u / KSUB] = b;
    }
    m->pc[lo / KBLOCK] = c, m->pn[lo / KBLOCK] = a;
}

/* The outcomes' bookkeeping of this step: whether each other can reach the top
 * level by input (both sides' openness at or above its omega, after the events
 * so far: a condition the worlds share, as they share inputs and events), then,
 * inside the window, the counts of C and actions, engagement and cohesion. */
static void do_window(coop_model *m)
{
    if (!m->hyp)
        return;
    double omega = m->omega[m->nl - 1];
    int ht = m->cfg->hyp.target;
    for (int x = 0; x < m->n_oth; x++)
        m->reach[x] |= m->open[m->oth_a[x]] >= omega && m->open[ht] >= omega;
    if (m->step < m->win_start)
        return;
    size_t D = m->nd;
    m->win_steps += 1.0;
    for (int x = 0; x < m->n_oth; x++) {
        int s = m->oth_kt[x];
        if (s >= 0 && m->on[m->tie[s]])
            m->win_c[x] += slot_cc(m, (size_t)s), m->win_n[x] += (double)D;
        if (m->oth_tk[x] >= 0)
            m->win_e[x] += m->eng[m->oth_tk[x]];
    }
    for (int x = 0; x < m->n_reg; x++)
        m->win_eng += m->eng[m->reg_tk[x]], m->win_eng_n += 1.0;
    for (int x = 0; x < m->n_intra; x++) {
        int t = m->intra[x];
        if (m->on[t]) {
            m->win_coh_c += slot_cc(m, (size_t)m->tslot[2 * t]) + slot_cc(m, (size_t)m->tslot[2 * t + 1]);
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

void record_snapshot(const coop_model *m, coop_record *rec)
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
    double g_all = 0.0;
    if (!per_actor) { /* population only (a generated network): in blocks, in parallel */
        par_ranges(m, m->n, KBLOCK, record_block);
        for (size_t b = 0; b < (m->n + KBLOCK - 1) / KBLOCK; b++)
            c_all += m->pc[b], n_all += m->pn[b];
        for (size_t u = 0; u < (m->n + KSUB - 1) / KSUB; u++)
            g_all += m->psum[u];
    } else {
        g_all = block_sum(m->gain, m->n);
    }
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
        ar[COOP_A_COOP_TARGET] = (ts >= 0 && m->on[m->tie[ts]]) ? (double)slot_cc(m, (size_t)ts) / D : NAN;
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
            m->on[t] ? (double)(slot_cc(m, (size_t)m->tslot[2 * t]) + slot_cc(m, (size_t)m->tslot[2 * t + 1])) / (2.0 * D)
                     : NAN;
        for (size_t o = 0; o < no; o++)
            tr[COOP_TIE_METRICS + o] = m->obs[t * no + o];
    }
    double *pr = rec->pop + (size_t)m->step * COOP_POP_METRICS;
    pr[COOP_P_COOP_SHARE] = n_all ? (double)c_all / n_all : NAN;
    pr[COOP_P_MEAN_GAIN] = m->n ? g_all / m->n : NAN;
}

/* ---------------------------------------------------------------- step and run */

void coop_model_step(coop_model *m, coop_record *rec)
{
    if (m->step == 0) {
        m->k_on = m->k_ready && (!rec || (rec->n_actors == 0 && rec->n_ties == 0));
        /* a record with per-actor or per-tie series that the configuration does not
         * ask for (coop_model_alloc allocated for the kernel): the general engine's
         * state now; without memory for it, the run records nothing */
        if (!m->k_on && model_general_state(m) != COOP_OK)
            return;
        m->keep_cum = !(m->node_mode && m->cum_off) || (rec && rec->n_actors == m->n);
        kernel_note(m); /* for the manifest: coop_model_engines_used */
    }
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

/* Other x's outcomes (COOP_O_*; NaN for regional_cohesion, which has no
 * per-state value, and for rmst_enhanced where x cannot reach the top level). */
static void other_outcomes(const coop_model *m, int x, double v[COOP_N_OUTCOMES])
{
    double spy = m->cfg->steps_per_year, horizon = m->cfg->n_steps / spy;
    int top = m->nl - 1, s = m->oth_kt[x];
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        v[k] = NAN;
    /* no action toward the target in the window: no cooperation (docs/HYPOTHESIS.md) */
    v[COOP_O_OTHERS_COOP_TARGET] = m->win_n[x] > 0.0 ? m->win_c[x] / m->win_n[x] : 0.0;
    v[COOP_O_ENGAGED_SHARE] = m->win_n[x] > 0.0;
    v[COOP_O_TARGET_ENGAGEMENT] = m->win_steps > 0.0 ? m->win_e[x] / m->win_steps : 0.0;
    v[COOP_O_OTHERS_LEVEL] = s >= 0 ? m->level[m->tie[s]] : 0.0; /* no tie: no agreement */
    if (m->reach[x]) {
        int first = s >= 0 ? m->mile[(size_t)m->tie[s] * (size_t)m->nl + (size_t)top] : -1;
        v[COOP_O_RMST_ENHANCED] = first >= 0 ? first / spy : horizon; /* censored at it */
    }
}

void coop_model_outcomes(const coop_model *m, double out[COOP_N_OUTCOMES])
{
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        out[k] = NAN;
    if (!m->hyp)
        return;
    /* the pooled outcomes: sum w v / sum w over the others where v is defined */
    double sum[COOP_N_OUTCOMES] = {0}, sw[COOP_N_OUTCOMES] = {0};
    for (int x = 0; x < m->n_oth; x++) {
        double v[COOP_N_OUTCOMES], w = m->oth_w[x];
        other_outcomes(m, x, v);
        for (int k = 0; k < COOP_N_OUTCOMES; k++)
            if (!isnan(v[k]) && w > 0.0)
                sum[k] += w * v[k], sw[k] += w;
    }
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        if (sw[k] > 0.0)
            out[k] = sum[k] / sw[k];
    /* target_engagement pools over the region, the motivator included, unweighted */
    out[COOP_O_TARGET_ENGAGEMENT] = m->win_eng_n > 0.0 ? m->win_eng / m->win_eng_n : 0.0;
    out[COOP_O_REGIONAL_COHESION] = m->win_coh_n > 0.0 ? m->win_coh_c / m->win_coh_n : 0.0;
}

/* The per-state outcomes of the first COOP_MAX_STATES others into rec. */
static void state_outcomes(const coop_model *m, coop_record *rec)
{
    int n = m->hyp ? m->n_oth : 0;
    n = n < COOP_MAX_STATES ? n : COOP_MAX_STATES;
    for (int x = 0; x < n && x < rec->n_states; x++)
        other_outcomes(m, x, rec->state_outcome[x]);
}

void coop_model_run(coop_model *m, uint64_t seed, coop_record *rec)
{
    coop_model_init(m, seed);
    for (int s = 0; s < m->cfg->n_steps; s++)
        coop_model_step(m, rec);
    if (rec) {
        coop_model_outcomes(m, rec->outcome);
        state_outcomes(m, rec);
    }
}

int coop_model_steps_done(const coop_model *m)
{
    return m->step;
}

/* ---------------------------------------------------------------- inspection */

double coop_model_trust(const coop_model *m, size_t tie)
{
    return m->gen ? m->trust[tie] : 0.0; /* the node kernel: no trust grows */
}

int coop_model_level(const coop_model *m, size_t tie)
{
    return m->gen ? m->level[tie] : 0; /* the node kernel: no level is reached */
}

double coop_model_engagement(const coop_model *m, int a, int b)
{
    int s = find_slot(m, a, b);
    if (s >= 0 && !m->gen) /* the node kernel: engagement never changes */
        return coop_cfg_actor(m->cfg, a)->engagement;
    return s >= 0 ? m->eng[s] : NAN;
}

double coop_model_propensity(const coop_model *m, int a, int b, size_t domain)
{
    int s = find_slot(m, a, b);
    if (s >= 0 && m->k_on) /* the node kernel keeps one action per node */
        return kernel_action(m, a, 0);
    if (s >= 0 && !m->gen) /* before the kernel's first step: the initial value */
        return coop_cfg_actor(m->cfg, a)->propensity;
    return s >= 0 ? m->prop[(size_t)s * m->nd + domain] : NAN;
}

int coop_model_last_action(const coop_model *m, int a, int b, size_t domain)
{
    int s = find_slot(m, a, b);
    if (s >= 0 && m->k_on)
        return m->step > 0 ? kernel_action(m, a, 1) : -1;
    if (s < 0 || !m->gen || !(m->mem[(size_t)s * m->nd + domain] & COOP_MEM_ONE))
        return -1;
    return (m->mem[(size_t)s * m->nd + domain] & COOP_MEM_OWN) ? COOP_C : COOP_D;
}

double coop_model_cum_gain(const coop_model *m, int actor)
{
    if (m->k_on ? m->k_allow == 2 : !m->keep_cum) /* run without cumulative gains */
        return NAN;
    return m->cum[actor];
}

double coop_model_observable(const coop_model *m, size_t tie, size_t obs)
{
    return m->obs[tie * m->no + obs];
}

double coop_model_attention(const coop_model *m, int actor)
{
    if (actor < 0 || (size_t)actor >= m->n)
        return NAN;
    /* the node kernel: no events, no agenda setting */
    return m->gen ? budget(m, actor) : coop_cfg_actor(m->cfg, actor)->attention_budget;
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
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc) case COOP_F_ACTOR_##FIELD:
    COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
    { /* per-slot state (propensity, engagement): see coop_model_propensity/engagement */
        actor_field af = actor_field_of(m, ref.field);
        if (af.per_slot)
            return NAN;
        return m->gen ? af.v[i] : actor_cfg_field(coop_cfg_actor(m->cfg, i), ref.field);
    }
    case COOP_F_ACTOR_GOAL:
        return m->gen ? m->goal[(size_t)i * D + (size_t)sub]
                      : coop_cfg_actor(m->cfg, (size_t)i)->goals[sub];
    case COOP_F_ACTOR_RULE_PARAM: return node_rpar(m, (size_t)i)[sub];
#define COOP_X_(key, FIELD, strength, doc) case COOP_F_MOT_##FIELD:
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
        if (!m->gen) /* the node kernel runs no events: the configuration's values */
            return coop_motivator_get(&coop_cfg_actor(m->cfg, i)->motivator,
                                      coop_motivator_channel(ref.field));
        return MOT(m, i, coop_motivator_channel(ref.field));
    case COOP_F_TIE_WEIGHT: return m->gen ? m->w[i] : coop_cfg_tie(m->cfg, i).weight;
    case COOP_F_TIE_RIVALRY: return m->gen ? m->rival[i] : coop_cfg_tie(m->cfg, i).rivalry;
    case COOP_F_TIE_OBS: return m->obs[(size_t)i * m->no + (size_t)sub];
    case COOP_F_OBS_GROWTH: return m->growth[i];
    case COOP_F_OBS_DECAY: return m->decay[i];
    default: return NAN;
    }
}
