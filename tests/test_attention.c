/* test_attention.c: agenda setting, the expandable attention budget of a
 * motivator's target (docs/ODD.md 7.2 and 7.5; actors.NAME.attention_max,
 * attention_expansion, attention_relax, attention_cost; sim/model/model.c).
 *
 * Exact budget and engagement values in a three-actor scenario worked by hand; the
 * expansion relaxing at the stated rate; the price of each C; that a ceiling at or
 * below the budget (the default) and a switched-off initiative channel leave every
 * output byte-identical; and the configuration keys (defaults, ranges, events). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "coop_hypothesis.h"
#include "coop_model.h"
#include "model_fixture.h"

static coop_model *new_model(const coop_config *cfg)
{
    coop_err err = {0};
    coop_model *m = coop_model_alloc(cfg, &err);
    cr_assert_not_null(m, "coop_model_alloc: %s", err.text);
    return m;
}

static coop_record *run_full(const coop_config *cfg, unsigned long seed)
{
    coop_model *m = new_model(cfg);
    coop_record *rec = coop_record_alloc(cfg, 1);
    cr_assert_not_null(rec);
    coop_model_run(m, seed, rec);
    coop_model_free(m);
    return rec;
}

/* T (target), M (motivator, region 0), K (M's regional neighbour); every actor allc,
 * engagement 1, weights 4 (every tie always on), engagement dynamics off (alpha =
 * delta = 0), so that only the budget and the initiatives move T's engagement.  T's
 * base budget 1 binds (2 partners at 1); M launches an initiative of impact 0.5 every
 * step. */
enum { T, M, K };
static coop_config *agenda_cfg(double amax, double xi, double rho, double cost, int steps)
{
    coop_config *cfg = fx_new(3, 1, 3, 1, 0, 1, steps);
    for (int t = 0; t < 3; t++)
        cfg->ties[t].weight = 4.0;
    fx_region(cfg, M, 0);
    fx_region(cfg, K, 0);
    cfg->eng_alpha = 0.0, cfg->eng_delta = 0.0;
    cfg->n_events = 0;
    coop_actor_cfg *a = &cfg->actors[T];
    a->attention_budget = 1.0;
    a->attention_max = amax, a->attention_expansion = xi;
    a->attention_relax = rho, a->attention_cost = cost;
    fx_motivator(cfg, M, T, 1.0, 0.5, 0.0, 0.0);
    return cfg;
}

/* Step by step (B = budget, e = T's engagement with M and with K, x = expansion):
 *   step 0: e 1 -> 0.5 (2 > B = 1); initiative: x = 0.5 (2 - 1) = 0.5, B = 1.5,
 *           e = 0.5 + 0.5 (1 - 0.5) = 0.75 each, sum 1.5 = B: kept.
 *   step 1: x = 0.75 x 0.5 = 0.375, B = 1.375; e scaled 1.5 -> 1.375: 0.6875 each;
 *           initiative: x += 0.5 (2 - 1.375) = 0.3125 -> 0.6875, B = 1.6875,
 *           e = 0.6875 + 0.5 x 0.3125 = 0.84375, sum 1.6875 = B.
 *   step 2: x = 0.75 x 0.6875 = 0.515625, B = 1.515625, e = 0.7578125 each;
 *           initiative: x += 0.5 (2 - 1.515625) = 0.2421875 -> 0.7578125,
 *           B = 1.7578125, e = 0.7578125 + 0.5 x 0.2421875 = 0.87890625.
 * Every number is dyadic: the engine must reproduce them exactly. */
Test(attention, budget_dynamics_worked_by_hand)
{
    coop_config *cfg = agenda_cfg(2.0, 0.5, 0.25, 0.0, 3);
    coop_model *m = new_model(cfg);
    coop_model_init(m, 1);
    const double B[3] = {1.5, 1.6875, 1.7578125}, e[3] = {0.75, 0.84375, 0.87890625};
    for (int s = 0; s < 3; s++) {
        coop_model_step(m, NULL);
        cr_assert_eq(coop_model_attention(m, T), B[s], "step %d: budget %.17g", s,
                     coop_model_attention(m, T));
        cr_assert_eq(coop_model_engagement(m, T, M), e[s], "step %d", s);
        cr_assert_eq(coop_model_engagement(m, T, K), e[s], "step %d", s);
    }
    /* the base budget, what events change, is untouched */
    coop_param_ref ref = {COOP_F_ACTOR_ATTENTION, T, 0};
    cr_assert_eq(coop_model_parameter(m, ref), 1.0);
    cr_assert_eq(coop_model_attention(m, M), 1e9); /* fx_new's budget, never expanded */
    cr_assert(isnan(coop_model_attention(m, 3)));
    coop_model_free(m);
    fx_free(cfg);
}

/* One forced initiative at step 0 (rate 0): x = 0.5 (2 - 1) = 0.5, then every step
 * x <- 0.75 x, so the budget after step k is 1 + 0.5 x 0.75^k, exactly (0.75^k is
 * dyadic with at most 2k + 1 significant bits). */
Test(attention, expansion_relaxes_at_the_stated_rate)
{
    coop_config *cfg = agenda_cfg(2.0, 0.5, 0.25, 0.0, 20);
    cfg->actors[M].motivator.initiative_rate = 0.0;
    cfg->n_events = 1;
    fx_event(cfg, 0, 0.0, COOP_F_MOT_INITIATIVE, M, 0, COOP_OP_SET, 1.0);
    coop_model *m = new_model(cfg);
    coop_model_init(m, 1);
    double x = 0.5;
    for (int s = 0; s < 20; s++) {
        coop_model_step(m, NULL);
        cr_assert_eq(coop_model_attention(m, T), 1.0 + x, "step %d: %.17g != %.17g", s,
                     coop_model_attention(m, T), 1.0 + x);
        x *= 0.75;
    }
    coop_model_free(m);
    /* relax 0: the expansion is permanent */
    cfg->actors[T].attention_relax = 0.0;
    m = new_model(cfg);
    coop_model_init(m, 1);
    for (int s = 0; s < 20; s++)
        coop_model_step(m, NULL);
    cr_assert_eq(coop_model_attention(m, T), 1.5);
    coop_model_free(m);
    fx_free(cfg);
}

/* The price: T (allc) plays C with M and K every step; after the initiative of
 * step 0 the expansion is 0.375 during step 1's play, so a cost of 1 per C and unit
 * of expansion takes 2 x 0.375 = 0.75 from T's gains in step 1 (goal weight 1,
 * equal capacities: the payoff counts once), and nothing from M's or K's. */
Test(attention, each_cooperation_pays_the_price_of_the_expansion)
{
    coop_config *cfg = agenda_cfg(2.0, 0.5, 0.25, 0.0, 2);
    coop_config *cfg_c = agenda_cfg(2.0, 0.5, 0.25, 1.0, 2);
    coop_model *m = new_model(cfg), *mc = new_model(cfg_c);
    coop_model_run(m, 1, NULL);
    coop_model_run(mc, 1, NULL);
    cr_assert_float_eq(coop_model_cum_gain(m, T) - coop_model_cum_gain(mc, T), 0.75, 1e-12);
    cr_assert_eq(coop_model_cum_gain(m, M), coop_model_cum_gain(mc, M));
    cr_assert_eq(coop_model_cum_gain(m, K), coop_model_cum_gain(mc, K));
    coop_model_free(m);
    coop_model_free(mc);
    fx_free(cfg);
    fx_free(cfg_c);
}

static void set_agenda(coop_config *cfg, double amax)
{
    coop_actor_cfg *eu = &cfg->actors[FX_EU];
    eu->attention_max = amax, eu->attention_expansion = 0.3;
    eu->attention_relax = 0.05, eu->attention_cost = 1.0;
}

/* A ceiling at or below the budget (the default 0 included) expands nothing and
 * costs nothing: the stochastic fixture's records are byte-identical to those
 * without the keys.  A ceiling above it does change them (the test can fail). */
Test(attention, no_ceiling_above_the_budget_is_byte_identical)
{
    coop_config *plain = fx_eu_ca();
    coop_record *a = run_full(plain, 7);
    const double ceilings[] = {0.0, 1.0, 1.5}; /* the EU's budget is 1.5 */
    for (size_t k = 0; k < 3; k++) {
        coop_config *cfg = fx_eu_ca();
        set_agenda(cfg, ceilings[k]);
        coop_record *b = run_full(cfg, 7);
        cr_assert(fx_same_records(a, b), "attention_max %g changed the run", ceilings[k]);
        coop_record_free(b);
        fx_free(cfg);
    }
    coop_config *cfg = fx_eu_ca();
    set_agenda(cfg, 5.0);
    coop_record *b = run_full(cfg, 7);
    cr_assert(!fx_same_records(a, b), "an expandable budget changed nothing");
    coop_record_free(b);
    fx_free(cfg);
    coop_record_free(a);
    fx_free(plain);
}

/* The counterfactual (coop_hypothesis_remove_role) and an initiative channel at 0
 * switch agenda setting off with it: the target's keys then change nothing, while
 * demonstration and brokerage still act. */
Test(attention, channel_off_switches_the_mechanism_off)
{
    for (int how = 0; how < 2; how++) {
        coop_config *plain = fx_eu_ca(), *cfg = fx_eu_ca();
        set_agenda(cfg, 5.0);
        coop_config *both[2] = {plain, cfg};
        for (int w = 0; w < 2; w++) {
            if (how == 0) {
                coop_err err = {0};
                cr_assert_eq(coop_hypothesis_remove_role(both[w], FX_KZ, &err), COOP_OK);
            } else {
                both[w]->actors[FX_KZ].motivator.initiative_rate = 0.0;
            }
        }
        if (how == 1) /* the other channels still act */
            cr_assert_gt(cfg->actors[FX_KZ].motivator.demonstration, 0.0);
        coop_record *a = run_full(plain, 11), *b = run_full(cfg, 11);
        cr_assert(fx_same_records(a, b), "%s: the target's keys acted without initiatives",
                  how == 0 ? "role removed" : "initiative_rate 0");
        coop_record_free(a);
        coop_record_free(b);
        fx_free(plain);
        fx_free(cfg);
    }
}

/* ---- the configuration keys ---- */

Test(attention, keys_load_with_their_sources_and_ranges)
{
    coop_config cfg;
    coop_err err = {0};
    cr_assert_eq(coop_config_load("configs/eu_ca.cfg", NULL, 0, &cfg, &err), COOP_OK, "%s",
                 err.text);
    int eu = coop_config_actor(&cfg, "EU"), kz = coop_config_actor(&cfg, "KZ");
    cr_assert_eq(cfg.actors[eu].attention_max, 5.0);
    cr_assert_eq(cfg.actors[eu].attention_expansion, 0.1);
    cr_assert_eq(cfg.actors[eu].attention_relax, 0.028);
    cr_assert_eq(cfg.actors[eu].attention_cost, 0.0);
    cr_assert_eq(cfg.actors[kz].attention_max, 0.0); /* the default: no expansion */
    coop_param_ref ref;
    cr_assert_eq(coop_config_resolve(&cfg, "actors.EU.attention_relax", &ref, &err), COOP_OK);
    cr_assert_eq(ref.field, COOP_F_ACTOR_ATTENTION_RELAX);
    cr_assert_eq(ref.index, eu);
    coop_config_destroy(&cfg);

    const char *ov[] = {"actors.EU.attention_expansion=1.5"};
    memset(&cfg, 0, sizeof cfg);
    cr_assert_eq(coop_config_load("configs/eu_ca.cfg", ov, 1, &cfg, &err), COOP_ECONFIG);
    cr_assert_not_null(strstr(err.text, "attention_expansion"), "%s", err.text);
    cr_assert_not_null(strstr(err.text, "1.5"), "%s", err.text);
    cr_assert_not_null(strstr(err.text, "[0, 1]"), "%s", err.text);
}

/* Events move the agenda-setting parameters like any other (here the ceiling falls
 * to the base budget after step 0: no further expansion, the first one relaxes). */
Test(attention, events_move_the_parameters)
{
    coop_config *cfg = agenda_cfg(2.0, 0.5, 0.25, 0.0, 3);
    cfg->n_events = 1;
    fx_event(cfg, 0, 1.0, COOP_F_ACTOR_ATTENTION_MAX, T, 0, COOP_OP_SET, 1.0);
    coop_model *m = new_model(cfg);
    coop_model_init(m, 1);
    coop_model_step(m, NULL); /* as worked above: x = 0.5 */
    cr_assert_eq(coop_model_attention(m, T), 1.5);
    coop_model_step(m, NULL); /* x = 0.375; gap 1 - 1.375 < 0: no expansion */
    cr_assert_eq(coop_model_attention(m, T), 1.375);
    coop_param_ref ref = {COOP_F_ACTOR_ATTENTION_MAX, T, 0};
    cr_assert_eq(coop_model_parameter(m, ref), 1.0);
    coop_model_free(m);
    fx_free(cfg);
}
