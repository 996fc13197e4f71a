/* model_alloc.c: a model's memory and fixed structure (docs/ODD.md): the records
 * of a run, coop_model_alloc and coop_model_free (every buffer of a run is
 * allocated here, nothing after), and what alloc builds once from the
 * configuration: the CSR topology, the free-riding lists, the motivators' and the
 * hypothesis outcomes' slot indices.  The state is set by coop_model_init
 * (model.c). */
#include "model_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_network.h"
#include "coop_rng.h"
#include "coop_strategy.h"

/* Streams of a run besides its generator (model.c, "Randomness"): at most
 * TSTREAMS tie streams. */
#define TSTREAMS 4096

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
    int n_states = coop_outcome_states(cfg, NULL, 0);
    rec->n_states = n_states < COOP_MAX_STATES ? n_states : COOP_MAX_STATES;
    for (int x = 0; x < COOP_MAX_STATES; x++)
        for (int k = 0; k < COOP_N_OUTCOMES; k++)
            rec->state_outcome[x][k] = NAN;
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
        m->oth_a, m->oth_tk, m->reach, m->oth_w, m->win_e,
        m->game, m->pay, m->db, m->dc, m->pg, m->donation, m->pgd, m->xattn, m->goal,
        m->rule, m->rpar, m->prof, m->prof_rule, m->prof_rpar, m->mch, m->w, m->rival, m->obs,
        m->oshare,
        m->growth, m->decay, m->drv_row, m->drv, m->aspA, m->aspIM, m->scale, m->eng, m->prop, m->mem, m->lastv, m->fr,
        m->cc, m->tgain, m->on, m->on_list, m->last_on, m->fresh, m->mut, m->trust, m->level, m->up, m->down,
        m->mile, m->gain, m->cum, m->acc, m->nc, m->na, m->coh, m->coh_c, m->coh_n, m->psum, m->pc, m->pn,
        m->pnode, m->nact,
        m->k_buf, m->k_ebuf, m->k_key, m->k_ckey, m->k_cval, m->k_ssum, m->k_val, m->k_tab, m->k_off, m->k_bc, m->k_bn, m->k_ftab,
    };
    for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++)
        free(bufs[k]);
    kbits_free(m);
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc)                          \
    PER_ACTOR_ONLY_##per(free(m->array);)
    COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
    free(m);
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
        const coop_actor_cfg *a = coop_cfg_actor(cfg, i);
        if (a->rule < 0 || a->rule >= COOP_N_RULES)
            return COOP_FAIL(err, COOP_EINVAL, "model: actor %s has rule id %d",
                             coop_cfg_actor_name(cfg, i), a->rule);
        if (!(a->capacity > 0.0))
            return COOP_FAIL(err, COOP_EINVAL, "model: actor %s has capacity %g, must be > 0",
                             coop_cfg_actor_name(cfg, i), a->capacity);
        if (a->region_id >= (int)cfg->n_regions)
            return COOP_FAIL(err, COOP_EINVAL, "model: actor %s has region id %d",
                             coop_cfg_actor_name(cfg, i),
                             a->region_id);
    }
    for (size_t t = 0; t < cfg->n_ties; t++) {
        int a, b;
        coop_cfg_tie_ends(cfg, t, &a, &b);
        if (a < 0 || b < 0 || (size_t)a >= cfg->n_actors || (size_t)b >= cfg->n_actors || a == b)
            return COOP_FAIL(err, COOP_EINVAL, "model: tie %zu joins actors %d and %d", t, a, b);
    }
    return COOP_OK;
}

/* CSR adjacency: actor i's slots in tie order (coop_network_csr), read from the
 * configuration's ties in place; own, tie, rev and tslot only where they are
 * allocated (lean_topology). */
_Static_assert(sizeof(coop_tie_cfg) % sizeof(int) == 0, "coop_tie_cfg as an int stride");
static void tie_ends(const void *cfg, size_t t, int *a, int *b)
{
    coop_cfg_tie_ends(cfg, t, a, b);
}

static void build_topology(coop_model *m, const coop_config *cfg)
{
    if (cfg->ties || cfg->pop.ta) { /* listed (or materialised) ties, a generated graph's */
        size_t stride = cfg->ties ? sizeof(coop_tie_cfg) / sizeof(int) : 1;
        const int *a = !m->nt ? NULL : cfg->ties ? &cfg->ties[0].a : cfg->pop.ta;
        const int *b = !m->nt ? NULL : cfg->ties ? &cfg->ties[0].b : cfg->pop.tb;
        coop_network_csr_stride(m->n, m->nt, a, b, stride, m->row, m->nbr, m->own, m->tie,
                                m->rev, m->tslot);
    } else { /* a lattice's ties by arithmetic */
        coop_network_csr_ends(m->n, m->nt, tie_ends, cfg, m->row, m->nbr, m->own, m->tie,
                              m->rev, m->tslot);
    }
    for (size_t i = 0; m->region && i < m->n; i++)
        m->region[i] = coop_cfg_actor(cfg, i)->region_id;
    for (size_t t = 0; m->xreg && t < m->nt; t++) {
        int ta, tb;
        coop_cfg_tie_ends(cfg, t, &ta, &tb);
        int ra = m->region[ta], rb = m->region[tb];
        m->tie_region[t] = (ra >= 0 && ra == rb) ? ra : -1;
        m->xreg[m->tslot[2 * t]] = rb != ra ? rb : -1;
        m->xreg[m->tslot[2 * t + 1]] = ra != rb ? ra : -1;
    }
}

/* Whether the configuration lets the node kernel run without the general engine
 * (kernel_unable's conditions that the configuration alone decides, and no
 * per-actor or per-tie series): then alloc keeps of the topology only row and nbr,
 * which the kernel reads, and alloc_general adds the slots' owners, ties, reverse
 * slots and the ties' slots when a run needs them.  Regions, motivators and a
 * hypothesis, which read those at alloc, keep them all. */
static int lean_topology(const coop_config *cfg)
{
    if (cfg->interaction != COOP_INTERACTION_NODE || cfg->engine == COOP_ENGINE_GENERAL
        || cfg->n_regions > 0 || cfg->hyp.motivator >= 0 || cfg->hyp.target >= 0
        || coop_config_series_actors(cfg) > 0 || coop_config_series_ties(cfg) > 0)
        return 0;
    for (size_t i = 0; i < cfg->n_actors; i++)
        if (coop_cfg_actor(cfg, i)->motivator.target >= 0)
            return 0;
    return 1;
}

/* The slots' owners, ties and reverse slots, the ties' slots and the actors'
 * regions (all of the topology: build_topology fills them). */
static void alloc_slots(coop_model *m, int *fail)
{
    m->region = zalloc(m->n, sizeof(int), fail);
    m->own = zalloc(m->ns, sizeof(int), fail);
    m->tie = zalloc(m->ns, sizeof(int), fail);
    m->rev = zalloc(m->ns, sizeof(int), fail);
    m->tslot = zalloc(m->ns, sizeof(int), fail);
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
        int t = coop_cfg_actor(cfg, a)->motivator.target;
        if (t < 0 || (size_t)t >= m->n || t == (int)a)
            continue;
        n_mot++;
        for (size_t k = 0; k < m->n; k++)
            n_k += is_neighbour(m, (int)a, t, (int)k);
    }
    m->n_mot = n_mot;
    if (n_mot > 0) /* the gains per slot, which only the motivators read */
        m->tgain = zalloc(m->ns, sizeof(double), fail);
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
        int t = coop_cfg_actor(cfg, a)->motivator.target;
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
    m->oth_a = zalloc((size_t)n_oth, sizeof(int), fail);
    m->oth_tk = zalloc((size_t)n_oth, sizeof(int), fail);
    m->reach = zalloc((size_t)n_oth, sizeof(int), fail);
    m->oth_w = zalloc((size_t)n_oth, sizeof(double), fail);
    m->win_e = zalloc((size_t)n_oth, sizeof(double), fail);
    m->reg_tk = zalloc((size_t)n_reg, sizeof(int), fail);
    m->intra = zalloc((size_t)n_intra, sizeof(int), fail);
    if (*fail || !m->hyp)
        return;
    m->n_oth = n_oth, m->n_reg = n_reg, m->n_intra = n_intra;
    int x = 0, y = 0, z = 0;
    for (size_t k = 0; k < m->n; k++) {
        int other = is_neighbour(m, hm, ht, (int)k);
        if (other) {
            m->oth_a[x] = (int)k;
            m->oth_tk[x] = find_slot(m, ht, (int)k);
            m->oth_w[x] = coop_outcome_weight(cfg, (int)k);
            m->oth_kt[x++] = find_slot(m, (int)k, ht);
        }
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

/* The run's generators: its own, the motivators' and the tie streams. */
static void alloc_streams(coop_model *m, const gsl_rng_type *type, int *fail)
{
    size_t nt = m->nt;
    m->rng = gsl_rng_alloc(type);
    m->mrng = gsl_rng_alloc(type);
    *fail |= !m->rng || !m->mrng;
    m->tb = nt > TSTREAMS ? (nt + TSTREAMS - 1) / TSTREAMS : 1;
}

/* The tie streams (the general engine's: engagement, tie-mode choices and errors). */
static void alloc_tie_streams(coop_model *m, int *fail)
{
    size_t nt = m->nt;
    m->n_trng = nt ? (nt + m->tb - 1) / m->tb : 0;
    m->trng = zalloc(m->n_trng, sizeof(gsl_rng *), fail);
    m->tgap = zalloc(m->n_trng, sizeof(double), fail);
    for (size_t b = 0; !*fail && b < m->n_trng; b++)
        *fail = !(m->trng[b] = gsl_rng_alloc(m->rng->type));
}

/* The topology and the parameters that events may change. */
static void alloc_parameters(coop_model *m, int *fail)
{
    size_t n = m->n, nt = m->nt, nd = m->nd, no = m->no, ns = m->ns;
    m->row = zalloc(n + 1, sizeof(int), fail);
    m->nbr = zalloc(ns, sizeof(int), fail);
    if (!lean_topology(m->cfg))
        alloc_slots(m, fail);
    if (m->cfg->n_regions > 0) { /* else every region id is -1: NULL */
        m->tie_region = zalloc(nt, sizeof(int), fail);
        m->xreg = zalloc(ns, sizeof(int), fail);
    }

    m->game = zalloc(nd, sizeof(coop_game), fail);
    m->pay = zalloc(nd * 4, sizeof(double), fail);
    m->db = zalloc(nd, sizeof(double), fail);
    m->dc = zalloc(nd, sizeof(double), fail);
    m->pg = zalloc(nd, sizeof(double), fail);
    m->donation = zalloc(nd, sizeof(int), fail);
    m->pgd = zalloc(nd, sizeof(int), fail);
    m->obs = zalloc(nt * no, sizeof(double), fail);
    m->oshare = zalloc(nt * no, sizeof(double), fail);
    m->growth = zalloc(no, sizeof(double), fail);
    m->decay = zalloc(no, sizeof(double), fail);
    m->drv_row = zalloc(no + 1, sizeof(int), fail);
    m->drv = zalloc(no * nd, sizeof(int), fail);
}

/* The derived values and the state of a run. */
static void alloc_state(coop_model *m, size_t n_regions, int *fail)
{
    size_t n = m->n, nr = n_regions;
    m->cum = zalloc(n, sizeof(double), fail);
    m->coh = zalloc(nr, sizeof(double), fail);
    m->coh_c = zalloc(nr, sizeof(double), fail);
    m->coh_n = zalloc(nr, sizeof(double), fail);
    m->psum = zalloc((n + KSUB - 1) / KSUB, sizeof(double), fail);
    m->pc = zalloc((n + KBLOCK - 1) / KBLOCK, sizeof(long), fail);
    m->pn = zalloc((n + KBLOCK - 1) / KBLOCK, sizeof(long), fail);
}

/* The state that only the general engine's steps read (the tie streams; per actor: the
 * parameters that events change (capacity, openness, attention ..., goals, rule and
 * rule parameters), gains, counts of
 * C and actions, attention added by agenda setting, motivator channels, imitation
 * snapshot and choice, node actions; per slot: memory bytes, C counts; per tie:
 * rivalry, engagement flags and list, mutual C, trust, levels and their counters,
 * milestones): allocated by coop_model_alloc only where the node kernel cannot run,
 * else on demand (model_general_state) when a caller turns the kernel off or a
 * record asks for per-actor or per-tie series. */
static void alloc_general(coop_model *m, int *fail)
{
    size_t n = m->n, nt = m->nt, ns = m->ns, nd = m->nd;
    if (!m->own) { /* the rest of the topology (lean_topology) */
        alloc_slots(m, fail);
        if (*fail)
            return;
        build_topology(m, m->cfg);
    }
    alloc_tie_streams(m, fail);
    int ht = m->cfg->hyp.target; /* per actor: its slot toward the target (series) */
    m->to_target = zalloc(n, sizeof(int), fail);
    for (size_t i = 0; !*fail && i < n; i++)
        m->to_target[i] = (ht >= 0 && (size_t)ht < n) ? find_slot(m, (int)i, ht) : -1;
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc)                          \
    PER_ACTOR_ONLY_##per(m->array = zalloc(n, sizeof(double), fail);)
    COOP_ACTOR_FIELDS(COOP_X_) /* cap, open, attn, ... */
#undef COOP_X_
    m->goal = zalloc(n * nd, sizeof(double), fail);
    m->rule = zalloc(n, sizeof(int), fail);
    m->rpar = zalloc(n * NPAR, sizeof(double), fail);
    m->gain = zalloc(n, sizeof(double), fail);
    m->acc = zalloc(n, sizeof(double), fail);
    m->nc = zalloc(n, sizeof(int), fail);
    m->na = zalloc(n, sizeof(int), fail);
    m->xattn = zalloc(n, sizeof(double), fail);
    m->mch = zalloc(n * COOP_N_MOT, sizeof(double), fail);
    if (m->any_imitate)
        m->pnode = zalloc(n * nd, sizeof(double), fail);
    if (m->node_mode)
        m->nact = zalloc(n * nd, 1, fail);
    m->w = zalloc(nt, sizeof(double), fail);
    m->rival = zalloc(nt, sizeof(double), fail);
    m->scale = zalloc(ns * nd, sizeof(double), fail);
    m->eng = zalloc(ns, sizeof(double), fail);
    m->prop = zalloc(ns * nd, sizeof(double), fail);
    m->mem = zalloc(ns * m->nd, 1, fail);
    if (!m->node_mode) { /* node mode computes cc (slot_cc) and keeps no mut */
        m->cc = zalloc(ns, sizeof(int), fail);
        m->mut = zalloc(nt, sizeof(int), fail);
    }
    m->on = zalloc(nt, 1, fail);
    m->on_list = zalloc(nt, sizeof(int), fail);
    m->last_on = zalloc(nt, sizeof(int), fail);
    m->trust = zalloc(nt, sizeof(double), fail);
    m->level = zalloc(nt, sizeof(int), fail);
    m->up = zalloc(nt, sizeof(int), fail);
    m->down = zalloc(nt, sizeof(int), fail);
    m->mile = zalloc(nt * (size_t)m->nl, sizeof(int), fail);
    m->gen = !*fail;
}

int model_general_state(coop_model *m)
{
    if (m->gen)
        return COOP_OK;
    int fail = 0;
    alloc_general(m, &fail);
    if (fail)
        return COOP_ENOMEM; /* coop_model_free frees what was allocated */
    general_reset(m);
    return COOP_OK;
}

/* The topology, the observables' driving domains and the free-riding lists. */
static void build_structure(coop_model *m, const coop_config *cfg, int *fail)
{
    size_t nd = m->nd, no = m->no, ns = m->ns;
    build_topology(m, cfg);
    for (size_t o = 0, x = 0; o < no; o++) {
        for (size_t d = 0; d < nd; d++)
            if (cfg->observables[o].drive[d])
                m->drv[x++] = (int)d;
        m->drv_row[o + 1] = (int)x;
    }
    size_t n_spill = cfg->n_regions > 0 ? spill_lists(m, NULL, NULL) : 0; /* none without */
    if (n_spill > 0) {
        m->spill_row = zalloc(ns + 1, sizeof(int), fail);
        m->spill = zalloc(n_spill, sizeof(int), fail);
        m->fr = zalloc(ns * nd, sizeof(double), fail);
        m->spill_slots = zalloc(ns, sizeof(int), fail);
        if (*fail)
            return;
        spill_lists(m, m->spill_row, m->spill);
        for (size_t s = 0; s < ns; s++)
            if (m->spill_row[s + 1] > m->spill_row[s])
                m->spill_slots[m->n_spill_slots++] = (int)s;
    }
}

/* Whether actor a's rule and rule parameters are those of profile p (p < np). */
static int same_profile(const int *rule, const double *par, size_t np, size_t p,
                        const coop_actor_cfg *a)
{
    return p < np && rule[p] == a->rule
           && memcmp(par + p * NPAR, a->rule_param, sizeof a->rule_param) == 0;
}

/* The profiles of the actors' rules: the distinct rules with their parameters, in
 * order of first appearance, and each actor's (what the node kernel reads where the
 * general engine's per-actor copies do not exist).  m->prof stays NULL beyond
 * UINT16_MAX profiles; then coop_model_alloc allocates the general engine's state. */
static void build_profiles(coop_model *m, const coop_config *cfg, int *fail)
{
    size_t n = m->n, cap = 16, np = 0;
    int *rule = malloc(cap * sizeof *rule);
    double *par = malloc(cap * NPAR * sizeof *par);
    uint16_t *prof = malloc((n ? n : 1) * sizeof *prof);
    for (size_t i = 0; rule && par && prof && i < n; i++) {
        const coop_actor_cfg *a = coop_cfg_actor(cfg, i);
        size_t p = i > 0 ? prof[i - 1] : 0; /* the previous actor's first: a template */
        if (!same_profile(rule, par, np, p, a)) {
            p = 0;
            while (p < np && !same_profile(rule, par, np, p, a))
                p++;
        }
        if (p == np) { /* a new profile */
            if (np == UINT16_MAX) {
                free(prof);
                prof = NULL; /* too many: the general engine's per-actor copies */
                break;
            }
            if (np == cap) {
                cap *= 2;
                int *r2 = realloc(rule, cap * sizeof *rule);
                double *p2 = r2 ? realloc(par, cap * NPAR * sizeof *par) : NULL;
                rule = r2 ? r2 : rule, par = p2 ? p2 : par;
                if (!r2 || !p2) {
                    *fail = 1;
                    break;
                }
            }
            rule[np] = a->rule;
            memcpy(par + np * NPAR, a->rule_param, sizeof a->rule_param);
            np++;
        }
        prof[i] = (uint16_t)p;
    }
    *fail |= !rule || !par;
    m->prof = prof, m->prof_rule = rule, m->prof_rpar = par, m->n_prof = np;
}

/* The actors' rules: which learning kinds are present, their profiles, the imitation snapshot,
 * the block streams of the per-node draws and the node actions. */
static void build_rules(coop_model *m, const coop_config *cfg, int *fail)
{
    size_t n = m->n, nd = m->nd;
    for (size_t i = 0; i < n; i++) {
        coop_learning l = coop_strategies[coop_cfg_actor(cfg, i)->rule].learning;
        m->any_reinforce |= l == COOP_LEARN_REINFORCE;
        m->any_imitate |= l == COOP_LEARN_IMITATE;
        m->any_moran |= l == COOP_LEARN_MORAN;
    }
    if (m->any_reinforce) { /* what only reinforcement reads */
        m->lastv = zalloc(m->ns * nd, sizeof(double), fail);
        m->fresh = zalloc(m->nt, sizeof(int), fail);
        m->aspA = zalloc(n * nd, sizeof(double), fail);
        m->aspIM = zalloc(n * nd, sizeof(double), fail);
    }
    for (size_t i = 0; i < n; i++)
        m->draw_rules |= coop_cfg_actor(cfg, i)->rule == COOP_RULE_FERMI
                         || coop_cfg_actor(cfg, i)->rule == COOP_RULE_REPLICATOR;
    /* per-node draws, from block streams: node mode, or imitation rules that draw */
    if ((cfg->interaction == COOP_INTERACTION_NODE || m->draw_rules) && !*fail) {
        m->n_brng = (n + KBLOCK - 1) / KBLOCK;
        m->brng = zalloc(m->n_brng, sizeof(gsl_rng *), fail);
        for (size_t b = 0; !*fail && b < m->n_brng; b++)
            *fail = !(m->brng[b] = gsl_rng_alloc(m->rng->type));
    }
    m->self_play = cfg->net.present && cfg->net.self;
    m->node_mode = cfg->interaction == COOP_INTERACTION_NODE;
    build_profiles(m, cfg, fail);
}

coop_model *coop_model_alloc(const coop_config *cfg, coop_err *err)
{
    if (check_config(cfg, err))
        return NULL;
    const gsl_rng_type *type = coop_rng_type(cfg->rng[0] ? cfg->rng : "mt19937");
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
    alloc_streams(m, type, &fail);
    alloc_parameters(m, &fail);
    alloc_state(m, cfg->n_regions, &fail);
    if (!fail)
        build_structure(m, cfg, &fail);
    if (!fail)
        build_rules(m, cfg, &fail);
    if (fail || !build_motivators(m, cfg, &fail))
        goto nomem;
    build_outcomes(m, cfg, &fail);
    if (fail)
        goto nomem;
    kernel_alloc(m, cfg, &fail);
    /* the general engine's own state only where the kernel may not run: the kernel
     * is off, or some run records per-actor or per-tie series */
    if (!fail && !(m->k_able && m->k_allow && m->prof && coop_config_series_actors(cfg) == 0
                   && coop_config_series_ties(cfg) == 0))
        alloc_general(m, &fail);
    if (fail)
        goto nomem;
    coop_model_init(m, cfg->seed);
    if (!m->k_ready && model_general_state(m) != COOP_OK) /* the state rules it out */
        goto nomem;
    if (cfg->engine == COOP_ENGINE_KERNEL && kernel_check(m, err) != COOP_OK) {
        coop_model_free(m);
        return NULL;
    }
    return m;
nomem:
    coop_model_free(m);
    COOP_FAIL(err, COOP_ENOMEM, "model: out of memory for %zu actors and %zu ties",
              cfg->n_actors, cfg->n_ties);
    return NULL;
}

/* ---------------------------------------------------------------- the others */

int coop_outcome_states(const coop_config *cfg, int *actors, int max)
{
    int hm = cfg->hyp.motivator, ht = cfg->hyp.target, n = 0;
    if (hm < 0 || (size_t)hm >= cfg->n_actors || ht < 0 || (size_t)ht >= cfg->n_actors ||
        hm == ht)
        return 0;
    int region = coop_cfg_actor(cfg, hm)->region_id;
    for (size_t k = 0; region >= 0 && k < cfg->n_actors; k++) {
        if ((int)k == hm || (int)k == ht || coop_cfg_actor(cfg, k)->region_id != region)
            continue;
        if (actors && n < max)
            actors[n] = (int)k;
        n++;
    }
    return n;
}

double coop_outcome_weight(const coop_config *cfg, int actor)
{
    const coop_hypothesis_cfg *h = &cfg->hyp;
    if (h->n_weights == 0)
        return 1.0;
    for (int i = 0; i < h->n_weights; i++)
        if (h->weight_actor[i] == actor)
            return h->weight[i];
    return 0.0;
}

int coop_outcome_per_state(int o)
{
    return o >= 0 && o < COOP_N_OUTCOMES && o != COOP_O_REGIONAL_COHESION;
}

double coop_outcome_pool(const double *v, const double *w, int n)
{
    double sum = 0.0, sw = 0.0;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i]) && w[i] > 0.0)
            sum += w[i] * v[i], sw += w[i];
    return sw > 0.0 ? sum / sw : NAN;
}
