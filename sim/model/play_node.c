/* play_node.c: the general engine's play in node mode (interaction = node, step 3 of
 * docs/ODD.md) and the institutions (step 4): the actions of every actor, drawn from
 * the streams of its block of nodes; the play of every actor against its engaged
 * neighbours; and one pass over the ties for what their play leaves (mutual
 * cooperation, the observables' shares) together with their trust and levels.
 * Every pass runs over fixed blocks of nodes or ties (par_ranges, model.c), so the
 * numbers do not depend on the thread count.  Self-play, which tie mode uses too, and
 * the observables' shares live here as well.  It shares struct coop_model with
 * model.c through model_internal.h. */
/* GSL's inline versions of gsl_rng_uniform and friends, as in model.c. */
#define HAVE_INLINE 1

#include "model_internal.h"

#include <math.h>
#include <omp.h>

#include "coop_game.h"
#include "coop_strategy.h"

/* ---------------------------------------------------------------- 3. play */

/* Self-interaction (network.self, Nowak & May 1992): every node also plays its
 * own action against itself, in every domain, and gains goal[d] * pi(x, x) (no
 * capacity scaling, no institutions, no noise).  Its action is C with the
 * propensity of its first slot (learners play one propensity on all their
 * slots), or the rule's first move for a fixed rule. */
void play_self1(coop_model *m, size_t i)
{
    size_t D = m->nd;
    int lo = m->row[i];
    if (m->row[i + 1] == lo)
        return;
    const coop_strategy *st = &coop_strategies[m->rule[i]];
    double g = 0.0;
    int c = 0;
    for (size_t d = 0; d < D; d++) {
        int x;
        if (m->node_mode) { /* the step's action: no propensity to read */
            x = m->nact[i * D + d];
        } else {
            double p = m->prop[(size_t)lo * D + d];
            if (st->learning == COOP_LEARN_NONE)
                p = st->p_coop(0, m->rpar + i * NPAR, p);
            x = coop_strategy_bernoulli(m->rng, p);
        }
        g += m->goal[i * D + d] * m->pay[4 * d + 3 * (size_t)x]; /* index 2x + x */
        c += x;
    }
    m->gain[i] += g;
    m->nc[i] += c, m->na[i] += (int)D;
}

/* interaction = node: every actor with a partner chooses one action per domain
 * for the step from its first slot (a learner's propensity, the same on all its
 * slots after imitation; a fixed rule's response to the memory of that slot), then
 * the implementation error (a draw per action when noise > 0); the tie loop plays
 * it against every neighbour.  The draws come from the stream of the actor's
 * block, in actor order within the block, so the blocks can run in parallel.  An
 * actor without partners plays nothing (play_self skips it too). */
void node_actions(coop_model *m)
{
    size_t D = m->nd;
    const double noise = m->noise;
    long nb = (long)m->n_brng;
    int nth = run_threads(m);
    /* the imitation snapshot of this step's learning, from the propensities that the
     * actions read, where nothing changes them before it: no reinforcement, no
     * motivator (demonstration) */
    int snap = m->any_imitate && !m->any_reinforce && m->n_mot == 0
               && (m->step + 1) % m->update_every == 0;
#pragma omp parallel for schedule(static) num_threads(nth) if (nth > 1)
    for (long b = 0; b < nb; b++) {
        size_t i0 = (size_t)b * KBLOCK, i1 = i0 + KBLOCK < m->n ? i0 + KBLOCK : m->n;
        gsl_rng *rng = m->brng[b];
        if (snap)
            imitate_snapshot(m, i0, i1);
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
    m->snapped = snap;
}

/* The observables' new shares of C on engaged tie t, from the memories ma, mb of
 * its two slots after this step's play. */
void tie_shares(coop_model *m, size_t t, const unsigned char *ma, const unsigned char *mb)
{
    for (size_t o = 0; o < m->no; o++) {
        int c = 0, lo = m->drv_row[o], hi = m->drv_row[o + 1];
        for (int x = lo; x < hi; x++)
            c += (ma[m->drv[x]] & COOP_MEM_OWN) + (mb[m->drv[x]] & COOP_MEM_OWN);
        m->oshare[t * m->no + o] = hi > lo ? c / (2.0 * (hi - lo)) : 0.0;
    }
}

/* Node mode, actors lo .. hi-1: each plays the step's actions (node_actions) on
 * its side of its engaged ties in slot order, which is tie order
 * (coop_network_csr), so its gain adds the same terms in the same order as a
 * loop over the ties would; then self-play and the cumulative gains.  An actor
 * writes only its own slots, so blocks of actors run on any threads. */
void play_node_actors(coop_model *m, size_t lo_i, size_t hi_i)
{
    size_t D = m->nd;
    const double *pay_all = m->pay;
    /* what cannot change a number is not read: the levels where beta and gamma are
     * 0 (mult 1, pen +0 at any level), the scales where all are 1; what nothing reads
     * is not kept: acc (acc_gain), cum (keep_cum).
     * The arrays in locals: the stores to mem (bytes) would otherwise make the
     * compiler reload every pointer of m on every slot. */
    const double beta = m->beta, gamma = m->gamma;
    const int *row = m->row, *tie = m->tie, *nbr = m->nbr;
    const int *level = beta == 0.0 && gamma == 0.0 && !signbit(gamma) ? NULL : m->level;
    const double *scale = m->scale_one ? NULL : m->scale, *fr_all = m->fr;
    const unsigned char *on = m->on, *nact = m->nact;
    unsigned char *mem_all = m->mem;
    double *lastv_all = m->lastv, *tgain = m->tgain, *gain = m->gain;
    double *acc = m->acc_gain ? NULL : m->acc, *cum = m->keep_cum ? m->cum : NULL;
    for (size_t i = lo_i; i < hi_i; i++) {
        const unsigned char *xi = nact + i * D;
        double x_cost = m->acost[i] * m->xattn[i], g = 0.0; /* as in play_ties */
        int c = 0, acts = 0;
        for (int s = row[i]; s < row[i + 1]; s++) {
            int t = tie[s];
            if (!on[t])
                continue;
            const unsigned char *xj = nact + (size_t)nbr[s] * D;
            int L = level ? level[t] : 0;
            double mult = 1.0 + beta * L, pen = L > 0 ? gamma * L : 0.0;
            size_t k = (size_t)s * D;
            unsigned char *mem = mem_all + k;
            const double *fr = fr_all ? fr_all + k : NULL, *sc = scale ? scale + k : NULL;
            double *lastv = lastv_all ? lastv_all + k : NULL, ga = 0.0;
            int ca = 0;
            for (size_t d = 0; d < D; d++) {
                int xa = xi[d], xb = xj[d];
                double v = coop_game_effective_table(pay_all + 4 * d, xa, xb, fr ? fr[d] : 0.0,
                                                     mult, pen);
                if (x_cost > 0.0 && xa)
                    v -= x_cost;
                ga += sc ? sc[d] * v : v; /* 1 * v is v */
                if (lastv)
                    lastv[d] = v;
                mem[d] = (unsigned char)coop_strategy_remember(mem[d], xa, xb);
                ca += xa;
            }
            if (tgain)
                tgain[s] += ga;
            g += ga, c += ca, acts += (int)D;
        }
        gain[i] = g, m->nc[i] = c, m->na[i] = acts;
        if (m->self_play)
            play_self1(m, i);
        if (cum)
            cum[i] += gain[i];
        if (acc)
            acc[i] += gain[i];
    }
}

/* ---------------------------------------------------------------- 4. institutions */

/* What the institutions of a block of ties read, copied once per block: the stores to
 * the int arrays (up, down, level) would otherwise make the compiler reload every
 * field of m for every tie. */
typedef struct inst_view {
    double lambda, hyst, inv_d;
    const double *theta, *omega, *open;
    const int *own, *tslot;
    const unsigned char *on;
    double *trust;
    int *level, *up, *down, *mile;
    int top, tau, step, nl;
} inst_view;

static inst_view inst_view_of(coop_model *m)
{
    return (inst_view){m->lambda, m->hyst, 1.0 / (double)m->nd, m->theta, m->omega, m->open,
                       m->own, m->tslot, m->on, m->trust, m->level, m->up, m->down, m->mile,
                       m->nl - 1, m->tau, m->step, m->nl};
}

/* Tie t's trust, counters and level after a step in which `mutual` of its domains saw
 * mutual C: trust <- (1-lambda)*trust + lambda*mutual/D on an engaged tie (mutual = 0
 * and on = 0 on an idle one, which keeps its trust), written without a branch; a
 * level is gained or lost after tau steps above theta (with both sides' openness at
 * omega) or below theta - hysteresis. */
__attribute__((always_inline)) static inline void institutions_tie(const inst_view *v, size_t t,
                                                                   int mutual)
{
    double tr0 = v->trust[t];
    double tr = tr0 + v->on[t] * v->lambda * (mutual * v->inv_d - tr0);
    int L = v->level[t], up, down;
    if (L < v->top && tr >= v->theta[L + 1] && v->open[v->own[v->tslot[2 * t]]] >= v->omega[L + 1]
        && v->open[v->own[v->tslot[2 * t + 1]]] >= v->omega[L + 1])
        up = v->up[t] + 1;
    else
        up = 0;
    if (L > 0 && tr < v->theta[L] - v->hyst)
        down = v->down[t] + 1;
    else
        down = 0;
    if (up >= v->tau) {
        L++;
        int *mile = &v->mile[t * (size_t)v->nl + (size_t)L];
        if (*mile < 0)
            *mile = v->step;
        up = down = 0;
    } else if (down >= v->tau) {
        L--;
        up = down = 0;
    }
    v->trust[t] = tr, v->level[t] = L, v->up[t] = up, v->down[t] = down;
}

/* Tie mode, ties lo .. hi-1 (each tie's state is its own: blocks of ties run on any
 * threads), with the mutual C that play_ties counted. */
static void institutions_ties(coop_model *m, size_t lo, size_t hi)
{
    inst_view v = inst_view_of(m);
    for (size_t t = lo; t < hi; t++)
        institutions_tie(&v, t, m->mut[t]);
}

/* Node mode, ties lo .. hi-1: this step's play on each engaged tie (the mutual C of
 * its two sides' actions, the observables' shares from its memories, the step it was
 * last engaged where a free-riding list reads it and no list of fresh ties sets it,
 * do_play), then its institutions.  A tie's play reads only the actions and its own
 * slots, its institutions only the tie: one pass, no array of mutual C. */
static void node_ties(coop_model *m, size_t lo, size_t hi)
{
    size_t D = m->nd;
    inst_view v = inst_view_of(m);
    const unsigned char *nact = m->nact, *mem = m->mem;
    int *last_on = m->fr && !m->any_reinforce ? m->last_on : NULL, shares = m->no > 0;
    int inst = !m->inst_idle;
    for (size_t t = lo; t < hi; t++) {
        int mutual = 0;
        if (v.on[t]) {
            int sa = v.tslot[2 * t], sb = v.tslot[2 * t + 1];
            const unsigned char *xa = nact + (size_t)v.own[sa] * D;
            const unsigned char *xb = nact + (size_t)v.own[sb] * D;
            for (size_t d = 0; d < D; d++)
                mutual += xa[d] & xb[d];
            if (shares)
                tie_shares(m, t, mem + (size_t)sa * D, mem + (size_t)sb * D);
            if (last_on)
                last_on[t] = v.step;
        }
        if (inst)
            institutions_tie(&v, t, mutual);
    }
}

/* Whether this step's institutions leave every tie as it is: while every tie is still
 * as general_reset left it (trust 0, level 0, no step counted), its trust stays 0 when
 * lambda = 0 and no motivator's brokerage adds to it, and at trust 0 no level is
 * gained where theta_1 > 0 (or there is one level) and none lost at level 0.  The
 * classic models (institutions.lambda = 0) skip the pass; once a step fails the
 * condition, every later step updates the ties. */
static int institutions_idle(coop_model *m)
{
    m->inst_idle = m->inst_idle && m->lambda == 0.0 && m->n_mot == 0
                   && (m->nl == 1 || m->theta[1] > 0.0);
    return m->inst_idle;
}

void do_institutions(coop_model *m)
{
    int idle = institutions_idle(m);
    if (!m->node_mode) {
        if (!idle)
            par_ranges(m, m->nt, TIE_CHUNK, institutions_ties);
    } else if (!idle || m->no > 0 || (m->fr && !m->any_reinforce)) {
        par_ranges(m, m->nt, TIE_CHUNK, node_ties); /* the rest of the ties' play */
    }
}
