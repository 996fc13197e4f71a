/* config_pop.c: the accessors of a configuration's actors and ties (coop_cfg_actor,
 * coop_cfg_tie and their writable forms), and the compact generated population behind
 * them (coop_pop_cfg: profiles per node, ties by arithmetic or by endpoints; issue 18
 * item 2, docs/ODD.md "Memory layout of node-level models"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coop_config.h"

const char *coop_cfg_actor_name(const coop_config *cfg, size_t i)
{
    const coop_actor_cfg *a = coop_cfg_actor(cfg, i);
    if (a->name[0])
        return a->name;
    static _Thread_local char buf[8][COOP_NAME_MAX];
    static _Thread_local unsigned next;
    char *s = buf[next++ % 8];
    snprintf(s, COOP_NAME_MAX, "n%zu", i);
    return s;
}

/* A copy of profile a with its own goals; NULL when out of memory. */
static coop_actor_cfg *profile_dup(const coop_actor_cfg *a, size_t nd)
{
    coop_actor_cfg *p = malloc(sizeof *p);
    double *g = malloc((nd ? nd : 1) * sizeof *g);
    if (!p || !g) {
        free(p), free(g);
        return NULL;
    }
    *p = *a;
    p->goals = g;
    if (a->goals)
        memcpy(g, a->goals, nd * sizeof *g);
    return p;
}

/* The room allocated for n profiles: the next power of two (the array doubles when
 * nodes are materialised one by one, as an override of many nodes does). */
static size_t prof_room(size_t n)
{
    size_t r = 1;
    while (r < n)
        r <<= 1;
    return r;
}

/* Node i's own profile, named name; NULL when out of memory. */
static coop_actor_cfg *materialise(coop_config *cfg, size_t i, const char *name)
{
    coop_pop_cfg *p = &cfg->pop;
    coop_actor_cfg *a = p->prof[p->of[i]];
    if (a->name[0])
        return a;
    if (p->n_prof >= UINT32_MAX)
        return NULL;
    if (p->n_prof == prof_room(p->n_prof)) {
        coop_actor_cfg **grown = realloc(p->prof, 2 * p->n_prof * sizeof *grown);
        if (!grown)
            return NULL;
        p->prof = grown;
    }
    if (!(a = profile_dup(a, cfg->n_domains)))
        return NULL;
    snprintf(a->name, sizeof a->name, "%s", name);
    p->prof[p->n_prof] = a;
    p->of[i] = (unsigned)p->n_prof++;
    return a;
}

coop_actor_cfg *coop_cfg_actor_edit(coop_config *cfg, size_t i)
{
    if (cfg->actors)
        return &cfg->actors[i];
    char name[COOP_NAME_MAX];
    snprintf(name, sizeof name, "n%zu", i);
    return materialise(cfg, i, name);
}

int coop_cfg_pop_name(coop_config *cfg, size_t i, const char *name)
{
    return materialise(cfg, i, name) ? COOP_OK : COOP_ENOMEM;
}

int coop_cfg_pop_actors(coop_config *cfg, size_t n, size_t n_shared)
{
    coop_pop_cfg *p = &cfg->pop;
    if (!(p->of = calloc(n ? n : 1, sizeof *p->of))
        || !(p->prof = calloc(prof_room(n_shared), sizeof *p->prof)))
        return COOP_ENOMEM;
    for (; p->n_prof < n_shared; p->n_prof++) {
        if (!(p->prof[p->n_prof] = profile_dup(&cfg->tmpl, cfg->n_domains)))
            return COOP_ENOMEM;
        p->prof[p->n_prof]->name[0] = '\0';
        p->prof[p->n_prof]->line = cfg->net.line;
    }
    cfg->n_actors = n;
    return COOP_OK;
}

coop_tie_cfg coop_cfg_tie(const coop_config *cfg, size_t t)
{
    if (cfg->ties)
        return cfg->ties[t];
    coop_tie_cfg tc = {0};
    coop_cfg_tie_ends(cfg, t, &tc.a, &tc.b);
    tc.weight = coop_cfg_tie_weight(cfg, t);
    tc.rivalry = 0.0;
    tc.obs0 = cfg->pop.obs0;
    tc.line = cfg->net.line;
    return tc;
}

coop_tie_cfg *coop_cfg_tie_edit(coop_config *cfg, size_t t)
{
    if (cfg->ties)
        return &cfg->ties[t];
    size_t T = cfg->n_ties, no = cfg->n_observables;
    coop_tie_cfg *ties = calloc(T ? T : 1, sizeof *ties);
    if (!ties)
        return NULL;
    for (size_t k = 0; k < T; k++) {
        ties[k] = coop_cfg_tie(cfg, k);
        ties[k].obs0 = NULL;
        if (no && !(ties[k].obs0 = calloc(no, sizeof(double)))) {
            for (size_t j = 0; j < k; j++)
                free(ties[j].obs0);
            free(ties);
            return NULL;
        }
    }
    cfg->ties = ties;
    coop_pop_cfg *p = &cfg->pop;
    free(p->ta), free(p->tb), free(p->tw);
    p->ta = p->tb = NULL, p->tw = NULL, p->lattice = 0;
    return &cfg->ties[t];
}

void coop_cfg_pop_destroy(coop_pop_cfg *p)
{
    for (size_t k = 0; p->prof && k < p->n_prof; k++) {
        if (p->prof[k])
            free(p->prof[k]->goals);
        free(p->prof[k]);
    }
    free(p->prof), free(p->of);
    free(p->ta), free(p->tb), free(p->tw), free(p->obs0);
    memset(p, 0, sizeof *p);
}

static void *dup_n(const void *src, size_t n, size_t size, int *bad)
{
    if (!src)
        return NULL;
    void *d = malloc((n ? n : 1) * size);
    if (!d)
        *bad = 1;
    else
        memcpy(d, src, n * size);
    return d;
}

int coop_cfg_pop_copy(coop_pop_cfg *dst, const coop_config *src)
{
    const coop_pop_cfg *s = &src->pop;
    int bad = 0;
    memset(dst, 0, sizeof *dst);
    dst->lattice = s->lattice;
    dst->of = dup_n(s->of, src->n_actors, sizeof *s->of, &bad);
    dst->ta = dup_n(s->ta, src->n_ties, sizeof *s->ta, &bad);
    dst->tb = dup_n(s->tb, src->n_ties, sizeof *s->tb, &bad);
    dst->tw = dup_n(s->tw, src->n_ties, sizeof *s->tw, &bad);
    dst->obs0 = dup_n(s->obs0, src->n_observables, sizeof *s->obs0, &bad);
    if (s->prof && !bad && !(dst->prof = calloc(prof_room(s->n_prof), sizeof *dst->prof)))
        bad = 1;
    for (size_t k = 0; dst->prof && k < s->n_prof && !bad; k++, dst->n_prof++)
        if (!(dst->prof[k] = profile_dup(s->prof[k], src->n_domains)))
            bad = 1;
    if (bad)
        coop_cfg_pop_destroy(dst);
    return bad ? COOP_ENOMEM : COOP_OK;
}
