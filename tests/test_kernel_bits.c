/* test_kernel_bits.c: the bit-sliced node kernel (sim/model/kernel_bits.c,
 * docs/ODD.md "Node kernel") against the byte kernel, generation by generation.
 *
 * Every combination of Moore / von Neumann, self-interaction on / off, periodic /
 * fixed boundaries (the fixed lattice comes from an edge-list file written in a
 * scrambled order, so that the slot order that breaks ties is not the stencil's),
 * several b (1.85; 2 and 1.5, where C and D gains tie; 1.2 and 2.6) and sides
 * (23 and 67: not multiples of 64, one word and two per row; 64), random initial
 * states at several shares of C: after every generation each node's action, last
 * action and cumulative gain agree, and at the end the population records, byte
 * for byte.  Also: games whose gains fall with the count of C neighbours or
 * depend on the degree (the byte kernel on a fixed lattice), rows split over
 * threads, the records of build/coopsim with experiment.engine = "auto" and
 * "bytes", and the manifest's kernel. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_io.h"
#include "coop_config.h"
#include "coop_model.h"
#include "e2e.h"

/* An edge list of the L x L lattice with fixed boundaries (Moore or von Neumann),
 * every tie once, the cells visited in a scrambled order; returns its path in p. */
static void fixed_lattice(char p[64], int L, int moore)
{
    static const int dr[4] = {0, 1, 1, 1}, dc[4] = {1, -1, 0, 1}; /* the forward half */
    strcpy(p, "/tmp/coopsim-kbits-XXXXXX");
    int fd = mkstemp(p);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    int n = L * L;
    for (int q = 0; q < n; q++) {
        int i = (int)((long)q * 7919 % n), r = i / L, c = i % L; /* 7919 is prime */
        for (int k = 0; k < 4; k++) {
            int d = (k + i) % 4, rr = r + dr[d], cc = c + dc[d]; /* rotating order */
            if ((!moore && (d == 1 || d == 3)) || rr >= L || cc < 0 || cc >= L)
                continue;
            if (i % 2)
                fprintf(f, "%d,%d\n", i, rr * L + cc);
            else
                fprintf(f, "%d,%d\n", rr * L + cc, i);
        }
    }
    fclose(f);
}

/* A neighbour of each node (the propensity and last action are read per tie). */
static int *partners(const coop_config *cfg)
{
    int *nb = malloc(cfg->n_actors * sizeof *nb);
    cr_assert_not_null(nb);
    for (size_t i = 0; i < cfg->n_actors; i++)
        nb[i] = -1;
    for (size_t t = 0; t < cfg->n_ties; t++) {
        if (nb[coop_cfg_tie(cfg, t).a] < 0)
            nb[coop_cfg_tie(cfg, t).a] = coop_cfg_tie(cfg, t).b;
        if (nb[coop_cfg_tie(cfg, t).b] < 0)
            nb[coop_cfg_tie(cfg, t).b] = coop_cfg_tie(cfg, t).a;
    }
    return nb;
}

/* cfg at seed, the bit-sliced and the byte kernel side by side (threads each):
 * the same state after every generation and the same records; bits: whether the
 * bit-sliced kernel must run (else it must not). */
static void same_each_generation(const coop_config *cfg, unsigned long seed, int threads,
                                 int bits, const char *what)
{
    coop_err err = {0};
    coop_model *m[2];
    coop_record *rec[2];
    for (int k = 0; k < 2; k++) {
        m[k] = coop_model_alloc(cfg, &err);
        cr_assert_not_null(m[k], "%s", err.text);
        coop_model_set_bits(m[k], k);
        coop_model_set_threads(m[k], threads);
        rec[k] = coop_record_alloc(cfg, 1);
        cr_assert_not_null(rec[k]);
        coop_model_init(m[k], seed);
    }
    int *nb = partners(cfg), n = (int)cfg->n_actors;
    for (int s = 0; s < cfg->n_steps; s++) {
        for (int k = 0; k < 2; k++)
            coop_model_step(m[k], rec[k]);
        int bad = -1;
        for (int i = 0; i < n && bad < 0; i++)
            if (coop_model_propensity(m[0], i, nb[i], 0) != coop_model_propensity(m[1], i, nb[i], 0)
                || coop_model_last_action(m[0], i, nb[i], 0)
                       != coop_model_last_action(m[1], i, nb[i], 0)
                || coop_model_cum_gain(m[0], i) != coop_model_cum_gain(m[1], i))
                bad = i;
        cr_assert_eq(bad, -1, "%s seed %lu: node %d differs after generation %d", what, seed, bad,
                     s);
    }
    cr_assert_eq(coop_model_kernel_on(m[0]), 1, "%s: the byte kernel did not run", what);
    cr_assert_eq(coop_model_kernel_bits(m[0]), 0, "%s: set_bits(0) ignored", what);
    cr_assert_eq(coop_model_kernel_bits(m[1]), bits, "%s: bit-sliced kernel %s", what,
                 bits ? "not used" : "used");
    size_t np = (size_t)cfg->n_steps * COOP_POP_METRICS;
    cr_expect_eq(memcmp(rec[0]->pop, rec[1]->pop, np * sizeof(double)), 0,
                 "%s seed %lu: population records differ", what, seed);
    for (int k = 0; k < 2; k++) {
        coop_record_free(rec[k]);
        coop_model_free(m[k]);
    }
    free(nb);
}

/* The nowak_may configuration on the lattice (fixed: from an edge list) with ov. */
static void load_lattice(int L, int moore, int fixed, const char *const *ov, size_t nov,
                         coop_config *cfg, char path[64])
{
    const char *all[16];
    char side[32], file[96];
    snprintf(side, sizeof side, "network.L=%d", L);
    size_t k = 0;
    all[k++] = moore ? "network.neighbourhood=\"moore\"" : "network.neighbourhood=\"von_neumann\"";
    if (fixed) {
        fixed_lattice(path, L, moore);
        snprintf(file, sizeof file, "network.file=\"%s\"", path);
        all[k++] = "network.type=\"file\"";
        all[k++] = file;
    } else {
        all[k++] = side;
    }
    for (size_t q = 0; q < nov; q++)
        all[k++] = ov[q];
    load_ok("configs/classic/nowak_may.cfg", all, k, cfg);
}

Test(kernel_bits, every_combination_generation_by_generation)
{
    const char *bs[] = {"domains.pd.T=1.85", "domains.pd.T=2.0", "domains.pd.T=1.5",
                        "domains.pd.T=1.2", "domains.pd.T=2.6"};
    const char *shares[] = {"network.initial_c=0.5", "network.initial_c=0.9"};
    const int sides[] = {23, 67};
    for (int moore = 0; moore < 2; moore++)
        for (int self = 0; self < 2; self++)
            for (int fixed = 0; fixed < 2; fixed++)
                for (size_t b = 0; b < 5; b++)
                    for (int li = 0; li < 2; li++) {
                        char path[64], what[160], seed[40];
                        snprintf(seed, sizeof seed, "experiment.seed=%zu", b * 2 + (size_t)li);
                        const char *ov[] = {"time.end=25", self ? "network.self=true" :
                                            "network.self=false", bs[b], shares[li], seed};
                        coop_config cfg;
                        load_lattice(sides[li], moore, fixed, ov, 5, &cfg, path);
                        snprintf(what, sizeof what, "L=%d %s self=%d %s %s", sides[li],
                                 moore ? "moore" : "von_neumann", self,
                                 fixed ? "fixed" : "periodic", bs[b]);
                        same_each_generation(&cfg, 1 + b, 1, 1, what);
                        coop_config_destroy(&cfg);
                        if (fixed)
                            unlink(path);
                    }
}

/* A side of exactly 64 (one full word per row, ghost bits in the guard word) and
 * the smallest, 3. */
Test(kernel_bits, word_sized_and_tiny_lattices)
{
    const int sides[] = {64, 3, 65};
    for (int q = 0; q < 3; q++)
        for (int fixed = 0; fixed < 2; fixed++)
            for (int moore = 0; moore < 2; moore++) {
                char path[64];
                const char *ov[] = {"time.end=20", "network.initial_c=0.6", "domains.pd.T=1.75"};
                coop_config cfg;
                load_lattice(sides[q], moore, fixed, ov, 3, &cfg, path);
                same_each_generation(&cfg, 3, 1, 1, sides[q] == 3 ? "L=3" : "L=64/65");
                coop_config_destroy(&cfg);
                if (fixed)
                    unlink(path);
            }
}

/* Gains that fall with the count of C neighbours (R < S = 0: the key is dmax - k),
 * on both boundaries; gains that depend on the degree (P = 1: a defector earns from
 * its D neighbours) keep the byte kernel on a fixed lattice, and use the
 * bit-sliced one on a periodic lattice. */
Test(kernel_bits, other_games)
{
    const char *falling[] = {"domains.pd.R=-1.0", "domains.pd.S=0.0", "domains.pd.T=1.5",
                             "domains.pd.P=0.0", "network.initial_c=0.5"};
    const char *axelrod[] = {"domains.pd.R=3.0", "domains.pd.S=0.0", "domains.pd.T=5.0",
                             "domains.pd.P=1.0", "network.initial_c=0.5"};
    for (int fixed = 0; fixed < 2; fixed++)
        for (int moore = 0; moore < 2; moore++) {
            char path[64];
            coop_config cfg;
            load_lattice(31, moore, fixed, falling, 5, &cfg, path);
            same_each_generation(&cfg, 4, 1, 1, "falling gains");
            coop_config_destroy(&cfg);
            if (fixed)
                unlink(path);
            load_lattice(31, moore, fixed, axelrod, 5, &cfg, path);
            same_each_generation(&cfg, 4, 1, !fixed, "gains that depend on the degree");
            coop_config_destroy(&cfg);
            if (fixed)
                unlink(path);
        }
}

/* Rows split over 1 to 3 threads (a lattice of at least 65536 nodes): the same
 * states, periodic and fixed. */
Test(kernel_bits, threads)
{
    for (int fixed = 0; fixed < 2; fixed++) {
        char path[64];
        const char *ov[] = {"time.end=6", "network.initial_c=0.7", "domains.pd.T=1.9"};
        coop_config cfg;
        load_lattice(259, 1, fixed, ov, 3, &cfg, path);
        for (int th = 1; th <= 3; th++)
            same_each_generation(&cfg, 2, th, 1, fixed ? "fixed, threads" : "periodic, threads");
        coop_config_destroy(&cfg);
        if (fixed)
            unlink(path);
    }
}

/* End to end: population.csv and snapshots.csv of build/coopsim with
 * experiment.engine = "auto" (the bit-sliced kernel) and "bytes" are the same, and
 * each manifest names the kernel that ran. */
Test(kernel_bits, coopsim_auto_equals_bytes)
{
    char dir[64];
    e2e_tmpdir(dir, sizeof dir);
    const char *fmt = "run configs/classic/nowak_may.cfg --set network.L=45 --set time.end=30 "
                      "--set 'output.snapshots=[0,5,29]' --quiet -o %s/%s%s";
    e2e_result *r = e2e_run(fmt, dir, "a", "");
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run(fmt, dir, "b", " --set experiment.engine=bytes");
    cr_assert_eq(r->status, 0, "%s", r->err);
    char a[96], b[96];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    const char *files[] = {"population.csv", "snapshots.csv"};
    cr_expect(e2e_same_files(a, b, files, 2), "auto and bytes differ");
    char ma[128], mb[128];
    snprintf(ma, sizeof ma, "%s/manifest.cfg", a);
    snprintf(mb, sizeof mb, "%s/manifest.cfg", b);
    cr_expect(e2e_file_has(ma, "  engines = \"kernel_bits\";\n"), "auto: the manifest's engines");
    cr_expect(e2e_file_has(mb, "  engines = \"kernel_bytes\";\n"), "bytes: the manifest's engines");
    e2e_rmrf(dir);
}
