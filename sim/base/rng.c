/* rng.c: seeds of every random stream, and generator types (see coop_rng.h).
 *
 * One derivation seeds every GSL generator coopsim uses.  It hashes the whole
 * tuple (master seed, point, replicate, stream kind, stream index) with a 64-bit
 * full-avalanche mix, in two stages:
 *
 *   absorb(h, w) = mix(h XOR mix(w + G))               G = 0x9E3779B97F4A7C15
 *   key          = absorb(absorb(absorb(IV, master), point), replicate)
 *   h            = absorb(absorb(key, kind), index)    IV = 0x636F6F7073696D00
 *   seed         = h >> 32, or (h mod 2^32) if that is 0, or 1 if both are
 *
 * where mix is the SplitMix64 finaliser (Steele, Lea & Flood 2014; Stafford's
 * "Mix13": z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27;
 * z *= 0x94D049BB133111EB; z ^= z >> 31, all modulo 2^64), so mix(w + G) is the
 * SplitMix64 output for state w.  Each bit of every word changes each bit of the
 * result with probability about 1/2 (full avalanche), so the seeds of distinct
 * tuples behave as independent uniform draws: there is no shift, xor or other
 * structure between master seeds, points, replicates or stream kinds, and two
 * seeds coincide only by chance (probability 1 / (2^32 - 1) per pair; the
 * 32-bit truncation is GSL's: mt19937 uses 32 bits of its seed).
 *
 * The key is the work item's part of the hash: the experiment hands it to the
 * model (coop_model_init), which seeds its own generator, its tie, motivator and
 * node-block streams with coop_rng_stream(key, kind, index).  Streams outside a
 * run (the network, the Latin hypercube, the bootstrap, the tournament) use the
 * key of a fixed item and a kind of their own (coop_rng.h), so no two uses share
 * a stream. */
#include "coop_rng.h"

#include <string.h>

#define GOLDEN 0x9E3779B97F4A7C15u /* SplitMix64's increment, 2^64 / golden ratio */
#define KEY_IV 0x636F6F7073696D00u /* "coopsim\0" */

/* The SplitMix64 finaliser: a bijection of the 64-bit words with full avalanche. */
static uint64_t mix(uint64_t z)
{
    z ^= z >> 30;
    z *= 0xBF58476D1CE4E5B9u;
    z ^= z >> 27;
    z *= 0x94D049BB133111EBu;
    z ^= z >> 31;
    return z;
}

/* Hashes word w into the running hash h. */
static uint64_t absorb(uint64_t h, uint64_t w)
{
    return mix(h ^ mix(w + GOLDEN));
}

uint64_t coop_rng_key(uint32_t master, uint32_t point, uint32_t replicate)
{
    return absorb(absorb(absorb(KEY_IV, master), point), replicate);
}

uint32_t coop_rng_stream(uint64_t key, coop_stream kind, uint64_t index)
{
    uint64_t h = absorb(absorb(key, (uint64_t)kind), index);
    uint32_t s = (uint32_t)(h >> 32);
    if (!s)
        s = (uint32_t)h;
    return s ? s : 1;
}

uint32_t coop_rng_seed(uint32_t master, uint32_t point, uint32_t replicate, coop_stream kind)
{
    return coop_rng_stream(coop_rng_key(master, point, replicate), kind, 0);
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
