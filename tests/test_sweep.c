/* test_sweep.c: sweep points (coop_sweep.h), the sweep group of the
 * configuration, the lazy (chunked) experiment, the progress sink's stop flag,
 * and the resumable sweep directory (coop_output_open_sweep).
 *
 * Known values: grid order (last parameter fastest), Latin hypercube strata (one
 * point per stratum of every parameter, log scale too), Sobol points equal to
 * GSL's gsl_qrng_sobol scaled, list rows.  Errors: every check of the sweep group
 * with its message, and the combinations only coop_sweep_alloc can see.  The
 * directory: an interrupted sweep, with a torn progress line and half a point of
 * garbage after it, resumes to files byte-identical to an uninterrupted run; a
 * write that fails (RLIMIT_FSIZE, like a full disk) leaves whole points and
 * resumes too. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_qrng.h>

#include "coop_experiment.h"
#include "coop_output.h"
#include "coop_progress.h"
#include "coop_rng.h"
#include "coop_sweep.h"
#include "files.h"
#include "plan.h"
#include "scenario_text.h"

static char base[64];

static void setup(void)
{
    strcpy(base, "/tmp/coop_sweep_XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", base);
}

TestSuite(sweep, .init = setup, .fini = teardown);

/* A small scenario; `sweep` is appended as the last lines of the file. */
static const char scenario[] =
    "experiment = { name = \"sw\"; seed = 3; replicates = 3; };\n"
    "time = { start = 2000.0; end = 2003.0; steps_per_year = 4; };\n"
    "actors = ( { name = \"A\"; region = \"r\"; }, { name = \"B\"; region = \"r\"; motivator = {\n"
    "  target = \"A\"; initiative_rate = 0.2; initiative_impact = 0.1; }; }, { name = \"C\"; } );\n"
    "ties = ( { a = \"A\"; b = \"B\"; }, { a = \"B\"; b = \"C\"; } );\n";
enum { SCENARIO_LINES = 5 };

/* Loads scenario + extra; returns the status, cfg filled on success. */
static int load_with(const char *extra, const char *const *ov, size_t n_ov, coop_config *cfg,
                     coop_err *err)
{
    char path[128], *text = malloc(strlen(scenario) + strlen(extra) + 1);
    snprintf(path, sizeof path, "%s/c.cfg", base);
    strcpy(text, scenario);
    strcat(text, extra);
    write_file(path, text);
    free(text);
    memset(cfg, 0, sizeof *cfg);
    return coop_config_load(path, ov, n_ov, cfg, err);
}

static void load_ok(const char *extra, coop_config *cfg)
{
    coop_err err = {0};
    cr_assert(eq(int, load_with(extra, NULL, 0, cfg, &err), COOP_OK), "%s", err.text);
}

static coop_sweep *sweep_of(const char *extra, coop_config *cfg)
{
    load_ok(extra, cfg);
    coop_err err = {0};
    coop_sweep *s = coop_sweep_alloc(cfg, &err);
    cr_assert_not_null(s, "%s", err.text);
    return s;
}

/* ---- points ---- */

Test(sweep, grid_is_full_factorial_last_parameter_fastest)
{
    coop_config cfg;
    coop_sweep *s = sweep_of("sweep = { method = \"grid\"; parameters = (\n"
                             "  { path = \"noise\"; values = [ 0.0, 0.1 ]; },\n"
                             "  { path = \"engagement.delta\"; values = [ 0.01, 0.02, 0.03 ]; } ); };\n",
                             &cfg);
    cr_assert(eq(int, coop_sweep_size(s), 6));
    cr_assert(eq(sz, coop_sweep_n_params(s), 2));
    cr_assert(eq(str, (char *)coop_sweep_param(s, 1), "engagement.delta"));
    const double want[6][2] = {{0.0, 0.01}, {0.0, 0.02}, {0.0, 0.03},
                               {0.1, 0.01}, {0.1, 0.02}, {0.1, 0.03}};
    for (int p = 0; p < 6; p++) {
        double v[2];
        coop_sweep_values(s, p, v);
        cr_assert(eq(dbl, v[0], want[p][0]));
        cr_assert(eq(dbl, v[1], want[p][1]));
    }
    /* A point's configuration: the base with the values set, without the sweep. */
    coop_config pc;
    coop_err err = {0};
    cr_assert(eq(int, coop_sweep_config(s, 4, &pc, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(dbl, pc.noise, 0.1));
    cr_assert(eq(dbl, pc.eng_delta, 0.02));
    cr_assert(eq(int, pc.sweep.present, 0));
    cr_assert(eq(int, pc.n_actors, 3));
    cr_assert(eq(dbl, cfg.noise, 0.01), "the base is unchanged");
    coop_config_destroy(&pc);
    cr_assert(eq(int, coop_sweep_config(s, 6, &pc, &err), COOP_EINVAL));
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

/* The stratum of v among n equal ones of [lo, hi] (log scale when lg). */
static int stratum(double v, double lo, double hi, int lg, int n)
{
    double x = lg ? (log(v) - log(lo)) / (log(hi) - log(lo)) : (v - lo) / (hi - lo);
    return (int)floor(x * n);
}

Test(sweep, lhs_puts_one_point_in_every_stratum)
{
    coop_config cfg;
    coop_sweep *s = sweep_of("sweep = { method = \"lhs\"; n = 37; seed = 8; parameters = (\n"
                             "  { path = \"noise\"; min = 0.0; max = 0.5; },\n"
                             "  { path = \"engagement.delta\"; min = 0.001; max = 0.5; log = true; },\n"
                             "  { path = \"actors.B.motivator.brokerage\"; min = 0.2; max = 0.3; } ); };\n",
                             &cfg);
    const double lo[3] = {0.0, 0.001, 0.2}, hi[3] = {0.5, 0.5, 0.3};
    cr_assert(eq(int, coop_sweep_size(s), 37));
    for (int j = 0; j < 3; j++) {
        int count[37] = {0};
        double omin = 1.0, omax = 0.0; /* where in its stratum a point lies, 0..1 */
        for (int p = 0; p < 37; p++) {
            double v[3];
            coop_sweep_values(s, p, v);
            cr_assert(v[j] >= lo[j] && v[j] <= hi[j]);
            int k = stratum(v[j], lo[j], hi[j], j == 1, 37);
            cr_assert(k >= 0 && k < 37, "parameter %d point %d: stratum %d", j, p, k);
            count[k]++;
            double x = j == 1 ? (log(v[j]) - log(lo[j])) / (log(hi[j]) - log(lo[j]))
                              : (v[j] - lo[j]) / (hi[j] - lo[j]);
            double off = x * 37 - k;
            omin = off < omin ? off : omin;
            omax = off > omax ? off : omax;
        }
        for (int k = 0; k < 37; k++)
            cr_assert(eq(int, count[k], 1), "parameter %d: stratum %d holds %d points", j, k,
                      count[k]);
        /* uniform within its stratum, not at a fixed place: 37 uniform offsets span
         * less than half the stratum with probability 37 * 0.5^36 = 5e-10 */
        cr_assert(gt(dbl, omax - omin, 0.5), "parameter %d: offsets in [%g, %g]", j, omin, omax);
    }
    /* The same seed gives the same points; another seed other points. */
    coop_config c2;
    coop_sweep *same = sweep_of("sweep = { method = \"lhs\"; n = 37; seed = 8; parameters = (\n"
                                "  { path = \"noise\"; min = 0.0; max = 0.5; },\n"
                                "  { path = \"engagement.delta\"; min = 0.001; max = 0.5; log = true; },\n"
                                "  { path = \"actors.B.motivator.brokerage\"; min = 0.2; max = 0.3; } ); };\n",
                                &c2);
    double a[3], b[3];
    for (int p = 0; p < 37; p++) {
        coop_sweep_values(s, p, a);
        coop_sweep_values(same, p, b);
        cr_assert(eq(int, memcmp(a, b, sizeof a), 0));
    }
    coop_sweep_free(same);
    coop_config_destroy(&c2);
    coop_sweep *other = sweep_of("sweep = { method = \"lhs\"; n = 37; seed = 9; parameters = (\n"
                                 "  { path = \"noise\"; min = 0.0; max = 0.5; } ); };\n", &c2);
    coop_sweep_values(s, 0, a);
    coop_sweep_values(other, 0, b);
    cr_assert(ne(dbl, a[0], b[0]));
    coop_sweep_free(other);
    coop_config_destroy(&c2);
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

Test(sweep, lhs_seed_defaults_to_the_experiment_seed)
{
    coop_config cfg;
    coop_err err = {0};
    const char *sw = "sweep = { method = \"lhs\"; n = 4; parameters = (\n"
                     "  { path = \"noise\"; min = 0.0; max = 0.5; } ); };\n";
    load_ok(sw, &cfg);
    cr_assert(eq(u64, (uint64_t)cfg.sweep.seed, 3));
    coop_config_destroy(&cfg);
    const char *ov[] = {"experiment.seed=4000000000"};
    cr_assert(eq(int, load_with(sw, ov, 1, &cfg, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(u64, (uint64_t)cfg.sweep.seed, 4000000000ULL));
    coop_config_destroy(&cfg);
}

Test(sweep, sobol_points_are_gsl_qrng_sobol_scaled)
{
    coop_config cfg;
    coop_sweep *s = sweep_of("sweep = { method = \"sobol\"; n = 100; parameters = (\n"
                             "  { path = \"noise\"; min = 0.0; max = 0.5; },\n"
                             "  { path = \"engagement.alpha\"; min = 0.1; max = 0.9; },\n"
                             "  { path = \"engagement.delta\"; min = 0.001; max = 0.5; log = true; } ); };\n",
                             &cfg);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 3);
    cr_assert_not_null(q);
    for (int p = 0; p < 100; p++) {
        double x[3], v[3];
        cr_assert(eq(int, gsl_qrng_get(q, x), 0));
        coop_sweep_values(s, p, v);
        cr_assert(eq(dbl, v[0], 0.0 + x[0] * (0.5 - 0.0)), "point %d", p);
        cr_assert(eq(dbl, v[1], 0.1 + x[1] * (0.9 - 0.1)), "point %d", p);
        cr_assert(eq(dbl, v[2], exp(log(0.001) + x[2] * (log(0.5) - log(0.001)))), "point %d", p);
    }
    /* The first point of the sequence is the centre of the cube. */
    double v[3];
    coop_sweep_values(s, 0, v);
    cr_assert(eq(dbl, v[0], 0.25));
    cr_assert(eq(dbl, v[1], 0.5));
    gsl_qrng_free(q);
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

Test(sweep, list_rows_in_order)
{
    coop_config cfg;
    coop_sweep *s = sweep_of("sweep = { method = \"list\"; parameters = (\n"
                             "  { path = \"noise\"; }, { path = \"actors.A.goals.pd\"; } );\n"
                             "  rows = ( [ 0.0, 1.0 ], [ 0.25, 1.0 ], ( 0.5, 1 ) ); };\n",
                             &cfg);
    cr_assert(eq(int, coop_sweep_size(s), 3));
    double v[2];
    coop_sweep_values(s, 1, v);
    cr_assert(eq(dbl, v[0], 0.25));
    coop_sweep_values(s, 2, v);
    cr_assert(eq(dbl, v[0], 0.5));
    cr_assert(eq(dbl, v[1], 1.0));
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

/* The printed configuration (manifest) reloads to the same text, for every method. */
Test(sweep, printer_round_trip)
{
    const char *groups[] = {
        "sweep = { method = \"grid\"; parameters = ( { path = \"noise\"; values = [ 0.0, 0.1 ]; } ); };\n",
        "sweep = { method = \"lhs\"; n = 5; seed = 4294967295L; parameters = ( { path = \"noise\"; "
        "min = 0.0; max = 0.5; }, { path = \"engagement.delta\"; min = 0.01; max = 0.1; log = true; } ); };\n",
        "sweep = { method = \"sobol\"; n = 9; parameters = ( { path = \"noise\"; min = 0; max = 0.5; } ); };\n",
        "sweep = { method = \"list\"; parameters = ( { path = \"noise\"; }, { path = \"engagement.alpha\"; } );"
        " rows = ( [ 0.1, 0.2 ], [ 0.3, 0.4 ] ); };\n",
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        coop_config a, b;
        load_ok(groups[i], &a);
        char *t1 = NULL, *t2 = NULL;
        size_t n1, n2;
        FILE *m = open_memstream(&t1, &n1);
        cr_assert(eq(int, coop_config_print(&a, m), COOP_OK));
        fclose(m);
        cr_assert_not_null(strstr(t1, "\nsweep = {\n"), "%s", t1);
        char path[128];
        snprintf(path, sizeof path, "%s/printed.cfg", base);
        write_file(path, t1);
        coop_err err = {0};
        cr_assert(eq(int, coop_config_load(path, NULL, 0, &b, &err), COOP_OK), "%s\n%s", err.text, t1);
        m = open_memstream(&t2, &n2);
        cr_assert(eq(int, coop_config_print(&b, m), COOP_OK));
        fclose(m);
        cr_assert(eq(str, t1, t2));
        /* A deep copy keeps the sweep. */
        coop_config c;
        cr_assert(eq(int, coop_config_copy(&c, &b, &err), COOP_OK));
        cr_assert(eq(int, c.sweep.present, 1));
        cr_assert(eq(sz, c.sweep.n_params, b.sweep.n_params));
        coop_config_destroy(&c);
        free(t1);
        free(t2);
        coop_config_destroy(&a);
        coop_config_destroy(&b);
    }
    /* Without a sweep group nothing is printed for it. */
    coop_config a;
    load_ok("", &a);
    char *t = NULL;
    size_t n;
    FILE *m = open_memstream(&t, &n);
    coop_config_print(&a, m);
    fclose(m);
    cr_assert_null(strstr(t, "sweep"));
    free(t);
    coop_config_destroy(&a);
}

/* ---- errors ---- */

typedef struct bad_case {
    const char *sweep;
    const char *fragment;
} bad_case;

Test(sweep, configuration_errors)
{
    static const bad_case cases[] = {
        {"sweep = { parameters = ( { path = \"actors.Z.openness\"; values = [ 0.5 ]; } ); };",
         "sweep.parameters.0.path = \"actors.Z.openness\": no actor named 'Z'"},
        {"sweep = { parameters = ( { path = \"experiment.replicates\"; values = [ 5 ]; } ); };",
         "names no numeric parameter"},
        {"sweep = { method = \"lhs\"; parameters = ( { path = \"noise\"; min = 0.3; max = 0.1; } ); };",
         "sweep.parameters.0.max = 0.1 is below sweep.parameters.0.min = 0.3"},
        {"sweep = { method = \"lhs\"; n = 0; parameters = ( { path = \"noise\"; min = 0; max = 0.1; } ); };",
         "sweep.n = 0 is out of range [1, 65535]"},
        {"sweep = { method = \"sobol\"; n = 65536; parameters = ( { path = \"noise\"; min = 0; max = 0.1; } ); };",
         "sweep.n = 65536 is out of range [1, 65535]"},
        {"sweep = { method = \"lhs\"; parameters = ( { path = \"noise\"; min = 0.0; max = 0.7; } ); };",
         "sweep.parameters.0.max = 0.7 is outside the range of noise: [0, 0.5]"},
        {"sweep = { method = \"lhs\"; parameters = ( { path = \"engagement.delta\"; min = 0.0; "
         "max = 0.1; log = true; } ); };", "log = true needs min > 0"},
        {"sweep = { parameters = ( { path = \"noise\"; values = [ 0.1, 0.6 ]; } ); };",
         "sweep.parameters.0.values.1 = 0.6 is outside the range of noise: [0, 0.5]"},
        {"sweep = { parameters = ( { path = \"noise\"; values = [ ]; } ); };", "is empty"},
        {"sweep = { parameters = ( { path = \"noise\"; values = [ 0.0, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5 ]; },"
         " { path = \"engagement.delta\"; values = [ 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 ]; },"
         " { path = \"engagement.alpha\"; values = [ 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 ]; },"
         " { path = \"actors.A.openness\"; values = [ 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 ]; },"
         " { path = \"actors.B.openness\"; values = [ 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 ]; } ); };",
         "the grid has 70000 points (the product of the numbers of values): at most 65535"},
        {"sweep = { parameters = ( { path = \"noise\"; values = [ 0.0 ]; },"
         " { path = \"noise\"; values = [ 0.1 ]; } ); };", "the same parameter as sweep.parameters.0"},
        {"sweep = { method = \"grid\"; parameters = ( { path = \"noise\"; min = 0.0; max = 0.1; } ); };",
         "sweep.parameters.0.min: only methods lhs and sobol sample a range"},
        {"sweep = { method = \"lhs\"; parameters = ( { path = \"noise\"; values = [ 0.1 ]; } ); };",
         "a list of values belongs to method = \"grid\""},
        {"sweep = { method = \"lhs\"; parameters = ( { path = \"noise\"; min = 0.0; } ); };",
         "missing required setting 'max'"},
        {"sweep = { parameters = ( { path = \"noise\"; } ); };", "missing required setting 'values'"},
        {"sweep = { method = \"list\"; parameters = ( { path = \"noise\"; } ); rows = ( [ 0.1, 0.2 ] ); };",
         "sweep.rows.0 has 2 values: it needs one per parameter (1)"},
        {"sweep = { method = \"list\"; parameters = ( { path = \"noise\"; } ); };",
         "missing required setting 'rows'"},
        {"sweep = { parameters = ( { path = \"noise\"; values = [ 0.1 ]; } ); rows = ( [ 0.1 ] ); };",
         "only method = \"list\" takes rows"},
        {"sweep = { method = \"random\"; parameters = ( { path = \"noise\"; values = [ 0.1 ]; } ); };",
         "sweep.method = \"random\" is not one of grid, lhs, sobol, list"},
        {"sweep = { method = \"grid\"; };", "missing required setting 'parameters'"},
        {"sweep = { parameters = ( ); };", "sweep.parameters = ( ) is empty"},
        {"sweep = { parameters = ( { path = \"noise\"; values = [ 0.1 ]; step = 2; } ); };",
         "unknown setting 'sweep.parameters.0.step'"},
        {"sweep = { points = 3; parameters = ( { path = \"noise\"; values = [ 0.1 ]; } ); };",
         "unknown setting 'sweep.points'"},
        {"sweep = { method = \"lhs\"; parameters = ( { path = \"noise\"; min = 0.0; max = 0.1; "
         "log = 1; } ); };", "sweep.parameters.0.log = 1 has the wrong type: expected true or false"},
        {"sweep = 3;", "sweep = 3 has the wrong type: expected a group"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        coop_config cfg;
        coop_err err = {0};
        char text[2048];
        snprintf(text, sizeof text, "%s\n", cases[i].sweep);
        int st = load_with(text, NULL, 0, &cfg, &err);
        cr_expect(eq(int, st, COOP_ECONFIG), "case %zu: status %d (%s)", i, st, err.text);
        char where[160];
        snprintf(where, sizeof where, "%s/c.cfg:%d: ", base, SCENARIO_LINES + 1);
        cr_expect(eq(int, strncmp(err.text, where, strlen(where)), 0), "case %zu: %s", i, err.text);
        cr_expect_not_null(strstr(err.text, cases[i].fragment), "case %zu: expected '%s' in: %s",
                           i, cases[i].fragment, err.text);
        if (st == COOP_OK)
            coop_config_destroy(&cfg);
    }
}

Test(sweep, sobol_takes_at_most_40_parameters)
{
    /* 41 distinct numeric parameters of 14 actors. */
    char text[16384] = "sweep = { method = \"sobol\"; n = 4; parameters = (";
    static const char *const keys[3] = {"openness", "propensity", "engagement"};
    char actors[4096] = "actors = (";
    for (int a = 0; a < 14; a++)
        snprintf(actors + strlen(actors), sizeof actors - strlen(actors), "%s{ name = \"X%d\"; }",
                 a ? ", " : " ", a);
    strcat(actors, " );\n");
    for (int k = 0; k < 41; k++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "%s{ path = \"actors.X%d.%s\"; min = 0.0; max = 1.0; }", k ? ", " : " ", k / 3,
                 keys[k % 3]);
    strcat(text, " ); };\n");
    char path[128];
    snprintf(path, sizeof path, "%s/s.cfg", base);
    char *all = malloc(strlen(actors) + strlen(text) + 1);
    strcpy(all, actors);
    strcat(all, text);
    write_file(path, all);
    free(all);
    coop_config cfg;
    coop_err err = {0};
    cr_assert(eq(int, coop_config_load(path, NULL, 0, &cfg, &err), COOP_ECONFIG));
    cr_assert_not_null(strstr(err.text, "takes at most 40"), "%s", err.text);
}

/* What only a combination of values (or the events) can violate is found when
 * the sweep is built, before anything runs. */
Test(sweep, alloc_checks_every_point)
{
    coop_config cfg;
    coop_err err = {0};
    load_ok("sweep = { parameters = ( { path = \"institutions.theta.1\"; values = [ 0.2, 0.6 ]; } ); };\n",
            &cfg);
    cr_assert_null(coop_sweep_alloc(&cfg, &err));
    cr_assert(eq(int, err.code, COOP_ECONFIG));
    char want[512];
    snprintf(want, sizeof want, "%s/c.cfg:%d: sweep point 1 (institutions.theta.1 = 0.6): "
             "institutions.theta.1 = 0.6 would make institutions.theta decrease", base,
             SCENARIO_LINES + 1);
    cr_assert(eq(str, err.text, want));
    coop_config_destroy(&cfg);

    load_ok("events = ( { date = 2001.0; path = \"noise\"; op = \"add\"; value = 0.2; } );\n"
            "sweep = { parameters = ( { path = \"noise\"; values = [ 0.1, 0.4 ]; } ); };\n", &cfg);
    cr_assert_null(coop_sweep_alloc(&cfg, &err));
    cr_assert(eq(int, err.code, COOP_ECONFIG));
    cr_assert_not_null(strstr(err.text, "sweep point 1 (noise = 0.4): the event at 2001 on noise"),
                       "%s", err.text);
    coop_config_destroy(&cfg);

    load_ok("", &cfg);
    cr_assert_null(coop_sweep_alloc(&cfg, &err));
    cr_assert(eq(int, err.code, COOP_ECONFIG));
    cr_assert_not_null(strstr(err.text, "no sweep group"), "%s", err.text);
    coop_config_destroy(&cfg);
}

/* ---- running ---- */

/* A sink that folds every delivery into a hash, in order. */
typedef struct trace {
    uint64_t h;
    int calls, done;
    int stop_after;               /* set *flag after this many replicates (-1: never) */
    volatile sig_atomic_t *flag;
} trace;

static void mix(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211ULL;
    }
}

static int trace_rep(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    (void)err;
    trace *t = ctx;
    mix(&t->h, &it->point, sizeof it->point);
    mix(&t->h, &it->replicate, sizeof it->replicate);
    mix(&t->h, &it->seed, sizeof it->seed);
    mix(&t->h, &it->cfg->noise, sizeof it->cfg->noise);
    mix(&t->h, rec->outcome, sizeof rec->outcome);
    if (rec->keep_series)
        mix(&t->h, rec->actor, (size_t)rec->n_steps * rec->n_actors * COOP_ACTOR_METRICS *
                                   sizeof *rec->actor);
    if (++t->calls == t->stop_after && t->flag)
        *t->flag = SIGINT;
    return COOP_OK;
}

static int trace_done(void *ctx, int point, int world, const char *name, const coop_config *cfg,
                      coop_err *err)
{
    (void)world, (void)name, (void)cfg, (void)err;
    trace *t = ctx;
    mix(&t->h, &point, sizeof point);
    t->done++;
    return COOP_OK;
}

static int make_point(void *ctx, int point, int world, coop_config *cfg, coop_err *err)
{
    (void)world;
    return coop_sweep_config(ctx, point, cfg, err);
}

static const char *const factual[] = {"factual"};

static coop_plan plan_of(const coop_config *cfg, const coop_sweep *s, int point0)
{
    coop_plan plan = test_plan(coop_sweep_size(s) - point0, point0, 1, NULL, factual,
                               cfg->replicates, (uint32_t)cfg->seed);
    plan.keep_series = cfg->series != COOP_SERIES_NONE;
    return plan;
}

static const char sobol12[] =
    "sweep = { method = \"sobol\"; n = 12; parameters = (\n"
    "  { path = \"noise\"; min = 0.0; max = 0.2; },\n"
    "  { path = \"actors.B.motivator.demonstration\"; min = 0.0; max = 0.5; } ); };\n";

Test(sweep, lazy_plan_equals_full_plan_for_any_threads)
{
    coop_config cfg;
    coop_sweep *s = sweep_of(sobol12, &cfg);
    coop_plan plan = plan_of(&cfg, s, 0);
    coop_err err = {0};
    uint64_t h[3];
    for (int t = 0; t < 3; t++) {
        trace tr = {.h = 1469598103934665603ULL, .stop_after = -1};
        coop_sink sink = {.ctx = &tr, .replicate = trace_rep, .point_done = trace_done};
        cr_assert(eq(int, coop_experiment_run_lazy(&plan, make_point, s, t + 1, &sink, &err),
                     COOP_OK), "%s", err.text);
        cr_assert(eq(int, tr.calls, 12 * 3));
        cr_assert(eq(int, tr.done, 12));
        h[t] = tr.h;
    }
    cr_assert(eq(u64, h[0], h[1]));
    cr_assert(eq(u64, h[0], h[2]));

    /* The same items as one plan holding every configuration. */
    coop_config pcs[12];
    const coop_config *ptrs[12];
    for (int p = 0; p < 12; p++) {
        cr_assert(eq(int, coop_sweep_config(s, p, &pcs[p], &err), COOP_OK));
        ptrs[p] = &pcs[p];
    }
    coop_plan full = plan;
    full.cfg = ptrs;
    trace tr = {.h = 1469598103934665603ULL, .stop_after = -1};
    coop_sink sink = {.ctx = &tr, .replicate = trace_rep, .point_done = trace_done};
    cr_assert(eq(int, coop_experiment_run_plan(&full, 2, &sink, &err), COOP_OK));
    cr_assert(eq(u64, tr.h, h[0]));
    for (int p = 0; p < 12; p++)
        coop_config_destroy(&pcs[p]);

    /* Continuing from point 5 delivers exactly the tail. */
    coop_plan tail = plan_of(&cfg, s, 5);
    trace t5 = {.h = 7, .stop_after = -1};
    coop_sink s5 = {.ctx = &t5, .replicate = trace_rep, .point_done = trace_done};
    cr_assert(eq(int, coop_experiment_run_lazy(&tail, make_point, s, 2, &s5, &err), COOP_OK));
    cr_assert(eq(int, t5.calls, 7 * 3));
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

Test(sweep, stop_flag_interrupts_through_the_progress_sink)
{
    coop_config cfg;
    coop_sweep *s = sweep_of(sobol12, &cfg);
    coop_plan plan = plan_of(&cfg, s, 0);
    volatile sig_atomic_t flag = 0;
    trace tr = {.h = 1, .stop_after = 7, .flag = &flag};
    coop_sink inner = {.ctx = &tr, .replicate = trace_rep, .point_done = trace_done};
    coop_progress *pg = coop_progress_alloc(NULL, 12, 0, cfg.replicates, &flag);
    cr_assert_not_null(pg);
    coop_sink sink = coop_progress_sink(pg, &inner);
    coop_err err = {0};
    cr_assert(eq(int, coop_experiment_run_lazy(&plan, make_point, s, 2, &sink, &err), COOP_EINTR));
    cr_assert(eq(str, err.text, "interrupted"));
    cr_assert(eq(int, tr.calls, 7), "no replicate is delivered after the flag");
    cr_assert(eq(i64, coop_progress_runs(pg), 7));
    coop_progress_free(pg);
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

/* ---- the results directory of a sweep ---- */

static void same_file(const char *a, const char *b, const char *name)
{
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s/%s/%s", base, a, name);
    snprintf(pb, sizeof pb, "%s/%s/%s", base, b, name);
    size_t na, nb;
    char *x = slurp(pa, &na), *y = slurp(pb, &nb);
    cr_assert_not_null(x, "%s missing", pa);
    cr_assert_not_null(y, "%s missing", pb);
    cr_assert(na == nb && memcmp(x, y, na) == 0, "%s differs between %s and %s", name, a, b);
    free(x);
    free(y);
}

static int exists(const char *dir, const char *name)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s/%s", base, dir, name);
    return stat(p, &st) == 0;
}

/* Raises *flag once `left` replicates have gone through to inner. */
typedef struct stopper {
    coop_sink inner;
    int left;
    volatile sig_atomic_t *flag;
} stopper;

static int stop_rep(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    stopper *s = ctx;
    int st = s->inner.replicate(s->inner.ctx, it, rec, err);
    if (!st && --s->left == 0)
        *s->flag = SIGINT;
    return st;
}

static int stop_done(void *ctx, int point, int world, const char *name, const coop_config *cfg,
                     coop_err *err)
{
    stopper *s = ctx;
    return s->inner.point_done(s->inner.ctx, point, world, name, cfg, err);
}

/* Runs the sweep into base/name (resuming when asked: it must continue at point
 * expect_from), interrupted after stop_after replicates when > 0; closes the
 * directory as `coopsim sweep` does (interrupted, complete, or aborted on a write
 * error).  Checkpoints after every point.  Returns the experiment's status. */
static int run_sweep(const coop_config *cfg, const coop_sweep *s, const char *name, int resume,
                     int stop_after, int expect_from, coop_err *err)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", base, name);
    coop_run_info info;
    coop_run_info_start(&info, "test", 2);
    coop_sweep_output_opts o = {s, 1, 0, resume, &info};
    int from = -1;
    coop_output *out = coop_output_open_sweep(dir, cfg, &o, &from, err);
    cr_assert_not_null(out, "%s", err->text);
    coop_output_set_checkpoint(out, 0);
    cr_assert(eq(int, from, expect_from));
    volatile sig_atomic_t flag = 0;
    coop_sink os = coop_output_sink(out);
    coop_progress *pg = coop_progress_alloc(NULL, coop_sweep_size(s), from, cfg->replicates, &flag);
    coop_sink ps = coop_progress_sink(pg, &os);
    stopper st = {ps, stop_after, &flag};
    coop_sink ss = {.ctx = &st, .replicate = stop_rep, .point_done = stop_done};
    coop_plan plan = plan_of(cfg, s, from);
    int status = coop_experiment_run_lazy(&plan, make_point, (void *)s, 2, &ss, err);
    coop_progress_free(pg);
    if (status && status != COOP_EINTR) {
        coop_output_abort(out);
        return status;
    }
    coop_run_info_finish(&info, status ? "interrupted" : "complete");
    coop_err e2 = {0};
    cr_assert(eq(int, coop_output_close(out, &info, &e2), COOP_OK), "%s", e2.text);
    return status;
}

static const char *const files[] = {"points.csv", "summary.csv", "milestones.csv", "outcomes.csv"};

/* The last checkpoint of base/name/progress.csv: points done and sizes. */
static int last_checkpoint(const char *name, long long size[3])
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s/progress.csv", base, name);
    char *t = slurp(p, NULL);
    cr_assert_not_null(t);
    cr_assert(eq(int, strncmp(t, "points_done,summary.csv,milestones.csv,outcomes.csv,check\n", 58), 0),
              "%s", t);
    char *last = t, *q;
    for (q = t; *q; q++)
        if (q[0] == '\n' && q[1])
            last = q + 1;
    int pts = -1;
    cr_assert(eq(int, sscanf(last, "%d,%lld,%lld,%lld,", &pts, &size[0], &size[1], &size[2]), 4),
              "%s", last);
    free(t);
    return pts;
}

static long long file_size(const char *name, const char *file)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s/%s", base, name, file);
    cr_assert(eq(int, stat(p, &st), 0), "%s", p);
    return (long long)st.st_size;
}

static void append(const char *name, const char *file, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s/%s", base, name, file);
    FILE *f = fopen(p, "a");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert(eq(int, fclose(f), 0));
}

Test(sweep, interrupted_then_resumed_gives_identical_files)
{
    coop_config cfg;
    coop_sweep *s = sweep_of(sobol12, &cfg);
    coop_err err = {0};
    cr_assert(eq(int, run_sweep(&cfg, s, "ref", 0, -1, 0, &err), COOP_OK), "%s", err.text);
    for (size_t i = 0; i < 4; i++)
        cr_assert(exists("ref", files[i]));
    cr_assert_not(exists("ref", "progress.csv"));
    cr_assert_not(exists("ref", "summary.csv.part"));

    /* Stop in the middle of point 3 (3 replicates per point). */
    cr_assert(eq(int, run_sweep(&cfg, s, "int", 0, 3 * 3 + 2, 0, &err), COOP_EINTR));
    long long size[3];
    cr_assert(eq(int, last_checkpoint("int", size), 3));
    cr_assert(eq(i64, file_size("int", "summary.csv.part"), size[0]), "whole points only");
    cr_assert(eq(i64, file_size("int", "milestones.csv.part"), size[1]));
    cr_assert(eq(i64, file_size("int", "outcomes.csv.part"), size[2]));
    char p[256];
    snprintf(p, sizeof p, "%s/int/manifest.cfg", base);
    char *m = slurp(p, NULL);
    cr_assert_not_null(strstr(m, "  status = \"interrupted\";\n"), "%s", m);
    free(m);

    /* What a SIGKILL or a power loss can leave: half a point after the
     * checkpoint, a torn progress line. */
    append("int", "outcomes.csv.part", "3,factual,0,others_coop_target,0.5\n3,fact");
    append("int", "summary.csv.part", "3,factual,0,2000,A,coop_rate,0.5,0.1");
    append("int", "progress.csv", "4,99999,99999,9");

    cr_assert(eq(int, run_sweep(&cfg, s, "int", 1, -1, 3, &err), COOP_OK), "%s", err.text);
    for (size_t i = 0; i < 4; i++)
        same_file("ref", "int", files[i]);
    cr_assert_not(exists("int", "progress.csv"));

    /* Resuming a complete sweep does nothing. */
    char dir[256];
    snprintf(dir, sizeof dir, "%s/int", base);
    coop_sweep_output_opts o = {s, 1, 0, 1, NULL};
    int from = -1;
    err.code = -1;
    cr_assert_null(coop_output_open_sweep(dir, &cfg, &o, &from, &err));
    cr_assert(eq(int, err.code, COOP_OK));
    cr_assert(eq(int, from, 12));

    /* Another configuration is refused, naming the difference. */
    cfg.replicates = 4;
    cr_assert_null(coop_output_open_sweep(dir, &cfg, &o, &from, &err));
    cr_assert(eq(int, err.code, COOP_ECONFIG));
    cr_assert_not_null(strstr(err.text, "configuration differs"), "%s", err.text);
    cr_assert_not_null(strstr(err.text, "`  replicates = 4;` here, `  replicates = 3;` there"),
                       "%s", err.text);
    cfg.replicates = 3;

    /* An existing directory needs --force or --resume. */
    o.resume = 0;
    cr_assert_null(coop_output_open_sweep(dir, &cfg, &o, &from, &err));
    cr_assert(eq(int, err.code, COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "--resume"), "%s", err.text);
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

/* A write that fails (the file size limit, as a full disk would) stops the sweep
 * with its complete points intact; once space is back, --resume finishes it. */
Test(sweep, failed_write_keeps_whole_points_and_resumes)
{
    coop_config cfg;
    coop_sweep *s = sweep_of(sobol12, &cfg);
    coop_err err = {0};
    cr_assert(eq(int, run_sweep(&cfg, s, "ref", 0, -1, 0, &err), COOP_OK), "%s", err.text);
    long long total = file_size("ref", "summary.csv");

    struct rlimit old, lim;
    cr_assert(eq(int, getrlimit(RLIMIT_FSIZE, &old), 0));
    signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = (rlim_t)(total / 3);
    cr_assert(eq(int, setrlimit(RLIMIT_FSIZE, &lim), 0));
    int st = run_sweep(&cfg, s, "full", 0, -1, 0, &err);
    cr_assert(eq(int, st, COOP_EIO), "status %d: %s", st, err.text);
    cr_assert_not_null(strstr(err.text, "summary.csv.part: write failed: File too large"), "%s",
                       err.text);
    cr_assert(eq(int, setrlimit(RLIMIT_FSIZE, &old), 0));

    long long size[3];
    int done = last_checkpoint("full", size);
    cr_assert(done >= 1 && done < 12, "%d points", done);
    cr_assert(eq(i64, file_size("full", "summary.csv.part"), size[0]));
    cr_assert(eq(i64, file_size("full", "outcomes.csv.part"), size[2]));
    char p[256];
    snprintf(p, sizeof p, "%s/full/manifest.cfg", base);
    char *m = slurp(p, NULL);
    cr_assert_not_null(strstr(m, "  status = \"failed\";\n"), "%s", m);
    free(m);

    cr_assert(eq(int, run_sweep(&cfg, s, "full", 1, -1, done, &err), COOP_OK), "%s", err.text);
    for (size_t i = 0; i < 4; i++)
        same_file("ref", "full", files[i]);
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

/* A sweep killed before its first checkpoint starts afresh on --resume. */
Test(sweep, resume_of_an_unstarted_directory_starts_afresh)
{
    coop_config cfg;
    coop_sweep *s = sweep_of(sobol12, &cfg);
    coop_err err = {0};
    cr_assert(eq(int, run_sweep(&cfg, s, "ref", 0, -1, 0, &err), COOP_OK), "%s", err.text);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/k", base);
    cr_assert(eq(int, mkdir(dir, 0777), 0));
    append("k", "manifest.cfg.tmp", "exp");
    cr_assert(eq(int, run_sweep(&cfg, s, "k", 1, -1, 0, &err), COOP_OK), "%s", err.text);
    for (size_t i = 0; i < 4; i++)
        same_file("ref", "k", files[i]);
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}

/* ---- configs/sweep_motivator.cfg ---- */

Test(sweep, sweep_motivator_is_the_default_scenario_swept)
{
    char *a = scenario_text("configs/eu_ca.cfg"), *b = scenario_text("configs/sweep_motivator.cfg");
    cr_assert(eq(str, a, b), "configs/sweep_motivator.cfg has drifted from configs/eu_ca.cfg: "
                             "copy the changed values over");
    free(a);
    free(b);
    coop_config cfg;
    coop_err err = {0};
    memset(&cfg, 0, sizeof cfg);
    cr_assert(eq(int, coop_config_load("configs/sweep_motivator.cfg", NULL, 0, &cfg, &err),
                 COOP_OK), "%s", err.text);
    coop_sweep *s = coop_sweep_alloc(&cfg, &err);
    cr_assert_not_null(s, "%s", err.text);
    cr_assert(eq(int, coop_sweep_size(s), 200));
    cr_assert(eq(str, (char *)coop_sweep_param(s, 3), "engagement.delta"));
    coop_sweep_free(s);
    coop_config_destroy(&cfg);
}
