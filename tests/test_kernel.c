/* test_kernel.c: the node kernel of sim/model/model.c (docs/ODD.md, "Node kernel").
 *
 * The kernel is a fast path for node-level imitate_best models (Nowak & May 1992);
 * it must give the general engine's numbers bit for bit.  Checked here: the
 * records of both paths compared byte for byte (memcmp) on small lattices (Moore
 * and von Neumann, with and without self-interaction), several seeds and values of
 * b, including b = 2 and b = 1.5 where C and D neighbours tie; the CSR path
 * (ring, Barabasi-Albert); the state seen through the inspection functions; the
 * same records for 1, 2 and 4 within-run threads on a lattice large enough to use
 * them; the cases that must fall back to the general engine; end to end,
 * population.csv of build/coopsim with experiment.engine = "auto" and "general";
 * and the option itself: it selects the engine, "kernel" on a configuration the
 * kernel cannot run fails naming the condition, and an unknown value fails with
 * the allowed ones. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_config.h"
#include "coop_model.h"
#include "e2e.h"

/* Runs cfg with the kernel allowed or not (threads within the run: threads);
 * returns the record and whether the kernel ran; checks the final state. */
static coop_record *run(const coop_config *cfg, unsigned long seed, int kernel, int threads,
                        int *used, double *cum, double *prop, int *last)
{
    coop_err err = {0};
    coop_model *m = coop_model_alloc(cfg, &err);
    cr_assert_not_null(m, "%s", err.text);
    coop_model_set_kernel(m, kernel);
    coop_model_set_threads(m, threads);
    coop_record *rec = coop_record_alloc(cfg, 1);
    cr_assert_not_null(rec);
    coop_model_run(m, seed, rec);
    *used = coop_model_kernel_on(m);
    size_t n = cfg->n_actors;
    for (int k = 0; k < 5; k++) { /* a few nodes and one of their neighbours */
        coop_tie_cfg t0 = coop_cfg_tie(cfg, 0);
        int a = (int)((size_t)k * 7919 % n), b = t0.a == a ? t0.b : -1;
        for (size_t t = 0; b < 0 && t < cfg->n_ties; t++)
            if (coop_cfg_tie(cfg, t).a == a || coop_cfg_tie(cfg, t).b == a)
                b = coop_cfg_tie(cfg, t).a == a ? coop_cfg_tie(cfg, t).b : coop_cfg_tie(cfg, t).a;
        cum[k] = coop_model_cum_gain(m, a);
        prop[k] = coop_model_propensity(m, a, b, 0);
        last[k] = coop_model_last_action(m, a, b, 0);
    }
    coop_model_free(m);
    return rec;
}

/* Both paths on cfg at seed: identical records and state, the kernel used. */
static void same(const coop_config *cfg, unsigned long seed, const char *what)
{
    int used0, used1, l0[5], l1[5];
    double c0[5], c1[5], p0[5], p1[5];
    coop_record *r0 = run(cfg, seed, 0, 1, &used0, c0, p0, l0);
    coop_record *r1 = run(cfg, seed, 1, 1, &used1, c1, p1, l1);
    cr_assert_eq(used0, 0, "%s: the general engine was asked for", what);
    cr_assert_eq(used1, 1, "%s: the kernel did not run", what);
    size_t np = (size_t)cfg->n_steps * COOP_POP_METRICS;
    cr_expect_eq(memcmp(r0->pop, r1->pop, np * sizeof(double)), 0,
                 "%s seed %lu: population records differ", what, seed);
    cr_expect_eq(memcmp(r0->outcome, r1->outcome, sizeof r0->outcome), 0, "%s: outcomes", what);
    cr_expect_eq(memcmp(c0, c1, sizeof c0), 0, "%s: cumulative gains differ", what);
    cr_expect_eq(memcmp(p0, p1, sizeof p0), 0, "%s: propensities differ", what);
    cr_expect_eq(memcmp(l0, l1, sizeof l0), 0, "%s: last actions differ", what);
    coop_record_free(r0);
    coop_record_free(r1);
}

Test(kernel, lattice_equals_general_engine)
{
    const char *bs[] = {"1.85", "1.5", "2.0", "1.2", "2.6"};
    const char *nbh[][2] = {{"moore", "true"}, {"moore", "false"}, {"von_neumann", "true"}};
    for (size_t q = 0; q < 3; q++)
        for (size_t k = 0; k < 5; k++) {
            char T[64], hood[64], self[64];
            snprintf(T, sizeof T, "domains.pd.T=%s", bs[k]);
            snprintf(hood, sizeof hood, "network.neighbourhood=\"%s\"", nbh[q][0]);
            snprintf(self, sizeof self, "network.self=%s", nbh[q][1]);
            const char *ov[] = {"network.L=23", "time.end=40", T, hood, self};
            coop_config cfg;
            load_ok("configs/classic/nowak_may.cfg", ov, 5, &cfg);
            for (unsigned long seed = 1; seed <= 3; seed++) {
                char what[128];
                snprintf(what, sizeof what, "%s self=%s b=%s", nbh[q][0], nbh[q][1], bs[k]);
                same(&cfg, seed, what);
            }
            coop_config_destroy(&cfg);
        }
}

/* Other networks go through the CSR; initial_c = 0.5 gives many C-D ties at b = 2. */
Test(kernel, csr_networks_equal_general_engine)
{
    const char *nets[][3] = {
        {"network.type=\"ring\"", "network.n=300", "network.k=4"},
        {"network.type=\"ba\"", "network.n=400", "network.m=2"},
    };
    const char *bs[] = {"domains.pd.T=1.85", "domains.pd.T=2.0", "domains.pd.T=1.5"};
    for (size_t q = 0; q < 2; q++)
        for (size_t k = 0; k < 3; k++) {
            const char *ov[] = {"time.end=30", "network.initial_c=0.5", bs[k],
                                nets[q][0], nets[q][1], nets[q][2]};
            coop_config cfg;
            coop_err err = {0};
            int st = coop_population_load("configs/classic/nowak_may.cfg", ov, 6, &cfg, &err);
            cr_assert_eq(st, 0, "%s", err.text);
            for (unsigned long seed = 1; seed <= 3; seed++)
                same(&cfg, seed, nets[q][0]);
            coop_config_destroy(&cfg);
        }
}

/* The rules that draw (fermi, replicator): the kernel makes the general engine's
 * draws from the same per-block streams, so the records agree bit for bit, on the
 * lattice and through the CSR, and with imitate_best nodes mixed in. */
Test(kernel, drawing_rules_equal_general_engine)
{
    const char *rules[][3] = {
        {"actor_template.rule=\"fermi\"", "actor_template.rule_params.K=0.1", "noise=0"},
        {"actor_template.rule=\"fermi\"", "actor_template.rule_params.K=0.5", "noise=0.05"},
        {"actor_template.rule=\"replicator\"", "network.self=false", "noise=0"},
        {"actor_template.rule=\"replicator\"", "network.self=false", "noise=0.1"},
    };
    const char *nets[][3] = {
        {"network.L=23", "network.neighbourhood=\"moore\"", "network.self=true"},
        {"network.type=\"ring\"", "network.n=300", "network.k=4"},
        {"network.type=\"ba\"", "network.n=400", "network.m=2"},
    };
    for (size_t q = 0; q < 3; q++)
        for (size_t k = 0; k < 4; k++) {
            const char *ov[] = {"time.end=30", "network.initial_c=0.5", "domains.pd.T=1.3",
                                nets[q][0], nets[q][1], nets[q][2], rules[k][0], rules[k][1],
                                rules[k][2]};
            coop_config cfg;
            load_ok("configs/classic/nowak_may.cfg", ov, 9, &cfg);
            for (unsigned long seed = 1; seed <= 3; seed++) {
                char what[160];
                snprintf(what, sizeof what, "%s %s %s", nets[q][0], rules[k][0] + 20, rules[k][2]);
                same(&cfg, seed, what);
            }
            coop_config_destroy(&cfg);
        }
    /* imitate_best and fermi nodes side by side */
    const char *ov[] = {"time.end=30", "network.L=21", "network.initial_c=0.5",
                        "actor_template.rule=\"fermi\"",
                        "actor_overrides=({from=0;to=200;rule=\"imitate_best\";})"};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, 5, &cfg);
    same(&cfg, 7, "fermi with imitate_best nodes");
    coop_config_destroy(&cfg);
}

/* The fermi draws depend on the seed: two seeds, two histories (a kernel that
 * ignored its streams would pass the comparisons above). */
Test(kernel, drawing_rules_use_the_seed)
{
    const char *ov[] = {"time.end=20", "network.L=30", "network.initial_c=0.5",
                        "actor_template.rule=\"fermi\"", "domains.pd.T=1.3"};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, 5, &cfg);
    int used, l[5];
    double c[5], p[5];
    coop_record *a = run(&cfg, 1, 1, 1, &used, c, p, l);
    cr_assert_eq(used, 1);
    coop_record *b = run(&cfg, 2, 1, 1, &used, c, p, l);
    size_t np = (size_t)cfg.n_steps * COOP_POP_METRICS;
    cr_expect_neq(memcmp(a->pop, b->pop, np * sizeof(double)), 0, "seeds 1 and 2 agree");
    cr_expect_eq(a->pop[0], b->pop[0], "step 0 is played before any draw");
    coop_record_free(a);
    coop_record_free(b);
    coop_config_destroy(&cfg);
}

/* cfg at seed: the population record of the kernel on one thread, and the same
 * from the kernel on 2 to 4 threads and, with engine_too, from the general engine
 * on 1 to 3: the block layout, not the thread count or the path, fixes the numbers. */
static void same_for_any_threads(const coop_config *cfg, unsigned long seed, int engine_too)
{
    int used, l[5];
    double c[5], p[5];
    coop_record *r1 = run(cfg, seed, 1, 1, &used, c, p, l);
    cr_assert_eq(used, 1);
    size_t np = (size_t)cfg->n_steps * COOP_POP_METRICS;
    for (int kernel = engine_too ? 0 : 1; kernel <= 1; kernel++)
        for (int th = kernel ? 2 : 1; th <= (kernel ? 4 : 3); th++) {
            coop_record *r = run(cfg, seed, kernel, th, &used, c, p, l);
            cr_expect_eq(used, kernel);
            cr_expect_eq(memcmp(r1->pop, r->pop, np * sizeof(double)), 0,
                         "%s with %d threads differs", kernel ? "kernel" : "engine", th);
            coop_record_free(r);
        }
    coop_record_free(r1);
}

/* imitate_best on L = 300 (90000 nodes, enough for the kernel to use threads). */
Test(kernel, thread_invariance)
{
    const char *ov[] = {"network.L=300", "time.end=12"};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, 2, &cfg);
    same_for_any_threads(&cfg, 5, 1);
    coop_config_destroy(&cfg);
}

/* Fermi with implementation errors on the same lattice (22 blocks of 4096 nodes,
 * each with its own stream), in the kernel and in the general engine (whose node
 * actions and imitation pass are parallel too). */
Test(kernel, drawing_rules_thread_invariance)
{
    const char *ov[] = {"network.L=300", "time.end=8", "network.initial_c=0.5",
                        "actor_template.rule=\"fermi\"", "domains.pd.T=1.2", "noise=0.02"};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, 6, &cfg);
    same_for_any_threads(&cfg, 3, 1);
    coop_config_destroy(&cfg);
}

/* Snapshots: the same from both paths, each node's share 0 or 1, and their mean
 * the population's cooperator share of that step. */
Test(kernel, snapshots_agree_with_population)
{
    const char *ov[] = {"network.L=25", "time.end=30", "network.initial_c=0.5",
                        "domains.pd.T=1.6", "noise=0", "actor_template.rule=\"imitate_best\""};
    static const int steps[] = {0, 7, 29};
    for (int kernel = 0; kernel <= 3; kernel++) {
        if (kernel >= 2) /* fermi with errors: the executed actions */
            ov[4] = "noise=0.05", ov[5] = "actor_template.rule=\"fermi\"";
        coop_config cfg;
        load_ok("configs/classic/nowak_may.cfg", ov, 6, &cfg);
        cfg.snapshots = (int *)steps, cfg.n_snapshots = 3; /* borrowed: unset before destroy */
        coop_err err = {0};
        coop_model *m = coop_model_alloc(&cfg, &err);
        cr_assert_not_null(m, "%s", err.text);
        coop_model_set_kernel(m, kernel & 1);
        coop_record *rec = coop_record_alloc(&cfg, 1);
        cr_assert_eq(coop_record_add_snapshots(rec, &cfg), 0);
        coop_model_run(m, 9, rec);
        cr_assert_eq(coop_model_kernel_on(m), kernel & 1);
        for (size_t k = 0; k < 3; k++) {
            double sum = 0.0;
            for (size_t i = 0; i < cfg.n_actors; i++) {
                double x = rec->snap[k * cfg.n_actors + i];
                cr_assert(x == 0.0 || x == 1.0, "node %zu: %g", i, x);
                sum += x;
            }
            double share = rec->pop[(size_t)steps[k] * COOP_POP_METRICS + COOP_P_COOP_SHARE];
            cr_expect_float_eq(sum / cfg.n_actors, share, 1e-12, "kernel %d step %d", kernel,
                               steps[k]);
        }
        coop_record_free(rec);
        coop_model_free(m);
        cfg.snapshots = NULL, cfg.n_snapshots = 0;
        coop_config_destroy(&cfg);
    }
}

/* What the kernel does not model falls back to the general engine. */
Test(kernel, falls_back)
{
    const char *cases[] = {
        "noise=0.01", "interaction=\"tie\"", "actor_template.rule=\"moran\"",
        "engagement.delta=0.1", "institutions.lambda=0.1", "network.initial_c=-1",
        "update_every=2",
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *ov[] = {"network.L=10", "time.end=3", cases[k]};
        coop_config cfg;
        load_ok("configs/classic/nowak_may.cfg", ov, 3, &cfg);
        int used, l[5];
        double c[5], p[5];
        coop_record *r = run(&cfg, 1, 1, 1, &used, c, p, l);
        cr_expect_eq(used, 0, "%s: the kernel ran", cases[k]);
        coop_record_free(r);
        coop_config_destroy(&cfg);
    }
}

/* build/coopsim: population.csv with the kernel and with experiment.engine = "general". */
Test(kernel, population_csv_end_to_end)
{
    char dir[64];
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0]);
    const char *bs[] = {"1.85", "2.0", "1.5"};
    for (int k = 0; k < 3; k++)
        for (int seed = 1; seed <= 2; seed++) {
            char a[160], b[160];
            snprintf(a, sizeof a, "%s/k%d_%d", dir, k, seed);
            snprintf(b, sizeof b, "%s/g%d_%d", dir, k, seed);
            const char *fmt = "run configs/classic/nowak_may.cfg -o %s --quiet --seed %d "
                              "--set network.L=37 --set time.end=50 --set domains.pd.T=%s%s";
            e2e_result *r = e2e_run(fmt, a, seed, bs[k], "");
            cr_assert_eq(r->status, 0, "%s", r->err);
            r = e2e_run(fmt, b, seed, bs[k], " --set experiment.engine=general");
            cr_assert_eq(r->status, 0, "%s", r->err);
            strcat(a, "/population.csv");
            strcat(b, "/population.csv");
            cr_expect(e2e_same_file(a, b), "b = %s seed %d: population.csv differs", bs[k], seed);
        }
    /* fermi with errors, one model reused over replicates (its buffers trade places) */
    char a[160], b[160];
    snprintf(a, sizeof a, "%s/fermi_k", dir);
    snprintf(b, sizeof b, "%s/fermi_g", dir);
    const char *fmt = "run configs/classic/fermi_ring.cfg -o %s --quiet --replicates 3 "
                      "--set noise=0.05 --set network.n=2000 --set time.end=40%s";
    e2e_result *r = e2e_run(fmt, a, "");
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run(fmt, b, " --set experiment.engine=general");
    cr_assert_eq(r->status, 0, "%s", r->err);
    strcat(a, "/population.csv");
    strcat(b, "/population.csv");
    cr_expect(e2e_same_file(a, b), "fermi with noise: population.csv differs");
    e2e_rmrf(dir);
}

/* The nowak_may lattice (31 x 31, b = 2, engine as asked) run with
 * coop_model_set_kernel(m, a) on threads_a threads and with (m, 2) on threads_2:
 * the same records, propensities and last actions, and with 2 no cumulative gains
 * (NaN; with a = 1 they are kept). kernel_2: whether the second run used the kernel. */
static void same_without_cum_gains(const char *engine, int a, int threads_a, int threads_2,
                                   int kernel_2)
{
    char eng[64];
    snprintf(eng, sizeof eng, "experiment.engine=\"%s\"", engine);
    const char *ov[] = {"network.L=31", "time.end=25", "domains.pd.T=2.0", eng};
    coop_config cfg;
    load_ok("configs/classic/nowak_may.cfg", ov, 4, &cfg);
    int used_a, used2, la[5], l2[5];
    double ca[5], c2[5], pa[5], p2[5];
    coop_record *ra = run(&cfg, 4, a, threads_a, &used_a, ca, pa, la);
    coop_record *r2 = run(&cfg, 4, 2, threads_2, &used2, c2, p2, l2);
    cr_assert_eq(used2, kernel_2, "the kernel %s", kernel_2 ? "did not run" : "ran");
    size_t np = (size_t)cfg.n_steps * COOP_POP_METRICS;
    cr_expect_eq(memcmp(ra->pop, r2->pop, np * sizeof(double)), 0, "records differ");
    cr_expect_eq(memcmp(pa, p2, sizeof pa), 0, "propensities differ");
    cr_expect_eq(memcmp(la, l2, sizeof la), 0, "last actions differ");
    for (int k = 0; k < 5; k++) {
        if (a == 1)
            cr_expect(isfinite(ca[k]), "cum_gain %g with coop_model_set_kernel(m, 1)", ca[k]);
        cr_expect(isnan(c2[k]), "cum_gain %g, expected NaN", c2[k]);
    }
    coop_record_free(ra);
    coop_record_free(r2);
    coop_config_destroy(&cfg);
}

/* coop_model_set_kernel(m, 2): the same records without the cumulative gains. */
Test(kernel, without_cumulative_gains)
{
    same_without_cum_gains("auto", 0, 1, 2, 1);
}

/* The general engine in node mode with coop_model_set_kernel(m, 2) (what coopsim
 * asks): the same records and state without the cumulative gains, as the kernel. */
Test(kernel, general_without_cumulative_gains)
{
    same_without_cum_gains("general", 1, 1, 1, 0);
}

/* experiment.engine selects the engine: "general" keeps the kernel off whatever
 * coop_model_set_kernel asks, "kernel" and "auto" use it where it can run, and
 * the records are the same. */
Test(kernel, engine_option_selects_the_engine)
{
    const char *engines[] = {"auto", "kernel", "general"};
    coop_record *r[3];
    size_t np = 0;
    for (int e = 0; e < 3; e++) {
        char opt[64];
        snprintf(opt, sizeof opt, "experiment.engine=\"%s\"", engines[e]);
        const char *ov[] = {"network.L=31", "time.end=25", "domains.pd.T=1.85", opt};
        coop_config cfg;
        load_ok("configs/classic/nowak_may.cfg", ov, 4, &cfg);
        cr_assert_eq(cfg.engine, e, "%s: engine %d", engines[e], cfg.engine);
        int used, l[5];
        double c[5], p[5];
        r[e] = run(&cfg, 3, 1, 1, &used, c, p, l);
        cr_expect_eq(used, e != COOP_ENGINE_GENERAL, "engine %s: kernel_on %d", engines[e], used);
        np = (size_t)cfg.n_steps * COOP_POP_METRICS;
        coop_config_destroy(&cfg);
    }
    for (int e = 1; e < 3; e++)
        cr_expect_eq(memcmp(r[0]->pop, r[e]->pop, np * sizeof(double)), 0,
                     "engine %s: records differ from auto", engines[e]);
    for (int e = 0; e < 3; e++)
        coop_record_free(r[e]);
}

/* experiment.engine = "kernel" on configurations the kernel cannot run: the model
 * is refused (COOP_EINVAL, exit status 2) with the condition that fails. */
Test(kernel, engine_kernel_refuses_what_it_cannot_run)
{
    const char *kernel = "experiment.engine=\"kernel\"";
    struct {
        const char *path, *ov[3], *why;
        size_t n_ov;
    } cases[] = {
        {"configs/eu_ca.cfg", {kernel}, "interaction is not \"node\"", 1},
        {"configs/classic/nowak_may.cfg", {kernel, "network.L=11", "noise=0.05"},
         "noise is not 0", 3},
        {"configs/classic/nowak_may.cfg", {kernel, "network.L=11", "network.series_nodes=true"},
         "per-actor or per-tie series", 3},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        coop_config cfg;
        load_ok(cases[k].path, cases[k].ov, cases[k].n_ov, &cfg);
        coop_err err = {0};
        coop_model *m = coop_model_alloc(&cfg, &err);
        cr_expect_null(m, "%s: the model was allocated", cases[k].why);
        coop_model_free(m);
        cr_expect_eq(err.code, COOP_EINVAL);
        cr_expect_not_null(strstr(err.text, "experiment.engine = \"kernel\""), "%s", err.text);
        cr_expect_not_null(strstr(err.text, cases[k].why), "%s", err.text);
        coop_config_destroy(&cfg);
    }
    char dir[64];
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0]);
    e2e_result *r = e2e_run("run configs/classic/nowak_may.cfg -o %s/k --quiet --set network.L=11 "
                            "--set noise=0.05 --set experiment.engine=kernel", dir);
    cr_expect_eq(r->status, 2, "exit status %d: %s", r->status, r->err);
    cr_expect_not_null(strstr(r->err, "noise is not 0 and an actor follows imitate_best"), "%s",
                       r->err);
    e2e_rmrf(dir);
}

/* An unknown engine is a configuration error that lists the allowed values. */
Test(kernel, engine_unknown_value)
{
    const char *ov[] = {"experiment.engine=\"fast\""};
    coop_config cfg;
    coop_err err = {0};
    int st = coop_population_load("configs/classic/nowak_may.cfg", ov, 1, &cfg, &err);
    cr_assert_eq(st, COOP_ECONFIG, "experiment.engine = \"fast\": status %d", st);
    cr_expect_not_null(strstr(err.text, "is not one of auto, kernel, general"), "%s", err.text);
    e2e_result *r = e2e_run("check configs/classic/nowak_may.cfg --set experiment.engine=fast");
    cr_expect_eq(r->status, 2, "exit status %d", r->status);
    cr_expect_not_null(strstr(r->err, "auto, kernel, general"), "%s", r->err);
}
