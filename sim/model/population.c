/* population.c: the generated population of a `network` group (coop_population.h):
 * the network drawn from its stream (COOP_STREAM_NETWORK) by the generators of
 * network.c, its nodes made actors and its edges ties, kept compact (coop_pop_cfg:
 * profiles, network.initial_c drawn, endpoints; a lattice none); and
 * coop_population_load, the configuration loader with this builder. */
#include "coop_population.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "coop_network.h"
#include "coop_rng.h"

/* The network of nc drawn from r; an edge list sets nc->n to the count read and
 * nc->n_isolated to the nodes without a tie it kept. */
static coop_network *draw(coop_network_cfg *nc, gsl_rng *r, coop_err *err)
{
    size_t n = (size_t)nc->n;
    switch (nc->type) {
    case COOP_NET_COMPLETE: return coop_network_complete(n, err);
    case COOP_NET_RING: return coop_network_ring(n, nc->k, err);
    case COOP_NET_LATTICE: return coop_network_lattice((size_t)nc->L, nc->moore, nc->self, err);
    case COOP_NET_GNP: return coop_network_gnp(r, n, nc->p, err);
    case COOP_NET_GNM: return coop_network_gnm(r, n, (size_t)nc->m, err);
    case COOP_NET_BA: return coop_network_ba(r, n, nc->m, err);
    case COOP_NET_WS: return coop_network_ws(r, n, nc->k, nc->p, err);
    default: {
        /* nc->n bounds the indices when the file gave it (0 otherwise: the loader's
         * contract), and becomes the count read, which the printer writes, so that a
         * manifest reads the file the same way */
        coop_edges_opt opt = {nc->ids, n, nc->isolated};
        size_t lonely = 0;
        coop_network *net = coop_network_read_edges(nc->file, &opt, &lonely, err);
        if (net)
            nc->n = (int)net->n;
        nc->n_isolated = lonely; /* allowed (network.isolated = "allow"): not an error */
        return net;
    }
    }
}

/* The nodes as actors (coop_pop_cfg): per node the index of its profile, the
 * template with network.initial_c drawn from r in node order (profile 1 = C, 0 = D),
 * else the template's propensity (one profile); the nodes of an edge list with names
 * each materialised under their name. */
static int nodes_to_actors(coop_config *cfg, size_t n, char **names, gsl_rng *r, coop_err *err)
{
    const coop_network_cfg *nc = &cfg->net;
    int draw_c = nc->initial_c >= 0.0;
    if (coop_cfg_pop_actors(cfg, n, draw_c ? 2 : 1))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    if (draw_c)
        cfg->pop.prof[0]->propensity = 0.0, cfg->pop.prof[1]->propensity = 1.0;
    for (size_t i = 0; i < n; i++) {
        if (names && !coop_config_valid_ident(names[i]))
            return COOP_FAIL(err, COOP_ECONFIG,
                             "network.file: node name '%s' must be %s, shorter than %d",
                             names[i], COOP_IDENT_CHARS, COOP_NAME_MAX);
        if (draw_c)
            cfg->pop.of[i] = gsl_rng_uniform(r) < nc->initial_c;
        if (names && coop_cfg_pop_name(cfg, i, names[i]))
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    }
    return COOP_OK;
}

/* The edges of net as ties (coop_pop_cfg): its endpoint and weight arrays taken over
 * (a lattice keeps none: coop_cfg_tie_ends computes them); no rivalry; observables at
 * 0, one block of zeros for all. */
static int edges_to_ties(coop_config *cfg, coop_network *net, coop_err *err)
{
    coop_pop_cfg *p = &cfg->pop;
    if (cfg->n_observables && !(p->obs0 = calloc(cfg->n_observables, sizeof *p->obs0)))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    if (!net) /* a lattice */
        return COOP_OK;
    cfg->n_ties = net->n_edges;
    size_t m = net->n_edges ? net->n_edges : 1;
    int *a = realloc(net->a, m * sizeof *a), *b = a ? realloc(net->b, m * sizeof *b) : NULL;
    if (a)
        net->a = a;
    if (b)
        net->b = b;
    if (!a || !b)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    p->ta = net->a, p->tb = net->b, p->tw = net->weight;
    net->a = net->b = NULL, net->weight = NULL;
    return COOP_OK;
}

int coop_population_build(coop_config *cfg, coop_err *err)
{
    coop_network_cfg *nc = &cfg->net;
    if (!nc->present)
        return COOP_OK;
    const gsl_rng_type *type = coop_rng_type(cfg->rng[0] ? cfg->rng : "mt19937");
    if (!type)
        return COOP_FAIL(err, COOP_ECONFIG, "experiment.rng = \"%s\" is not a GSL generator",
                         cfg->rng);
    gsl_rng *r = gsl_rng_alloc(type);
    if (!r)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    gsl_rng_set(r, coop_rng_seed((uint32_t)cfg->seed, 0, 0, COOP_STREAM_NETWORK));
    coop_err nerr = {0};
    /* a lattice draws nothing and keeps no edges (coop_pop_cfg) */
    int lattice = nc->type == COOP_NET_LATTICE;
    coop_network *net = lattice ? NULL : draw(nc, r, &nerr);
    int st = COOP_OK;
    if (lattice && coop_network_lattice_check((size_t)nc->L, nc->moore, &nerr) == COOP_OK) {
        size_t L = (size_t)nc->L;
        cfg->pop.lattice = 1;
        cfg->n_ties = L * L * (nc->moore ? 4 : 2);
        if (L * L > (size_t)INT_MAX / 2 || cfg->n_ties > (size_t)INT_MAX / 2)
            st = COOP_FAIL(err, COOP_ECONFIG, "network: %zu nodes and %zu ties are too many",
                           L * L, cfg->n_ties);
        else if (!(st = nodes_to_actors(cfg, L * L, NULL, r, err)))
            st = edges_to_ties(cfg, NULL, err);
        gsl_rng_free(r);
        return st;
    }
    if (!net) {
        /* "network: ring k = 3, ..." -> "network (type = "ring"): k = 3, ..." (the
         * loader puts the network group's FILE:LINE in front) */
        const char *msg = strncmp(nerr.text, "network: ", 9) == 0 ? nerr.text + 9 : nerr.text;
        if (nerr.code == COOP_ENOMEM)
            st = COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
        else
            st = COOP_FAIL(err, COOP_ECONFIG, "network (type = \"%s\"): %s",
                           coop_net_type_name(nc->type), msg);
        gsl_rng_free(r);
        return st;
    }
    if (net->n > (size_t)INT_MAX / 2 || net->n_edges > (size_t)INT_MAX / 2)
        st = COOP_FAIL(err, COOP_ECONFIG, "network: %zu nodes and %zu ties are too many", net->n,
                       net->n_edges);
    else if (!(st = nodes_to_actors(cfg, net->n, net->names, r, err)))
        st = edges_to_ties(cfg, net, err);
    coop_network_free(net);
    gsl_rng_free(r);
    return st;
}

int coop_population_load(const char *path, const char *const *overrides, size_t n_overrides,
                         coop_config *cfg, coop_err *err)
{
    return coop_config_load_with(path, overrides, n_overrides, coop_population_build, cfg, err);
}
