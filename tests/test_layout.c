/* test_layout.c: the memory layout of node-level models (docs/ODD.md, "Memory layout
 * of node-level models").  Where the node kernel runs alone the engine keeps neither
 * the general engine's per-slot, per-tie and per-actor state nor per-actor copies of
 * the rules (profiles instead), and the inspection functions answer from the
 * configuration.  Checked here: those answers equal the general engine's own, value
 * for value, on a lattice whose template sets every field away from its default and
 * with an override that makes a second rule profile; and a run that starts lean and
 * is turned to the general engine afterwards (its state allocated on demand) gives
 * the records of a run that had the general engine from the start. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "config_io.h"
#include "coop_config.h"
#include "coop_model.h"

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
