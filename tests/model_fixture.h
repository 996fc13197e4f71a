/* model_fixture.h: builds coop_config structs in C for the engine's tests and
 * benchmarks, without the configuration loader.
 *
 * fx_new gives a neutral scenario (every actor allc, capacity 1, equal goals,
 * engagement 1, no regions, no noise, no events, R=3 S=0 T=5 P=1 in every domain,
 * time 0..n_steps at one step per year); tests change what they need with the
 * setters and release it with fx_free (coop_config_destroy, then the struct: the
 * fixture allocates every array the way the loader does).  fx_eu_ca builds a
 * scenario shaped like the default one (6 actors, 15 ties, 5 domains, 1991-2030
 * at 4 steps a year = 156 steps).
 * Everything is static inline so that several test files can include it. */
#ifndef COOP_MODEL_FIXTURE_H
#define COOP_MODEL_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_config.h"
#include "coop_model.h"
#include "coop_rules.h"

static inline void *fx_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "fixture: out of memory\n");
        abort();
    }
    return p;
}

static inline void fx_rule(coop_config *cfg, int actor, int rule)
{
    coop_actor_cfg *a = &cfg->actors[actor];
    a->rule = rule;
    for (int k = 0; k < COOP_RULE_PARAMS_MAX; k++)
        a->rule_param[k] = k < coop_rules[rule].n_params ? coop_rules[rule].def[k] : 0.0;
}

static inline void fx_game(coop_config *cfg, int d, double R, double S, double T, double P)
{
    coop_domain_cfg *dom = &cfg->domains[d];
    dom->donation = 0;
    dom->R = R, dom->S = S, dom->T = T, dom->P = P;
}

static inline void fx_donation(coop_config *cfg, int d, double b, double c)
{
    coop_domain_cfg *dom = &cfg->domains[d];
    dom->donation = 1;
    dom->b = b, dom->c = c;
    dom->R = b - c, dom->S = -c, dom->T = b, dom->P = 0.0;
}

static inline void fx_tie(coop_config *cfg, int t, int a, int b, double weight)
{
    cfg->ties[t].a = a, cfg->ties[t].b = b, cfg->ties[t].weight = weight;
}

/* Sets an actor's goal weights (n_domains values), normalised to sum 1. */
static inline void fx_goals(coop_config *cfg, int actor, const double *w)
{
    double sum = 0.0;
    for (size_t d = 0; d < cfg->n_domains; d++)
        sum += w[d];
    for (size_t d = 0; d < cfg->n_domains; d++)
        cfg->actors[actor].goals[d] = w[d] / sum;
}

/* Puts an actor in region `r` (an index below cfg->n_regions). */
static inline void fx_region(coop_config *cfg, int actor, int r)
{
    coop_actor_cfg *a = &cfg->actors[actor];
    a->region_id = r;
    snprintf(a->region, sizeof a->region, "%s", cfg->regions[r]);
}

static inline void fx_event(coop_config *cfg, int k, double date, coop_field field, int index,
                            int sub, coop_op op, double value)
{
    coop_event_cfg *e = &cfg->events[k];
    e->date = date;
    e->ref.field = field, e->ref.index = index, e->ref.sub = sub;
    e->op = op, e->value = value;
    snprintf(e->path, sizeof e->path, "fixture.%d", k);
}

static inline void fx_motivator(coop_config *cfg, int actor, int target, double rate,
                                double impact, double demo, double brokerage)
{
    coop_motivator_cfg *mv = &cfg->actors[actor].motivator;
    mv->target = target, mv->initiative_rate = rate, mv->initiative_impact = impact;
    mv->demonstration = demo, mv->brokerage = brokerage;
}

/* A neutral scenario; ties are left for the caller (fx_tie), except that with
 * n_ties == n_actors*(n_actors-1)/2 the complete graph is filled in. */
static inline coop_config *fx_new(size_t n_actors, size_t n_domains, size_t n_ties,
                                  size_t n_regions, size_t n_obs, size_t n_events, int n_steps)
{
    coop_config *cfg = fx_calloc(1, sizeof *cfg);
    snprintf(cfg->name, sizeof cfg->name, "fixture");
    snprintf(cfg->rng, sizeof cfg->rng, "mt19937");
    cfg->seed = 1, cfg->replicates = 1;
    cfg->start = 0.0, cfg->steps_per_year = 1, cfg->n_steps = n_steps;
    cfg->end = cfg->start + (double)n_steps / cfg->steps_per_year;
    cfg->n_actors = n_actors, cfg->n_domains = n_domains, cfg->n_ties = n_ties;
    cfg->n_regions = n_regions, cfg->n_observables = n_obs, cfg->n_events = n_events;
    cfg->domains = fx_calloc(n_domains, sizeof *cfg->domains);
    cfg->actors = fx_calloc(n_actors, sizeof *cfg->actors);
    cfg->ties = fx_calloc(n_ties, sizeof *cfg->ties);
    cfg->regions = fx_calloc(n_regions, sizeof *cfg->regions);
    cfg->observables = fx_calloc(n_obs, sizeof *cfg->observables);
    cfg->events = fx_calloc(n_events, sizeof *cfg->events);
    for (size_t r = 0; r < n_regions; r++)
        snprintf(cfg->regions[r], COOP_NAME_MAX, "r%zu", r);
    for (size_t d = 0; d < n_domains; d++) {
        snprintf(cfg->domains[d].name, COOP_NAME_MAX, "d%zu", d);
        fx_game(cfg, (int)d, 3, 0, 5, 1);
    }
    for (size_t i = 0; i < n_actors; i++) {
        coop_actor_cfg *a = &cfg->actors[i];
        snprintf(a->name, sizeof a->name, "A%zu", i);
        snprintf(a->kind, sizeof a->kind, "state");
        a->region_id = -1;
        a->capacity = 1.0;
        a->goals = fx_calloc(n_domains, sizeof *a->goals);
        for (size_t d = 0; d < n_domains; d++)
            a->goals[d] = 1.0 / (double)n_domains;
        a->openness = 1.0, a->propensity = 0.5, a->engagement = 1.0;
        a->attention_budget = 1e9;
        fx_rule(cfg, (int)i, COOP_RULE_ALLC);
        a->motivator.target = -1;
    }
    for (size_t t = 0; t < n_ties; t++) {
        cfg->ties[t].weight = 1.0;
        cfg->ties[t].obs0 = fx_calloc(n_obs, sizeof(double));
    }
    if (n_actors >= 2 && n_ties == n_actors * (n_actors - 1) / 2) {
        int t = 0;
        for (size_t a = 0; a < n_actors; a++)
            for (size_t b = a + 1; b < n_actors; b++)
                fx_tie(cfg, t++, (int)a, (int)b, 1.0);
    }
    for (size_t o = 0; o < n_obs; o++) {
        snprintf(cfg->observables[o].name, COOP_NAME_MAX, "o%zu", o);
        cfg->observables[o].drive = fx_calloc(n_domains, 1);
    }
    coop_institutions_cfg *in = &cfg->inst;
    in->n_levels = 4;
    const char *names[4] = {"none", "signed", "in_force", "enhanced"};
    const double theta[4] = {0.0, 0.5, 0.7, 0.9}, omega[4] = {0.0, 0.2, 0.5, 0.7};
    for (int l = 0; l < 4; l++) {
        snprintf(in->level_name[l], COOP_NAME_MAX, "%s", names[l]);
        in->theta[l] = theta[l], in->omega[l] = omega[l];
    }
    in->tau = 4, in->hysteresis = 0.1, in->beta = 0.0, in->gamma = 0.0, in->lambda = 0.1;
    cfg->eng_alpha = 0.0, cfg->eng_delta = 0.0;
    cfg->noise = 0.0;
    cfg->update_every = 1;
    cfg->series = COOP_SERIES_FULL;
    cfg->hyp.motivator = -1, cfg->hyp.target = -1, cfg->hyp.window_years = 5.0;
    return cfg;
}

/* Releases a configuration made by fx_new or fx_eu_ca: the arrays go the way of
 * every configuration's (coop_config_destroy), then the struct itself. */
static inline void fx_free(coop_config *cfg)
{
    coop_config_destroy(cfg);
    free(cfg);
}

/* A scenario shaped like the default EU-Central Asia one: EU (no region) and the
 * five CA states (region 0) on a complete graph (15 ties), domains political,
 * trade, energy, security, transport, bush_mosteller everywhere, noise 0.02,
 * engagement dynamics on, attention budgets that bind, Kazakhstan a motivator
 * toward the EU, Uzbekistan its rival, one observable (trade), 1991-2030 at 4
 * steps a year, and a handful of dated events.  The values are plausible, not
 * calibrated: the real defaults live in configs/eu_ca.cfg. */
enum { FX_EU, FX_KZ, FX_KG, FX_TJ, FX_TM, FX_UZ };
enum { FX_POL, FX_TRADE, FX_ENERGY, FX_SEC, FX_TRANS };

static inline int fx_tie_of(const coop_config *cfg, int a, int b)
{
    for (size_t t = 0; t < cfg->n_ties; t++)
        if ((cfg->ties[t].a == a && cfg->ties[t].b == b) || (cfg->ties[t].a == b && cfg->ties[t].b == a))
            return (int)t;
    return -1;
}

static inline coop_config *fx_eu_ca(void)
{
    coop_config *cfg = fx_new(6, 5, 15, 1, 1, 6, 156);
    cfg->start = 1991.0, cfg->end = 2030.0, cfg->steps_per_year = 4, cfg->n_steps = 156;
    snprintf(cfg->regions[0], COOP_NAME_MAX, "ca");
    const char *names[6] = {"EU", "KZ", "KG", "TJ", "TM", "UZ"};
    const double cap[6] = {100.0, 1.2, 0.06, 0.05, 0.3, 0.5};
    const double open[6] = {0.9, 0.6, 0.55, 0.4, 0.15, 0.35};
    for (int i = 0; i < 6; i++) {
        coop_actor_cfg *a = &cfg->actors[i];
        snprintf(a->name, sizeof a->name, "%s", names[i]);
        a->capacity = cap[i], a->openness = open[i];
        a->propensity = 0.4, a->engagement = i == FX_EU ? 0.3 : 0.5;
        a->attention_budget = i == FX_EU ? 1.5 : 2.5;
        fx_rule(cfg, i, COOP_RULE_BUSH_MOSTELLER);
        if (i != FX_EU)
            fx_region(cfg, i, 0);
    }
    snprintf(cfg->actors[FX_EU].kind, COOP_NAME_MAX, "union");
    const double eu_goals[5] = {0.35, 0.25, 0.2, 0.1, 0.1};
    const double ca_goals[5] = {0.05, 0.3, 0.3, 0.2, 0.15};
    fx_goals(cfg, FX_EU, eu_goals);
    for (int i = 1; i < 6; i++)
        fx_goals(cfg, i, ca_goals);
    const char *dn[5] = {"political", "trade", "energy", "security", "transport"};
    for (int d = 0; d < 5; d++)
        snprintf(cfg->domains[d].name, COOP_NAME_MAX, "%s", dn[d]);
    fx_game(cfg, FX_POL, 2.0, -1.0, 3.0, 0.0);   /* prisoner's dilemma */
    fx_game(cfg, FX_TRADE, 4.0, 1.0, 3.0, 0.0);  /* harmony */
    fx_game(cfg, FX_ENERGY, 4.0, 0.0, 3.0, 1.0); /* stag hunt */
    fx_game(cfg, FX_SEC, 3.0, 0.0, 5.0, 1.0);    /* prisoner's dilemma */
    fx_game(cfg, FX_TRANS, 4.0, 0.0, 2.0, 1.0);  /* stag hunt */
    cfg->domains[FX_SEC].public_good = 0.3;
    cfg->domains[FX_TRANS].public_good = 0.3;
    for (size_t t = 0; t < cfg->n_ties; t++) {
        int eu = cfg->ties[t].a == FX_EU || cfg->ties[t].b == FX_EU;
        cfg->ties[t].weight = eu ? 0.8 : 0.5;
        cfg->ties[t].obs0[0] = eu ? 100.0 : 10.0;
    }
    cfg->ties[fx_tie_of(cfg, FX_KZ, FX_UZ)].rivalry = 0.4;
    snprintf(cfg->observables[0].name, COOP_NAME_MAX, "trade");
    cfg->observables[0].drive[FX_TRADE] = 1;
    cfg->observables[0].drive[FX_ENERGY] = 1;
    cfg->observables[0].growth = 0.08, cfg->observables[0].decay = 0.05;
    cfg->inst.beta = 0.1, cfg->inst.gamma = 0.2, cfg->inst.lambda = 0.1, cfg->inst.tau = 4;
    cfg->eng_alpha = 0.2, cfg->eng_delta = 0.05;
    cfg->noise = 0.02;
    fx_motivator(cfg, FX_KZ, FX_EU, 0.1, 0.2, 0.2, 0.05);
    cfg->hyp.motivator = FX_KZ, cfg->hyp.target = FX_EU, cfg->hyp.window_years = 10.0;
    fx_event(cfg, 0, 1998.0, COOP_F_ACTOR_OPENNESS, FX_TM, 0, COOP_OP_MUL, 0.5);
    fx_event(cfg, 1, 2001.75, COOP_F_ACTOR_GOAL, FX_EU, FX_SEC, COOP_OP_SET, 0.4);
    fx_event(cfg, 2, 2014.5, COOP_F_DOMAIN_R, FX_ENERGY, 0, COOP_OP_MUL, 0.7);
    fx_event(cfg, 3, 2014.5, COOP_F_DOMAIN_T, FX_ENERGY, 0, COOP_OP_MUL, 0.7);
    fx_event(cfg, 4, 2014.5, COOP_F_TIE_OBS, fx_tie_of(cfg, FX_EU, FX_KZ), 0, COOP_OP_MUL, 0.7);
    fx_event(cfg, 5, 2017.5, COOP_F_ACTOR_OPENNESS, FX_UZ, 0, COOP_OP_ADD, 0.2);
    return cfg;
}

/* 1 when two records of the same configuration hold the same bytes: every
 * per-step series, the milestones and the outcome scalars. */
static inline int fx_same_records(const coop_record *a, const coop_record *b)
{
    size_t na = (size_t)a->n_steps * a->n_actors * COOP_ACTOR_METRICS;
    size_t nt = (size_t)a->n_steps * a->n_ties * (COOP_TIE_METRICS + a->n_obs);
    size_t np = (size_t)a->n_steps * COOP_POP_METRICS;
    return memcmp(a->actor, b->actor, na * sizeof(double)) == 0
           && memcmp(a->tie, b->tie, nt * sizeof(double)) == 0
           && memcmp(a->pop, b->pop, np * sizeof(double)) == 0
           && memcmp(a->milestone, b->milestone, a->n_ties * a->n_levels * sizeof(int)) == 0
           && memcmp(a->outcome, b->outcome, sizeof a->outcome) == 0;
}

#endif
