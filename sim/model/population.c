/* population.c: the generated population of a `network` group (coop_population.h):
 * the network drawn from its stream (COOP_STREAM_NETWORK) by the generators of
 * network.c, its nodes made actors (template copies, network.initial_c drawn) and its
 * edges ties; and coop_population_load, the configuration loader with this builder. */
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

/* The nodes of net as actors: copies of the template, named n0, n1, ... or by the
 * edge list, with network.initial_c drawn from r in node order. */
static int nodes_to_actors(coop_config *cfg, const coop_network *net, gsl_rng *r, coop_err *err)
{
    const coop_network_cfg *nc = &cfg->net;
    size_t nd = cfg->n_domains;
    cfg->n_actors = net->n;
    /* the goals in one block (cfg->actor_goals): one allocation per node would cost a
     * heap chunk of 32 bytes for one domain's 8 */
    size_t ng = net->n * nd;
    cfg->actor_goals = malloc((ng > 0 ? ng : 1) * sizeof *cfg->actor_goals);
    if (!cfg->actor_goals)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    for (size_t i = 0; i < net->n; i++) {
        coop_actor_cfg *a = &cfg->actors[i];
        *a = cfg->tmpl;
        a->goals = NULL;
        a->line = nc->line;
        if (net->names) {
            if (!coop_config_valid_ident(net->names[i]))
                return COOP_FAIL(err, COOP_ECONFIG,
                                 "network.file: node name '%s' must be %s, shorter than %d",
                                 net->names[i], COOP_IDENT_CHARS, COOP_NAME_MAX);
            snprintf(a->name, sizeof a->name, "%s", net->names[i]);
        } else {
            snprintf(a->name, sizeof a->name, "n%zu", i);
        }
        if (nc->initial_c >= 0.0)
            a->propensity = gsl_rng_uniform(r) < nc->initial_c ? 1.0 : 0.0;
        a->goals = cfg->actor_goals + i * nd;
        memcpy(a->goals, cfg->tmpl.goals, nd * sizeof(double));
    }
    return COOP_OK;
}

/* The edges of net as ties: weight from the edge list (else 1), no rivalry,
 * observables at 0 (obs0 stays NULL without observables, as coop_config_copy
 * leaves it: a calloc of 0 bytes would still cost a 32-byte heap chunk per tie). */
static int edges_to_ties(coop_config *cfg, const coop_network *net, coop_err *err)
{
    cfg->n_ties = net->n_edges;
    for (size_t t = 0; t < net->n_edges; t++) {
        coop_tie_cfg *tc = &cfg->ties[t];
        tc->a = net->a[t], tc->b = net->b[t];
        tc->weight = net->weight ? net->weight[t] : 1.0;
        tc->rivalry = 0.0;
        tc->line = cfg->net.line;
        if (cfg->n_observables == 0)
            continue;
        tc->obs0 = calloc(cfg->n_observables, sizeof *tc->obs0);
        if (!tc->obs0)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    }
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
    coop_network *net = draw(nc, r, &nerr);
    int st = COOP_OK;
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
    else if ((net->n && !(cfg->actors = calloc(net->n, sizeof *cfg->actors)))
             || (net->n_edges && !(cfg->ties = calloc(net->n_edges, sizeof *cfg->ties))))
        st = COOP_FAIL(err, COOP_ENOMEM, "out of memory building the network");
    else if (!(st = nodes_to_actors(cfg, net, r, err)))
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
