/* coop_network.h: undirected networks as edge lists and CSR adjacency, and the
 * generators of the classic models (complete graph, ring, square lattice,
 * Erdos-Renyi G(n,p) and G(n,m), Barabasi-Albert, Watts-Strogatz, edge-list files).
 *
 * A network holds n nodes and an ordered list of undirected edges (a, b) with
 * a != b and no duplicates; an edge may carry a weight.  Every generator that draws
 * takes the gsl_rng first (GSL's argument order) and consumes draws only from it,
 * so the same generator state gives the same network (coop_population_build,
 * sim/model/population.c, calls them once per configuration with the network's
 * stream).  coop_network_csr turns the
 * edge list into the engine's slot layout (model.c uses it; nothing else builds
 * CSR).  Generators return NULL on error with err filled: COOP_ECONFIG for a bad
 * parameter (the message names it, its value and the allowed range), COOP_EIO for
 * an unreadable file, COOP_ENOMEM. */
#ifndef COOP_NETWORK_H
#define COOP_NETWORK_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "coop_error.h"

typedef struct coop_network {
    size_t n;         /* nodes 0 .. n-1 */
    size_t n_edges;   /* edges in use */
    size_t cap;       /* edges allocated */
    int *a, *b;       /* n_edges endpoints, in generation order */
    double *weight;   /* n_edges weights, or NULL when every weight is 1 */
    int self;         /* the lattice's self-interaction flag (each node also plays itself) */
    char **names;     /* n node names (edge-list files with names), or NULL */
} coop_network;

/* An empty network of n nodes with room for cap edges (grown on demand).  NULL on
 * allocation failure.  coop_network_free(NULL) does nothing. */
coop_network *coop_network_alloc(size_t n, size_t cap);
void coop_network_free(coop_network *net);

/* Appends edge (a, b) with weight w (1 when the network has no weights yet and w
 * is 1).  No duplicate or self-loop check (the generators ensure both).
 * COOP_ENOMEM when growing fails. */
int coop_network_add(coop_network *net, int a, int b, double w);

/* The degree of every node into deg (n values). */
void coop_network_degrees(const coop_network *net, int *deg);

/* CSR slot layout of the edges (the engine's, model.c): node i's slots are
 * row[i] .. row[i+1]-1, in edge order; slot s points to nbr[s] and belongs to
 * own[s], lies on edge tie[s], and rev[s] is the slot of the same edge seen from
 * the other end; tslot[2t], tslot[2t+1] are the slots a->b and b->a of edge t.
 * The caller provides row (n+1 values, zeroed or not) and the 2*n_edges arrays;
 * own, tie, rev and tslot may be NULL (not filled). */
void coop_network_csr(size_t n, size_t n_edges, const int *a, const int *b, int *row, int *nbr,
                      int *own, int *tie, int *rev, int *tslot);

/* The same with the endpoints of edge t at a[t * stride] and b[t * stride] (the
 * fields of an array of structs, read in place: coop_model_alloc reads the
 * configuration's ties without a copy). */
void coop_network_csr_stride(size_t n, size_t n_edges, const int *a, const int *b, size_t stride,
                             int *row, int *nbr, int *own, int *tie, int *rev, int *tslot);

/* The same with the endpoints of edge t from ends(ctx, t, &a, &b) (a lattice's ties,
 * which a generated population keeps by arithmetic: coop_cfg_tie_ends). */
typedef void (*coop_ends_fn)(const void *ctx, size_t t, int *a, int *b);
void coop_network_csr_ends(size_t n, size_t n_edges, coop_ends_fn ends, const void *ctx,
                           int *row, int *nbr, int *own, int *tie, int *rev, int *tslot);

/* The lattice's side check of coop_network_lattice (L in 3..44000), without the
 * lattice: a generated population keeps a lattice's ties by arithmetic. */
int coop_network_lattice_check(size_t L, int moore, coop_err *err);

/* The complete graph K_n (n >= 2). */
coop_network *coop_network_complete(size_t n, coop_err *err);

/* A ring of n nodes, each tied to its k nearest neighbours (k/2 on each side);
 * k even, 2 <= k < n. */
coop_network *coop_network_ring(size_t n, int k, coop_err *err);

/* An L x L square lattice with periodic boundaries; node (x, y) is y*L + x.
 * moore: 8 neighbours (Moore), else 4 (von Neumann); self sets the network's
 * self-interaction flag.  L >= 3 (smaller lattices would tie a node to the same
 * neighbour twice). */
coop_network *coop_network_lattice(size_t L, int moore, int self, coop_err *err);

/* Erdos-Renyi G(n, p): each pair independently with probability p in [0,1]
 * (geometric skipping, Batagelj & Brandes 2005: O(n + m) time). */
coop_network *coop_network_gnp(gsl_rng *r, size_t n, double p, coop_err *err);

/* Erdos-Renyi G(n, m): m distinct pairs uniformly, 0 <= m <= n(n-1)/2. */
coop_network *coop_network_gnm(gsl_rng *r, size_t n, size_t m, coop_err *err);

/* Barabasi-Albert (1999): a complete graph on m+1 nodes, then each new node ties to
 * m distinct existing nodes chosen with probability proportional to degree (the
 * repeated-endpoint list of Batagelj & Brandes 2005).  1 <= m < n; mean degree
 * close to 2m. */
coop_network *coop_network_ba(gsl_rng *r, size_t n, int m, coop_err *err);

/* Watts-Strogatz (1998): the ring (n, k), then each edge (i, i+j) is rewired with
 * probability p in [0,1] to (i, w), w uniform, avoiding self-loops and duplicates. */
coop_network *coop_network_ws(gsl_rng *r, size_t n, int k, double p, coop_err *err);

/* An edge list in CSV: one edge `a,b` or `a,b,weight` per line; '#' comments and
 * blank lines skipped; an optional header line `a,b` or `a,b,weight`.  How the
 * endpoints read is said, never guessed (coop_edges_opt): node indices (names
 * NULL), or labels numbered in order of first appearance (names filled).
 * Self-loops, duplicate edges, weights <= 0, an endpoint that is not an index or
 * lies outside [0, n - 1], nodes without a tie (unless allowed: their count goes
 * to *isolated), a line over COOP_EDGES_MAX_LINE bytes or with a NUL byte are
 * errors that name FILE:LINE; a file that is not regular (/dev/zero) or larger
 * than COOP_EDGES_MAX_BYTES is refused before it is read. */
#define COOP_EDGES_MAX_LINE 4096          /* bytes of a line, newline included */
#define COOP_EDGES_MAX_BYTES (1LL << 30)  /* bytes of a file: 1 GiB */

typedef struct coop_edges_opt {
    int names;          /* 1: endpoints are labels; 0: node indices */
    size_t n;           /* indices: the node count (indices in [0, n - 1]); 0 = the largest
                         * index + 1; labels: 0, or the number of labels there must be */
    int allow_isolated; /* indices: nodes without a tie are kept (else an error) */
} coop_edges_opt;

coop_network *coop_network_read_edges(const char *path, const coop_edges_opt *opt,
                                      size_t *isolated, coop_err *err);

#endif
