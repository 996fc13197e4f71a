/* rng.c: per-work-item seeds and generator types (see coop_rng.h).
 *
 * Every work item (replicate r of point p) draws from its own GSL generator, so
 * the numbers a replicate sees do not depend on which thread runs it.  Its seed is
 * derived from the master seed and (p, r) as follows:
 *
 *   idx  = p * 2^16 + r                    (p < 65535, r < 65536, so idx < 2^32 - 1)
 *   k    = fmix32(master ^ 0x9E3779B9)     (the key: a scrambled master seed)
 *   y    = 1 + ((idx + k) mod (2^32 - 1))  (in [1, 2^32 - 1])
 *   seed = fmix32(y)
 *
 * fmix32 is the 32-bit finaliser of MurmurHash3 (Appleby 2011): xor-shifts and
 * multiplications by odd constants, each a bijection of the 32-bit words, and
 * fmix32(0) = 0.  For a fixed master seed, idx -> y is injective (idx + k is taken
 * modulo 2^32 - 1 and idx < 2^32 - 1) and never 0, so distinct (p, r) give
 * distinct seeds and no seed is 0 (GSL replaces seed 0 by its default seed).  The
 * final mix decorrelates neighbouring items: adjacent raw seeds would start
 * Mersenne Twister streams that are similar for a while. */
#include "coop_rng.h"

#include <string.h>

/* MurmurHash3's fmix32: a bijection of the 32-bit words with fmix32(0) = 0. */
static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

uint32_t coop_rng_seed(uint32_t master, uint32_t point, uint32_t replicate)
{
    uint64_t idx = ((uint64_t)point << 16) + replicate;
    uint64_t k = fmix32(master ^ 0x9E3779B9u);
    uint64_t y = 1 + (idx + k) % 0xFFFFFFFFu;
    return fmix32((uint32_t)y);
}

const gsl_rng_type *coop_rng_type(const char *name)
{
    if (!name)
        return NULL;
    for (const gsl_rng_type **t = gsl_rng_types_setup(); *t; t++)
        if (strcmp((*t)->name, name) == 0)
            return *t;
    return NULL;
}
