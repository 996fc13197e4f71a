/* model_internal.h: what the engine's own files share (model.c, model_alloc.c,
 * play_node.c, learning.c, kernel.c) and no other module sees: the definition of
 * struct coop_model, the block sizes of the per-node work, and the functions one of
 * these files calls in another.  Other modules see only coop_model.h. */
#ifndef COOP_MODEL_INTERNAL_H
#define COOP_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "coop_config.h"
#include "coop_game.h"
#include "coop_model.h"

#define NPAR COOP_RULE_PARAMS_MAX

/* PER_ACTOR_ONLY_##per(code): code for the actor fields (COOP_ACTOR_FIELDS) that the
 * engine keeps per actor, nothing for those it keeps per slot, whose state array it
 * declares and allocates by hand (eng, prop).  How struct coop_model declares,
 * coop_model_alloc allocates and coop_model_free frees the per-actor arrays. */
#define PER_ACTOR_ONLY_ACTOR(...) __VA_ARGS__
#define PER_ACTOR_ONLY_SLOT(...)
#define PER_ACTOR_ONLY_SLOT_DOMAIN(...)

/* Blocks of nodes (model.c, section "record", and kernel.c): KSUB nodes per partial sum,
 * KBLOCK nodes per unit of work and per imitation stream, and within-run threads
 * only for runs of at least KPAR_MIN nodes in the node kernel (a step of about 1 ns
 * per node: smaller runs would spend more on the fork and join than they gain) and
 * of at least GPAR_MIN nodes in the general engine (a few hundred ns per node: two
 * blocks already take milliseconds). */
#define KSUB 256
#define KBLOCK (16 * KSUB)
#define KPAR_MIN (16 * KBLOCK)
#define GPAR_MIN (2 * KBLOCK)

/* One run: topology, parameters, state and the node kernel's buffers (the data
 * layout and the streams are described at the top of model.c). */
struct coop_model {
    const coop_config *cfg;
    gsl_rng *rng;
    gsl_rng **brng;  /* n_brng: one stream per block of KBLOCK nodes for the per-node
                      * draws (node-mode actions and errors; fermi and replicator
                      * imitation), NULL when there are none (tie mode without them) */
    size_t n_brng;
    gsl_rng **trng;  /* n_trng: one stream per tie (per tb ties beyond TSTREAMS ties) for
                      * its engagement draws and, in tie mode, choices and errors (with
                      * the general engine's state, gen: else none) */
    size_t n_trng, tb;
    double *tgap;    /* n_trng: actions left before the next error on each tie stream */
    gsl_rng *mrng;   /* the motivators' initiative draws */
    uint64_t seed;   /* the key of this run (coop_model_init): the tie streams' seed */
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
    int *tie_region; /* nt: region of an intra-regional tie, -1 otherwise (NULL: no regions) */
    int *xreg;       /* ns: the partner's region when it is not the owner's, else -1 (NULL:
                      * no regions) */
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
    int *oth_a, *oth_tk;      /* n_oth: the other's actor index; slot target->other, -1 none */
    int *reach;               /* n_oth: both sides' openness reached the top level's omega */
    double *oth_w;            /* n_oth: the other's weight in the pooled outcomes */
    double *win_e;            /* n_oth: the target's engagement toward it, summed over the window */
    double win_steps;         /* steps in the window so far */
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
    int *fresh, n_fresh; /* ties played since the last learning update (NULL when no actor
                          * reinforces: only reinforcement reads it) */
    coop_game *game;                 /* nd */
    double *pay;                     /* nd*4: the games as tables (coop_game_table) */
    double *db, *dc, *pg;            /* nd: donation b, c; public-good share */
    int *donation;                   /* nd */
    int *pgd, n_pgd;                 /* domains with a public-good share > 0 */
    /* n each: the actor fields the engine keeps per actor (COOP_ACTOR_FIELDS with per
     * ACTOR): cap, open, attn, amax, axi, arho, acost, ... */
#define COOP_X_(key, FIELD, array, per, bound, def, lo, hi, doc)                          \
    PER_ACTOR_ONLY_##per(double *array;)
    COOP_ACTOR_FIELDS(COOP_X_)
#undef COOP_X_
    double *goal;                    /* n*nd */
    int *rule;                       /* n (with gen: events change rule parameters) */
    double *rpar;                    /* n*NPAR (with gen) */
    uint16_t *prof;                  /* n: the node's rule profile (NULL: too many profiles,
                                      * then gen always exists) */
    int *prof_rule;                  /* n_prof: the distinct rules and rule parameters */
    double *prof_rpar;               /* n_prof*NPAR */
    size_t n_prof;
    double *mch; /* n*COOP_N_MOT: the motivator channels (MOT; a forced initiative is pending) */
    double *w, *rival;               /* nt */
    double *obs;                     /* nt*no */
    double *oshare;                  /* nt*no: share of C driving each observable */
    double *growth, *decay;          /* no */
    int *drv_row, *drv;              /* no+1, domains driving each observable */
    double wmax;

    /* derived */
    double *aspA, *aspIM; /* n*nd: Bush-Mosteller aspiration, 1/normaliser (NULL when no
                           * actor reinforces) */
    double *scale; /* ns*nd: goal * sr */
    int scale_one; /* every scale is exactly 1 (set by general_reset, cleared by a
                    * rescale to another value): node-mode play does not read them */
    double delta_max; /* largest payoff range over domains (replicator norm) */

    /* state */
    double *eng;   /* ns: engagement (starts at actors.NAME.engagement) */
    double *xattn; /* n: attention budget above attn (agenda setting), >= 0 */
    double *prop;  /* ns*nd: propensity (probability of C; starts at actors.NAME.propensity) */
    unsigned char *mem; /* ns*nd: memory byte (coop_strategy.h) */
    double *lastv; /* ns*nd: effective payoff of the last round (reinforcement learning;
                    * NULL when no actor reinforces) */
    double *fr;    /* ns*nd: free-riding share this step (NULL when no lists) */
    int *cc;       /* ns: C played this step, in tie mode; node mode does not keep it
                    * (slot_cc computes it from on and nact) */
    double *tgain; /* ns: cumulative gain on the slot (read by the motivators; NULL when
                    * there are none) */
    unsigned char *on; /* nt: engaged this step */
    int *on_list, n_on; /* the engaged ties, in tie order */
    int *last_on;  /* nt: last step engaged, -1 never */
    int *mut;      /* nt: domains with mutual C this step, in tie mode (node mode counts
                    * them in its pass over the ties, play_node.c) */
    double *trust; /* nt */
    int *level, *up, *down; /* nt */
    int *mile;     /* nt*nl: first step each level was reached, -1 never */
    int inst_idle; /* every tie is still at trust 0, level 0, no step counted, as
                    * general_reset left it (institutions_idle, play_node.c) */
    int gen;       /* mem, cc, on ... mile exist (model_general_state): where the node
                    * kernel runs they are NULL */
    double *gain, *cum, *acc; /* n: this step, cumulative, since the last update */
    int cum_off;   /* coop_model_set_kernel(m, 2): nothing reads cum unless a record
                    * has per-actor series */
    int keep_cum;  /* this run keeps cum: not in node mode with cum_off and no per-actor
                    * series (decided at step 0; coop_model_cum_gain is NaN otherwise) */
    int acc_gain;  /* node mode, update_every 1, no Moran actor: acc is not kept, the
                    * imitation reads gain (the same number, but for the sign of a zero) */
    int snapped;   /* node_actions took this step's imitation snapshot (pnode) */
    int *nc, *na;  /* n: C and actions this step */
    double *coh;   /* n_regions: cooperation on intra-regional ties this step */
    double *coh_c, *coh_n;
    double *psum;  /* per KSUB actors: their gains summed (population record) */
    long *pc, *pn; /* per KBLOCK actors: C and actions (population record) */
    double *pnode; /* n*nd: imitation snapshot */
    int any_reinforce, any_imitate;
    int draw_rules; /* some actor follows fermi or replicator (imitation that draws) */
    int self_play; /* network.self: each node also plays itself (Nowak & May 1992) */
    int any_moran; /* some actor follows the Moran process */
    int node_mode; /* interaction = node: one action per node and domain per step */
    unsigned char *nact; /* n*nd: the node actions of this step (node_mode) */

    /* node kernel (kernel.c); NULL buffers when not possible */
    int k_able;          /* the configuration allows the kernel (alloc) */
    int k_allow;         /* coop_model_set_kernel; experiment.engine = "general" clears it */
    int k_forbid;        /* experiment.engine = "general": k_allow stays 0 whatever the
                          * callers ask */
    const char *k_why;   /* why the kernel cannot run (alloc, init), NULL when it can */
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
    struct kbits *kb;    /* the bit-sliced kernel (kernel_bits.c), NULL where it cannot run */
};

/* calloc of at least one element, so that empty arrays are valid pointers; sets
 * *fail when out of memory. */
static inline void *zalloc(size_t count, size_t size, int *fail)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        *fail = 1;
    return p;
}

/* Actor i's rule and rule parameters: the general engine's own (events change them),
 * else, where the node kernel runs alone, those of its profile (the configuration's). */
static inline int node_rule(const coop_model *m, size_t i)
{
    return m->rule ? m->rule[i] : m->prof_rule[m->prof[i]];
}

static inline const double *node_rpar(const coop_model *m, size_t i)
{
    return m->rpar ? m->rpar + i * NPAR : m->prof_rpar + (size_t)m->prof[i] * NPAR;
}

/* The C played on slot s this step (0 when its tie was idle): cc in tie mode; in node
 * mode the owner's actions on an engaged tie, which on and nact hold until the next
 * step's engagement and actions (every reader comes before them). */
static inline int slot_cc(const coop_model *m, size_t s)
{
    if (!m->node_mode)
        return m->cc[s];
    if (!m->on[m->tie[s]])
        return 0;
    const unsigned char *x = m->nact + (size_t)m->own[s] * m->nd;
    int c = 0;
    for (size_t d = 0; d < m->nd; d++)
        c += x[d];
    return c;
}

/* Actor i's slot toward j, -1 when they have no tie. */
static inline int find_slot(const coop_model *m, int i, int j)
{
    for (int s = m->row[i]; s < m->row[i + 1]; s++)
        if (m->nbr[s] == j)
            return s;
    return -1;
}

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

/* model.c */

/* The scale of a slot in one domain (m->scale): the owner's goal times the capacity
 * scale between the owner and the partner. */
static inline double model_scale(double goal, double cap_own, double cap_partner)
{
    return goal * coop_game_capacity_scale(cap_own, cap_partner);
}

/* Within-run parallel passes: f(m, lo, hi) over [0, count) in blocks of `chunk`
 * (model.c, "Within-run parallel passes"). */
typedef void range_fn(coop_model *m, size_t lo, size_t hi);
void par_ranges(coop_model *m, size_t count, size_t chunk, range_fn *f);

#define TIE_CHUNK 16384 /* ties per block of a parallel pass over ties that draws nothing */

/* play_node.c: self-play of actor i (network.self); the observables' shares of C on
 * engaged tie t from its slots' memories ma, mb; node mode's actions (one per actor
 * and domain) and play (f of par_ranges over blocks of KBLOCK actors); step 4, the
 * institutions (in node mode with the rest of the ties' play). */
void play_self1(coop_model *m, size_t i);
void tie_shares(coop_model *m, size_t t, const unsigned char *ma, const unsigned char *mb);
void node_actions(coop_model *m);
void play_node_actors(coop_model *m, size_t lo, size_t hi);
void do_institutions(coop_model *m);

/* learning.c: step 6, learning (resets the gains since the last update). */
void do_learning(coop_model *m);

/* The threads of this run's own parallel loops: 1 unless the run is large and no
 * parallel region is active. */
int run_threads(const coop_model *m);

/* The neighbour whose propensities actor i copies, or i itself (draws from rng). */
int imitation_model(const coop_model *m, int i, gsl_rng *rng);

/* The imitation snapshot of actors lo .. hi-1 (pnode: their mean propensities). */
void imitate_snapshot(coop_model *m, size_t lo, size_t hi);

/* The snapshot of this step into rec, when rec takes one. */
void record_snapshot(const coop_model *m, coop_record *rec);

/* model_alloc.c: allocates the general engine's own state (struct coop_model, gen)
 * where it is missing and resets it; COOP_OK or COOP_ENOMEM.  model.c: resets that
 * state to the initial values (nothing where it is missing). */
int model_general_state(coop_model *m);
void general_reset(coop_model *m);

/* kernel.c: the node kernel (docs/ODD.md, "Node kernel") */

/* At alloc: whether the configuration allows the kernel, and its buffers
 * (*fail set when out of memory).  m->k_why says why not. */
void kernel_alloc(coop_model *m, const coop_config *cfg, int *fail);

/* At init: whether the state allows the kernel (k_ready), and its tables.
 * m->k_why says why not. */
void kernel_init(coop_model *m);

/* One step of the kernel; the population into rec (may be NULL). */
void kernel_step(coop_model *m, coop_record *rec);

/* For experiment.engine = "kernel", after the first init: COOP_OK when the runs
 * of the configuration can use the kernel, else COOP_EINVAL and err names the
 * condition that fails. */
int kernel_check(const coop_model *m, coop_err *err);

/* The gains of nodes lo .. hi-1 (a block) into the cumulative gains (unless
 * k_allow is 2) and the sums per sub-block (kernel.c; see there for code, ckey). */
void kernel_sums(coop_model *m, size_t lo, size_t hi, const unsigned char *code,
                 const int16_t *ckey, const double *val);

/* The end of a kernel step: milestones and the population series into rec. */
void kernel_record(coop_model *m, coop_record *rec);

/* kernel_bits.c: the bit-sliced kernel for imitate_best on lattices */

/* At the end of kernel_alloc: its buffers where the network allows it. */
void kbits_alloc(coop_model *m, const coop_config *cfg, int *fail);

/* At the end of kernel_init: whether this run uses it; packs the state. */
void kbits_init(coop_model *m);

/* One kernel step when this run uses it (then 1), else 0 and nothing done. */
int kbits_step(coop_model *m, coop_record *rec);

void kbits_free(coop_model *m);

/* Node a's action to play (last 0) or last played (last 1) in either kernel. */
int kernel_action(const coop_model *m, int a, int last);

/* At step 0: notes which engine this run uses (coop_model_engines_used). */
void kernel_note(const coop_model *m);

#endif
