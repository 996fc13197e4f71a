/* test_rng.c: seed derivation and generator lookup (coop_rng.h). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <stdlib.h>

#include "coop_rng.h"

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Every seed of 300 points x 300 replicates is nonzero and distinct. */
static void check_grid(uint32_t master)
{
    enum { NP = 300, NR = 300 };
    uint32_t *s = malloc(sizeof *s * NP * NR);
    cr_assert_not_null(s);
    for (uint32_t p = 0; p < NP; p++)
        for (uint32_t r = 0; r < NR; r++) {
            s[p * NR + r] = coop_rng_seed(master, p, r);
            cr_assert(ne(u32, s[p * NR + r], 0), "seed 0 at master %u point %u replicate %u",
                      master, p, r);
        }
    qsort(s, NP * NR, sizeof *s, cmp_u32);
    for (size_t i = 1; i < NP * NR; i++)
        cr_assert(ne(u32, s[i], s[i - 1]), "duplicate seed %u for master %u", s[i], master);
    free(s);
}

Test(rng, grid_distinct_nonzero_master_0) { check_grid(0); }
Test(rng, grid_distinct_nonzero_master_1) { check_grid(1); }
Test(rng, grid_distinct_nonzero_master_max) { check_grid(0xFFFFFFFFu); }
Test(rng, grid_distinct_nonzero_master_7) { check_grid(7); }

/* Values computed independently (Python, from the formula in rng.c's header). */
Test(rng, known_values)
{
    cr_assert(eq(u32, coop_rng_seed(0, 0, 0), 0x6f0b28e6u));
    cr_assert(eq(u32, coop_rng_seed(1, 0, 0), 0x5592ac91u));
    cr_assert(eq(u32, coop_rng_seed(1, 0, 1), 0xff046082u));
    cr_assert(eq(u32, coop_rng_seed(1, 1, 0), 0xd3aaaac4u));
    cr_assert(eq(u32, coop_rng_seed(42, 3, 7), 0xdecd62a7u));
    cr_assert(eq(u32, coop_rng_seed(12345, 100, 200), 0x44805e56u));
    cr_assert(eq(u32, coop_rng_seed(0xFFFFFFFFu, 65534, 65535), 0xf7b3538cu));
}

/* For master 7 the key is 0x582531c1: idx = 2816134718 = (42970, 52798) wraps to
 * y = 1 and its predecessor to y = 2^32 - 1, the two ends of the range. */
Test(rng, modular_wrap)
{
    cr_assert(eq(u32, coop_rng_seed(7, 42970, 52798), 0x514e28b7u)); /* fmix32(1) */
    cr_assert(eq(u32, coop_rng_seed(7, 42970, 52797), 0x81f16f39u)); /* fmix32(2^32-1) */
}

/* The corners of the (point, replicate) range, for many masters. */
Test(rng, edge_values)
{
    const uint32_t pts[] = {0, 1, 255, 256, 65533, 65534};
    const uint32_t reps[] = {0, 1, 255, 256, 65534, 65535};
    enum { N = 36 };
    for (uint32_t m = 0; m < 2000; m++) {
        uint32_t master = m < 1000 ? m : 0xFFFFFFFFu - (m - 1000);
        uint32_t s[N];
        int k = 0;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) {
                s[k] = coop_rng_seed(master, pts[i], reps[j]);
                cr_assert(ne(u32, s[k], 0));
                k++;
            }
        qsort(s, N, sizeof *s, cmp_u32);
        for (int i = 1; i < N; i++)
            cr_assert(ne(u32, s[i], s[i - 1]));
    }
}

/* The master seed matters: neighbouring masters give different seeds for every item. */
Test(rng, master_changes_seeds)
{
    for (uint32_t p = 0; p < 50; p++)
        for (uint32_t r = 0; r < 50; r++) {
            cr_assert(ne(u32, coop_rng_seed(1, p, r), coop_rng_seed(2, p, r)));
            cr_assert(ne(u32, coop_rng_seed(0, p, r), coop_rng_seed(0xFFFFFFFFu, p, r)));
        }
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

/* A generator seeded by coop_rng_seed gives GSL's documented mt19937 stream. */
Test(rng, seeds_a_generator)
{
    gsl_rng *a = gsl_rng_alloc(coop_rng_type("mt19937"));
    gsl_rng *b = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(a, coop_rng_seed(1, 0, 0));
    gsl_rng_set(b, 0x5592ac91u);
    for (int i = 0; i < 100; i++)
        cr_assert(eq(ulong, gsl_rng_get(a), gsl_rng_get(b)));
    gsl_rng_free(a);
    gsl_rng_free(b);
}
