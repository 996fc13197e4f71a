/* test_infer.c: `coopsim infer` end to end on the shipped known-answer example
 * (configs/infer/coin.cfg), its targets and distance on a hand-filled record,
 * and its configuration errors.
 *
 * Known answers (configs/infer/coin.cfg, docs/INFERENCE.md): k = 7 cooperations in
 * n = 20 rounds; model `uniform` (p ~ Uniform(0, 1)) has the posterior Beta(8, 14),
 * mean 8/22, sd sqrt(8 * 14 / (22^2 * 23)); model `fair` (p = 1/2) has posterior
 * probability (77520 / 2^20) / (77520 / 2^20 + 1/21) = 0.608237 under equal prior
 * odds.  Tolerances as tests/test_abc.c: 4 Monte Carlo standard errors at the
 * effective sample size, sd within 12%, KS not rejected at 1%. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "coop_abc.h"
#include "coop_config.h"
#include "coop_csv.h"
#include "coop_infer.h"
#include "coop_model.h"
#include "e2e.h"
#include "files.h"
#include "posterior_fixture.h"
#include "scenario_text.h"

#include <sys/stat.h>

#define COIN "configs/infer/coin.cfg"

static double cdf_beta(double x, void *ctx)
{
    const double *ab = ctx;
    return gsl_cdf_beta_P(x, ab[0], ab[1]);
}

/* The last generation's particles of model `model` in dir/posterior.csv. */
static int read_final(const char *dir, const char *model, double *p, double *w, int max)
{
    char path[512], line[512], name[64];
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "no %s", path);
    cr_assert(fgets(line, sizeof line, f) != NULL);
    cr_assert(eq(str, line, "generation,model,particle,weight,distance,actors.A.rule_params.p\n"));
    int gen = -1, n = 0, g, i;
    double wt, d, v;
    while (fgets(line, sizeof line, f)) {
        int got = sscanf(line, "%d,%63[^,],%d,%lf,%lf,%lf", &g, name, &i, &wt, &d, &v);
        if (g > gen) {
            gen = g;
            n = 0;
        }
        if (strcmp(name, model) == 0 && got == 6 && n < max) {
            p[n] = v;
            w[n++] = wt;
        }
    }
    fclose(f);
    return n;
}

/* P(model) of the last generation in dir/models.csv. */
static double final_prob(const char *dir, const char *model)
{
    char path[512], line[256], name[64];
    snprintf(path, sizeof path, "%s/models.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL);
    double prob = NAN, pr, bf;
    int g, n;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%d,%63[^,],%lf,%d,%lf", &g, name, &pr, &n, &bf) == 5 &&
            strcmp(name, model) == 0)
            prob = pr;
    fclose(f);
    return prob;
}

Test(infer, coin_known_answer_end_to_end, .timeout = 120)
{
    char d1[64], d2[64], o1[128], o2[128];
    e2e_tmpdir(d1, sizeof d1);
    e2e_tmpdir(d2, sizeof d2);
    snprintf(o1, sizeof o1, "%s/r", d1);
    snprintf(o2, sizeof o2, "%s/r", d2);
    e2e_result *r = e2e_run("infer " COIN " -o %s --threads 2", o1);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert(strstr(r->out, "stopped by min_tolerance") != NULL, "%s", r->out);
    cr_assert(strstr(r->err, "generation 0: tolerance inf") != NULL, "%s", r->err);
    static double p[1000], w[1000];
    int n = read_final(o1, "uniform", p, w, 1000);
    cr_assert(n > 200, "%d particles", n);
    double mean, sd, pv, ab[2] = {8, 14};
    double tmean = 8.0 / 22.0, tsd = sqrt(8.0 * 14.0 / (22.0 * 22.0 * 23.0));
    double ess = coop_abc_ess(w, n);
    coop_abc_moments(p, 1, w, NULL, 0, n, &mean, &sd);
    double dks = coop_abc_ks(p, w, n, cdf_beta, ab, &pv);
    cr_log_info("coin: %d particles, ESS %.0f, mean %.4f (%.4f), sd %.4f (%.4f), KS D %.4f p %.3f",
                n, ess, mean, tmean, sd, tsd, dks, pv);
    cr_assert(fabs(mean - tmean) < 4.0 * tsd / sqrt(ess), "mean %g", mean);
    cr_assert(fabs(sd - tsd) < 0.12 * tsd, "sd %g", sd);
    cr_assert(pv > 0.01, "KS p %g", pv);
    double truth = (77520.0 / 1048576.0) / (77520.0 / 1048576.0 + 1.0 / 21.0);
    double pf = final_prob(o1, "fair");
    cr_log_info("coin: P(fair) %.4f (%.4f)", pf, truth);
    cr_assert(fabs(pf - truth) < 4.0 * sqrt(truth * (1 - truth) / 1000.0) * 1.1, "P %g", pf);
    char path[256];
    snprintf(path, sizeof path, "%s/infer_summary.csv", o1);
    cr_assert(e2e_file_has(path, "model,parameter,prior,prior_mean,prior_sd,mean,sd,q2.5,q50,"
                                 "q97.5,contraction\nuniform,actors.A.rule_params.p,uniform,0.5,"));
    /* posterior predictive of the fair coin: Bin(20, 1/2) / 20, whose 2.5% and 97.5%
     * points are 6/20 and 14/20, and P(k' <= 7) = 137980 / 2^20 = 0.131588 */
    snprintf(path, sizeof path, "%s/predictive.csv", o1);
    char line[512];
    double obs, mean2, sd2, q[3], pb;
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL);
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "fair,actors.A.coop_rate,", 24) == 0 &&
            sscanf(line + 24, "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &obs, &mean2, &sd2, &q[0], &q[1], &q[2],
                   &pb) == 7)
            found = 1;
    fclose(f);
    cr_assert(found);
    cr_assert(fabs(q[0] - 0.3) < 1e-12 && fabs(q[2] - 0.7) < 1e-12, "%g %g", q[0], q[2]);
    cr_assert(fabs(pb - 137980.0 / 1048576.0) < 4.0 * sqrt(0.1316 * 0.8684 / 1000.0), "%g", pb);
    snprintf(path, sizeof path, "%s/manifest.cfg", o1);
    cr_assert(e2e_file_has(path, "subcommand = \"infer\""));
    /* the figures (docs/FIGURES.md) */
    r = e2e_run("plot %s", o1);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    static const char *const figs[] = {"posterior.png", "posterior.gp", "models.png", "models.gp",
                                       "posterior_marginals.csv", "model_probabilities.csv"};
    for (int k = 0; k < 6; k++) {
        snprintf(path, sizeof path, "%s/figures/%s", o1, figs[k]);
        cr_assert(e2e_exists(path), "no %s", path);
    }
    /* the same files on one thread */
    r = e2e_run("infer " COIN " -o %s --threads 1 --quiet", o2);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    static const char *const names[] = {"posterior.csv", "generations.csv", "models.csv",
                                        "infer_summary.csv", "predictive.csv"};
    cr_assert(e2e_same_files(o1, o2, names, 5));
    e2e_rmrf(d1);
    e2e_rmrf(d2);
}

/* ---- targets and distance ---- */

Test(infer, target_windows_and_distance)
{
    coop_config cfg;
    coop_err err = {0};
    cr_assert(eq(int, coop_config_load(COIN, NULL, 0, &cfg, &err), COOP_OK), "%s", err.text);
    coop_infer inf;
    cr_assert(eq(int, coop_infer_load(&cfg, &inf, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, inf.n_params, 1));
    cr_assert(eq(int, inf.n_models, 2));
    cr_assert(eq(int, inf.model[0].n_free, 1));
    cr_assert(eq(int, inf.model[1].n_free, 0)); /* fair fixes p */
    cr_assert(eq(int, inf.target[0].step_from, 0));
    cr_assert(eq(int, inf.target[0].step_to, 20));
    coop_record *rec = coop_record_alloc(&cfg, 1);
    cr_assert(rec != NULL);
    for (int s = 0; s < 20; s++) /* A cooperates in steps 0..6 and 19 is undefined */
        rec->actor[((size_t)s * 2 + 0) * COOP_ACTOR_METRICS + COOP_A_COOP_RATE] =
            s < 7 ? 1.0 : s == 19 ? NAN : 0.0;
    coop_infer_target t = inf.target[0];
    cr_assert(epsilon_eq(dbl, coop_infer_target_value(&t, rec, NULL), 7.0 / 19.0, 1e-15));
    t.step_from = 5; /* steps 5..9: 1, 1, 0, 0, 0 */
    t.step_to = 10;
    cr_assert(epsilon_eq(dbl, coop_infer_target_value(&t, rec, NULL), 0.4, 1e-15));
    t.step_from = 19;
    t.step_to = 20;
    cr_assert(isnan(coop_infer_target_value(&t, rec, NULL)));
    /* d = |7/19 - 0.35| / 0.05 */
    cr_assert(epsilon_eq(dbl, coop_infer_distance(&inf, &cfg, rec), (7.0 / 19.0 - 0.35) / 0.05, 1e-12));
    inf.target[0] = t; /* an undefined target: the run is never accepted */
    cr_assert(isinf(coop_infer_distance(&inf, &cfg, rec)));
    coop_record_free(rec);
    coop_config_destroy(&cfg);
}

/* ---- configuration errors ---- */

/* COIN with its infer group replaced by `group`, run: exit 2 and err holding want. */
static void refused(const char *group, const char *want)
{
    size_t size;
    char *text = slurp_or_fail(COIN, &size);
    char *cut = strstr(text, "infer = {");
    cr_assert(cut != NULL);
    *cut = '\0';
    char dir[64], path[128], out[128];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.cfg", dir);
    snprintf(out, sizeof out, "%s/r", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%sinfer = {\n%s\n};\n", text, group);
    fclose(f);
    free(text);
    e2e_result *r = e2e_run("infer %s -o %s --quiet", path, out);
    cr_assert(eq(int, r->status, 2), "%s: status %d: %s", want, r->status, r->err);
    cr_assert(strstr(r->err, want) != NULL, "want '%s' in: %s", want, r->err);
    cr_assert(strstr(r->err, "bad.cfg:") != NULL, "%s", r->err);
    cr_assert(e2e_exists(out) == 0, "a results directory was left behind");
    e2e_rmrf(dir);
}

#define PARAM "parameters = ( { path = \"actors.A.rule_params.p\"; prior = \"uniform\"; " \
              "min = 0.0; max = 1.0; } );"
#define TARGET "targets = ( { metric = \"actors.A.coop_rate\"; observed = 0.35; scale = 0.05; } );"

/* Every timed test of this suite has the same timeout: Criterion 2.4's runner leaks 48
 * bytes (LeakSanitizer fails `make sanitize`) when tests with different timeouts run
 * at once under --jobs 2. */
Test(infer, configuration_errors, .timeout = 120)
{
    refused(TARGET, "infer.parameters: a list ( {...}, ... ) of at least one group is required");
    refused(PARAM, "infer.targets: a list");
    refused("quantile = 1.5; " PARAM TARGET, "infer.quantile = 1.5: allowed (0, 1)");
    refused("populaton = 100; " PARAM TARGET, "unknown key `populaton`");
    refused("max_simulations = 10; population = 100; " PARAM TARGET,
            "infer.max_simulations = 10: allowed >= infer.population (100)");
    refused("parameters = ( { path = \"actors.A.rule_params.p\"; prior = \"normal\"; mean = 0.5; "
            "sd = 0.1; } );" TARGET, "reaches -0.3, outside the parameter's range");
    refused("parameters = ( { path = \"actors.Z.openness\"; prior = \"uniform\"; min = 0.0; "
            "max = 1.0; } );" TARGET, "infer.parameters.0.path = \"actors.Z.openness\"");
    refused("parameters = ( { path = \"actors.A.rule_params.p\"; prior = \"gamma\"; } );" TARGET,
            "prior = \"gamma\": allowed uniform, loguniform, normal, beta");
    refused(PARAM "targets = ( { metric = \"actors.A.wealth\"; observed = 1.0; scale = 1.0; } );",
            "infer.targets.0.metric = \"actors.A.wealth\": allowed");
    refused(PARAM "targets = ( { metric = \"actors.A.coop_rate\"; from = 5.0; to = 5.0; "
            "observed = 1.0; scale = 1.0; } );", "the window [5, 5) holds no step");
    refused(PARAM "targets = ( { metric = \"actors.A.coop_rate\"; observed = 1.0; scale = 0.0; } );",
            "infer.targets.0.scale = 0: allowed (0, inf]");
    refused(PARAM TARGET "models = ( { name = \"a\"; set = [ \"actors.A.rule_params.p=2\" ]; } );",
            "infer.models.0.set.0 = \"actors.A.rule_params.p=2\"");
}

/* ---- hypothesis --posterior ---- */

/* Column `want` of the row of dir/file whose `outcome` is name (and whose
 * `comparison` is cmp, when cmp is given; and whose `state` is "all", the pooled
 * row, when the file has that column), read with the project's CSV reader. */
static double csv_diff(const char *dir, const char *file, const char *name, const char *cmp,
                       const char *want)
{
    coop_csv_reader c = {0};
    coop_err err = {0};
    cr_assert(eq(int, coop_csv_reader_open(&c, dir, file, &err), COOP_OK), "%s", err.text);
    int io = coop_csv_reader_col(&c, "outcome"), ic = coop_csv_reader_col(&c, "comparison");
    int is = coop_csv_reader_col(&c, "state"), iw = coop_csv_reader_col(&c, want);
    cr_assert(io >= 0 && iw >= 0 && (!cmp || ic >= 0), "%s/%s: columns", dir, file);
    double v = NAN;
    int got = 0, found = 0;
    while (coop_csv_reader_next(&c, &got, &err) == COOP_OK && got) {
        if (strcmp(c.fld[io], name) != 0 || (cmp && strcmp(c.fld[ic], cmp) != 0) ||
            (is >= 0 && strcmp(c.fld[is], "all") != 0))
            continue;
        cr_assert(eq(int, coop_csv_reader_num(&c, iw, &v, &err), COOP_OK), "%s", err.text);
        found++;
    }
    coop_csv_reader_close(&c);
    cr_assert(eq(int, found, 1), "%s/%s: %d rows of %s", dir, file, found, name);
    return v;
}

/* A posterior that is a point mass at the configuration's own values: every
 * replicate then runs exactly what `coopsim hypothesis` runs (the same keys), so
 * the mean paired differences must equal hypothesis.csv's to its 10 digits. */
Test(infer, hypothesis_posterior_point_mass, .timeout = 120)
{
    char d[64], post[128], o1[128], o2[128];
    e2e_tmpdir(d, sizeof d);
    snprintf(post, sizeof post, "%s/post", d);
    snprintf(o1, sizeof o1, "%s/hp", d);
    snprintf(o2, sizeof o2, "%s/h", d);
    posterior_fixture(post, "0.085,0.036");
    e2e_result *r = e2e_run("hypothesis configs/eu_ca_history.cfg --posterior %s --replicates 30 "
                            "-o %s --quiet --set hypothesis.channels=false", post, o1);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert(strstr(r->out, "model motivator's posterior (2 particles)") != NULL, "%s", r->out);
    /* the plain test's report on the same runs: placebos and per-state rows */
    cr_assert(strstr(r->out, "factual vs placebo") && strstr(r->out, "\nPer state ("), "%s",
              r->out);
    r = e2e_run("hypothesis configs/eu_ca_history.cfg --replicates 30 -o %s --quiet "
                "--set hypothesis.channels=false", o2);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s/posterior_hypothesis.csv", o1);
    snprintf(p2, sizeof p2, "%s/hypothesis.csv", o2);
    /* ... whose hypothesis.csv is the plain command's, byte for byte */
    snprintf(p1, sizeof p1, "%s/hypothesis.csv", o1);
    cr_assert(e2e_same_file(p1, p2), "%s differs from %s", p1, p2);
    snprintf(p1, sizeof p1, "%s/posterior_hypothesis.csv", o1);
    cr_assert(e2e_file_has(p1, ",30,placebo:UZ,all,30,1,") && e2e_file_has(p1, ",counterfactual,UZ,30,1,"));
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        double a = csv_diff(o1, "posterior_hypothesis.csv", coop_outcome_names[o],
                            "counterfactual", "diff");
        double b = csv_diff(o2, "hypothesis.csv", coop_outcome_names[o], "counterfactual", "diff");
        cr_assert(fabs(a - b) <= 1e-8 * (1 + fabs(b)), "%s: %.10g != %.10g",
                  coop_outcome_names[o], a, b);
    }
    r = e2e_run("run configs/eu_ca_history.cfg --posterior %s -o %s/x --quiet", post, d);
    cr_assert(eq(int, r->status, 2));
    cr_assert(strstr(r->err, "--posterior is an option of `coopsim hypothesis` only") != NULL);
    e2e_rmrf(d);
}

/* ---- hypothesis --posterior: draws x replicates, verdict regions ---- */

#define PT_A "actors.KZ.motivator.initiative_rate=0.085 --set actors.KZ.motivator.brokerage=0.036"
#define PT_B "actors.KZ.motivator.initiative_rate=0.01 --set actors.KZ.motivator.brokerage=0.01"
#define PLAIN "hypothesis configs/eu_ca_history.cfg -o %s --quiet --set hypothesis.channels=false"

/* The counterfactual's mean paired difference of outcome o over n replicates of
 * the plain `coopsim hypothesis` at point pt (its replicates 0 .. n-1), NaN unless
 * every replicate defines it (tag names its directory). */
static double plain_mean(const char *d, char tag, const char *pt, int n, int o)
{
    char out[128];
    snprintf(out, sizeof out, "%s/plain_%d_%c", d, n, tag);
    if (!e2e_exists(out)) { /* run once, read for every outcome */
        e2e_result *r = e2e_run(PLAIN " --replicates %d --set %s", out, n, pt);
        cr_assert(eq(int, r->status, 0), "%s", r->err);
    }
    double got = csv_diff(out, "hypothesis.csv", coop_outcome_names[o], "counterfactual", "n");
    return got == n ? csv_diff(out, "hypothesis.csv", coop_outcome_names[o], "counterfactual",
                               "diff")
                    : NAN;
}

/* Region of a draw's mean: 0 above +s, 1 within, 2 below -s. */
static int region_of(double mean, double s)
{
    return mean > s ? 0 : mean < -s ? 2 : 1;
}

/* Checks the region columns of outcome o's pooled counterfactual row of dir
 * against the draws' means (k of them). */
static void check_regions(const char *dir, int o, const double *mean, int k, double s)
{
    static const char *const col[3] = {"p_above", "p_within", "p_below"};
    static const char *const se[3] = {"p_above_se", "p_within_se", "p_below_se"};
    int cnt[3] = {0, 0, 0};
    for (int i = 0; i < k; i++)
        cnt[region_of(mean[i], s)]++;
    cr_assert(eq(dbl, csv_diff(dir, "posterior_hypothesis.csv", coop_outcome_names[o],
                               "counterfactual", "draws"), k));
    for (int i = 0; i < 3; i++) {
        double p = (double)cnt[i] / k;
        double got = csv_diff(dir, "posterior_hypothesis.csv", coop_outcome_names[o],
                              "counterfactual", col[i]);
        double gse = csv_diff(dir, "posterior_hypothesis.csv", coop_outcome_names[o],
                              "counterfactual", se[i]);
        cr_assert(fabs(got - p) < 1e-12, "%s %s: %g, want %g", coop_outcome_names[o], col[i],
                  got, p);
        cr_assert(fabs(gse - sqrt(p * (1 - p) / k)) < 1e-9, "%s %s: %g", coop_outcome_names[o],
                  se[i], gse);
    }
}

/* Known answers from plain runs.  (1) A point mass at A, 1 draw x 20 replicates:
 * the draw runs the plain command's replicates 0..19, so its mean is the plain
 * diff, and it is `uncertain` when within 2 standard errors (from its own t
 * interval) of +-SESOI.  (2) A two-point posterior, A weight 1/4 and B 3/4, 4
 * draws x 20: systematic resampling gives draws A, B, B, B for any u, running
 * replicates 0..19 at A and 20..79 at B, so each B draw's mean follows from the
 * plain command's means over 20, 40, 60, 80 replicates at B.  (3) Model averaging
 * over motivator (A) and none at 1/2 each, 2 draws x 20: draw 0 is A's, draw 1
 * none's, whose effect is 0 in every replicate. */
Test(infer, hypothesis_posterior_regions_known, .timeout = 240)
{
    char d[64], post[128], o1[128], o2[128], o3[128], path[256];
    e2e_tmpdir(d, sizeof d);
    snprintf(post, sizeof post, "%s/post", d);
    snprintf(o1, sizeof o1, "%s/h1", d);
    snprintf(o2, sizeof o2, "%s/h2", d);
    snprintf(o3, sizeof o3, "%s/h3", d);
    cr_assert(mkdir(post, 0777) == 0);
    static const char *const head = "generation,model,particle,weight,distance,"
                                    "actors.KZ.motivator.initiative_rate,"
                                    "actors.KZ.motivator.brokerage\n";
    char text[1024];
    snprintf(path, sizeof path, "%s/models.csv", post);
    write_file(path, "generation,model,probability,particles,bayes_factor\n"
                     "3,motivator,0.5,1,1\n3,none,0.5,1,1\n");
    snprintf(path, sizeof path, "%s/posterior.csv", post);
    snprintf(text, sizeof text, "%s3,motivator,0,1,0.1,0.085,0.036\n3,none,1,1,0.1,,\n", head);
    write_file(path, text);
    e2e_result *r = e2e_run("hypothesis configs/eu_ca_history.cfg --posterior %s -o %s --quiet "
                            "--set hypothesis.channels=false --set hypothesis.posterior_draws=1 "
                            "--set hypothesis.replicates_per_draw=20", post, o1);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert(strstr(r->out, "20 replicates per world (1 draws x 20 replicates per draw)") != NULL,
              "%s",
              r->out);
    r = e2e_run("hypothesis configs/eu_ca_history.cfg --posterior %s -o %s --quiet "
                "--set hypothesis.channels=false --set hypothesis.posterior_draws=2 "
                "--set hypothesis.replicates_per_draw=20 --set hypothesis.posterior_models=all",
                post, o3);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert(strstr(r->out, "(motivator 0.5, none 0.5; 2 particles)") != NULL, "%s", r->out);
    snprintf(text, sizeof text, "%s3,motivator,0,0.25,0.1,0.085,0.036\n"
                                "3,motivator,1,0.75,0.1,0.01,0.01\n3,none,2,1,0.1,,\n", head);
    write_file(path, text);
    r = e2e_run("hypothesis configs/eu_ca_history.cfg --posterior %s -o %s --quiet "
                "--set hypothesis.channels=false --set hypothesis.posterior_draws=4 "
                "--set hypothesis.replicates_per_draw=20", post, o2);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    int checked = 0;
    double t = gsl_cdf_tdist_Pinv(0.975, 19);
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        const char *on = coop_outcome_names[o];
        double a = plain_mean(d, 'a', PT_A, 20, o), b[4];
        for (int i = 0; i < 4; i++)
            b[i] = plain_mean(d, 'b', PT_B, 20 * (i + 1), o);
        if (isnan(a) || isnan(b[0]) || isnan(b[1]) || isnan(b[2]) || isnan(b[3]))
            continue; /* a replicate leaves it undefined: no block means */
        double s = csv_diff(o1, "posterior_hypothesis.csv", on, "counterfactual", "sesoi");
        /* (1) */
        double lo = csv_diff(o1, "posterior_hypothesis.csv", on, "counterfactual", "ci_lo");
        double hi = csv_diff(o1, "posterior_hypothesis.csv", on, "counterfactual", "ci_hi");
        double two_se = 2 * (hi - lo) / (2 * t);
        int unsure = fabs(a - s) < two_se || fabs(a + s) < two_se;
        cr_assert(fabs(csv_diff(o1, "posterior_hypothesis.csv", on, "counterfactual", "diff") -
                       a) <= 1e-8 * (1 + fabs(a)), "%s", on);
        check_regions(o1, o, &a, 1, s);
        cr_assert(eq(dbl, csv_diff(o1, "posterior_hypothesis.csv", on, "counterfactual",
                                   "uncertain_share"), unsure), "%s", on);
        /* (2): B's blocks 20..39, 40..59, 60..79 */
        double mean[4] = {a, 2 * b[1] - b[0], 3 * b[2] - 2 * b[1], 4 * b[3] - 3 * b[2]};
        check_regions(o2, o, mean, 4, s);
        double all = (a + mean[1] + mean[2] + mean[3]) / 4;
        cr_assert(fabs(csv_diff(o2, "posterior_hypothesis.csv", on, "counterfactual", "diff") -
                       all) <= 1e-7 * (1 + fabs(all)), "%s", on);
        /* (3) */
        double avg[2] = {a, 0};
        check_regions(o3, o, avg, 2, s);
        cr_assert(fabs(csv_diff(o3, "posterior_hypothesis.csv", on, "counterfactual", "diff") -
                       a / 2) <= 1e-8 * (1 + fabs(a)), "%s", on);
        cr_assert(eq(dbl, csv_diff(o3, "posterior_hypothesis.csv", on, "counterfactual",
                                   "uncertain_share"), unsure / 2.0), "%s", on);
        checked++;
    }
    cr_assert(checked >= 4, "only %d outcomes defined in every replicate", checked);
    /* posterior_models = "all" needs the infer group's models */
    r = e2e_run("hypothesis configs/eu_ca.cfg --posterior %s -o %s/x --quiet "
                "--set hypothesis.posterior_models=all", post, d);
    cr_assert(eq(int, r->status, 2), "%s", r->err);
    cr_assert(strstr(r->err, "hypothesis.posterior_models = \"all\" needs the models") != NULL, "%s",
              r->err);
    e2e_rmrf(d);
}

/* configs/infer/eu_ca_joint.cfg is configs/eu_ca_history.cfg with another infer
 * group (libconfig refuses a second one after an @include): the scenarios stay
 * equal. */
Test(infer, joint_config_is_the_history_scenario)
{
    char *a = scenario_text("configs/eu_ca_history.cfg");
    char *b = scenario_text("configs/infer/eu_ca_joint.cfg");
    cr_expect(eq(str, a, b), "configs/infer/eu_ca_joint.cfg has drifted from "
                             "configs/eu_ca_history.cfg: copy the changed values over");
    free(a);
    free(b);
}
