/* test_node_threads.c: the general engine's node-mode passes on within-run threads
 * (sim/model/model.c, play_node.c, learning.c: engagement, play, institutions,
 * imitation and the population record run over fixed blocks of nodes and ties, issue
 * 18 item 4).
 *
 * The node kernel never runs here (experiment.engine = "general"), so every pass of
 * the general engine is exercised: on a 260 x 260 lattice (67,600 nodes, above the
 * size where the kernel would use its own threads) and a 95 x 95 one (9,025 nodes: above
 * the general engine's 8,192, three blocks of which the last is partial), a run on 1 thread and the same run on 2
 * and 3 threads must leave identical population records (memcmp) and identical
 * per-node and per-tie state through the inspection functions (cumulative gains,
 * propensities, engagement, last actions, trust, levels).  Three configurations:
 * fermi imitation with implementation errors, engagement dynamics (ties engaged
 * at random) and institutions (trust); and Bush-Mosteller reinforcement, whose
 * list of fresh ties keeps a pass in tie order; and fermi learning every other step
 * with levels that change the gains (institutions.beta, gamma). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_config.h"
#include "coop_model.h"

#define SAMPLE 97 /* every 97th tie and node is inspected */

typedef struct state {
    coop_record *rec;
    double *v;   /* per sampled tie: engagement, propensity, trust; per node: cum gain */
    int *k;      /* per sampled tie: last action, level */
    size_t nv, nk;
} state;

static state run_general(const coop_config *cfg, int threads)
{
    coop_err err = {0};
    coop_model *m = coop_model_alloc(cfg, &err);
    cr_assert_not_null(m, "%s", err.text);
    coop_model_set_threads(m, threads);
    state s = {coop_record_alloc(cfg, 1), NULL, NULL, 0, 0};
    cr_assert_not_null(s.rec);
    coop_model_run(m, 11, s.rec);
    cr_assert_eq(coop_model_kernel_on(m), 0, "the general engine must run");
    s.v = calloc(4 * cfg->n_ties + cfg->n_actors, sizeof *s.v);
    s.k = calloc(2 * cfg->n_ties, sizeof *s.k);
    cr_assert(s.v && s.k);
    for (size_t t = 0; t < cfg->n_ties; t += SAMPLE) {
        int a = coop_cfg_tie(cfg, t).a, b = coop_cfg_tie(cfg, t).b;
        s.v[s.nv++] = coop_model_engagement(m, a, b);
        s.v[s.nv++] = coop_model_propensity(m, a, b, 0);
        s.v[s.nv++] = coop_model_trust(m, t);
        s.k[s.nk++] = coop_model_last_action(m, b, a, 0);
        s.k[s.nk++] = coop_model_level(m, t);
    }
    for (size_t i = 0; i < cfg->n_actors; i += SAMPLE)
        s.v[s.nv++] = coop_model_cum_gain(m, (int)i);
    coop_model_free(m);
    return s;
}

static void state_free(state *s)
{
    coop_record_free(s->rec);
    free(s->v);
    free(s->k);
}

/* cfg on 1, 2 and 3 threads: the same numbers, and a run that did something
 * (the cooperator share moves, the sampled state is not all zero). */
static void same_for_threads(const coop_config *cfg)
{
    state s1 = run_general(cfg, 1);
    size_t np = (size_t)cfg->n_steps * COOP_POP_METRICS;
    double first = s1.rec->pop[COOP_P_COOP_SHARE];
    double last = s1.rec->pop[np - COOP_POP_METRICS + COOP_P_COOP_SHARE];
    cr_assert(isfinite(first) && isfinite(last) && first != last,
              "the cooperator share should move (%g -> %g)", first, last);
    double mass = 0.0;
    for (size_t q = 0; q < s1.nv; q++)
        mass += fabs(s1.v[q]);
    cr_assert_gt(mass, 0.0);
    for (int th = 2; th <= 3; th++) {
        state s = run_general(cfg, th);
        cr_expect_eq(memcmp(s1.rec->pop, s.rec->pop, np * sizeof(double)), 0,
                     "population records differ on %d threads", th);
        cr_assert_eq(s.nv, s1.nv);
        cr_expect_eq(memcmp(s1.v, s.v, s.nv * sizeof(double)), 0,
                     "engagement, propensity, trust or cumulative gains differ on %d threads", th);
        cr_expect_eq(memcmp(s1.k, s.k, s.nk * sizeof(int)), 0,
                     "last actions or levels differ on %d threads", th);
        state_free(&s);
    }
    state_free(&s1);
}

/* fermi imitation with implementation errors, engagement dynamics and institutions
 * on an L x L lattice for `steps` steps, the same on 1, 2 and 3 threads. */
static void fermi_same_for_threads(const char *L, const char *steps)
{
    const char *ov[] = {L, steps, "network.initial_c=0.5",
                        "actor_template.rule=\"fermi\"", "domains.pd.T=1.2", "noise=0.02",
                        "experiment.engine=\"general\"", "engagement.alpha=0.3",
                        "engagement.delta=0.1", "actor_template.engagement=0.8",
                        "institutions.lambda=0.2"};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, sizeof ov / sizeof ov[0], &cfg);
    same_for_threads(&cfg);
    coop_config_destroy(&cfg);
}

Test(node_threads, fermi_noise_engagement_institutions)
{
    fermi_same_for_threads("network.L=260", "time.end=6");
}

Test(node_threads, reinforcement)
{
    const char *ov[] = {"network.L=260", "time.end=6", "network.initial_c=0.5",
                        "actor_template.rule=\"bush_mosteller\"", "domains.pd.T=1.4",
                        "experiment.engine=\"general\"", "noise=0.05"};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, sizeof ov / sizeof ov[0], &cfg);
    same_for_threads(&cfg);
    coop_config_destroy(&cfg);
}

Test(node_threads, mid_size_lattice_partial_block)
{
    fermi_same_for_threads("network.L=95", "time.end=8");
}

/* Learning every other step (the imitation snapshot taken with the actions only on
 * the steps that learn; the gains since the last update kept, not read from this
 * step's) and levels that change the gains (beta, gamma): the play reads them. */
Test(node_threads, update_every_and_levels)
{
    const char *ov[] = {"network.L=95", "time.end=9", "network.initial_c=0.5",
                        "actor_template.rule=\"fermi\"", "domains.pd.T=1.2", "noise=0.02",
                        "experiment.engine=\"general\"", "update_every=2",
                        "institutions.lambda=0.5", "institutions.beta=0.2",
                        "institutions.gamma=0.1", "institutions.tau=1"};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, sizeof ov / sizeof ov[0], &cfg);
    same_for_threads(&cfg);
    coop_config_destroy(&cfg);
}
