/* network.c: undirected networks, their CSR slot layout and the generators of
 * the classic cooperation models (see coop_network.h).
 *
 * Generators: complete graph; ring lattice; L x L square lattice with periodic
 * boundaries, von Neumann or Moore neighbourhood (Nowak & May 1992); Erdos-Renyi
 * G(n,p) by geometric skipping and G(n,m) by rejection of repeated pairs
 * (Batagelj & Brandes 2005, Phys Rev E 71:036113); Barabasi-Albert preferential
 * attachment (Barabasi & Albert 1999, Science 286:509) through the list of edge
 * endpoints, where a node appears once per unit of degree; Watts-Strogatz
 * rewiring (Watts & Strogatz 1998, Nature 393:440); and CSV edge lists.  Distinct
 * pairs are checked with an open-addressing hash set of 64-bit pair keys, so
 * every generator runs in time linear in nodes plus edges. */
#include "coop_network.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#define MAX_NODES 2000000000u /* node ids are int */

/* ---------------------------------------------------------------- basics */

coop_network *coop_network_alloc(size_t n, size_t cap)
{
    coop_network *net = calloc(1, sizeof *net);
    if (!net)
        return NULL;
    net->n = n;
    net->cap = cap ? cap : 1;
    net->a = malloc(net->cap * sizeof *net->a);
    net->b = malloc(net->cap * sizeof *net->b);
    if (!net->a || !net->b) {
        coop_network_free(net);
        return NULL;
    }
    return net;
}

void coop_network_free(coop_network *net)
{
    if (!net)
        return;
    if (net->names)
        for (size_t i = 0; i < net->n; i++)
            free(net->names[i]);
    free(net->names);
    free(net->a);
    free(net->b);
    free(net->weight);
    free(net);
}

static int grow(coop_network *net, size_t want)
{
    if (want <= net->cap)
        return COOP_OK;
    size_t cap = net->cap * 2 > want ? net->cap * 2 : want;
    int *a = realloc(net->a, cap * sizeof *a);
    if (!a)
        return COOP_ENOMEM;
    net->a = a;
    int *b = realloc(net->b, cap * sizeof *b);
    if (!b)
        return COOP_ENOMEM;
    net->b = b;
    if (net->weight) {
        double *w = realloc(net->weight, cap * sizeof *w);
        if (!w)
            return COOP_ENOMEM;
        net->weight = w;
    }
    net->cap = cap;
    return COOP_OK;
}

int coop_network_add(coop_network *net, int a, int b, double w)
{
    if (grow(net, net->n_edges + 1))
        return COOP_ENOMEM;
    if (w != 1.0 && !net->weight) {
        net->weight = malloc(net->cap * sizeof *net->weight);
        if (!net->weight)
            return COOP_ENOMEM;
        for (size_t e = 0; e < net->n_edges; e++)
            net->weight[e] = 1.0;
    }
    net->a[net->n_edges] = a, net->b[net->n_edges] = b;
    if (net->weight)
        net->weight[net->n_edges] = w;
    net->n_edges++;
    return COOP_OK;
}

void coop_network_degrees(const coop_network *net, int *deg)
{
    memset(deg, 0, net->n * sizeof *deg);
    for (size_t e = 0; e < net->n_edges; e++)
        deg[net->a[e]]++, deg[net->b[e]]++;
}

typedef struct strided {
    const int *a, *b;
    size_t stride;
} strided;

static void strided_ends(const void *ctx, size_t t, int *x, int *y)
{
    const strided *s = ctx;
    *x = s->a[t * s->stride], *y = s->b[t * s->stride];
}

void coop_network_csr_stride(size_t n, size_t n_edges, const int *a, const int *b, size_t stride,
                             int *row, int *nbr, int *own, int *tie, int *rev, int *tslot)
{
    strided s = {a, b, stride};
    coop_network_csr_ends(n, n_edges, strided_ends, &s, row, nbr, own, tie, rev, tslot);
}

void coop_network_csr_ends(size_t n, size_t n_edges, coop_ends_fn ends, const void *ctx,
                           int *row, int *nbr, int *own, int *tie, int *rev, int *tslot)
{
    memset(row, 0, (n + 1) * sizeof *row);
    for (size_t t = 0; t < n_edges; t++) {
        int x, y;
        ends(ctx, t, &x, &y);
        row[x + 1]++, row[y + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        row[i + 1] += row[i];
    /* fill pointers: row[i] is advanced as slots are placed, then shifted back */
    for (size_t t = 0; t < n_edges; t++) {
        int x, y;
        ends(ctx, t, &x, &y);
        int sa = row[x]++, sb = row[y]++;
        nbr[sa] = y, nbr[sb] = x;
        if (tie)
            tie[sa] = tie[sb] = (int)t;
        if (rev)
            rev[sa] = sb, rev[sb] = sa;
        if (own)
            own[sa] = x, own[sb] = y;
        if (tslot)
            tslot[2 * t] = sa, tslot[2 * t + 1] = sb;
    }
    for (size_t i = n; i > 0; i--)
        row[i] = row[i - 1];
    row[0] = 0;
}

void coop_network_csr(size_t n, size_t n_edges, const int *a, const int *b, int *row, int *nbr,
                      int *own, int *tie, int *rev, int *tslot)
{
    coop_network_csr_stride(n, n_edges, a, b, 1, row, nbr, own, tie, rev, tslot);
}

/* ---------------------------------------------------------------- pair set */

typedef struct pairset {
    uint64_t *key; /* 0 = empty; a pair is (lo+1) << 32 | (hi+1) */
    size_t mask;
} pairset;

static int pairset_init(pairset *h, size_t expected)
{
    size_t cap = 16;
    while (cap < 2 * expected + 16)
        cap <<= 1;
    h->key = calloc(cap, sizeof *h->key);
    h->mask = cap - 1;
    return h->key ? COOP_OK : COOP_ENOMEM;
}

static uint64_t pair_key(int a, int b)
{
    uint64_t lo = (uint64_t)(a < b ? a : b) + 1, hi = (uint64_t)(a < b ? b : a) + 1;
    return lo << 32 | hi;
}

static size_t pair_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k;
}

/* Inserts the pair; returns 1 when it was new, 0 when already present. */
static int pairset_add(pairset *h, int a, int b)
{
    uint64_t k = pair_key(a, b);
    for (size_t i = pair_hash(k) & h->mask;; i = (i + 1) & h->mask) {
        if (h->key[i] == k)
            return 0;
        if (h->key[i] == 0) {
            h->key[i] = k;
            return 1;
        }
    }
}

static int pairset_has(const pairset *h, int a, int b)
{
    uint64_t k = pair_key(a, b);
    for (size_t i = pair_hash(k) & h->mask;; i = (i + 1) & h->mask) {
        if (h->key[i] == k)
            return 1;
        if (h->key[i] == 0)
            return 0;
    }
}

/* Removes a pair (backward-shift deletion keeps probe chains intact). */
static void pairset_del(pairset *h, int a, int b)
{
    uint64_t k = pair_key(a, b);
    size_t i = pair_hash(k) & h->mask;
    while (h->key[i] != k) {
        if (h->key[i] == 0)
            return;
        i = (i + 1) & h->mask;
    }
    size_t j = i;
    for (;;) {
        h->key[i] = 0;
        for (;;) {
            j = (j + 1) & h->mask;
            if (h->key[j] == 0)
                return;
            size_t home = pair_hash(h->key[j]) & h->mask;
            /* move key j into the hole i unless its home lies cyclically in (i, j] */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
                break;
        }
        h->key[i] = h->key[j];
        i = j;
    }
}

/* ---------------------------------------------------------------- generators */

static coop_network *nomem(coop_network *net, coop_err *err)
{
    coop_network_free(net);
    COOP_FAIL(err, COOP_ENOMEM, "network: out of memory");
    return NULL;
}

static int check_n(size_t n, size_t min, const char *what, coop_err *err)
{
    if (n < min || n > MAX_NODES)
        return COOP_FAIL(err, COOP_ECONFIG, "network: %s n = %zu, allowed %zu..%u", what, n, min,
                         MAX_NODES);
    return COOP_OK;
}

coop_network *coop_network_complete(size_t n, coop_err *err)
{
    if (check_n(n, 2, "complete", err))
        return NULL;
    if (n > 100000) {
        COOP_FAIL(err, COOP_ECONFIG, "network: complete n = %zu, allowed 2..100000", n);
        return NULL;
    }
    coop_network *net = coop_network_alloc(n, n * (n - 1) / 2);
    if (!net)
        return nomem(net, err);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            coop_network_add(net, (int)i, (int)j, 1.0);
    return net;
}

static int check_ring(size_t n, int k, const char *what, coop_err *err)
{
    int status = check_n(n, 3, what, err);
    if (status)
        return status;
    if (k < 2 || k % 2 != 0 || (size_t)k >= n)
        return COOP_FAIL(err, COOP_ECONFIG,
                         "network: %s k = %d, must be even with 2 <= k < n = %zu", what, k, n);
    return COOP_OK;
}

coop_network *coop_network_ring(size_t n, int k, coop_err *err)
{
    if (check_ring(n, k, "ring", err))
        return NULL;
    coop_network *net = coop_network_alloc(n, n * (size_t)(k / 2));
    if (!net)
        return nomem(net, err);
    for (size_t i = 0; i < n; i++)
        for (int j = 1; j <= k / 2; j++)
            coop_network_add(net, (int)i, (int)((i + (size_t)j) % n), 1.0);
    return net;
}

int coop_network_lattice_check(size_t L, int moore, coop_err *err)
{
    if (L < 3 || L > 44000)
        return COOP_FAIL(err, COOP_ECONFIG,
                         "network: lattice L = %zu, allowed 3..44000 (smaller lattices tie a "
                         "node to the same %s neighbour twice)",
                         L, moore ? "moore" : "von_neumann");
    return COOP_OK;
}

coop_network *coop_network_lattice(size_t L, int moore, int self, coop_err *err)
{
    if (coop_network_lattice_check(L, moore, err))
        return NULL;
    size_t n = L * L;
    coop_network *net = coop_network_alloc(n, n * (moore ? 4 : 2));
    if (!net)
        return nomem(net, err);
    net->self = self != 0;
    for (size_t y = 0; y < L; y++)
        for (size_t x = 0; x < L; x++) {
            int i = (int)(y * L + x);
            size_t xr = (x + 1) % L, yd = (y + 1) % L, xl = (x + L - 1) % L;
            coop_network_add(net, i, (int)(y * L + xr), 1.0);  /* right */
            coop_network_add(net, i, (int)(yd * L + x), 1.0);  /* down */
            if (moore) {
                coop_network_add(net, i, (int)(yd * L + xr), 1.0); /* down-right */
                coop_network_add(net, i, (int)(yd * L + xl), 1.0); /* down-left */
            }
        }
    return net;
}

coop_network *coop_network_gnp(gsl_rng *r, size_t n, double p, coop_err *err)
{
    if (check_n(n, 1, "gnp", err))
        return NULL;
    if (!(p >= 0.0 && p <= 1.0)) {
        COOP_FAIL(err, COOP_ECONFIG, "network: gnp p = %g, allowed [0, 1]", p);
        return NULL;
    }
    double expect = p * (double)n * (double)(n - 1) / 2.0;
    coop_network *net = coop_network_alloc(n, (size_t)(expect * 1.1) + 16);
    if (!net)
        return nomem(net, err);
    if (p <= 0.0)
        return net;
    if (p >= 1.0) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if (coop_network_add(net, (int)i, (int)j, 1.0))
                    return nomem(net, err);
        return net;
    }
    /* Batagelj & Brandes (2005): walk the pairs (w < v) in order, skipping a
     * geometric number of pairs between edges. */
    double lq = log1p(-p);
    long v = 1, w = -1, N = (long)n;
    while (v < N) {
        double u = gsl_rng_uniform_pos(r);
        w += 1 + (long)floor(log(u) / lq);
        while (w >= v && v < N)
            w -= v, v++;
        if (v < N && coop_network_add(net, (int)v, (int)w, 1.0))
            return nomem(net, err);
    }
    return net;
}

coop_network *coop_network_gnm(gsl_rng *r, size_t n, size_t m, coop_err *err)
{
    if (check_n(n, 2, "gnm", err))
        return NULL;
    double pairs = (double)n * (double)(n - 1) / 2.0;
    if ((double)m > pairs) {
        COOP_FAIL(err, COOP_ECONFIG, "network: gnm m = %zu, allowed 0..n(n-1)/2 = %.0f", m, pairs);
        return NULL;
    }
    if ((double)m > 0.5 * pairs && n > 5000) {
        COOP_FAIL(err, COOP_ECONFIG,
                  "network: gnm m = %zu is over half of the %.0f pairs for n > 5000: use gnp",
                  m, pairs);
        return NULL;
    }
    coop_network *net = coop_network_alloc(n, m);
    pairset h = {0};
    if (!net || pairset_init(&h, m))
        return free(h.key), nomem(net, err);
    while (net->n_edges < m) {
        int a = (int)gsl_rng_uniform_int(r, n), b = (int)gsl_rng_uniform_int(r, n);
        if (a != b && pairset_add(&h, a, b))
            coop_network_add(net, a, b, 1.0);
    }
    free(h.key);
    return net;
}

coop_network *coop_network_ba(gsl_rng *r, size_t n, int m, coop_err *err)
{
    if (check_n(n, 2, "ba", err))
        return NULL;
    if (m < 1 || (size_t)m >= n) {
        COOP_FAIL(err, COOP_ECONFIG, "network: ba m = %d, must be 1 <= m < n = %zu", m, n);
        return NULL;
    }
    size_t m0 = (size_t)m + 1;
    size_t edges = m0 * (m0 - 1) / 2 + (n - m0) * (size_t)m;
    coop_network *net = coop_network_alloc(n, edges);
    int *ends = malloc(2 * edges * sizeof *ends), *pick = malloc((size_t)m * sizeof *pick);
    if (!net || !ends || !pick)
        return free(ends), free(pick), nomem(net, err);
    size_t ne = 0;
    for (size_t i = 0; i < m0; i++)
        for (size_t j = i + 1; j < m0; j++) {
            coop_network_add(net, (int)i, (int)j, 1.0);
            ends[ne++] = (int)i, ends[ne++] = (int)j;
        }
    for (size_t v = m0; v < n; v++) {
        int got = 0;
        while (got < m) { /* m distinct targets, each with probability ~ degree */
            int t = ends[gsl_rng_uniform_int(r, ne)], dup = 0;
            for (int q = 0; q < got; q++)
                dup |= pick[q] == t;
            if (!dup)
                pick[got++] = t;
        }
        for (int q = 0; q < m; q++) {
            coop_network_add(net, (int)v, pick[q], 1.0);
            ends[ne++] = (int)v, ends[ne++] = pick[q];
        }
    }
    free(ends);
    free(pick);
    return net;
}

coop_network *coop_network_ws(gsl_rng *r, size_t n, int k, double p, coop_err *err)
{
    if (check_ring(n, k, "ws", err))
        return NULL;
    if (!(p >= 0.0 && p <= 1.0)) {
        COOP_FAIL(err, COOP_ECONFIG, "network: ws p = %g, allowed [0, 1]", p);
        return NULL;
    }
    coop_network *net = coop_network_ring(n, k, err);
    if (!net || p <= 0.0)
        return net;
    if ((size_t)k + 1 >= n) /* complete already: nothing to rewire to */
        return net;
    pairset h = {0};
    if (pairset_init(&h, net->n_edges))
        return nomem(net, err);
    for (size_t e = 0; e < net->n_edges; e++)
        pairset_add(&h, net->a[e], net->b[e]);
    /* Watts & Strogatz: lap j = 1..k/2, node i's edge to i+j rewired with
     * probability p; the ring's edge order is i-major, so visit by lap. */
    for (int j = 1; j <= k / 2; j++)
        for (size_t i = 0; i < n; i++) {
            size_t e = i * (size_t)(k / 2) + (size_t)(j - 1);
            if (gsl_rng_uniform(r) >= p)
                continue;
            int a = net->a[e], w;
            do
                w = (int)gsl_rng_uniform_int(r, n);
            while (w == a || pairset_has(&h, a, w));
            pairset_del(&h, a, net->b[e]);
            pairset_add(&h, a, w);
            net->b[e] = w;
        }
    free(h.key);
    return net;
}

/* ---------------------------------------------------------------- edge lists */

typedef struct name_map {
    char **name;
    size_t n, cap;
    int *slot; /* open addressing over name indices, -1 empty */
    size_t mask;
} name_map;

static size_t str_hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int map_rehash(name_map *m)
{
    size_t cap = m->mask ? 2 * (m->mask + 1) : 64;
    int *slot = malloc(cap * sizeof *slot);
    if (!slot)
        return COOP_ENOMEM;
    for (size_t i = 0; i < cap; i++)
        slot[i] = -1;
    for (size_t x = 0; x < m->n; x++) {
        size_t i = str_hash(m->name[x]) & (cap - 1);
        while (slot[i] >= 0)
            i = (i + 1) & (cap - 1);
        slot[i] = (int)x;
    }
    free(m->slot);
    m->slot = slot;
    m->mask = cap - 1;
    return COOP_OK;
}

/* The index of name, added when new; -1 on allocation failure. */
static int map_get(name_map *m, const char *name)
{
    if (!m->slot || 2 * (m->n + 1) > m->mask + 1)
        if (map_rehash(m))
            return -1;
    size_t i = str_hash(name) & m->mask;
    for (; m->slot[i] >= 0; i = (i + 1) & m->mask)
        if (strcmp(m->name[m->slot[i]], name) == 0)
            return m->slot[i];
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        char **nm = realloc(m->name, cap * sizeof *nm);
        if (!nm)
            return -1;
        m->name = nm, m->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    m->name[m->n] = copy;
    m->slot[i] = (int)m->n;
    return (int)m->n++;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    if (e - s >= 2 && *s == '"' && e[-1] == '"') /* "quoted" names */
        e[-1] = '\0', s++;
    return s;
}

static int is_index(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

typedef struct raw_edge {
    char *a, *b;
    double w;
    int line;
} raw_edge;

static int int_cmp(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

/* A node index token of path:line into *out: digits only, in [0, n - 1]. */
static int parse_index(const char *path, int line, const char *tok, size_t n, int *out,
                       coop_err *err)
{
    if (!is_index(tok))
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: node '%.80s%s' is not a node index (digits "
                         "only; with network.ids = \"index\", the default: set network.ids = "
                         "\"name\" for labels)", path, line, tok, strlen(tok) > 80 ? "..." : "");
    errno = 0;
    unsigned long long v = strtoull(tok, NULL, 10);
    if (errno == ERANGE || v > (unsigned long long)n - 1)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: node index %.80s%s is out of range [0, %zu]%s",
                         path, line, tok, strlen(tok) > 80 ? "..." : "", n - 1,
                         n < MAX_NODES ? " (network.n)" : "");
    *out = (int)v;
    return COOP_OK;
}

/* Nodes in [0, n) without a tie, given the 2*m endpoints (sorted here); *first
 * the smallest of them.  Linear after the sort, nothing of size n allocated. */
static size_t count_isolated(int *ends, size_t k, size_t n, size_t *first)
{
    qsort(ends, k, sizeof *ends, int_cmp);
    size_t distinct = 0;
    *first = n;
    for (size_t i = 0; i < k; i++) {
        if (i && ends[i] == ends[i - 1])
            continue;
        if (*first == n && (size_t)ends[i] != distinct)
            *first = distinct;
        distinct++;
    }
    if (*first == n && distinct < n)
        *first = distinct;
    return n - distinct;
}

/* The edges of an edge list as read, before the nodes are numbered. */
typedef struct raw_list {
    raw_edge *e;
    size_t n, cap;
} raw_list;

static void raw_free(raw_list *rl)
{
    for (size_t e = 0; e < rl->n; e++)
        free(rl->e[e].a), free(rl->e[e].b);
    free(rl->e);
}

/* Refuses what is not a regular file of at most COOP_EDGES_MAX_BYTES. */
static int check_file(FILE *f, const char *path, coop_err *err)
{
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode))
        return COOP_FAIL(err, COOP_ECONFIG, "%s: not a regular file (an edge list is a text "
                         "file)", path);
    if (sb.st_size > COOP_EDGES_MAX_BYTES)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: %lld bytes, more than the %lld MiB an edge "
                         "list may have", path, (long long)sb.st_size,
                         (long long)COOP_EDGES_MAX_BYTES >> 20);
    return COOP_OK;
}

/* The weight field f3 (NULL: 1) into *w. */
static int parse_weight(const char *path, int lineno, const char *f3, double *w, coop_err *err)
{
    *w = 1.0;
    if (!f3)
        return COOP_OK;
    char *end;
    errno = 0;
    *w = strtod(f3, &end);
    if (end == f3 || *end || errno || !(*w > 0.0) || !isfinite(*w))
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: weight = '%.80s', must be a number > 0",
                         path, lineno, f3);
    return COOP_OK;
}

/* One non-blank, non-comment line s of the file: a,b[,weight] appended to rl, or
 * the header a,b[,weight] before the first edge, skipped. */
static int parse_edge(char *s, const char *path, int lineno, const coop_edges_opt *opt,
                      raw_list *rl, coop_err *err)
{
    char *f1 = s, *f2 = strchr(f1, ','), *f3 = NULL;
    if (!f2)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: edge '%.80s': expected a,b or a,b,weight",
                         path, lineno, s);
    *f2++ = '\0';
    if ((f3 = strchr(f2, ',')))
        *f3++ = '\0';
    f1 = trim(f1), f2 = trim(f2);
    if (f3)
        f3 = trim(f3);
    if (rl->n == 0 && strcmp(f1, "a") == 0 && strcmp(f2, "b") == 0
        && (!f3 || strcmp(f3, "weight") == 0))
        return COOP_OK; /* header */
    double w;
    int status = parse_weight(path, lineno, f3, &w, err);
    if (status)
        return status;
    if (!*f1 || !*f2)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: empty node name", path, lineno);
    if (strcmp(f1, f2) == 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: self-loop %.80s,%.80s", path, lineno, f1,
                         f2);
    if (!opt->names) { /* checked here, so that the error names the line */
        int x;
        size_t n = opt->n ? opt->n : MAX_NODES;
        if ((status = parse_index(path, lineno, f1, n, &x, err))
            || (status = parse_index(path, lineno, f2, n, &x, err)))
            return status;
    }
    if (rl->n == rl->cap) {
        size_t cap = rl->cap ? 2 * rl->cap : 256;
        raw_edge *x = realloc(rl->e, cap * sizeof *x);
        if (!x)
            return COOP_ENOMEM;
        rl->e = x, rl->cap = cap;
    }
    raw_edge *r = &rl->e[rl->n];
    r->a = strdup(f1), r->b = strdup(f2), r->w = w, r->line = lineno;
    if (!r->a || !r->b) {
        free(r->a), free(r->b);
        return COOP_ENOMEM;
    }
    rl->n++;
    return COOP_OK;
}

/* Every edge of the open file f into rl: lines checked for NUL bytes and length.
 * COOP_ENOMEM without a message when memory runs out. */
static int read_raw(FILE *f, const char *path, const coop_edges_opt *opt, raw_list *rl,
                    coop_err *err)
{
    char line[COOP_EDGES_MAX_LINE + 2];
    int lineno = 0, status;
    long pos = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        long next = ftell(f);
        size_t got = (size_t)(next - pos), len = strlen(line);
        pos = next;
        if (len != got)
            return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: a NUL byte (an edge list is text)", path,
                             lineno);
        if (len > COOP_EDGES_MAX_LINE)
            return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: the line is longer than %d bytes, the "
                             "most an edge list line may have", path, lineno,
                             COOP_EDGES_MAX_LINE);
        char *s = trim(line);
        if (*s && *s != '#' && (status = parse_edge(s, path, lineno, opt, rl, err)))
            return status;
    }
    if (ferror(f))
        return COOP_FAIL(err, COOP_EIO, "network: error reading %s", path);
    if (rl->n == 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: no edges", path);
    return COOP_OK;
}

/* The node numbers ia, ib of every edge (indices, or names numbered in order of
 * first appearance in map), the node count *n_out and the nodes without a tie
 * (*lonely; an error unless allowed).  COOP_ENOMEM without a message when memory
 * runs out. */
static int number_nodes(const char *path, const coop_edges_opt *opt, const raw_list *rl,
                        name_map *map, int *ia, int *ib, size_t *n_out, size_t *lonely,
                        coop_err *err)
{
    size_t n = 0, top = 0; /* top: the edge with the largest index */
    int *ends = malloc(2 * rl->n * sizeof *ends);
    if (!ends)
        return COOP_ENOMEM;
    for (size_t e = 0; e < rl->n; e++) {
        if (!opt->names) {
            ia[e] = (int)strtol(rl->e[e].a, NULL, 10), ib[e] = (int)strtol(rl->e[e].b, NULL, 10);
        } else {
            ia[e] = map_get(map, rl->e[e].a), ib[e] = map_get(map, rl->e[e].b);
            if (ia[e] < 0 || ib[e] < 0) {
                free(ends);
                return COOP_ENOMEM;
            }
        }
        ends[2 * e] = ia[e], ends[2 * e + 1] = ib[e];
        size_t hi = (size_t)(ia[e] > ib[e] ? ia[e] : ib[e]) + 1;
        if (hi > n)
            n = hi, top = e;
    }
    if (!opt->names && opt->n)
        n = opt->n;
    size_t first;
    *n_out = n;
    *lonely = opt->names ? 0 : count_isolated(ends, 2 * rl->n, n, &first);
    free(ends);
    if (opt->names && opt->n && opt->n != n)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: network.n = %zu, but the file names %zu "
                         "nodes", path, opt->n, n);
    if (*lonely && !opt->allow_isolated) {
        if (opt->n)
            return COOP_FAIL(err, COOP_ECONFIG, "%s: %zu of the %zu nodes (network.n) have no "
                             "tie, the first node %zu; set network.isolated = \"allow\" to "
                             "keep them", path, *lonely, n, first);
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: node index %zu makes %zu nodes, %zu of "
                         "them without a tie (the first node %zu): an index skipped? set "
                         "network.isolated = \"allow\" to keep them", path, rl->e[top].line,
                         n - 1, n, *lonely, first);
    }
    return COOP_OK;
}

/* The network of n nodes with the numbered edges; self-loops ("1" and "01") and
 * duplicates are errors naming the line.  COOP_ENOMEM without a message. */
static int build_edges(const char *path, const raw_list *rl, const int *ia, const int *ib,
                       coop_network *net, coop_err *err)
{
    pairset h = {0};
    int status = pairset_init(&h, rl->n) ? COOP_ENOMEM : COOP_OK;
    for (size_t e = 0; e < rl->n && !status; e++) {
        const raw_edge *r = &rl->e[e];
        if (ia[e] == ib[e])
            status = COOP_FAIL(err, COOP_ECONFIG, "%s:%d: self-loop %.80s,%.80s", path, r->line,
                               r->a, r->b);
        else if (!pairset_add(&h, ia[e], ib[e]))
            status = COOP_FAIL(err, COOP_ECONFIG, "%s:%d: duplicate edge %.80s,%.80s", path,
                               r->line, r->a, r->b);
        else if (coop_network_add(net, ia[e], ib[e], r->w))
            status = COOP_ENOMEM;
    }
    free(h.key);
    return status;
}

coop_network *coop_network_read_edges(const char *path, const coop_edges_opt *opt,
                                      size_t *isolated, coop_err *err)
{
    if (isolated)
        *isolated = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        COOP_FAIL(err, COOP_EIO, "network: cannot read edge list %s: %s", path, strerror(errno));
        return NULL;
    }
    raw_list rl = {0};
    name_map map = {0};
    coop_network *net = NULL;
    int *ia = NULL, *ib = NULL;
    size_t n = 0, lonely = 0;
    int status = check_file(f, path, err);
    if (!status)
        status = read_raw(f, path, opt, &rl, err);
    if (!status) {
        ia = malloc(rl.n * sizeof *ia), ib = malloc(rl.n * sizeof *ib);
        status = ia && ib ? number_nodes(path, opt, &rl, &map, ia, ib, &n, &lonely, err)
                          : COOP_ENOMEM;
    }
    if (!status) {
        net = coop_network_alloc(n, rl.n);
        status = net ? build_edges(path, &rl, ia, ib, net, err) : COOP_ENOMEM;
    }
    if (status == COOP_ENOMEM) /* the helpers leave its message to this one */
        status = COOP_FAIL(err, COOP_ENOMEM, "network: out of memory reading %s", path);
    if (!status) {
        if (isolated)
            *isolated = lonely;
        if (opt->names) {
            net->names = map.name; /* map.n == n */
            map.name = NULL, map.n = 0;
        }
    }
    fclose(f);
    free(ia), free(ib);
    raw_free(&rl);
    for (size_t x = 0; x < map.n; x++)
        free(map.name[x]);
    free(map.name);
    free(map.slot);
    if (status) {
        coop_network_free(net);
        return NULL;
    }
    return net;
}
