/* kernel.c: the node kernel (docs/ODD.md, "Node kernel"), a fast path of the
 * engine for the classic node-level imitation models that gives the general
 * engine's numbers bit for bit: one byte per node, a lattice stencil, blocks of
 * nodes on within-run threads.  It shares struct coop_model with model.c through
 * model_internal.h; model.c decides at step 0 whether a run uses it. */
/* GSL's inline versions of gsl_rng_uniform and friends, as in model.c. */
#define HAVE_INLINE 1

#include "model_internal.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coop_game.h"
#include "coop_strategy.h"

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
 * Otherwise the general engine runs (experiment.engine = "auto"); with "kernel"
 * coop_model_alloc refuses such a configuration (kernel_check, the condition
 * from kernel_unable or kernel_state_unable).  coop_model_set_kernel(m, 0) and
 * experiment.engine = "general" force the general engine (tests compare the two);
 * coop_model_set_kernel(m, 2) lets the kernel skip the
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
    int r = i / L, c = i - r * L, k = moore ? 8 : 4, seen = 0, nb[8];
    if (m->row[i + 1] - m->row[i] != k)
        return 0;
    for (int q = 0; q < k; q++) { /* the stencil, wrapped without a division per slot */
        int rq = r + dr[q], cq = c + dc[q];
        rq = rq < 0 ? rq + L : rq >= L ? rq - L : rq;
        cq = cq < 0 ? cq + L : cq >= L ? cq - L : cq;
        nb[q] = rq * L + cq;
    }
    for (int s = m->row[i]; s < m->row[i + 1]; s++) {
        int j = m->nbr[s], hit = -1;
        for (int q = 0; q < k && hit < 0; q++)
            if (j == nb[q])
                hit = q;
        if (hit < 0 || (seen >> hit & 1))
            return 0;
        seen |= 1 << hit;
    }
    return 1;
}

#define KFTAB 128 /* the largest number of distinct gains with a table of fermi probabilities */

/* Why the configuration does not allow the kernel (the conditions of alloc), NULL
 * when it does. */
static const char *kernel_unable(const coop_model *m, const coop_config *cfg)
{
    if (!m->node_mode)
        return "interaction is not \"node\"";
    if (m->nd != 1)
        return "there is more than one domain";
    if (m->n < 1)
        return "there are no actors";
    if (cfg->n_events > 0)
        return "there are events";
    if (m->no > 0)
        return "there are observables";
    if (m->fr)
        return "there are free-riding lists (regions with a public good)";
    if (m->n_mot > 0)
        return "an actor has a motivator target";
    if (m->hyp)
        return "the hypothesis has a motivator and a target (outcome scalars)";
    if (cfg->update_every > 1)
        return "update_every is above 1";
    for (size_t i = 0; i < m->n; i++) {
        int r = coop_cfg_actor(cfg, i)->rule;
        if (r != COOP_RULE_IMITATE_BEST && r != COOP_RULE_FERMI && r != COOP_RULE_REPLICATOR)
            return "an actor's rule is not imitate_best, fermi or replicator";
    }
    return NULL;
}

void kernel_alloc(coop_model *m, const coop_config *cfg, int *fail)
{
    m->k_forbid = cfg->engine == COOP_ENGINE_GENERAL;
    m->k_allow = !m->k_forbid;
    m->k_why = kernel_unable(m, cfg);
    if (m->k_why)
        return;
    m->k_draw = m->draw_rules; /* not brng: every node-mode run has block streams */
    int one_fermi = 1;
    for (size_t i = 0; one_fermi && i < m->n; i++)
        one_fermi = coop_cfg_actor(cfg, i)->rule == COOP_RULE_FERMI
                    && coop_cfg_actor(cfg, i)->rule_param[0]
                           == coop_cfg_actor(cfg, 0)->rule_param[0];
    if (one_fermi)
        m->k_ftab = zalloc(KFTAB * KFTAB, sizeof(double), fail);
    int best = 0; /* imitate_best copies the best *played* action: no errors in the kernel */
    for (size_t i = 0; i < m->n; i++)
        best |= coop_cfg_actor(cfg, i)->rule == COOP_RULE_IMITATE_BEST;
    if (m->k_draw && !best)
        m->k_ebuf = m->k_exe = zalloc(m->n, 1, fail);
    size_t n = m->n;
    int maxdeg = 0;
    for (size_t i = 0; i < n; i++)
        if (m->row[i + 1] - m->row[i] > maxdeg)
            maxdeg = m->row[i + 1] - m->row[i];
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
    kbits_alloc(m, cfg, fail); /* the bit-sliced kernel, where it can run */
}

/* Whether a fold of d values, each a or c, is independent of their order. */
static int order_free(double a, double c)
{
    double lim = 2147483648.0;
    if ((a == 0.0 && !signbit(a)) || (c == 0.0 && !signbit(c)) || a == c)
        return 1;
    return a == floor(a) && c == floor(c) && fabs(a) < lim && fabs(c) < lim;
}

/* The scale of slot 0 (1 without ties): the one scale of every tie when the
 * kernel runs. */
static double kernel_scale0(const coop_model *m)
{
    if (m->ns == 0)
        return 1.0;
    int i = 0;
    while (m->row[i + 1] == 0) /* the owner of slot 0: the first actor with a tie */
        i++;
    const coop_actor_cfg *a = coop_cfg_actor(m->cfg, (size_t)i);
    const coop_actor_cfg *b = coop_cfg_actor(m->cfg, (size_t)m->nbr[0]);
    return model_scale(a->goals[0], a->capacity, b->capacity);
}

/* The state checks of init; builds the gain table.  Sets k_ready. */
/* Why the state after init does not allow the kernel (the conditions of init
 * but the game's), NULL when it does. */
static const char *kernel_state_unable(const coop_model *m)
{
    if (m->noise != 0.0 && !m->k_ebuf)
        return "noise is not 0 and an actor follows imitate_best";
    if (m->alpha != 0.0 || m->delta != 0.0)
        return "engagement.alpha or engagement.delta is not 0";
    if (m->beta != 0.0 || m->gamma != 0.0 || m->lambda != 0.0)
        return "institutions.beta, gamma or lambda is not 0";
    if (m->nl > 1 && !(m->theta[1] > 0.0))
        return "an agreement level is reachable at trust 0 (institutions.theta)";
    /* the initial state from the configuration (coop_model_init sets the general
     * engine's per-slot and per-tie arrays, where they exist, to the same values):
     * engagement and propensity per actor, weight per tie, scale per slot */
    const coop_config *cfg = m->cfg;
    /* each check is a pure function of three values: the last triple that passed is
     * not checked again (a generated population repeats a few profiles' values) */
    double ok[3] = {NAN, NAN, NAN};
    for (size_t t = 0; t < m->nt; t++) {
        int a, b;
        coop_cfg_tie_ends(cfg, t, &a, &b);
        double v[3] = {coop_cfg_tie_weight(cfg, t), coop_cfg_actor(cfg, (size_t)a)->engagement,
                       coop_cfg_actor(cfg, (size_t)b)->engagement};
        if (memcmp(v, ok, sizeof v) == 0)
            continue;
        if (!(v[0] * sqrt(v[1] * v[2]) >= 1.0))
            return "a tie is not engaged with certainty (weight * sqrt(engagement products) < 1)";
        memcpy(ok, v, sizeof v);
    }
    double S0 = kernel_scale0(m), G0 = coop_cfg_actor(cfg, 0)->goals[0];
    ok[0] = ok[1] = ok[2] = NAN;
    for (size_t i = 0; i < m->n; i++) {
        const coop_actor_cfg *a = coop_cfg_actor(cfg, i);
        int lo = m->row[i], hi = m->row[i + 1];
        double sum = 0.0, e = a->engagement, p = a->propensity;
        for (int s = lo; s < hi; s++) {
            sum += e;
            double v[3] = {a->goals[0], a->capacity,
                           coop_cfg_actor(cfg, (size_t)m->nbr[s])->capacity};
            if (memcmp(v, ok, sizeof v) == 0)
                continue;
            if (model_scale(v[0], v[1], v[2]) != S0)
                return "the actors' capacities or goals differ (one scale on every tie)";
            memcpy(ok, v, sizeof v);
        }
        if (sum > a->attention_budget)
            return "an actor's attention budget binds";
        if (a->goals[0] != G0)
            return "the actors' goals differ";
        if (hi > lo && p != 0.0 && p != 1.0)
            return "an actor's propensity is not 0 or 1";
    }
    return NULL;
}

void kernel_init(coop_model *m)
{
    m->k_ready = 0, m->k_on = 0;
    if (!m->k_able || !m->k_allow)
        return;
    m->k_why = kernel_state_unable(m);
    if (m->k_why)
        return;
    size_t n = m->n;
    double S0 = kernel_scale0(m), G0 = coop_cfg_actor(m->cfg, 0)->goals[0];
    const double *pay = m->pay;
    double v[2][2]; /* the general engine's ga for own action x and partner action y */
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 2; y++)
            v[x][y] = 0.0 + S0 * coop_game_effective_table(pay, x, y, 0.0, 1.0 + m->beta * 0,
                                                            0.0);
    m->k_why = "the game's gain from several neighbours depends on their order";
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
    m->k_why = "a gain is not finite";
    for (size_t q = 0; q < tab; q++)
        if (!isfinite(m->k_val[q]))
            return;
    m->k_why = "out of memory for the table of gains";
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
    m->k_why = "there are 32,000 distinct gains or more";
    if (u >= 32000) /* keys are int16 */
        return;
    m->k_why = NULL;
    if (m->k_ftab && u <= KFTAB) /* the general engine's numbers, computed once */
        for (size_t a = 0; a < u; a++)
            for (size_t c = 0; c < u; c++)
                m->k_ftab[a * u + c] =
                    coop_strategy_fermi(m->k_val[a], m->k_val[c], node_rpar(m, 0)[0]);
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
        double p = coop_cfg_actor(m->cfg, i)->propensity;
        m->k_act[i] = m->row[i + 1] > lo ? (unsigned char)(p >= 1.0) : 0;
        m->k_nxt[i] = m->k_old[i] = 0;
    }
    m->k_ready = 1;
    kbits_init(m);
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
 * With code: node q's key and gain are ckey[code[q]], val[code[q]] (the lattice;
 * ckey NULL: no keys, for the bit-sliced kernel); without: its key is set and its
 * gain is val[|key| - 1]. */
void kernel_sums(coop_model *m, size_t lo, size_t hi, const unsigned char *code,
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
#define KGAIN_VAL(q) (val[code[q]])
#define KGAIN_KEY(q) (val[abs(key[q]) - 1])
#define KCUM(q, g) (cum[q] += (g))
#define KNOCUM(q, g) (void)(g)
    int keep = m->k_allow != 2;
    if (code && !ckey && !keep) { /* the bit-sliced kernel: no keys */
        KSUMS(KGAIN_VAL, KNOCUM)
    } else if (code && !ckey) {
        KSUMS(KGAIN_VAL, KCUM)
    } else if (code && keep) {
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
#undef KGAIN_VAL
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

void kernel_step(coop_model *m, coop_record *rec)
{
    if (kbits_step(m, rec)) /* the bit-sliced kernel (kernel_bits.c) where it runs */
        return;
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
    kernel_record(m, rec);
    m->step++;
}

void kernel_record(coop_model *m, coop_record *rec)
{
    long nb = (long)m->k_nb;
    if (rec) {
        size_t nm = m->nt * (size_t)m->nl; /* no level is reached: every milestone -1 */
        for (size_t k = 0; rec->milestone && rec->n_ties == m->nt
                           && rec->n_levels == (size_t)m->nl && k < nm; k++)
            rec->milestone[k] = -1;
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
}

int kernel_check(const coop_model *m, coop_err *err)
{
    const coop_config *cfg = m->cfg;
    const char *why = m->k_why;
    if (!why && (coop_config_series_actors(cfg) > 0 || coop_config_series_ties(cfg) > 0))
        why = "its runs record per-actor or per-tie series (the actors are listed, or "
              "network.series_nodes = true)";
    if (!why && !m->k_ready)
        why = "the state after init does not allow it";
    if (!why)
        return COOP_OK;
    return COOP_FAIL(err, COOP_EINVAL, "model: experiment.engine = \"kernel\", but the node "
                     "kernel cannot run this configuration: %s (docs/ODD.md, \"Node kernel\"); "
                     "use engine = \"auto\" or \"general\"", why);
}

int coop_model_set_kernel(coop_model *m, int allow)
{
    /* from the next coop_model_init; experiment.engine = "general" wins (tests
     * compare the paths through build/coopsim, which asks for the kernel) */
    m->k_allow = m->k_forbid ? 0 : allow == 2 ? 2 : allow != 0;
    m->cum_off = allow == 2; /* the general engine's node mode too (coop_model_step) */
    return m->k_allow ? COOP_OK : model_general_state(m);
}

void coop_model_set_threads(coop_model *m, int threads)
{
    m->k_threads = threads > 0 ? threads : 0;
}

int coop_model_kernel_on(const coop_model *m)
{
    return m->k_on;
}
