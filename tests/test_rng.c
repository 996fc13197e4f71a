/* test_rng.c: seed derivation and generator lookup (coop_rng.h). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <stdlib.h>

#include "coop_rng.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The issue this guards (issue 13, item 2): the old seeds were a keyed shift of
 * the item index, so master seeds were shifted copies of each other (replicate r
 * of master 1163434475 was replicate r + 5 of master 1991; 54 pairs of masters in
 * 0..9999 shared runs at 2000 replicates).  Over masters 0..9999 x replicates
 * 0..1999 (2e7 runs, point 0) the seeds of the runs' main streams must coincide
 * no more often than independent uniform draws from [1, 2^32 - 1] would
 * (birthday expectation n(n-1)/2 / (2^32 - 1) = 46,566.1 pairs, Poisson sd 215.8;
 * band +-6 sd), and no two masters may share two or more runs at the same
 * replicate offset (a shift). */
enum { NM = 10000, NR = 2000 };

/* A coincident pair: masters a < b (or a == b), offset d = r_b - r_a. */
typedef struct { uint32_t a, b; int32_t d; } pair;

static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return (p->a > q->a) - (p->a < q->a);
    if (p->b != q->b)
        return (p->b > q->b) - (p->b < q->b);
    return (p->d > q->d) - (p->d < q->d);
}

Test(rng, masters_are_not_shifts_of_each_other, .timeout = 60)
{
    size_t n = (size_t)NM * NR;
    uint64_t *s = malloc(n * sizeof *s);
    cr_assert_not_null(s);
    size_t zeros = 0;
    for (uint32_t m = 0; m < NM; m++)
        for (uint32_t r = 0; r < NR; r++) {
            uint32_t seed = coop_rng_stream(coop_rng_key(m, 0, r), COOP_STREAM_MAIN, 0);
            zeros += seed == 0;
            s[(size_t)m * NR + r] = (uint64_t)seed << 32 | ((uint64_t)m * NR + r);
        }
    cr_assert(eq(sz, zeros, 0));
    qsort(s, n, sizeof *s, cmp_u64);

    /* Every coincident pair (within a run of equal seeds, every two of it). */
    size_t cap = 1 << 16, np = 0;
    pair *pr = malloc(cap * sizeof *pr);
    cr_assert_not_null(pr);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && s[j] >> 32 == s[i] >> 32; j++)
            ;
        for (size_t x = i; x < j; x++)
            for (size_t y = x + 1; y < j; y++) {
                uint32_t ix = (uint32_t)s[x], iy = (uint32_t)s[y]; /* ix < iy: sorted ids */
                if (np == cap) {
                    pr = realloc(pr, (cap *= 2) * sizeof *pr);
                    cr_assert_not_null(pr);
                }
                pr[np++] = (pair){ix / NR, iy / NR, (int32_t)(iy % NR) - (int32_t)(ix % NR)};
            }
    }
    free(s);

    double expect = (double)n * (double)(n - 1) / 2.0 / 4294967295.0;
    double sd = sqrt(expect);
    cr_log_info("%zu coincident pairs, birthday expectation %.1f (sd %.1f)", np, expect, sd);
    cr_expect(ge(dbl, (double)np, expect - 6 * sd), "%zu coincident pairs, expected %.1f", np,
              expect);
    cr_expect(le(dbl, (double)np, expect + 6 * sd), "%zu coincident pairs, expected %.1f", np,
              expect);

    /* A shift shows as two coincidences of the same masters at the same offset. */
    qsort(pr, np, sizeof *pr, cmp_pair);
    size_t shifts = 0;
    for (size_t i = 1; i < np; i++)
        if (pr[i].a == pr[i - 1].a && pr[i].b == pr[i - 1].b && pr[i].d == pr[i - 1].d)
            shifts++;
    free(pr);
    cr_assert(eq(sz, shifts, 0), "%zu repeated (master, master, offset) coincidences", shifts);
}

/* The old scheme's example: replicate r of master 1163434475 was replicate r + 5 of
 * master 1991, for every r.  Now none of them coincide. */
Test(rng, the_reported_shift_is_gone)
{
    for (uint32_t r = 0; r < 2000; r++)
        cr_assert(ne(u32, coop_rng_stream(coop_rng_key(1163434475u, 0, r), COOP_STREAM_MAIN, 0),
                     coop_rng_stream(coop_rng_key(1991, 0, r + 5), COOP_STREAM_MAIN, 0)));
}

/* Values computed independently (Python, from the formula in rng.c's header). */
Test(rng, known_values)
{
    cr_assert(eq(u64, coop_rng_key(0, 0, 0), UINT64_C(0x082d88ff2e0ff895)));
    cr_assert(eq(u64, coop_rng_key(1, 0, 0), UINT64_C(0x09b4210f572a73f0)));
    cr_assert(eq(u64, coop_rng_key(1, 0, 1), UINT64_C(0x055334487d524e0b)));
    cr_assert(eq(u64, coop_rng_key(1, 1, 0), UINT64_C(0x1b670ff66d5208f9)));
    cr_assert(eq(u64, coop_rng_key(42, 3, 7), UINT64_C(0x1c2ab8d3014bbcf9)));
    cr_assert(eq(u64, coop_rng_key(0xFFFFFFFFu, 65534, 65535), UINT64_C(0xf4c2cffd68dc7323)));
    cr_assert(eq(u32, coop_rng_seed(0, 0, 0, COOP_STREAM_MAIN), 0xa232593bu));
    cr_assert(eq(u32, coop_rng_seed(1, 0, 0, COOP_STREAM_MAIN), 0x2740e730u));
    cr_assert(eq(u32, coop_rng_seed(1, 0, 1, COOP_STREAM_MAIN), 0xa41d2f2eu));
    cr_assert(eq(u32, coop_rng_stream(coop_rng_key(1, 1, 0), COOP_STREAM_TIE, 5), 0x26b96a38u));
    cr_assert(eq(u32, coop_rng_stream(coop_rng_key(42, 3, 7), COOP_STREAM_BLOCK, 1), 0x8bc31061u));
    cr_assert(eq(u32, coop_rng_stream(coop_rng_key(0xFFFFFFFFu, 65534, 65535), COOP_STREAM_MAIN, 0),
                 0xe6989676u));
}

/* Every stream kind of one work item, and the first 64 indices of the indexed kinds,
 * get distinct nonzero seeds (for many items). */
Test(rng, streams_of_an_item_are_distinct)
{
    enum { K = 8, IDX = 64, N = K * IDX };
    for (uint32_t m = 0; m < 50; m++)
        for (uint32_t p = 0; p < 4; p++)
            for (uint32_t r = 0; r < 4; r++) {
                uint64_t key = coop_rng_key(m, p, r);
                uint32_t s[N];
                for (int k = 0; k < K; k++)
                    for (int i = 0; i < IDX; i++) {
                        s[k * IDX + i] = coop_rng_stream(key, (coop_stream)(k + 1), (uint64_t)i);
                        cr_assert(ne(u32, s[k * IDX + i], 0));
                    }
                qsort(s, N, sizeof *s, cmp_u32);
                for (int i = 1; i < N; i++)
                    cr_assert(ne(u32, s[i], s[i - 1]), "master %u item (%u, %u)", m, p, r);
            }
}

/* The network generator and the Latin hypercube (one stream each per master seed,
 * both at item (0, 0)) no longer share a stream, nor with the runs of item (0, 0). */
Test(rng, network_and_lhs_streams_differ)
{
    for (uint32_t m = 0; m < 1000; m++) {
        uint32_t net = coop_rng_seed(m, 0, 0, COOP_STREAM_NETWORK);
        uint32_t lhs = coop_rng_seed(m, 0, 0, COOP_STREAM_LHS);
        cr_assert(ne(u32, net, lhs));
        cr_assert(ne(u32, net, coop_rng_seed(m, 0, 0, COOP_STREAM_MAIN)));
        cr_assert(ne(u32, lhs, coop_rng_seed(m, 0, 0, COOP_STREAM_MAIN)));
    }
}

/* coop_rng_seed is coop_rng_stream of coop_rng_key at index 0. */
Test(rng, seed_is_stream_of_key)
{
    for (uint32_t m = 0; m < 100; m++)
        for (int k = COOP_STREAM_MAIN; k <= COOP_STREAM_TOURNAMENT; k++)
            cr_assert(eq(u32, coop_rng_seed(m, 3, m * 7, (coop_stream)k),
                         coop_rng_stream(coop_rng_key(m, 3, m * 7), (coop_stream)k, 0)));
}

/* A one-bit change of any of the three words changes about half the bits of the key
 * and of a stream's seed (full avalanche): the mean over 12000 one-bit changes is
 * within 0.5 of 32 of 64 and of 16 of 32 bits (the standard errors are 0.04 and
 * 0.03 for independent uniform bits). */
Test(rng, avalanche)
{
    double kbits = 0, sbits = 0;
    int n = 0;
    for (uint32_t m = 0; m < 125; m++)
        for (int w = 0; w < 3; w++)
            for (int b = 0; b < 32; b++) {
                uint32_t v[3] = {m * 2654435761u, m, m % 2000};
                uint64_t k0 = coop_rng_key(v[0], v[1], v[2]);
                uint32_t s0 = coop_rng_stream(k0, COOP_STREAM_TIE, 0);
                v[w] ^= 1u << b;
                uint64_t k1 = coop_rng_key(v[0], v[1], v[2]);
                uint32_t s1 = coop_rng_stream(k1, COOP_STREAM_TIE, 0);
                kbits += __builtin_popcountll(k0 ^ k1);
                sbits += __builtin_popcount(s0 ^ s1);
                n++;
            }
    cr_assert(eq(int, n, 12000));
    cr_assert(lt(dbl, fabs(kbits / n - 32.0), 0.5), "%.3f bits of 64", kbits / n);
    cr_assert(lt(dbl, fabs(sbits / n - 16.0), 0.5), "%.3f bits of 32", sbits / n);
}

Test(rng, type_lookup)
{
    cr_assert(eq(ptr, (void *)coop_rng_type("mt19937"), (void *)gsl_rng_mt19937));
    cr_assert(eq(ptr, (void *)coop_rng_type("taus2"), (void *)gsl_rng_taus2));
    cr_assert(eq(ptr, (void *)coop_rng_type("ranlxd2"), (void *)gsl_rng_ranlxd2));
    cr_assert_null(coop_rng_type("nope"));
    cr_assert_null(coop_rng_type(""));
    cr_assert_null(coop_rng_type(NULL));
}
