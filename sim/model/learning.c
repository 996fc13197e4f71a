/* learning.c: step 6 of the engine (docs/ODD.md 7.6), learning: Bush-Mosteller
 * reinforcement over the ties played since the last update, imitation (imitate_best,
 * fermi, replicator) over fixed blocks of nodes with the blocks' streams, and the
 * Moran process.  It shares struct coop_model with model.c through model_internal.h. */
/* GSL's inline versions of gsl_rng_uniform and friends, as in model.c. */
#define HAVE_INLINE 1

#include "model_internal.h"

#include <omp.h>
#include <stdlib.h>

#include "coop_strategy.h"

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
 * this step (it runs with update_every 1), the general engine's gain of this step
 * where it keeps no accumulator (acc_gain: update_every 1 too) or its accumulator
 * (the same number, but for the sign of a zero, which neither rule below sees). */
static inline double node_acc(const coop_model *m, int i)
{
    return m->k_on ? m->k_val[abs(m->k_key[i]) - 1] : m->acc_gain ? m->gain[i] : m->acc[i];
}

/* The neighbour whose propensities actor i copies, or i itself; the draws of
 * fermi and replicator come from rng, the imitation stream of i's block. */
int imitation_model(const coop_model *m, int i, gsl_rng *rng)
{
    int lo = m->row[i], deg = m->row[i + 1] - lo;
    if (deg == 0)
        return i;
    int rule = node_rule(m, (size_t)i);
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
        p = coop_strategy_fermi(node_acc(m, i), node_acc(m, j), node_rpar(m, (size_t)i)[0]);
    } else {
        int degj = m->row[j + 1] - m->row[j];
        double norm = (deg > degj ? deg : degj) * (double)m->update_every * m->delta_max;
        p = coop_strategy_replicator(node_acc(m, i), node_acc(m, j), norm);
    }
    if (p >= 1.0 || (p > 0.0 && gsl_rng_uniform(rng) < p))
        return j;
    return i;
}

/* The threads of this run's own parallel loops: 1 unless the run is large enough for
 * its path (KPAR_MIN nodes for the kernel, GPAR_MIN for the general engine) and no
 * parallel region is active (experiment.c runs replicates in one). */
int run_threads(const coop_model *m)
{
    int nth = m->k_threads > 0 ? m->k_threads : omp_get_max_threads();
    return nth > 1 && m->n >= (m->k_on ? KPAR_MIN : GPAR_MIN) && !omp_in_parallel() ? nth : 1;
}

/* The imitation passes over actors lo .. hi-1, one block of KBLOCK actors (the
 * block of the stream m->brng[lo / KBLOCK]): the snapshot of their mean
 * propensities (here, or in node mode within node_actions, model.c, which reads the
 * same propensities), then in one pass their choice of a model and the copy of the
 * model's snapshot (the choice reads no propensity, so each actor copies as soon as
 * it has chosen). */
void imitate_snapshot(coop_model *m, size_t lo_i, size_t hi_i)
{
    size_t D = m->nd;
    for (size_t i = lo_i; i < hi_i; i++) {
        int lo = m->row[i], hi = m->row[i + 1];
        for (size_t d = 0; d < D; d++) {
            double sum = 0.0;
            for (int s = lo; s < hi; s++)
                sum += m->prop[(size_t)s * D + d];
            m->pnode[i * D + d] = hi > lo ? sum / (hi - lo) : 0.0;
        }
    }
}

static void imitate_choose_copy(coop_model *m, size_t lo, size_t hi)
{
    size_t D = m->nd;
    gsl_rng *rng = m->brng ? m->brng[lo / KBLOCK] : NULL; /* imitate_best draws nothing */
    for (size_t i = lo; i < hi; i++) {
        if (coop_strategies[m->rule[i]].learning != COOP_LEARN_IMITATE)
            continue;
        int j = imitation_model(m, (int)i, rng);
        if (j == (int)i)
            continue;
        for (int s = m->row[i]; s < m->row[i + 1]; s++)
            for (size_t d = 0; d < D; d++)
                m->prop[(size_t)s * D + d] = m->pnode[(size_t)j * D + d];
    }
}

static void learn_imitate(coop_model *m)
{
    if (!m->snapped)
        par_ranges(m, m->n, KBLOCK, imitate_snapshot);
    par_ranges(m, m->n, KBLOCK, imitate_choose_copy);
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

void do_learning(coop_model *m)
{
    if (m->any_reinforce)
        learn_reinforce(m);
    m->n_fresh = 0;
    if (m->any_imitate)
        learn_imitate(m);
    if (m->any_moran)
        learn_moran(m);
    for (size_t i = 0; !m->acc_gain && i < m->n; i++)
        m->acc[i] = 0.0;
    m->snapped = 0;
    m->last_learn = m->step;
}

