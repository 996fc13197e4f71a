/* test_network.c: networks, CSR layout and generators (sim/model/network.c).
 *
 * Exact edge counts and degrees of the deterministic generators (complete, ring,
 * lattice), simplicity (no self-loops, no duplicate pairs) of every generator, the
 * statistics of the random ones within stated tolerances, determinism at a fixed
 * seed, the CSR invariants, edge-list files (names, indices, header, weights) and
 * every parameter error; the `network` group of a configuration, its
 * `actor_overrides` (selection, precedence, --set, errors, fixed point) and an
 * end-to-end run of a lattice with a block of defectors. */
#define _XOPEN_SOURCE 700 /* realpath */

#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "coop_network.h"

static int cmp_u64(const void *x, const void *y)
{
    unsigned long long a = *(const unsigned long long *)x, b = *(const unsigned long long *)y;
    return a < b ? -1 : a > b;
}

/* No self-loops, no duplicate pairs, endpoints in range. */
static void assert_simple(const coop_network *net)
{
    unsigned long long *k = malloc((net->n_edges + 1) * sizeof *k);
    cr_assert_not_null(k);
    for (size_t e = 0; e < net->n_edges; e++) {
        int a = net->a[e], b = net->b[e];
        cr_assert(a >= 0 && b >= 0 && (size_t)a < net->n && (size_t)b < net->n);
        cr_assert_neq(a, b, "self-loop at edge %zu", e);
        unsigned long long lo = (unsigned)(a < b ? a : b), hi = (unsigned)(a < b ? b : a);
        k[e] = lo << 32 | hi;
    }
    qsort(k, net->n_edges, sizeof *k, cmp_u64);
    for (size_t e = 1; e < net->n_edges; e++)
        cr_assert_neq(k[e], k[e - 1], "duplicate edge");
    free(k);
}

static int *degrees(const coop_network *net)
{
    int *deg = malloc(net->n * sizeof *deg);
    cr_assert_not_null(deg);
    coop_network_degrees(net, deg);
    return deg;
}

static void assert_regular(const coop_network *net, int k)
{
    int *deg = degrees(net);
    for (size_t i = 0; i < net->n; i++)
        cr_assert_eq(deg[i], k, "node %zu has degree %d, expected %d", i, deg[i], k);
    free(deg);
}

static int has_edge(const coop_network *net, int a, int b)
{
    for (size_t e = 0; e < net->n_edges; e++)
        if ((net->a[e] == a && net->b[e] == b) || (net->a[e] == b && net->b[e] == a))
            return 1;
    return 0;
}

Test(network, complete)
{
    coop_err err = {0};
    coop_network *net = coop_network_complete(7, &err);
    cr_assert_not_null(net);
    cr_assert_eq(net->n, 7);
    cr_assert_eq(net->n_edges, 21);
    assert_simple(net);
    assert_regular(net, 6);
    coop_network_free(net);
}

Test(network, ring)
{
    coop_err err = {0};
    coop_network *net = coop_network_ring(10, 4, &err);
    cr_assert_not_null(net);
    cr_assert_eq(net->n_edges, 20);
    assert_simple(net);
    assert_regular(net, 4);
    cr_assert(has_edge(net, 0, 1) && has_edge(net, 0, 2) && has_edge(net, 0, 9)
              && has_edge(net, 0, 8) && !has_edge(net, 0, 3));
    coop_network_free(net);
}

Test(network, lattice_von_neumann_and_moore)
{
    coop_err err = {0};
    coop_network *vn = coop_network_lattice(5, 0, 0, &err);
    cr_assert_not_null(vn);
    cr_assert_eq(vn->n, 25);
    cr_assert_eq(vn->n_edges, 50);
    cr_assert_eq(vn->self, 0);
    assert_simple(vn);
    assert_regular(vn, 4);
    /* node 0 = (0,0): right 1, left 4, down 5, up 20 (periodic) */
    cr_assert(has_edge(vn, 0, 1) && has_edge(vn, 0, 4) && has_edge(vn, 0, 5)
              && has_edge(vn, 0, 20) && !has_edge(vn, 0, 6));
    coop_network *mo = coop_network_lattice(5, 1, 1, &err);
    cr_assert_not_null(mo);
    cr_assert_eq(mo->n_edges, 100);
    cr_assert_eq(mo->self, 1);
    assert_simple(mo);
    assert_regular(mo, 8);
    int diag[4] = {6, 9, 21, 24}; /* (1,1), (4,1), (1,4), (4,4) */
    for (int q = 0; q < 4; q++)
        cr_assert(has_edge(mo, 0, diag[q]), "0-%d missing", diag[q]);
    /* the smallest lattice each neighbourhood allows */
    coop_network *small = coop_network_lattice(3, 1, 0, &err);
    cr_assert_not_null(small);
    assert_simple(small);
    assert_regular(small, 8);
    coop_network_free(vn);
    coop_network_free(mo);
    coop_network_free(small);
}

Test(network, csr_invariants)
{
    coop_err err = {0};
    coop_network *net = coop_network_lattice(4, 1, 0, &err);
    cr_assert_not_null(net);
    size_t n = net->n, ns = 2 * net->n_edges;
    int *row = malloc((n + 1) * sizeof(int)), *nbr = malloc(ns * sizeof(int));
    int *own = malloc(ns * sizeof(int)), *tie = malloc(ns * sizeof(int));
    int *rev = malloc(ns * sizeof(int)), *tslot = malloc(ns * sizeof(int));
    coop_network_csr(n, net->n_edges, net->a, net->b, row, nbr, own, tie, rev, tslot);
    cr_assert_eq(row[0], 0);
    cr_assert_eq(row[n], (int)ns);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(row[i + 1] - row[i], 8);
        for (int s = row[i]; s < row[i + 1]; s++) {
            cr_assert_eq(own[s], (int)i);
            if (s > row[i])
                cr_assert_lt(tie[s - 1], tie[s], "slots in edge order");
        }
    }
    for (size_t s = 0; s < ns; s++) {
        cr_assert_eq(rev[rev[s]], (int)s);
        cr_assert_eq(nbr[rev[s]], own[s]);
        cr_assert_eq(tie[rev[s]], tie[s]);
    }
    for (size_t t = 0; t < net->n_edges; t++) {
        cr_assert_eq(own[tslot[2 * t]], net->a[t]);
        cr_assert_eq(nbr[tslot[2 * t]], net->b[t]);
        cr_assert_eq(rev[tslot[2 * t]], tslot[2 * t + 1]);
    }
    free(row), free(nbr), free(own), free(tie), free(rev), free(tslot);
    coop_network_free(net);
}

Test(network, gnp_edge_count)
{
    coop_err err = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    size_t n = 2000;
    double p = 0.005, mean = p * n * (n - 1) / 2.0, sd = sqrt(mean * (1.0 - p));
    coop_network *net = coop_network_gnp(r, n, p, &err);
    cr_assert_not_null(net);
    assert_simple(net);
    cr_assert(fabs((double)net->n_edges - mean) < 5.0 * sd, "%zu edges, expected %.0f +- %.0f",
              net->n_edges, mean, 5 * sd);
    /* Dense: 200 nodes at p = 0.5, 9950 +- 5 x 70.5 edges. */
    coop_network *dense = coop_network_gnp(r, 200, 0.5, &err);
    cr_assert_not_null(dense);
    assert_simple(dense);
    cr_assert(fabs((double)dense->n_edges - 9950.0) < 5.0 * sqrt(9950.0 * 0.5),
              "%zu edges at p = 0.5, expected 9950", dense->n_edges);
    coop_network_free(dense);
    coop_network *none = coop_network_gnp(r, 50, 0.0, &err), *all = coop_network_gnp(r, 50, 1.0, &err);
    cr_assert_eq(none->n_edges, 0);
    cr_assert_eq(all->n_edges, 50 * 49 / 2);
    coop_network_free(net), coop_network_free(none), coop_network_free(all);
    gsl_rng_free(r);
}

Test(network, gnm_exact_and_deterministic)
{
    coop_err err = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    coop_network *x = coop_network_gnm(r, 1000, 3000, &err);
    gsl_rng_set(r, 7);
    coop_network *y = coop_network_gnm(r, 1000, 3000, &err);
    cr_assert_not_null(x);
    cr_assert_eq(x->n_edges, 3000);
    assert_simple(x);
    cr_assert_eq(memcmp(x->a, y->a, 3000 * sizeof(int)), 0);
    cr_assert_eq(memcmp(x->b, y->b, 3000 * sizeof(int)), 0);
    coop_network *full = coop_network_gnm(r, 20, 190, &err);
    cr_assert_not_null(full);
    assert_simple(full);
    coop_network_free(x), coop_network_free(y), coop_network_free(full);
    gsl_rng_free(r);
}

Test(network, barabasi_albert)
{
    coop_err err = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    size_t n = 10000;
    coop_network *net = coop_network_ba(r, n, 2, &err);
    cr_assert_not_null(net);
    cr_assert_eq(net->n_edges, 3 + (n - 3) * 2);
    assert_simple(net);
    int *deg = degrees(net), kmax = 0, kmin = 1 << 30;
    for (size_t i = 0; i < n; i++)
        kmax = deg[i] > kmax ? deg[i] : kmax, kmin = deg[i] < kmin ? deg[i] : kmin;
    cr_assert_eq(kmin, 2);
    /* scale-free: hubs of degree ~ m sqrt(n) = 200; a G(n,m) graph of the same
     * mean degree has a largest degree near 12 */
    cr_assert_gt(kmax, 60, "largest degree %d", kmax);
    free(deg);
    coop_network_free(net);
    gsl_rng_free(r);
}

Test(network, watts_strogatz)
{
    coop_err err = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    coop_network *ring = coop_network_ring(1000, 4, &err);
    coop_network *w0 = coop_network_ws(r, 1000, 4, 0.0, &err);
    cr_assert_eq(memcmp(ring->b, w0->b, ring->n_edges * sizeof(int)), 0);
    coop_network *w = coop_network_ws(r, 1000, 4, 0.2, &err);
    cr_assert_not_null(w);
    cr_assert_eq(w->n_edges, 2000);
    assert_simple(w);
    size_t moved = 0;
    for (size_t e = 0; e < w->n_edges; e++)
        moved += w->b[e] != ring->b[e];
    /* 2000 edges rewired with p = 0.2: 400 +- 18 (a few land where they were) */
    cr_assert(moved > 300 && moved < 500, "%zu rewired", moved);
    coop_network_free(ring), coop_network_free(w0), coop_network_free(w);
    gsl_rng_free(r);
}

static const coop_edges_opt BY_NAME = {1, 0, 0}, BY_INDEX = {0, 0, 0};

/* A temporary file holding len bytes of text (NUL bytes allowed); path[32]. */
static void temp_edges(char *path, const char *text, size_t len)
{
    strcpy(path, "/tmp/coop_edgesXXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
}

Test(network, edge_list_names_and_weights)
{
    char path[32];
    const char *text = "# a comment\na,b,weight\nEU,KZ,2\nEU,KG,0.5\n\nKZ,\"KG\",1\n";
    temp_edges(path, text, strlen(text));
    coop_err err = {0};
    size_t lonely = 9;
    coop_network *net = coop_network_read_edges(path, &BY_NAME, &lonely, &err);
    cr_assert_not_null(net, "%s", err.text);
    cr_assert_eq(lonely, 0);
    cr_assert_eq(net->n, 3);
    cr_assert_eq(net->n_edges, 3);
    cr_assert_not_null(net->names);
    cr_assert_str_eq(net->names[0], "EU");
    cr_assert_str_eq(net->names[1], "KZ");
    cr_assert_str_eq(net->names[2], "KG");
    cr_assert_not_null(net->weight);
    cr_assert_eq(net->weight[0], 2.0);
    cr_assert_eq(net->weight[1], 0.5);
    cr_assert_eq(net->a[2], 1);
    cr_assert_eq(net->b[2], 2);
    coop_network_free(net);
    unlink(path);

    /* Indices keep their numbers; labels that are digits are numbered as met. */
    temp_edges(path, "3,1\n1,2\n2,0\n", 12);
    net = coop_network_read_edges(path, &BY_INDEX, NULL, &err);
    cr_assert_not_null(net, "%s", err.text);
    cr_assert_eq(net->n, 4);
    cr_assert_null(net->names);
    cr_assert_null(net->weight);
    cr_assert_eq(net->a[0], 3);
    cr_assert_eq(net->b[2], 0);
    coop_network_free(net);
    net = coop_network_read_edges(path, &BY_NAME, NULL, &err);
    cr_assert_not_null(net, "%s", err.text);
    cr_assert_eq(net->a[0], 0); /* "3" is the first label met */
    cr_assert_str_eq(net->names[0], "3");
    coop_network_free(net);

    /* Isolated nodes: an error, or counted when allowed; network.n makes room. */
    unlink(path);
    temp_edges(path, "0,1\n1,2\n2,5\n", 12);
    cr_assert_null(coop_network_read_edges(path, &BY_INDEX, NULL, &err));
    char want[256];
    snprintf(want, sizeof want, "%s:3: node index 5 makes 6 nodes, 2 of them without a tie "
             "(the first node 3): an index skipped? set network.isolated = \"allow\" to keep "
             "them", path);
    cr_assert_str_eq(err.text, want);
    coop_edges_opt allow = {0, 8, 1};
    net = coop_network_read_edges(path, &allow, &lonely, &err);
    cr_assert_not_null(net, "%s", err.text);
    cr_assert_eq(net->n, 8);
    cr_assert_eq(lonely, 4); /* 3, 4, 6, 7 */
    coop_network_free(net);
    coop_edges_opt room = {0, 8, 0};
    cr_assert_null(coop_network_read_edges(path, &room, NULL, &err));
    snprintf(want, sizeof want, "%s: 4 of the 8 nodes (network.n) have no tie, the first node "
             "3; set network.isolated = \"allow\" to keep them", path);
    cr_assert_str_eq(err.text, want);
    unlink(path);
}

/* The error reading text (len bytes) with opt: exactly PATH + rest. */
static void expect_edges_error_opt(const char *text, size_t len, const coop_edges_opt *opt,
                                   const char *rest)
{
    char path[32], want[1024];
    temp_edges(path, text, len);
    coop_err err = {0};
    coop_network *net = coop_network_read_edges(path, opt, NULL, &err);
    unlink(path);
    cr_assert_null(net);
    cr_assert_eq(err.code, COOP_ECONFIG);
    snprintf(want, sizeof want, "%s%s", path, rest);
    cr_assert_str_eq(err.text, want);
}

static void expect_edges_error(const char *text, const char *fragment)
{
    char path[32];
    temp_edges(path, text, strlen(text));
    coop_err err = {0};
    coop_network *net = coop_network_read_edges(path, &BY_NAME, NULL, &err);
    unlink(path);
    cr_assert_null(net);
    cr_assert_eq(err.code, COOP_ECONFIG);
    cr_assert(strstr(err.text, fragment), "'%s' lacks '%s'", err.text, fragment);
}

Test(network, edge_list_errors)
{
    expect_edges_error("a,b\nx,y\ny,x\n", ":3: duplicate edge y,x");
    expect_edges_error("x,x\n", ":1: self-loop x,x");
    expect_edges_error("x,y,-1\n", ":1: weight = '-1', must be a number > 0");
    expect_edges_error("x;y\n", ":1: edge 'x;y': expected a,b");
    expect_edges_error("# nothing\n", "no edges");
    coop_err err = {0};
    cr_assert_null(coop_network_read_edges("/nonexistent/edges.csv", &BY_NAME, NULL, &err));
    cr_assert_eq(err.code, COOP_EIO);
}

Test(network, edge_list_ids_are_said_not_guessed)
{
    /* A label in an index file, an index of 10 digits, one beyond network.n, and
     * an index that would create 5 million isolated nodes: errors naming the line. */
    expect_edges_error_opt("0,1\n1,KZ\n", 8, &BY_INDEX,
                           ":2: node 'KZ' is not a node index (digits only; with network.ids = "
                           "\"index\", the default: set network.ids = \"name\" for labels)");
    const char *ten = "0,1\n1,12345678901\n";
    expect_edges_error_opt(ten, strlen(ten), &BY_INDEX,
                           ":2: node index 12345678901 is out of range [0, 1999999999]");
    coop_edges_opt three = {0, 3, 0};
    expect_edges_error_opt("0,1\n1,2\n2,7\n", 12, &three,
                           ":3: node index 7 is out of range [0, 2] (network.n)");
    const char *five = "0,1\n1,2\n2,5000000\n";
    expect_edges_error_opt(five, strlen(five), &BY_INDEX,
                           ":3: node index 5000000 makes 5000001 nodes, 4999997 of them without "
                           "a tie (the first node 3): an index skipped? set network.isolated = "
                           "\"allow\" to keep them");
}

Test(network, edge_list_odd_files_fail_fast)
{
    /* A NUL byte, an over-long line, not a regular file: errors, at once. */
    expect_edges_error_opt("0,1\n1,\0002\n", 9, &BY_INDEX, ":2: a NUL byte (an edge list is text)");
    char *lng = malloc(5000);
    cr_assert_not_null(lng);
    memset(lng, '1', 5000);
    lng[0] = '0', lng[1] = ',';
    expect_edges_error_opt(lng, 5000, &BY_INDEX, ":1: the line is longer than 4096 bytes, the "
                           "most an edge list line may have");
    free(lng);
    coop_err err = {0};
    cr_assert_null(coop_network_read_edges("/dev/zero", &BY_INDEX, NULL, &err));
    cr_assert_str_eq(err.text, "/dev/zero: not a regular file (an edge list is a text file)");
    cr_assert_null(coop_network_read_edges("tests", &BY_NAME, NULL, &err));
    cr_assert_str_eq(err.text, "tests: not a regular file (an edge list is a text file)");
}

Test(network, parameter_errors)
{
    coop_err err = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct {
        coop_network *net;
        const char *fragment;
    } cases[] = {
        {coop_network_ring(10, 3, &err), "ring k = 3, must be even"},
        {coop_network_ring(4, 4, &err), "ring k = 4, must be even with 2 <= k < n = 4"},
        {coop_network_lattice(2, 1, 1, &err), "lattice L = 2, allowed 3..44000"},
        {coop_network_gnp(r, 10, 1.5, &err), "gnp p = 1.5, allowed [0, 1]"},
        {coop_network_gnp(r, 10, -0.1, &err), "gnp p = -0.1, allowed [0, 1]"},
        {coop_network_gnm(r, 10, 46, &err), "gnm m = 46, allowed 0..n(n-1)/2 = 45"},
        {coop_network_ba(r, 10, 10, &err), "ba m = 10, must be 1 <= m < n = 10"},
        {coop_network_ba(r, 10, 0, &err), "ba m = 0"},
        {coop_network_ws(r, 10, 5, 0.1, &err), "ws k = 5, must be even"},
        {coop_network_ws(r, 10, 4, 2.0, &err), "ws p = 2, allowed [0, 1]"},
        {coop_network_complete(1, &err), "complete n = 1, allowed 2.."},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cr_assert_null(cases[c].net, "case %zu", c);
    }
    /* each message in turn (err keeps the last one: re-run each) */
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        coop_err e = {0};
        switch (c) {
        case 0: coop_network_ring(10, 3, &e); break;
        case 1: coop_network_ring(4, 4, &e); break;
        case 2: coop_network_lattice(2, 1, 1, &e); break;
        case 3: coop_network_gnp(r, 10, 1.5, &e); break;
        case 4: coop_network_gnp(r, 10, -0.1, &e); break;
        case 5: coop_network_gnm(r, 10, 46, &e); break;
        case 6: coop_network_ba(r, 10, 10, &e); break;
        case 7: coop_network_ba(r, 10, 0, &e); break;
        case 8: coop_network_ws(r, 10, 5, 0.1, &e); break;
        case 9: coop_network_ws(r, 10, 4, 2.0, &e); break;
        default: coop_network_complete(1, &e); break;
        }
        cr_assert_eq(e.code, COOP_ECONFIG, "case %zu", c);
        cr_assert(strstr(e.text, cases[c].fragment), "case %zu: '%s' lacks '%s'", c, e.text,
                  cases[c].fragment);
    }
    gsl_rng_free(r);
}

/* ---- the `network` group of a configuration (sim/config/config_actors.c) ---- */

#include "config_io.h"
#include "coop_config.h"
#include "e2e.h"

static const char *ring_cfg =
    "experiment = { seed = 9L; };\n"
    "domains = ( { name = \"pd\"; } );\n"
    "network = { type = \"ring\"; n = 20; k = 4; initial_c = 0.5; };\n"
    "actor_template = { rule = \"fermi\"; rule_params = { K = 0.5; }; engagement = 1.0; };\n";

Test(network, config_generates_actors_and_ties)
{
    coop_config cfg;
    load_text(ring_cfg, NULL, 0, &cfg);
    cr_assert_eq(cfg.net.present, 1);
    cr_assert_eq(cfg.n_actors, 20);
    cr_assert_eq(cfg.n_ties, 40);
    cr_assert_str_eq(coop_cfg_actor_name(&cfg, 0), "n0");
    cr_assert_str_eq(coop_cfg_actor_name(&cfg, 19), "n19");
    int n_c = 0;
    for (size_t i = 0; i < cfg.n_actors; i++) {
        cr_assert_eq(coop_cfg_actor(&cfg, i)->rule, COOP_RULE_FERMI);
        cr_assert_eq(coop_cfg_actor(&cfg, i)->rule_param[0], 0.5);
        cr_assert_eq(coop_cfg_actor(&cfg, i)->engagement, 1.0);
        double p = coop_cfg_actor(&cfg, i)->propensity;
        cr_assert(p == 0.0 || p == 1.0);
        n_c += p == 1.0;
    }
    cr_assert(n_c > 2 && n_c < 18, "%d cooperators of 20", n_c);
    /* printed: the network group and the template, not 20 actors; reloading the
     * printed text gives the same configuration */
    char *text = print_str(&cfg);
    cr_assert_not_null(strstr(text, "network = {"));
    cr_assert_not_null(strstr(text, "actor_template = {"));
    cr_assert_null(strstr(text, "\"n0\""));
    coop_config again;
    load_text(text, NULL, 0, &again);
    char *text2 = print_str(&again);
    cr_assert_str_eq(text, text2);
    cr_assert_eq(again.n_ties, cfg.n_ties);
    for (size_t t = 0; t < cfg.n_ties; t++)
        cr_assert(coop_cfg_tie(&again, t).a == coop_cfg_tie(&cfg, t).a
                  && coop_cfg_tie(&again, t).b == coop_cfg_tie(&cfg, t).b);
    for (size_t i = 0; i < cfg.n_actors; i++)
        cr_assert_eq(coop_cfg_actor(&again, i)->propensity, coop_cfg_actor(&cfg, i)->propensity);
    free(text), free(text2);
    coop_config copy;
    coop_err err = {0};
    cr_assert_eq(coop_config_copy(&copy, &cfg, &err), COOP_OK);
    cr_assert_eq(copy.tmpl.goals[0], 1.0);
    coop_config_destroy(&copy);
    coop_config_destroy(&again);
    coop_config_destroy(&cfg);
}

Test(network, config_overrides_and_seed)
{
    const char *ov[] = {"network.type=ba", "network.n=500", "network.m=2",
                        "actor_template.rule=imitate_best"};
    coop_config cfg, other;
    load_text(ring_cfg, ov, 4, &cfg);
    cr_assert_eq(cfg.n_actors, 500);
    cr_assert_eq(cfg.n_ties, 3 + 497 * 2);
    cr_assert_eq(coop_cfg_actor(&cfg, 7)->rule, COOP_RULE_IMITATE_BEST);
    const char *ov2[] = {"network.type=ba", "network.n=500", "network.m=2", "experiment.seed=10"};
    load_text(ring_cfg, ov2, 4, &other);
    size_t differ = 0;
    for (size_t t = 0; t < cfg.n_ties; t++)
        differ += coop_cfg_tie(&cfg, t).b != coop_cfg_tie(&other, t).b;
    cr_assert_gt(differ, 0, "another experiment seed draws another network");
    coop_config_destroy(&cfg);
    coop_config_destroy(&other);
}

Test(network, config_edge_list_file)
{
    char edges[] = "/tmp/coop_edgesXXXXXX";
    int fd = mkstemp(edges);
    cr_assert_geq(fd, 0);
    close(fd);
    write_file(edges, "a,b,weight\nEU,KZ,2\nEU,KG,1\nKZ,KG,0.5\n");
    char text[1024];
    snprintf(text, sizeof text,
             "domains = ( { name = \"pd\"; } );\n"
             "network = { type = \"file\"; file = \"%s\"; series_nodes = true; ids = \"name\"; };\n",
             edges);
    coop_config cfg;
    load_text(text, NULL, 0, &cfg);
    unlink(edges);
    cr_assert_eq(cfg.net.ids, 1);
    cr_assert_eq(cfg.net.n, 3); /* the count read, printed so that a manifest reads alike */
    cr_assert_eq(cfg.n_actors, 3);
    cr_assert_str_eq(coop_cfg_actor_name(&cfg, 1), "KZ");
    cr_assert_eq(cfg.n_ties, 3);
    cr_assert_eq(coop_cfg_tie(&cfg, 0).weight, 2.0);
    cr_assert_eq(coop_cfg_tie(&cfg, 2).weight, 0.5);
    cr_assert_eq(coop_config_series_actors(&cfg), 3);
    cr_assert_eq(coop_config_actor(&cfg, "KG"), 2);
    coop_config_destroy(&cfg);
}

/* A relative network.file is found next to the configuration that names it, and a
 * results manifest names it relative to itself: both runs work from any working
 * directory and write the same data. */
Test(network, e2e_edge_list_path_follows_the_configuration)
{
    char dir[64], cmd[2048], *prog = realpath(e2e_program(), NULL);
    cr_assert_not_null(prog);
    e2e_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/cfg/net %s/elsewhere %s/res", dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/cfg/net/edges.csv", dir);
    write_file(cmd, "0,1\n1,2\n2,0\n2,3\n");
    snprintf(cmd, sizeof cmd, "%s/cfg/x.cfg", dir);
    write_file(cmd, "experiment = { name = \"fe\"; replicates = 2; };\n"
                    "time = { start = 0.0; end = 4.0; steps_per_year = 1; };\n"
                    "domains = ( { name = \"pd\"; } );\n"
                    "network = { type = \"file\"; file = \"net/edges.csv\"; };\n");
    snprintf(cmd, sizeof cmd, "cd %s/elsewhere && %s run ../cfg/x.cfg -o ../res/a --quiet "
             "2>%s/err", dir, prog, dir);
    cr_assert_eq(system(cmd), 0, "first run failed");
    char path[128], text[1 << 14], other[1 << 14];
    snprintf(path, sizeof path, "%s/res/a/manifest.cfg", dir);
    e2e_slurp(path, text, sizeof text);
    cr_assert_not_null(strstr(text, "\n  file = \"../../cfg/net/edges.csv\";\n"), "%s", text);
    cr_assert_not_null(strstr(text, "\n  ids = \"index\";\n  isolated = \"error\";\n"), "%s",
                       text);
    snprintf(cmd, sizeof cmd, "cd / && %s run %s/res/a/manifest.cfg -o %s/res/b --quiet 2>%s/err",
             prog, dir, dir, dir);
    cr_assert_eq(system(cmd), 0, "the manifest does not run from /");
    snprintf(path, sizeof path, "%s/res/a/summary.csv", dir);
    e2e_slurp(path, text, sizeof text);
    snprintf(path, sizeof path, "%s/res/b/summary.csv", dir);
    e2e_slurp(path, other, sizeof other);
    cr_assert_gt(strlen(text), 100);
    cr_assert_str_eq(text, other);
    free(prog);
    e2e_rmrf(dir);
}

/* ---- actor_overrides: the template changed for selected nodes ---- */

static const char *override_cfg =
    "domains = ( { name = \"pd\"; }, { name = \"trade\"; } );\n"
    "network = { type = \"lattice\"; L = 4; };\n"
    "actor_template = { rule = \"imitate_best\"; propensity = 1.0; };\n"
    "actor_overrides = (\n"
    "  { from = 0; to = 3; region = \"west\"; capacity = 2.0; },\n"
    "  { nodes = [ 0, 5 ]; rule = \"alld\"; propensity = 0.0; },\n"
    "  { in_region = \"west\"; openness = 0.25; },\n"
    "  { nodes = [ 1 ]; capacity = 3.0; goals = { trade = 1.0; };\n"
    "    rule = \"bush_mosteller\"; rule_params = { learning_rate = 0.3; }; }\n"
    ");\n";

Test(network, overrides_apply_to_exactly_the_selected_nodes)
{
    coop_config cfg;
    load_text(override_cfg, NULL, 0, &cfg);
    cr_assert_eq(cfg.n_actors, 16);
    cr_assert_eq(cfg.n_overrides, 4);
    cr_assert_eq(cfg.n_regions, 1);
    cr_assert_str_eq(cfg.regions[0], "west");
    for (int i = 0; i < 16; i++) {
        const coop_actor_cfg *a = coop_cfg_actor(&cfg, i);
        int west = i <= 3, alld = i == 0 || i == 5;
        /* later overrides win: node 1's capacity 3 over the range's 2 */
        double cap = i == 1 ? 3.0 : west ? 2.0 : 1.0;
        int rule = alld ? COOP_RULE_ALLD : i == 1 ? COOP_RULE_BUSH_MOSTELLER : COOP_RULE_IMITATE_BEST;
        cr_assert_eq(a->capacity, cap, "node %d", i);
        cr_assert_eq(a->rule, rule, "node %d", i);
        cr_assert_eq(a->propensity, alld ? 0.0 : 1.0, "node %d", i);
        cr_assert_eq(a->openness, west ? 0.25 : 1.0, "node %d", i);
        cr_assert_str_eq(a->region, west ? "west" : "", "node %d", i);
        cr_assert_eq(a->region_id, west ? 0 : -1, "node %d", i);
        cr_assert_eq(a->goals[0], i == 1 ? 0.0 : 0.5, "node %d", i);
        cr_assert_eq(a->goals[1], i == 1 ? 1.0 : 0.5, "node %d", i);
        if (i == 1) {
            cr_assert_eq(a->rule_param[coop_rule_param(COOP_RULE_BUSH_MOSTELLER, "learning_rate")],
                         0.3);
        }
    }
    /* fixed point, and a deep copy */
    char *text = print_str(&cfg);
    cr_assert_not_null(strstr(text, "actor_overrides = (\n  {\n    from = 0;\n    to = 3;\n"
                                    "    region = \"west\";\n    capacity = 2.0;\n  },\n"
                                    "  {\n    nodes = [ 0, 5 ];\n    propensity = 0.0;\n"
                                    "    rule = \"alld\";\n    rule_params = { };\n  },\n"
                                    "  {\n    in_region = \"west\";\n    openness = 0.25;\n  },\n"),
                       "%s", text);
    coop_config again;
    load_text(text, NULL, 0, &again);
    char *text2 = print_str(&again);
    cr_assert_str_eq(text, text2);
    free(text), free(text2);
    coop_config copy;
    coop_err err = {0};
    cr_assert_eq(coop_config_copy(&copy, &cfg, &err), COOP_OK);
    coop_config_destroy(&cfg);
    cr_assert_eq(copy.overrides[1].nodes[1], 5);
    cr_assert_eq(copy.overrides[3].a.goals[1], 1.0);
    coop_config_destroy(&copy);
    coop_config_destroy(&again);
}

Test(network, overrides_precedence_and_set)
{
    /* the same nodes twice: the later element wins, key by key */
    coop_config cfg;
    load_text("network = { type = \"ring\"; n = 10; k = 2; initial_c = 1.0; };\n"
              "actor_overrides = ( { nodes = [ 2 ]; propensity = 0.25; capacity = 5.0; },\n"
              "  { from = 1; to = 3; propensity = 0.75; } );\n",
              NULL, 0, &cfg);
    cr_assert_eq(coop_cfg_actor(&cfg, 2)->propensity, 0.75);
    cr_assert_eq(coop_cfg_actor(&cfg, 2)->capacity, 5.0);
    cr_assert_eq(coop_cfg_actor(&cfg, 1)->capacity, 1.0);
    cr_assert_eq(coop_cfg_actor(&cfg, 0)->propensity, 1.0); /* initial_c, untouched */
    cr_assert_eq(coop_cfg_actor(&cfg, 4)->propensity, 1.0);
    coop_config_destroy(&cfg);

    /* --set reaches an element by index, with the template's ranges */
    const char *ov[] = {"actor_overrides.0.propensity=0.5", "actor_overrides.1.to=2"};
    load_text("network = { type = \"ring\"; n = 10; k = 2; };\n"
              "actor_overrides = ( { nodes = [ 2 ]; propensity = 0.25; },\n"
              "  { from = 1; to = 3; capacity = 2.0; } );\n",
              ov, 2, &cfg);
    cr_assert_eq(coop_cfg_actor(&cfg, 2)->propensity, 0.5);
    cr_assert_eq(coop_cfg_actor(&cfg, 2)->capacity, 2.0);
    cr_assert_eq(coop_cfg_actor(&cfg, 3)->capacity, 1.0);
    coop_config_destroy(&cfg);

    const char *bad[][2] = {
        {"actor_overrides.0.to=10", "--set actor_overrides.0.to=10: actor_overrides.0.to = 10 "
                                    "is out of range [1, 9]"},
        {"actor_overrides.0.propensity=2", "actor_overrides.0.propensity = 2 is out of range [0, 1]"},
        {"actor_overrides.3.capacity=2", "no override with index '3' (the configuration has 1 "
                                         "overrides)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[] = "/tmp/coop_netcfgXXXXXX";
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0);
        close(fd);
        write_file(path, "network = { type = \"ring\"; n = 10; k = 2; };\n"
                         "actor_overrides = ( { from = 1; to = 3; capacity = 2.0; } );\n");
        coop_err err = {0};
        int st = coop_population_load(path, bad[i], 1, &cfg, &err);
        unlink(path);
        cr_assert_eq(st, COOP_ECONFIG);
        cr_assert_not_null(strstr(err.text, bad[i][1]), "%s", err.text);
        cr_assert_null(cfg.overrides);
    }
}

/* End to end: a lattice of cooperating imitators with a block of two rows of
 * unconditional defectors; the defectors never cooperate, so the cooperator
 * share starts at exactly 0.8 and never exceeds it. */
Test(network, e2e_lattice_with_alld_block)
{
    char dir[64], cfgpath[128];
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0]);
    snprintf(cfgpath, sizeof cfgpath, "%s/block.cfg", dir);
    write_file(cfgpath,
               "experiment = { name = \"alld_block\"; seed = 3L; replicates = 2; };\n"
               "time = { start = 0.0; end = 5.0; steps_per_year = 1; unit = \"generation\"; };\n"
               "noise = 0.0;\ninteraction = \"node\";\n"
               "engagement = { alpha = 0.0; delta = 0.0; };\n"
               "institutions = { beta = 0.0; gamma = 0.0; lambda = 0.0; };\n"
               "output = { series = \"full\"; };\n"
               "domains = ( { name = \"pd\"; R = 1.0; S = 0.0; T = 1.85; P = 0.0; } );\n"
               "network = { type = \"lattice\"; L = 10; self = true; };\n"
               "actor_template = { engagement = 1.0; rule = \"imitate_best\"; propensity = 1.0; };\n"
               "actor_overrides = ( { from = 0; to = 19; rule = \"alld\"; propensity = 0.0; } );\n");
    e2e_result *r = e2e_run("run %s -o %s/res --quiet", cfgpath, dir);
    cr_assert_eq(r->status, 0, "stderr: %s", r->err);
    char path[256];
    snprintf(path, sizeof path, "%s/res/population.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[512];
    int rows = 0;
    cr_assert_not_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        int rep, step;
        double t, share;
        cr_assert_eq(sscanf(line, "0,factual,%d,%d,%lf,%lf", &rep, &step, &t, &share), 4, "%s",
                     line);
        if (step == 0)
            cr_assert_eq(share, 0.8, "%s", line);
        cr_assert_leq(share, 0.8, "%s", line);
        rows++;
    }
    fclose(f);
    cr_assert_eq(rows, 10); /* 2 replicates x 5 generations */
    /* the manifest reloads to the same resolved configuration */
    r = e2e_run("check %s/res/manifest.cfg", dir);
    cr_assert_eq(r->status, 0, "stderr: %s", r->err);
    cr_assert_not_null(strstr(r->out, "    from = 0;\n    to = 19;\n    propensity = 0.0;\n"
                                      "    rule = \"alld\";\n"));
    e2e_rmrf(dir);
}

/* network.isolated = "allow": the loader counts the nodes without a tie
 * (cfg.net.n_isolated) and prints nothing; the command line notes them on stderr,
 * once, and goes on (exit 0). */
Test(network, allowed_isolated_nodes_are_counted_and_noted)
{
    char dir[64], cmd[1024], path[128];
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0]);
    char *edges = realpath("tests/data/edges_gap.csv", NULL); /* 10 nodes, 3..8 without ties */
    cr_assert_not_null(edges);
    snprintf(path, sizeof path, "%s/iso.cfg", dir);
    snprintf(cmd, sizeof cmd, "domains = ( { name = \"pd\"; } );\n"
             "network = { type = \"file\"; file = \"%s\"; isolated = \"allow\"; };\n", edges);
    write_file(path, cmd);
    free(edges);
    coop_config cfg;
    load_ok(path, NULL, 0, &cfg);
    cr_expect_eq(cfg.net.n_isolated, 6);
    cr_expect_eq(cfg.net.n, 10);
    coop_config_destroy(&cfg);
    e2e_result *r = e2e_run("check %s", path);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_not_null(strstr(r->err, "edges_gap.csv: 6 of the 10 nodes have no tie "
                                      "(network.isolated = \"allow\")\n"), "%s", r->err);
    cr_expect_null(strstr(strstr(r->err, "have no tie") + 1, "have no tie"), "noted twice: %s",
                   r->err);
    e2e_rmrf(dir);
}

/* ---- who builds a generated population (sim/model/population.c) ---- */

#include "coop_population.h"
#include "coop_rng.h"

/* The model layer draws the population from the network's own stream: the ring
 * draws nothing, so node i's propensity is the i-th uniform of a generator seeded
 * with coop_rng_seed(9, 0, 0, COOP_STREAM_NETWORK) against initial_c = 0.5. */
Test(network, population_draws_from_the_network_stream)
{
    coop_config cfg;
    load_text(ring_cfg, NULL, 0, &cfg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, coop_rng_seed(9, 0, 0, COOP_STREAM_NETWORK));
    for (size_t i = 0; i < cfg.n_actors; i++) {
        double want = gsl_rng_uniform(r) < 0.5 ? 1.0 : 0.0;
        cr_assert_eq(coop_cfg_actor(&cfg, i)->propensity, want, "node %zu", i);
    }
    gsl_rng_free(r);
    coop_config_destroy(&cfg);
}

static int stub_calls;
static int stub_net_n;
static size_t stub_n_actors;
static int stub_has_template;

/* A builder that records what the loader hands it and fails. */
static int stub_build(coop_config *cfg, coop_err *err)
{
    stub_calls++;
    stub_net_n = cfg->net.n;
    stub_n_actors = cfg->n_actors;
    stub_has_template = cfg->tmpl.goals != NULL && cfg->actors == NULL;
    return COOP_FAIL(err, COOP_ECONFIG, "stub: no population");
}

/* The configuration module only describes: without a builder a network group is an
 * error that names the loader to use; with one, the builder gets the description
 * (the template loaded, no actors yet, network.n = 0 for an edge list that gave
 * none) and its message gets the network group's FILE:LINE. */
Test(network, the_loader_describes_and_the_model_builds)
{
    char path[64], text[512];
    char *edges = realpath("tests/data/edges_gap.csv", NULL);
    cr_assert_not_null(edges);
    snprintf(text, sizeof text, "domains = ( { name = \"pd\"; } );\n"
             "\nnetwork = { type = \"file\"; file = \"%s\"; isolated = \"allow\"; };\n", edges);
    free(edges);
    temp_file(path, text);
    coop_config cfg;
    coop_err err = {0};
    cr_assert_eq(coop_config_load(path, NULL, 0, &cfg, &err), COOP_ECONFIG);
    char want[256];
    snprintf(want, sizeof want, "%s:3: network: a generated population is built by the model "
             "layer: load the configuration with coop_population_load", path);
    cr_assert_str_eq(err.text, want);
    cr_assert_null(cfg.actors);

    cr_assert_eq(coop_config_load_with(path, NULL, 0, stub_build, &cfg, &err), COOP_ECONFIG);
    snprintf(want, sizeof want, "%s:3: stub: no population", path);
    cr_assert_str_eq(err.text, want);
    cr_assert_eq(stub_calls, 1);
    cr_assert_eq(stub_net_n, 0);
    cr_assert_eq(stub_n_actors, 0);
    cr_assert(stub_has_template);
    cr_assert_null(cfg.actors);

    /* listed actors and ties need no builder */
    cr_assert_eq(coop_config_load("configs/eu_ca.cfg", NULL, 0, &cfg, &err), COOP_OK, "%s",
                 err.text);
    cr_assert_gt(cfg.n_actors, 0);
    coop_config_destroy(&cfg);
    unlink(path);
}
