/* test_layout.c: the memory layout of node-level models (docs/ODD.md, "Memory layout
 * of node-level models").  Where the node kernel runs alone the engine keeps neither
 * the general engine's per-slot, per-tie and per-actor state nor per-actor copies of
 * the rules (profiles instead), and the inspection functions answer from the
 * configuration.  Checked here: those answers equal the general engine's own, value
 * for value, on a lattice whose template sets every field away from its default and
 * with an override that makes a second rule profile; and a run that starts lean and
 * is turned to the general engine afterwards (its state allocated on demand) gives
 * the records of a run that had the general engine from the start.  And the bytes
 * per node that the configuration and the engine allocate (the heap in use, not the
 * resident memory of tests/bench/memory.sh): a lattice's configuration keeps a profile
 * index per node and no ties, a generated graph's two endpoints per edge, and the
 * whole stays within issue 18's 64 bytes per node. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "config_io.h"
#include "coop_config.h"
#include "coop_model.h"
#include "coop_network.h"

static const char *const overrides[] = {
    "network.L=12",
    "time.end=6",
    "network.initial_c=0.5",
    "actor_template.rule=\"fermi\"",
    "actor_template.rule_params.K=0.3",
    "actor_template.openness=0.7",
    "actor_template.attention_budget=50",
    "actor_template.attention_cost=0.25",
    "actor_overrides=({ nodes = [ 3, 5 ]; rule = \"fermi\"; rule_params = { K = 0.6; }; })",
};
#define N_OVERRIDES (sizeof overrides / sizeof overrides[0])

/* Runs cfg at seed with the kernel allowed (1) or not (0); the model, after the run. */
static coop_model *run(const coop_config *cfg, int kernel, coop_record *rec)
{
    coop_err err = {0};
    coop_model *m = coop_model_alloc(cfg, &err);
    cr_assert_not_null(m, "%s", err.text);
    cr_assert_eq(coop_model_set_kernel(m, kernel), COOP_OK);
    coop_model_run(m, 11, rec);
    cr_assert_eq(coop_model_kernel_on(m), kernel, "the engine asked for did not run");
    return m;
}

static double param(const coop_model *m, coop_field f, int index, int sub)
{
    return coop_model_parameter(m, (coop_param_ref){f, index, sub});
}

Test(layout, kernel_alone_answers_as_the_general_engine)
{
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", overrides, N_OVERRIDES, &cfg);
    coop_model *lean = run(&cfg, 1, NULL), *full = run(&cfg, 0, NULL);
    int nodes[] = {0, 3, 5, 77, 143};
    for (size_t k = 0; k < sizeof nodes / sizeof nodes[0]; k++) {
        int a = nodes[k];
        cr_expect_eq(coop_model_attention(lean, a), 50.0);
        cr_expect_eq(coop_model_attention(lean, a), coop_model_attention(full, a));
        coop_field fields[] = {COOP_F_ACTOR_OPENNESS, COOP_F_ACTOR_ATTENTION_COST,
                               COOP_F_ACTOR_CAPACITY, COOP_F_MOT_INITIATIVE};
        for (size_t q = 0; q < sizeof fields / sizeof fields[0]; q++)
            cr_expect_eq(param(lean, fields[q], a, 0), param(full, fields[q], a, 0),
                         "node %d, field %d", a, (int)fields[q]);
        cr_expect_eq(param(lean, COOP_F_ACTOR_OPENNESS, a, 0), 0.7);
        double K = a == 3 || a == 5 ? 0.6 : 0.3; /* the override's profile */
        cr_expect_eq(param(lean, COOP_F_ACTOR_RULE_PARAM, a, 0), K, "node %d", a);
        cr_expect_eq(param(full, COOP_F_ACTOR_RULE_PARAM, a, 0), K, "node %d", a);
        cr_expect_eq(param(lean, COOP_F_ACTOR_GOAL, a, 0), param(full, COOP_F_ACTOR_GOAL, a, 0));
    }
    for (size_t t = 0; t < cfg.n_ties; t += 97) {
        int a = coop_cfg_tie(&cfg, t).a, b = coop_cfg_tie(&cfg, t).b;
        cr_expect_eq(coop_model_engagement(lean, a, b), 1.0);
        cr_expect_eq(coop_model_engagement(lean, a, b), coop_model_engagement(full, a, b));
        cr_expect_eq(param(lean, COOP_F_TIE_WEIGHT, (int)t, 0), 1.0);
        cr_expect_eq(param(lean, COOP_F_TIE_WEIGHT, (int)t, 0),
                     param(full, COOP_F_TIE_WEIGHT, (int)t, 0));
        cr_expect_eq(param(lean, COOP_F_TIE_RIVALRY, (int)t, 0),
                     param(full, COOP_F_TIE_RIVALRY, (int)t, 0));
        cr_expect_eq(coop_model_trust(lean, t), coop_model_trust(full, t));
        cr_expect_eq(coop_model_propensity(lean, a, b, 0), coop_model_propensity(full, a, b, 0),
                     "tie %zu", t);
    }
    coop_model_free(lean);
    coop_model_free(full);
    coop_config_destroy(&cfg);
}

/* Lean at alloc, then the general engine (its state allocated on demand, the topology
 * completed from the configuration): the records of the general engine from the
 * start (experiment.engine = "general", which never leaves anything out). */
Test(layout, general_state_on_demand_equals_general_from_the_start)
{
    coop_config lean_cfg, gen_cfg;
    load_ok("configs/classic/nowak_may.cfg", overrides, N_OVERRIDES, &lean_cfg);
    const char *ov[N_OVERRIDES + 1];
    memcpy(ov, overrides, sizeof overrides);
    ov[N_OVERRIDES] = "experiment.engine=\"general\"";
    load_ok("configs/classic/nowak_may.cfg", ov, N_OVERRIDES + 1, &gen_cfg);
    coop_record *r0 = coop_record_alloc(&lean_cfg, 1), *r1 = coop_record_alloc(&gen_cfg, 1);
    cr_assert(r0 && r1);
    coop_model *m0 = run(&lean_cfg, 0, r0), *m1 = run(&gen_cfg, 0, r1);
    size_t np = (size_t)lean_cfg.n_steps * COOP_POP_METRICS;
    cr_expect_eq(memcmp(r0->pop, r1->pop, np * sizeof(double)), 0, "population records differ");
    for (size_t i = 0; i < lean_cfg.n_actors; i += 13)
        cr_expect_eq(coop_model_cum_gain(m0, (int)i), coop_model_cum_gain(m1, (int)i));
    cr_expect(r0->pop[COOP_P_COOP_SHARE] > 0.0 && r0->pop[COOP_P_COOP_SHARE] < 1.0);
    coop_model_free(m0);
    coop_model_free(m1);
    coop_record_free(r0);
    coop_record_free(r1);
    coop_config_destroy(&lean_cfg);
    coop_config_destroy(&gen_cfg);
}

/* A lattice keeps no ties: the endpoints by arithmetic are the generator's, tie by
 * tie in its order (wrapping at both edges), for both neighbourhoods; and a tie
 * materialised by a change (coop_cfg_tie_edit) keeps every other tie as it was. */
Test(layout, lattice_ties_by_arithmetic_are_the_generators)
{
    for (int moore = 0; moore < 2; moore++) {
        const char *ov[] = {"network.L=5", moore ? "network.neighbourhood=\"moore\""
                                                 : "network.neighbourhood=\"von_neumann\""};
        coop_config cfg;
        load_ok("configs/classic/nowak_may.cfg", ov, 2, &cfg);
        coop_err err = {0};
        coop_network *net = coop_network_lattice(5, moore, 1, &err);
        cr_assert_not_null(net, "%s", err.text);
        cr_assert_null(cfg.ties, "a lattice keeps no ties");
        cr_assert_eq(cfg.n_ties, net->n_edges);
        for (size_t t = 0; t < net->n_edges; t++) {
            coop_tie_cfg tc = coop_cfg_tie(&cfg, t);
            cr_expect(tc.a == net->a[t] && tc.b == net->b[t], "moore %d, tie %zu: %d-%d, not %d-%d",
                      moore, t, tc.a, tc.b, net->a[t], net->b[t]);
            cr_expect_eq(tc.weight, 1.0);
        }
        coop_tie_cfg *e = coop_cfg_tie_edit(&cfg, 7);
        cr_assert_not_null(e);
        e->weight = 2.5;
        cr_assert_not_null(cfg.ties, "the ties are materialised");
        for (size_t t = 0; t < net->n_edges; t++) {
            coop_tie_cfg tc = coop_cfg_tie(&cfg, t);
            cr_expect(tc.a == net->a[t] && tc.b == net->b[t] && tc.weight == (t == 7 ? 2.5 : 1.0),
                      "tie %zu after the edit", t);
        }
        coop_network_free(net);
        coop_config_destroy(&cfg);
    }
}

/* A generated node's values come from its profile and its name from its index; one
 * that a change names gets a profile of its own (copy-on-write), the others keep
 * theirs; a copy of the configuration keeps both. */
Test(layout, nodes_materialised_on_write)
{
    const char *ov[] = {"network.L=4", "network.initial_c=0.5",
                        "actor_overrides=({ nodes = [ 5 ]; capacity = 3.0; })"};
    coop_config cfg, copy;
    load_ok("configs/classic/nowak_may.cfg", ov, 3, &cfg);
    cr_assert_null(cfg.actors, "a generated population keeps profiles");
    cr_assert_eq(cfg.pop.n_prof, 3, "C, D and node 5's own: %zu", cfg.pop.n_prof);
    cr_expect_str_eq(coop_cfg_actor_name(&cfg, 5), "n5");
    cr_expect_str_eq(coop_cfg_actor_name(&cfg, 15), "n15");
    cr_expect_eq(coop_config_actor(&cfg, "n15"), 15);
    cr_expect_eq(coop_config_actor(&cfg, "n015"), -1);
    cr_expect_eq(coop_config_actor(&cfg, "n16"), -1);
    cr_expect_eq(coop_cfg_actor(&cfg, 5)->capacity, 3.0);
    for (size_t i = 0; i < cfg.n_actors; i++)
        if (i != 5) {
            cr_expect_eq(coop_cfg_actor(&cfg, i)->capacity, 1.0, "node %zu", i);
            double p = coop_cfg_actor(&cfg, i)->propensity;
            cr_expect(p == 0.0 || p == 1.0, "node %zu: initial_c draws 0 or 1, not %g", i, p);
        }
    coop_err err = {0};
    cr_assert_eq(coop_config_copy(&copy, &cfg, &err), COOP_OK, "%s", err.text);
    coop_actor_cfg *a = coop_cfg_actor_edit(&cfg, 9);
    cr_assert_not_null(a);
    a->openness = 0.25;
    cr_expect_eq(cfg.pop.n_prof, 4);
    cr_expect_eq(coop_cfg_actor(&cfg, 9)->openness, 0.25);
    cr_expect_eq(coop_cfg_actor(&copy, 9)->openness, 1.0, "the copy is its own");
    cr_expect_eq(coop_cfg_actor(&cfg, 8)->openness, 1.0);
    cr_expect_eq(coop_cfg_actor(&copy, 5)->capacity, 3.0);
    cr_expect_eq(coop_cfg_actor(&cfg, 9)->propensity, coop_cfg_actor(&copy, 9)->propensity);
    coop_config_destroy(&copy);
    coop_config_destroy(&cfg);
    /* many nodes, one by one: each its own profile, the others the template's */
    const char *many[] = {"network.L=30",
                          "actor_overrides=({ from = 100; to = 899; openness = 0.5; })"};
    load_ok("configs/classic/nowak_may.cfg", many, 2, &cfg);
    cr_expect_eq(cfg.pop.n_prof, 2 + 800);
    for (size_t i = 0; i < cfg.n_actors; i++)
        cr_expect_eq(coop_cfg_actor(&cfg, i)->openness, i >= 100 && i <= 899 ? 0.5 : 1.0,
                     "node %zu", i);
    cr_expect_str_eq(coop_cfg_actor_name(&cfg, 899), "n899");
    cr_expect_eq(coop_config_actor(&cfg, "n899"), 899);
    coop_config_destroy(&cfg);
}

/* The kernel's state checks read every tie and slot of a generated population from its
 * profiles: one node whose capacity or engagement differs (its own profile) still
 * keeps the kernel out, whichever tie or slot it sits on. */
Test(layout, one_materialised_node_keeps_the_kernel_out)
{
    const char *over[] = {"", "actor_overrides=({ nodes = [ 57 ]; capacity = 2.0; })",
                          "actor_overrides=({ nodes = [ 99 ]; engagement = 0.5; })"};
    for (int k = 0; k < 3; k++) {
        const char *ov[] = {"network.L=10", "time.end=2", over[k]};
        coop_config cfg;
        load_ok("configs/classic/nowak_may.cfg", ov, k ? 3 : 2, &cfg);
        coop_err err = {0};
        coop_model *m = coop_model_alloc(&cfg, &err);
        cr_assert_not_null(m, "%s", err.text);
        coop_model_run(m, 3, NULL);
        cr_expect_eq(coop_model_kernel_on(m), k == 0, "case %d", k);
        coop_model_free(m);
        coop_config_destroy(&cfg);
    }
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LAYOUT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LAYOUT_ASAN 1
#endif
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)) \
    && !defined(LAYOUT_ASAN)
/* Bytes of heap in use (the arena's chunks and the mmapped blocks). */
static double heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (double)mi.uordblks + (double)mi.hblkhd;
}

/* The configuration's and the engine's bytes per node of path with ov, the engine's
 * after one generation of the node kernel. */
static void bytes_per_node(const char *path, const char *const *ov, size_t n_ov, double *conf,
                           double *engine, size_t *nodes, size_t *ties)
{
    coop_config cfg;
    double h0 = heap_bytes();
    load_ok(path, ov, n_ov, &cfg);
    double h1 = heap_bytes();
    coop_err err = {0};
    coop_model *m = coop_model_alloc(&cfg, &err);
    cr_assert_not_null(m, "%s", err.text);
    coop_model_run(m, 7, NULL);
    cr_assert(coop_model_kernel_on(m), "the node kernel did not run");
    double h2 = heap_bytes();
    *nodes = cfg.n_actors, *ties = cfg.n_ties;
    *conf = (h1 - h0) / (double)cfg.n_actors, *engine = (h2 - h1) / (double)cfg.n_actors;
    coop_model_free(m);
    coop_config_destroy(&cfg);
}

Test(layout, bytes_per_node_of_the_allocations)
{
    static const char *const lattice[] = {"network.L=400", "time.end=1"};
    static const char *const ba[] = {"network.n=160000", "time.end=1", "experiment.replicates=1"};
    double conf, engine;
    size_t n, t;
    bytes_per_node("configs/classic/nowak_may.cfg", lattice, 2, &conf, &engine, &n, &t);
    cr_assert_eq(n, 160000);
    cr_assert_eq(t, 4 * n, "a Moore lattice has 4 ties per node");
    /* a profile index (4 bytes) per node, no tie; the engine's row start and 8 partners
     * (36), gain and rule profile (10), kernel actions and key (5), block streams */
    cr_expect(conf >= 4.0 && conf < 5.0, "lattice configuration: %.2f bytes per node", conf);
    cr_expect(engine >= 51.0 && engine < 56.0, "lattice engine: %.2f bytes per node", engine);
    cr_expect(conf + engine <= 64.0, "lattice: %.2f bytes per node", conf + engine);
    bytes_per_node("configs/classic/fermi_ba.cfg", ba, 3, &conf, &engine, &n, &t);
    cr_assert_eq(n, 160000);
    double per_edge = 2.0 * sizeof(int) * (double)t / (double)n; /* two endpoints per edge */
    cr_expect(conf >= 4.0 + per_edge && conf < 5.0 + per_edge,
              "graph configuration: %.2f bytes per node, %zu ties", conf, t);
    cr_expect(conf + engine <= 64.0, "graph: %.2f bytes per node", conf + engine);
}
#else
Test(layout, bytes_per_node_of_the_allocations)
{
    cr_skip_test("the heap in use needs glibc 2.33's mallinfo2, and no sanitizer's allocator");
}
#endif
