/* test_config.c: the configuration loader, overrides, checks and printer
 * (sim/config_*.c).
 *
 * Known values: every default and every key of tests/data/config_full.cfg is
 * asserted exactly.  Every error path: the corpus under tests/bad/ (each file's
 * first line reads `# expect: LINE: fragment`; LINE 0 means no line) is loaded and
 * each message is checked for the file:line prefix and the fragment.  The
 * resolved-configuration printer is checked to be a fixed point.  Tests run from
 * the repository root; the end-to-end ones run the program named by COOPSIM
 * (default build/coopsim). */
#define _XOPEN_SOURCE 700 /* realpath, PATH_MAX */

#include <criterion/criterion.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config_io.h"
#include "coop_config.h"
#include "e2e.h"
#include "files.h"

/* ---- helpers ---- */

/* Loads and expects COOP_ECONFIG with exactly this message. */
static void load_fails(const char *path, const char *const *ov, size_t n, const char *text)
{
    coop_config cfg;
    coop_err err = {0};
    int st = coop_population_load(path, ov, n, &cfg, &err);
    cr_assert_eq(st, COOP_ECONFIG, "expected COOP_ECONFIG for %s, got %d", path, st);
    cr_assert_str_eq(err.text, text);
    cr_assert_eq(cfg.actors, NULL);
    cr_assert_eq(cfg.n_actors, 0);
}

/* print, load the printed text, print again: the two texts must be equal. */
static void assert_fixed_point(const coop_config *cfg)
{
    char *first = print_str(cfg);
    coop_config again;
    load_text(first, NULL, 0, &again);
    char *second = print_str(&again);
    cr_assert_str_eq(first, second);
    free(first);
    free(second);
    coop_config_destroy(&again);
}

/* ---- defaults ---- */

Test(config, every_default)
{
    coop_config c;
    load_ok("tests/data/config_minimal.cfg", NULL, 0, &c);
    cr_assert_str_eq(c.source, "tests/data/config_minimal.cfg");
    cr_assert_str_eq(c.name, "coopsim");
    cr_assert_eq(c.seed, 1UL);
    cr_assert_eq(c.replicates, 100);
    cr_assert_str_eq(c.rng, "mt19937");
    cr_assert_eq(c.start, 1991.0);
    cr_assert_eq(c.end, 2030.0);
    cr_assert_eq(c.steps_per_year, 4);
    cr_assert_eq(c.n_steps, 156);
    cr_assert_eq(c.noise, 0.01);
    cr_assert_eq(c.update_every, 1);
    cr_assert_eq(c.eng_alpha, 0.2);
    cr_assert_eq(c.eng_delta, 0.05);
    cr_assert_eq(c.series, COOP_SERIES_SUMMARY);

    cr_assert_eq(c.inst.n_levels, 4);
    cr_assert_str_eq(c.inst.level_name[0], "none");
    cr_assert_str_eq(c.inst.level_name[1], "framework_signed");
    cr_assert_str_eq(c.inst.level_name[2], "framework_in_force");
    cr_assert_str_eq(c.inst.level_name[3], "enhanced");
    const double theta[] = {0.0, 0.3, 0.5, 0.7}, omega[] = {0.0, 0.2, 0.4, 0.6};
    for (int l = 0; l < 4; l++) {
        cr_assert_eq(c.inst.theta[l], theta[l]);
        cr_assert_eq(c.inst.omega[l], omega[l]);
    }
    cr_assert_eq(c.inst.tau, 4);
    cr_assert_eq(c.inst.hysteresis, 0.1);
    cr_assert_eq(c.inst.beta, 0.1);
    cr_assert_eq(c.inst.gamma, 0.5);
    cr_assert_eq(c.inst.lambda, 0.1);

    cr_assert_eq(c.n_domains, 1);
    cr_assert_str_eq(c.domains[0].name, "pd");
    cr_assert_eq(c.domains[0].donation, 0);
    cr_assert_eq(c.domains[0].R, 3.0);
    cr_assert_eq(c.domains[0].S, 0.0);
    cr_assert_eq(c.domains[0].T, 5.0);
    cr_assert_eq(c.domains[0].P, 1.0);
    cr_assert_eq(c.domains[0].public_good, 0.0);

    cr_assert_eq(c.n_actors, 1);
    const coop_actor_cfg *a = &c.actors[0];
    cr_assert_str_eq(a->name, "A");
    cr_assert_str_eq(a->kind, "state");
    cr_assert_str_eq(a->region, "");
    cr_assert_eq(a->region_id, -1);
    cr_assert_eq(a->capacity, 1.0);
    cr_assert_eq(a->goals[0], 1.0);
    cr_assert_eq(a->openness, 1.0);
    cr_assert_eq(a->propensity, 0.5);
    cr_assert_eq(a->engagement, 0.5);
    cr_assert_eq(a->attention_budget, 1e6);
    cr_assert_eq(a->rule, COOP_RULE_BUSH_MOSTELLER);
    cr_assert_eq(a->rule_param[0], 0.5);
    cr_assert_eq(a->rule_param[1], 0.5);
    cr_assert_eq(a->motivator.target, -1);
    cr_assert_eq(a->motivator.initiative_rate, 0.0);
    cr_assert_eq(a->line, 2);

    cr_assert_eq(c.n_ties, 0);
    cr_assert_eq(c.n_observables, 0);
    cr_assert_eq(c.n_events, 0);
    cr_assert_eq(c.n_regions, 0);
    cr_assert_eq(c.hyp.motivator, -1);
    cr_assert_eq(c.hyp.target, -1);
    cr_assert_eq(c.hyp.window_years, 10.0);
    coop_config_destroy(&c);
}

Test(config, defaults_inside_groups)
{
    /* Motivator fields default to 0; tie weight 1, rivalry 0, observables 0; an
     * observable without `domains` is driven by every domain; the hypothesis
     * defaults to the first motivator and its target. */
    coop_config c;
    load_text("domains = ({ name = \"x\"; }, { name = \"y\"; b = 4.0; });\n"
              "observables = ({ name = \"trade\"; });\n"
              "actors = ({ name = \"A\"; }, { name = \"B\"; motivator = { target = \"A\"; }; });\n"
              "ties = ({ a = \"A\"; b = \"B\"; });\n",
              NULL, 0, &c);
    cr_assert_eq(c.actors[1].motivator.target, 0);
    cr_assert_eq(c.actors[1].motivator.initiative_rate, 0.0);
    cr_assert_eq(c.actors[1].motivator.initiative_impact, 0.0);
    cr_assert_eq(c.actors[1].motivator.demonstration, 0.0);
    cr_assert_eq(c.actors[1].motivator.brokerage, 0.0);
    cr_assert_eq(c.ties[0].weight, 1.0);
    cr_assert_eq(c.ties[0].rivalry, 0.0);
    cr_assert_eq(c.ties[0].obs0[0], 0.0);
    cr_assert_eq(c.observables[0].drive[0], 1);
    cr_assert_eq(c.observables[0].drive[1], 1);
    cr_assert_eq(c.observables[0].growth, 0.1);
    cr_assert_eq(c.observables[0].decay, 0.05);
    cr_assert_eq(c.hyp.motivator, 1);
    cr_assert_eq(c.hyp.target, 0);
    /* Equal goals when the group is absent. */
    cr_assert_eq(c.actors[0].goals[0], 0.5);
    cr_assert_eq(c.actors[0].goals[1], 0.5);
    /* Donation defaults: b given, c = 1. */
    cr_assert_eq(c.domains[1].donation, 1);
    cr_assert_eq(c.domains[1].b, 4.0);
    cr_assert_eq(c.domains[1].c, 1.0);
    coop_config_destroy(&c);
}

/* ---- every key ---- */

Test(config, every_key_loaded)
{
    coop_config c;
    load_ok("tests/data/config_full.cfg", NULL, 0, &c);
    cr_assert_str_eq(c.name, "full-test.1");
    cr_assert_eq(c.seed, 3000000000UL);
    cr_assert_eq(c.replicates, 7);
    cr_assert_str_eq(c.rng, "taus2");
    cr_assert_eq(c.start, 2000.0);
    cr_assert_eq(c.end, 2010.5);
    cr_assert_eq(c.steps_per_year, 12);
    cr_assert_eq(c.n_steps, 126);
    cr_assert_eq(c.noise, 0.05);
    cr_assert_eq(c.update_every, 3);
    cr_assert_eq(c.eng_alpha, 0.3);
    cr_assert_eq(c.eng_delta, 0.07);
    cr_assert_eq(c.series, COOP_SERIES_FULL);

    cr_assert_eq(c.inst.n_levels, 3);
    cr_assert_str_eq(c.inst.level_name[2], "two");
    cr_assert_eq(c.inst.theta[1], 0.4);
    cr_assert_eq(c.inst.theta[2], 0.9);
    cr_assert_eq(c.inst.omega[0], 0.1);
    cr_assert_eq(c.inst.omega[2], 0.8);
    cr_assert_eq(c.inst.tau, 6);
    cr_assert_eq(c.inst.hysteresis, 0.2);
    cr_assert_eq(c.inst.beta, 0.25);
    cr_assert_eq(c.inst.gamma, 1.5);
    cr_assert_eq(c.inst.lambda, 0.3);

    cr_assert_eq(c.n_domains, 2);
    cr_assert_eq(c.domains[0].R, 4.0); /* an int setting read as a float */
    cr_assert_eq(c.domains[0].S, 1.0);
    cr_assert_eq(c.domains[0].T, 3.5);
    cr_assert_eq(c.domains[0].P, 0.5);
    cr_assert_eq(c.domains[1].donation, 1);
    cr_assert_eq(c.domains[1].b, 3.0);
    cr_assert_eq(c.domains[1].c, 1.0);
    cr_assert_eq(c.domains[1].R, 2.0);
    cr_assert_eq(c.domains[1].S, -1.0);
    cr_assert_eq(c.domains[1].T, 3.0);
    cr_assert_eq(c.domains[1].P, 0.0);
    cr_assert_eq(c.domains[1].public_good, 0.25);

    cr_assert_eq(c.n_observables, 2);
    cr_assert_str_eq(c.observables[0].name, "trade");
    cr_assert_eq(c.observables[0].drive[0], 1);
    cr_assert_eq(c.observables[0].drive[1], 0);
    cr_assert_eq(c.observables[1].drive[0], 0);
    cr_assert_eq(c.observables[1].drive[1], 0);
    cr_assert_eq(c.observables[0].growth, 0.2);
    cr_assert_eq(c.observables[0].decay, 0.01);
    cr_assert_eq(c.observables[1].decay, 0.5);
    coop_config_destroy(&c);
}

Test(config, every_key_loaded_actors_ties_events)
{
    coop_config c;
    load_ok("tests/data/config_full.cfg", NULL, 0, &c);
    cr_assert_eq(c.n_actors, 3);
    const coop_actor_cfg *a = &c.actors[0], *b = &c.actors[1], *d = &c.actors[2];
    cr_assert_str_eq(a->kind, "union");
    cr_assert_str_eq(a->region, "west");
    cr_assert_eq(a->capacity, 10.0);
    cr_assert_eq(a->goals[0], 0.75); /* 3 : 1 normalised */
    cr_assert_eq(a->goals[1], 0.25);
    cr_assert_eq(a->openness, 0.9);
    cr_assert_eq(a->propensity, 0.7);
    cr_assert_eq(a->engagement, 0.25);
    cr_assert_eq(a->attention_budget, 2.0);
    cr_assert_eq(a->rule, COOP_RULE_GTFT);
    cr_assert_eq(a->rule_param[0], 0.2);
    cr_assert_eq(b->goals[0], 0.0); /* omitted from a given group */
    cr_assert_eq(b->goals[1], 1.0);
    cr_assert_eq(b->rule, COOP_RULE_MEMORY_ONE);
    const double m1[] = {0.9, 0.1, 0.8, 0.2, 0.6};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(b->rule_param[i], m1[i]);
    cr_assert_eq(b->motivator.target, 2);
    cr_assert_eq(b->motivator.initiative_rate, 0.1);
    cr_assert_eq(b->motivator.initiative_impact, 0.3);
    cr_assert_eq(b->motivator.demonstration, 0.4);
    cr_assert_eq(b->motivator.brokerage, 0.5);
    cr_assert_eq(d->rule, COOP_RULE_FERMI);
    cr_assert_eq(d->rule_param[0], 0.5);

    /* Regions interned in first-seen order. */
    cr_assert_eq(c.n_regions, 2);
    cr_assert_str_eq(c.regions[0], "west");
    cr_assert_str_eq(c.regions[1], "east");
    cr_assert_eq(a->region_id, 0);
    cr_assert_eq(b->region_id, 1);
    cr_assert_eq(d->region_id, 1);

    cr_assert_eq(c.n_ties, 2);
    cr_assert_eq(c.ties[0].a, 0);
    cr_assert_eq(c.ties[0].b, 1);
    cr_assert_eq(c.ties[0].weight, 2.0);
    cr_assert_eq(c.ties[0].obs0[0], 100.0);
    cr_assert_eq(c.ties[0].obs0[1], 5.0);
    cr_assert_eq(c.ties[1].a, 2);
    cr_assert_eq(c.ties[1].b, 1);
    cr_assert_eq(c.ties[1].rivalry, 0.75);
    cr_assert_eq(c.ties[1].obs0[0], 0.0);
    cr_assert_eq(c.ties[1].obs0[1], 1.0);

    cr_assert_eq(c.hyp.motivator, 1);
    cr_assert_eq(c.hyp.target, 2);
    cr_assert_eq(c.hyp.window_years, 5.5);

    /* Events: a path list expands in place, then a stable sort by date. */
    cr_assert_eq(c.n_events, 5);
    const char *paths[] = {"domains.gift.b", "noise", "engagement.alpha",
                           "ties.B-C.observables.aid", "actors.A.goals.trade"};
    const double dates[] = {2000.0, 2001.0, 2001.0, 2001.0, 2005.0};
    for (int i = 0; i < 5; i++) {
        cr_assert_str_eq(c.events[i].path, paths[i]);
        cr_assert_eq(c.events[i].date, dates[i]);
    }
    cr_assert_eq(c.events[0].op, COOP_OP_SET); /* default op */
    cr_assert_eq(c.events[0].ref.field, COOP_F_DOMAIN_B);
    cr_assert_eq(c.events[0].ref.index, 1);
    cr_assert_eq(c.events[1].op, COOP_OP_MUL);
    cr_assert_eq(c.events[1].ref.field, COOP_F_NOISE);
    cr_assert_eq(c.events[1].line, c.events[2].line);
    cr_assert_eq(c.events[2].ref.field, COOP_F_ENG_ALPHA);
    cr_assert_eq(c.events[3].op, COOP_OP_ADD);
    cr_assert_eq(c.events[3].ref.field, COOP_F_TIE_OBS);
    cr_assert_eq(c.events[3].ref.index, 1);
    cr_assert_eq(c.events[3].ref.sub, 1);
    cr_assert_eq(c.events[4].ref.field, COOP_F_ACTOR_GOAL);
    cr_assert_eq(c.events[4].ref.index, 0);
    cr_assert_eq(c.events[4].ref.sub, 0);
    cr_assert_eq(c.events[4].value, 0.5);
    coop_config_destroy(&c);
}

Test(config, goals_normalised)
{
    coop_config c;
    load_text("domains = ({ name = \"political\"; }, { name = \"trade\"; }, { name = \"energy\"; },"
              " { name = \"security\"; }, { name = \"transport\"; });\n"
              "actors = ({ name = \"A\"; goals = { political = 2; trade = 1.0; energy = 1.0; }; },\n"
              "          { name = \"B\"; });\n",
              NULL, 0, &c);
    const double want[] = {0.5, 0.25, 0.25, 0.0, 0.0};
    for (int d = 0; d < 5; d++) {
        cr_assert_eq(c.actors[0].goals[d], want[d]);
        cr_assert_eq(c.actors[1].goals[d], 0.2);
    }
    coop_config_destroy(&c);
}

Test(config, manifest_run_group_ignored)
{
    coop_config c;
    load_ok("tests/data/config_manifest.cfg", NULL, 0, &c);
    char *text = print_str(&c);
    cr_assert_null(strstr(text, "run"));
    free(text);
    coop_config_destroy(&c);
}

Test(config, cannot_open)
{
    load_fails("tests/data/no_such_file.cfg", NULL, 0,
               "tests/data/no_such_file.cfg: cannot open: No such file or directory");
}

/* ---- the bad-input corpus ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(config, bad_corpus)
{
    DIR *dir = opendir("tests/bad");
    cr_assert_not_null(dir, "tests/bad not found (tests run from the repository root)");
    char *names[512];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) && n < 512) {
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".cfg") == 0)
            names[n++] = strdup(de->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, name_cmp);
    cr_assert_geq(n, 30, "the corpus has %zu files, at least 30 expected", n);

    for (size_t i = 0; i < n; i++) {
        char path[512], head[1024];
        snprintf(path, sizeof path, "tests/bad/%s", names[i]);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f);
        cr_assert_not_null(fgets(head, sizeof head, f));
        fclose(f);
        head[strcspn(head, "\n")] = '\0';
        int line = -1, off = 0;
        cr_assert_eq(sscanf(head, "# expect: %d: %n", &line, &off), 1,
                     "%s: first line must read '# expect: LINE: fragment'", path);
        const char *frag = head + off;
        cr_assert_gt(strlen(frag), 0, "%s: empty fragment", path);

        coop_config cfg;
        coop_err err = {0};
        int st = coop_population_load(path, NULL, 0, &cfg, &err);
        cr_expect_eq(st, COOP_ECONFIG, "%s: status %d, message: %s", path, st, err.text);
        char prefix[600];
        if (line > 0)
            snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
        else
            snprintf(prefix, sizeof prefix, "%s: ", path);
        cr_expect_eq(strncmp(err.text, prefix, strlen(prefix)), 0,
                     "%s: expected prefix '%s', got: %s", path, prefix, err.text);
        cr_expect_not_null(strstr(err.text, frag), "%s: expected '%s' in: %s", path, frag,
                           err.text);
        cr_expect_null(cfg.actors, "%s: a failed load must leave the config empty", path);
        free(names[i]);
    }
}

/* ---- limits on the text, checked before libconfig parses it ---- */

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

Test(config, huge_or_odd_files_refused_before_parsing)
{
    /* A 10 MB one-line string (libconfig alone: minutes) is refused at once. */
    char path[64], want[256];
    temp_file(path, "");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("actors = ( { name = \"A\"; kind = \"", f);
    for (int i = 0; i < 10 * 1000 * 1000; i++)
        fputc('x', f);
    fputs("\"; } );\n", f);
    cr_assert_eq(fclose(f), 0);
    double t0 = seconds_now();
    snprintf(want, sizeof want, "%s:1: the line is longer than 65536 bytes, the most a "
             "configuration line may have (split it)", path);
    load_fails(path, NULL, 0, want);
    double took = seconds_now() - t0;
    cr_assert_lt(took, 0.5, "refusing took %g s", took);

    /* Larger than 64 MiB (sparse: no disk used) */
    f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(ftruncate(fileno(f), (64L << 20) + 1), 0);
    cr_assert_eq(fclose(f), 0);
    snprintf(want, sizeof want, "%s: 67108865 bytes, more than the 64 MiB a configuration may "
             "have", path);
    load_fails(path, NULL, 0, want);
    unlink(path);

    /* Not a regular file: would never end, or be read twice */
    load_fails("/dev/zero", NULL, 0, "/dev/zero: not a regular file (a configuration is a text "
               "file)");
    load_fails("tests", NULL, 0, "tests: not a regular file (a configuration is a text file)");

    /* A --set longer than a line may be */
    char *big = malloc(70000);
    cr_assert_not_null(big);
    memset(big, 'x', 69999);
    big[69999] = '\0';
    memcpy(big, "noise=", 6);
    const char *ov[] = {big};
    load_fails("configs/eu_ca.cfg", ov, 1, "--set noise=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
               "xxxxxxxxxxxxxxxxx...: the text is 69999 bytes long, more than the 65536 a --set "
               "may have");
    free(big);
}

Test(config, long_value_keeps_the_explanation)
{
    /* The value is shortened in the middle; where and why survive. */
    char *ov = malloc(50000);
    cr_assert_not_null(ov);
    strcpy(ov, "actors.KZ.rule=");
    memset(ov + 15, 'y', 40000);
    ov[40015] = '\0';
    coop_config cfg;
    coop_err err = {0};
    const char *ovs[] = {ov};
    cr_assert_eq(coop_config_load("configs/eu_ca.cfg", ovs, 1, &cfg, &err), COOP_ECONFIG);
    size_t n = strlen(err.text);
    cr_assert_eq(n, COOP_ERR_MAX - 1, "%s", err.text);
    cr_assert_eq(strncmp(err.text, "--set actors.KZ.rule=yyyy", 25), 0, "%s", err.text);
    cr_assert_not_null(strstr(err.text, "y ... y"), "%s", err.text);
    const char *why = "yyy\" is not a rule (known: allc, alld, tft, stft, tf2t, gtft, grim, wsls, "
                      "random, memory_one, bush_mosteller, fermi, imitate_best, replicator, "
                      "moran)";
    cr_assert_str_eq(err.text + n - strlen(why), why, "%s", err.text);
    free(ov);
}

Test(config, overflowing_integer_reported_as_written)
{
    load_fails("configs/eu_ca.cfg", (const char *[]){"experiment.replicates=99999999999999999999"},
               1, "--set experiment.replicates=99999999999999999999: experiment.replicates = "
               "99999999999999999999 is out of range [1, 65536]");
    load_fails("configs/eu_ca.cfg", (const char *[]){"experiment.seed=4294967296"}, 1,
               "--set experiment.seed=4294967296: experiment.seed = 4294967296L is out of range "
               "[0, 4294967295]");
}

/* ---- overrides ---- */

Test(config, override_values_by_name)
{
    const char *ov[] = {
        "actors.KZ.openness=0.75",      /* float */
        "domains.security.T=6",          /* int accepted as float */
        "actors.KZ.rule=wsls",           /* bare string */
        "ties.KZ-EU.weight=2.5",         /* a tie named in either order */
        "experiment.replicates=12",
        "experiment.seed=4294967295",    /* beyond int: the L suffix is added */
        "institutions.theta.2=0.55",     /* a list element */
        "hypothesis.window_years=4",
        "output.series=full",
        "noise=0.0",
        "events.0.value=0.4",            /* events by index in the file */
    };
    coop_config c;
    load_ok("configs/eu_ca.cfg", ov, sizeof ov / sizeof *ov, &c);
    int kz = coop_config_actor(&c, "KZ"), sec = coop_config_domain(&c, "security");
    cr_assert_eq(c.actors[kz].openness, 0.75);
    cr_assert_eq(c.domains[sec].T, 6.0);
    cr_assert_eq(c.actors[kz].rule, COOP_RULE_WSLS);
    cr_assert_eq(c.ties[coop_config_tie(&c, "EU", "KZ")].weight, 2.5);
    cr_assert_eq(c.replicates, 12);
    cr_assert_eq(c.seed, 4294967295UL);
    cr_assert_eq(c.inst.theta[2], 0.55);
    cr_assert_eq(c.hyp.window_years, 4.0);
    cr_assert_eq(c.series, COOP_SERIES_FULL);
    cr_assert_eq(c.noise, 0.0);
    cr_assert_str_eq(c.events[0].path, "actors.TJ.openness");
    cr_assert_eq(c.events[0].value, 0.4);
    assert_fixed_point(&c);
    coop_config_destroy(&c);
}

Test(config, override_creates_groups)
{
    /* A motivator group, goals (from the default equal weights), rule parameters
     * and tie observables that the file does not have. */
    const char *ov[] = {
        "actors.B.motivator.target=A", "actors.B.motivator.brokerage=0.3",
        "actors.A.goals.y=3",          "actors.A.rule_params.learning_rate=0.2",
        "ties.A-B.observables.trade=7", "domains.y.public_good=0.5",
    };
    coop_config c;
    load_text("domains = ({ name = \"x\"; }, { name = \"y\"; });\n"
              "observables = ({ name = \"trade\"; });\n"
              "actors = ({ name = \"A\"; }, { name = \"B\"; });\n"
              "ties = ({ a = \"A\"; b = \"B\"; });\n",
              ov, sizeof ov / sizeof *ov, &c);
    cr_assert_eq(c.actors[1].motivator.target, 0);
    cr_assert_eq(c.actors[1].motivator.brokerage, 0.3);
    cr_assert_eq(c.actors[0].goals[0], 0.25); /* x = 1 (default), y = 3 */
    cr_assert_eq(c.actors[0].goals[1], 0.75);
    cr_assert_eq(c.actors[0].rule_param[1], 0.2);
    cr_assert_eq(c.actors[0].rule_param[0], 0.5);
    cr_assert_eq(c.ties[0].obs0[0], 7.0);
    cr_assert_eq(c.domains[1].public_good, 0.5);
    cr_assert_eq(c.hyp.motivator, 1);
    coop_config_destroy(&c);
}

Test(config, override_default_domain_and_lists)
{
    const char *ov[] = {"domains.pd.T=4.5", "institutions.levels=[\"a\", \"b\", \"c\"]",
                        "institutions.theta=[0.0, 0.5, 0.6]", "institutions.omega.1=0.25",
                        "institutions.omega=[0.0, 0.1, 0.2]", "institutions.omega.2=0.3"};
    coop_config c;
    load_ok("tests/data/config_minimal.cfg", ov, sizeof ov / sizeof *ov, &c);
    cr_assert_eq(c.n_domains, 1);
    cr_assert_eq(c.domains[0].T, 4.5);
    cr_assert_eq(c.inst.n_levels, 3);
    cr_assert_str_eq(c.inst.level_name[1], "b");
    cr_assert_eq(c.inst.theta[1], 0.5);
    cr_assert_eq(c.inst.omega[1], 0.1);
    cr_assert_eq(c.inst.omega[2], 0.3);
    coop_config_destroy(&c);
}

Test(config, override_rule_resets_file_params)
{
    /* The file gives bush_mosteller parameters; a new rule starts from its own
     * defaults, except parameters also given with --set (in any order). */
    const char *text = "actors = ({ name = \"A\"; rule_params = { aspiration = 0.2; }; });\n";
    const char *ov1[] = {"actors.A.rule=gtft"};
    coop_config c;
    load_text(text, ov1, 1, &c);
    cr_assert_eq(c.actors[0].rule, COOP_RULE_GTFT);
    cr_assert_eq(c.actors[0].rule_param[0], 1.0 / 3.0);
    coop_config_destroy(&c);

    const char *ov2[] = {"actors.A.rule_params.generosity=0.1", "actors.A.rule=gtft"};
    load_text(text, ov2, 2, &c);
    cr_assert_eq(c.actors[0].rule_param[0], 0.1);
    coop_config_destroy(&c);

    const char *ov3[] = {"actors.A.rule=bush_mosteller"}; /* same rule: params kept */
    load_text(text, ov3, 1, &c);
    cr_assert_eq(c.actors[0].rule_param[0], 0.2);
    coop_config_destroy(&c);
}

Test(config, override_errors)
{
    const char *f = "configs/eu_ca.cfg";
    struct { const char *ov, *text; } cases[] = {
        {"actors.KZ.openness=1.5",
         "--set actors.KZ.openness=1.5: actors.KZ.openness = 1.5 is out of range [0, 1]"},
        {"actors.XX.openness=0.5", "--set actors.XX.openness=0.5: no actor named 'XX'"},
        {"domains.securty.T=5", "--set domains.securty.T=5: no domain named 'securty'"},
        {"ties.KZ-XX.weight=1", "--set ties.KZ-XX.weight=1: no tie between 'KZ' and 'XX'"},
        {"events.9.value=1", "--set events.9.value=1: no event with index '9' (the "
                             "configuration has 5 events)"},
        {"experiment.replicates=2.5",
         "--set experiment.replicates=2.5: experiment.replicates = 2.5 has the wrong type: "
         "expected an integer in [1, 65536]"},
        {"noise=abc", "--set noise=abc: noise = \"abc\" has the wrong type: expected a number "
                      "in [0, 0.5]"},
        {"noise", "--set noise: expected PATH=VALUE"},
        {"=3", "--set =3: expected PATH=VALUE"},
        {"noise.x=1", "--set noise.x=1: 'noise.x' names nothing: 'noise' is a single value"},
        {"actors..openness=1", "--set actors..openness=1: the path has an empty part"},
        {"actors.KZ=1", "--set actors.KZ=1: 'actors.KZ' names a whole entry: set one of its "
                        "keys, e.g. actors.KZ.name"},
        {"actors.KZ.openness.x=1", "--set actors.KZ.openness.x=1: 'actors.KZ.openness.x' names "
                                   "nothing: 'actors.KZ.openness' has no part 'x'"},
        {"institutions.theta.7=0.5", "--set institutions.theta.7=0.5: 'institutions.theta.7' "
                                     "names nothing: 'theta' has 4 entries (0 to 3)"},
        {"actors.KZ.rule=titfortat", "--set actors.KZ.rule=titfortat: actors.KZ.rule = "
                                     "\"titfortat\" is not a rule (known: allc, alld, tft, stft, "
                                     "tf2t, gtft, grim, wsls, random, memory_one, "
                                     "bush_mosteller, fermi, imitate_best, replicator, "
                                     "moran)"},
        {"actors.KZ.motivator.target=KZ", "--set actors.KZ.motivator.target=KZ: "
                                          "actors.KZ.motivator.target = \"KZ\" is the actor "
                                          "itself: a motivator needs another target"},
        {"actors.KG.name=KZ", "--set actors.KG.name=KZ: actors.KZ: duplicate actor name 'KZ' "
                              ""},
        {"time.end=1990", "--set time.end=1990: time.end = 1990.0 must be after time.start = "
                          "1991.0"},
        {"experiment.rng=nope", "--set experiment.rng=nope: experiment.rng = \"nope\" is not a "
                                "GSL generator type (known: "},
        {"validation.target=KZ", "--set validation.target=KZ: the `validation` group cannot "
                                 "be changed with --set: coopsim validate reads it from the "
                                 "file as written (edit a copy of the file)"},
        {"run.x=1", "--set run.x=1: unknown setting 'run' (known: experiment, time, noise, "
                    "interaction, update_every, engagement, institutions, output, hypothesis, "
                    "domains, observables, network, actor_template, actor_overrides, actors, ties, "
                    "events, sweep)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        coop_config c;
        coop_err err = {0};
        int st = coop_population_load(f, &cases[i].ov, 1, &c, &err);
        cr_expect_eq(st, COOP_ECONFIG, "%s: status %d", cases[i].ov, st);
        cr_expect_eq(strncmp(err.text, cases[i].text, strlen(cases[i].text)), 0,
                     "%s:\n got  %s\n want %s", cases[i].ov, err.text, cases[i].text);
        if (!st)
            coop_config_destroy(&c);
    }
}

Test(config, override_unknown_key_lists_known)
{
    const char *ov[] = {"actors.KZ.opennes=0.7"};
    load_fails("configs/eu_ca.cfg", ov, 1,
               "--set actors.KZ.opennes=0.7: unknown setting 'actors.KZ.opennes' (known: name, "
               "kind, region, capacity, goals, openness, propensity, engagement, "
               "attention_budget, attention_max, attention_expansion, attention_relax, "
               "attention_cost, rule, rule_params, motivator); did you mean `openness`?");
}

Test(config, error_in_file_after_override_names_file)
{
    /* An override that is fine does not take the blame for a bad file value. */
    const char *ov[] = {"noise=0.1"};
    char path[64];
    temp_file(path, "actors = ({ name = \"A\"; });\nupdate_every = 0;\n");
    char want[200];
    snprintf(want, sizeof want, "%s:2: update_every = 0 is out of range [1, 100000]", path);
    load_fails(path, ov, 1, want);
    unlink(path);
}

/* ---- the printer ---- */

Test(config, fixed_point_minimal_full_manifest)
{
    const char *files[] = {"tests/data/config_minimal.cfg", "tests/data/config_full.cfg",
                           "tests/data/config_manifest.cfg"};
    for (size_t i = 0; i < 3; i++) {
        coop_config c;
        load_ok(files[i], NULL, 0, &c);
        assert_fixed_point(&c);
        coop_config_destroy(&c);
    }
}

Test(config, fixed_point_eu_ca)
{
    coop_config c;
    load_ok("configs/eu_ca.cfg", NULL, 0, &c);
    assert_fixed_point(&c);
    coop_config_destroy(&c);
}

Test(config, printer_exact_text)
{
    coop_config c;
    load_ok("tests/data/config_minimal.cfg", NULL, 0, &c);
    char *text = print_str(&c);
    const char *want =
        "# coopsim configuration, fully resolved: every key, defaults filled in.\n"
        "experiment = {\n  name = \"coopsim\";\n  seed = 1;\n  replicates = 100;\n"
        "  rng = \"mt19937\";\n  engine = \"auto\";\n};\n"
        "time = {\n  start = 1991.0;\n  end = 2030.0;\n  steps_per_year = 4;\n  unit = \"year\";\n};\n"
        "noise = 0.01;\ninteraction = \"tie\";\nupdate_every = 1;\n"
        "engagement = {\n  alpha = 0.2;\n  delta = 0.05;\n};\n"
        "institutions = {\n"
        "  levels = [ \"none\", \"framework_signed\", \"framework_in_force\", \"enhanced\" ];\n"
        "  theta = [ 0.0, 0.3, 0.5, 0.7 ];\n  omega = [ 0.0, 0.2, 0.4, 0.6 ];\n  tau = 4;\n"
        "  hysteresis = 0.1;\n  beta = 0.1;\n  gamma = 0.5;\n  lambda = 0.1;\n};\n"
        "output = {\n  series = \"summary\";\n  snapshots = [ ];\n};\n"
        "hypothesis = {\n  motivator = \"\";\n  target = \"\";\n  window_years = 10.0;\n"
        "  placebo = [ ];\n  weights = \"equal\";\n  primary = \"others_coop_target\";\n  alpha = 0.05;\n"
        "  confidence = 0.95;\n  bootstrap = 2000;\n  channels = false;\n  max_replicates = 16384;\n"
        "  sesoi = {\n    others_coop_target = 0.02;\n    target_engagement = 0.02;\n"
        "    others_level = 0.1;\n    rmst_enhanced = 1.0;\n    engaged_share = 0.05;\n"
        "    regional_cohesion = 0.02;\n  };\n};\n"
        "domains = (\n  {\n    name = \"pd\";\n    R = 3.0;\n    S = 0.0;\n    T = 5.0;\n"
        "    P = 1.0;\n    public_good = 0.0;\n  }\n);\n"
        "observables = ( );\n"
        "actors = (\n  {\n    name = \"A\";\n    kind = \"state\";\n    region = \"\";\n"
        "    capacity = 1.0;\n    goals = {\n      pd = 1.0;\n    };\n    openness = 1.0;\n"
        "    propensity = 0.5;\n    engagement = 0.5;\n    attention_budget = 1000000.0;\n"
        "    attention_max = 0.0;\n    attention_expansion = 0.0;\n    attention_relax = 0.0;\n"
        "    attention_cost = 0.0;\n"
        "    rule = \"bush_mosteller\";\n    rule_params = {\n      aspiration = 0.5;\n"
        "      learning_rate = 0.5;\n    };\n  }\n);\n"
        "ties = ( );\nevents = ( );\n";
    cr_assert_str_eq(text, want);
    free(text);
    coop_config_destroy(&c);
}

Test(config, printer_escapes_and_exact_floats)
{
    coop_config c;
    load_text("actors = ({ name = \"A\"; kind = \"a \\\"quoted\\\" \\\\ kind\";"
              " capacity = 0.1; propensity = 0.3333333333333333; });\n",
              NULL, 0, &c);
    c.actors[0].capacity = 0.1 + 0.2; /* needs 17 significant digits */
    char *text = print_str(&c);
    cr_assert_not_null(strstr(text, "kind = \"a \\\"quoted\\\" \\\\ kind\";"));
    cr_assert_not_null(strstr(text, "capacity = 0.30000000000000004;"));
    coop_config again;
    load_text(text, NULL, 0, &again);
    cr_assert_eq(again.actors[0].capacity, 0.1 + 0.2);
    cr_assert_eq(again.actors[0].propensity, 0.3333333333333333);
    cr_assert_str_eq(again.actors[0].kind, "a \"quoted\" \\ kind");
    free(text);
    coop_config_destroy(&again);
    coop_config_destroy(&c);
}

/* ---- the validation group, kept as text ---- */

Test(config, validation_group_round_trips)
{
    /* configs/eu_ca_history.cfg keeps its group; its trade_file becomes absolute. */
    coop_config c;
    load_ok("configs/eu_ca_history.cfg", NULL, 0, &c);
    cr_assert_not_null(c.validation);
    char *text = print_str(&c);
    cr_assert_not_null(strstr(text, "\nvalidation = {\n  target = \"EU\";\n"), "%s", text);
    char *abs = realpath("configs/data/eu_ca_trade_2013_2017.csv", NULL);
    cr_assert_not_null(abs);
    char want[PATH_MAX + 32];
    snprintf(want, sizeof want, "\n  trade_file = \"%s\";\n", abs);
    cr_assert_not_null(strstr(text, want), "%s", text);
    /* validation comes after the events (and before a sweep) */
    const char *events = strstr(text, "\nevents = ("), *valid = strstr(text, "\nvalidation = {");
    cr_assert_not_null(events, "%s", text);
    cr_assert_not_null(valid, "%s", text);
    cr_assert_lt(events, valid, "%s", text);
    assert_fixed_point(&c);
    free(abs);
    free(text);
    coop_config_destroy(&c);

    /* a configuration without the group prints nothing about it */
    load_ok("configs/eu_ca.cfg", NULL, 0, &c);
    cr_assert_null(c.validation);
    text = print_str(&c);
    cr_assert_null(strstr(text, "validation"));
    free(text);
    coop_config_destroy(&c);
}

Test(config, validation_group_printed_exactly)
{
    /* Every kind of value, written back so that it reads back the same: strings with
     * escapes, 64-bit integers, hex read as decimal, exact floats, an infinity, bools,
     * arrays, lists (empty, nested, of groups), nested groups; comments dropped; a
     * trade_file that names no file kept as written. */
    coop_config c, d;
    coop_err err = {0};
    load_text("actors = ({ name = \"A\"; });\n"
              "validation = {  # a comment\n"
              "  s = \"a \\\"q\\\" \\\\ b\\n\\tc\";\n"
              "  big = 4294967296L; small = 5L; neg = -3; hex = 0x10;\n"
              "  f = -0.30000000000000004; e = 1e-300; inf = 1e999; b = true;\n"
              "  arr = [ 1, 2 ]; empty = [ ]; el = ( );\n"
              "  l = ( { a = 1; b = ( 1, \"x\", [ 2.5 ] ); }, \"y\" );\n"
              "  g = { h = { i = false; }; };\n"
              "  trade_file = \"no_such_table.csv\";\n"
              "};\n",
              NULL, 0, &c);
    const char *want =
        "validation = {\n"
        "  s = \"a \\\"q\\\" \\\\ b\\n\\tc\";\n"
        "  big = 4294967296L;\n  small = 5L;\n  neg = -3;\n  hex = 16;\n"
        "  f = -0.30000000000000004;\n  e = 1e-300;\n  inf = 1e999;\n  b = true;\n"
        "  arr = [ 1, 2 ];\n  empty = [ ];\n  el = ( );\n"
        "  l = (\n    {\n      a = 1;\n      b = (\n        1,\n        \"x\",\n"
        "        [ 2.5 ]\n      );\n    },\n    \"y\"\n  );\n"
        "  g = {\n    h = {\n      i = false;\n    };\n  };\n"
        "  trade_file = \"no_such_table.csv\";\n"
        "};\n";
    cr_assert_str_eq(c.validation, want);
    char *text = print_str(&c);
    size_t tl = strlen(text), wl = strlen(want);
    cr_assert(tl > wl && strcmp(text + tl - wl, want) == 0, "%s", text);
    assert_fixed_point(&c);
    /* the copy owns its own text */
    cr_assert_eq(coop_config_copy(&d, &c, &err), COOP_OK);
    cr_assert_str_eq(d.validation, c.validation);
    cr_assert_neq(d.validation, c.validation);
    coop_config_destroy(&d);
    free(text);
    coop_config_destroy(&c);
}

Test(config, validation_trade_file_resolution)
{
    /* Relative to the configuration's directory, made absolute; an absolute path is
     * kept as written. */
    coop_config c;
    load_ok("tests/data/val_small.cfg", NULL, 0, &c);
    char *abs = realpath("tests/data/val_trade.csv", NULL);
    cr_assert_not_null(abs);
    char want[PATH_MAX + 32];
    snprintf(want, sizeof want, "\n  trade_file = \"%s\";\n", abs);
    cr_assert_not_null(strstr(c.validation, want), "%s", c.validation);
    coop_config_destroy(&c);
    load_text("actors = ({ name = \"A\"; });\n"
              "validation = { trade_file = \"/no/such/dir/../table.csv\"; };\n", NULL, 0, &c);
    cr_assert_str_eq(c.validation, "validation = {\n  trade_file = \"/no/such/dir/../table.csv\";\n};\n");
    coop_config_destroy(&c);
    /* not a group: kept as it is (coopsim validate refuses it) */
    load_text("actors = ({ name = \"A\"; });\nvalidation = 5;\n", NULL, 0, &c);
    cr_assert_str_eq(c.validation, "validation = 5;\n");
    coop_config_destroy(&c);
    free(abs);
}

/* ---- output.snapshots ---- */

#define SNAP_BASE "actors = ({ name = \"A\"; });\n" \
                  "time = { start = 0.0; end = 100.0; steps_per_year = 1; unit = \"generation\"; };\n"

Test(config, snapshots_load_print_copy)
{
    coop_config c, d;
    coop_err err = {0};
    load_text(SNAP_BASE "output = { series = \"full\"; snapshots = [ 0, 7, 99 ]; };\n", NULL, 0,
              &c);
    cr_assert_eq(c.n_snapshots, 3);
    cr_assert_eq(c.snapshots[0], 0);
    cr_assert_eq(c.snapshots[1], 7);
    cr_assert_eq(c.snapshots[2], 99);
    char *text = print_str(&c);
    cr_assert_not_null(strstr(text, "output = {\n  series = \"full\";\n  snapshots = [ 0, 7, 99 ];\n};\n"),
                       "%s", text);
    free(text);
    assert_fixed_point(&c);

    /* A deep copy: changing it leaves the original alone. */
    cr_assert_eq(coop_config_copy(&d, &c, &err), COOP_OK);
    cr_assert_neq(d.snapshots, c.snapshots);
    cr_assert_eq(d.n_snapshots, 3);
    d.snapshots[1] = 8;
    cr_assert_eq(c.snapshots[1], 7);
    coop_config_destroy(&d);
    coop_config_destroy(&c);
    cr_assert_null(c.snapshots);
    cr_assert_eq(c.n_snapshots, 0);

    /* None, or an empty array: NULL and 0, printed as [ ]. */
    load_text(SNAP_BASE "output = { snapshots = [ ]; };\n", NULL, 0, &c);
    cr_assert_null(c.snapshots);
    cr_assert_eq(c.n_snapshots, 0);
    assert_fixed_point(&c);
    coop_config_destroy(&c);
}

Test(config, snapshots_override_and_limits)
{
    coop_config c;
    const char *ov[] = {"output.snapshots=[0,10]"};
    load_text(SNAP_BASE, ov, 1, &c);
    cr_assert_eq(c.n_snapshots, 2);
    cr_assert_eq(c.snapshots[0], 0);
    cr_assert_eq(c.snapshots[1], 10);
    coop_config_destroy(&c);

    /* A later --set replaces the file's array; time.end changes the range. */
    const char *ov2[] = {"output.snapshots=[5]", "time.end=6.0"};
    load_text(SNAP_BASE "output = { snapshots = [ 0, 50 ]; };\n", ov2, 2, &c);
    cr_assert_eq(c.n_snapshots, 1);
    cr_assert_eq(c.snapshots[0], 5);
    coop_config_destroy(&c);

    char path[64];
    temp_file(path, SNAP_BASE);
    const char *bad[] = {"output.snapshots=[3,3]"};
    load_fails(path, bad, 1, "--set output.snapshots=[3,3]: output.snapshots.1 = 3 is not after "
                             "output.snapshots.0 = 3: the steps must be strictly ascending");
    const char *neg[] = {"output.snapshots=[-1]"};
    load_fails(path, neg, 1, "--set output.snapshots=[-1]: output.snapshots.0 = -1 is out of "
                             "range [0, 99]");
    unlink(path);

    /* At most COOP_MAX_SNAPSHOTS (64) steps: 64 load, 65 do not. */
    char text[2048], list[1024] = "";
    for (int i = 0; i < 65; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", i ? ", " : "", i);
    snprintf(text, sizeof text, SNAP_BASE "output = { snapshots = [ %s ]; };\n", list);
    temp_file(path, text);
    char want[256];
    snprintf(want, sizeof want, "%s:3: output.snapshots has 65 entries: at most 64 are allowed",
             path);
    load_fails(path, NULL, 0, want);
    unlink(path);
    *strrchr(list, ',') = '\0';
    snprintf(text, sizeof text, SNAP_BASE "output = { snapshots = [ %s ]; };\n", list);
    load_text(text, NULL, 0, &c);
    cr_assert_eq(c.n_snapshots, COOP_MAX_SNAPSHOTS);
    cr_assert_eq(c.snapshots[63], 63);
    coop_config_destroy(&c);
}

/* ---- copy ---- */

Test(config, copy_is_deep)
{
    coop_config c, d;
    coop_err err = {0};
    load_ok("tests/data/config_full.cfg", NULL, 0, &c);
    cr_assert_eq(coop_config_copy(&d, &c, &err), COOP_OK);
    char *a = print_str(&c), *b = print_str(&d);
    cr_assert_str_eq(a, b);
    d.actors[0].goals[0] = 0.0;
    d.ties[0].obs0[0] = 1.0;
    d.observables[0].drive[1] = 1;
    d.events[0].value = 9.0;
    cr_assert_eq(c.actors[0].goals[0], 0.75);
    cr_assert_eq(c.ties[0].obs0[0], 100.0);
    cr_assert_eq(c.observables[0].drive[1], 0);
    cr_assert_eq(c.events[0].value, 4.0);
    free(a);
    free(b);
    coop_config_destroy(&d);
    coop_config_destroy(&c);
    coop_config_destroy(&c); /* safe on a destroyed config */
    coop_config z = {0};
    coop_config_destroy(&z);
    coop_config_destroy(NULL);
}

/* ---- parameter paths ---- */

Test(config, resolve_paths)
{
    coop_config c;
    coop_err err = {0};
    load_ok("configs/eu_ca.cfg", NULL, 0, &c);
    int eu = coop_config_actor(&c, "EU"), kz = coop_config_actor(&c, "KZ");
    int energy = coop_config_domain(&c, "energy"), sec = coop_config_domain(&c, "security");
    int t = coop_config_tie(&c, "EU", "KZ");
    cr_assert_geq(t, 0);
    cr_assert_eq(coop_config_tie(&c, "KZ", "EU"), t);
    struct { const char *path; coop_field f; int index, sub; } ok[] = {
        {"noise", COOP_F_NOISE, 0, 0},
        {"engagement.delta", COOP_F_ENG_DELTA, 0, 0},
        {"institutions.theta.2", COOP_F_INST_THETA, 0, 2},
        {"institutions.omega.3", COOP_F_INST_OMEGA, 0, 3},
        {"institutions.lambda", COOP_F_INST_LAMBDA, 0, 0},
        {"domains.energy.R", COOP_F_DOMAIN_R, energy, 0},
        {"domains.security.public_good", COOP_F_DOMAIN_PUBLIC_GOOD, sec, 0},
        {"actors.EU.goals.security", COOP_F_ACTOR_GOAL, eu, sec},
        {"actors.KZ.rule_params.aspiration", COOP_F_ACTOR_RULE_PARAM, kz, 0},
        {"actors.KZ.rule_params.learning_rate", COOP_F_ACTOR_RULE_PARAM, kz, 1},
        {"actors.KZ.motivator.initiative_rate", COOP_F_MOT_INITIATIVE_RATE, kz, 0},
        {"actors.KZ.attention_budget", COOP_F_ACTOR_ATTENTION, kz, 0},
        {"ties.EU-KZ.weight", COOP_F_TIE_WEIGHT, t, 0},
        {"ties.KZ-EU.observables.trade", COOP_F_TIE_OBS, t, 0},
        {"observables.trade.growth", COOP_F_OBS_GROWTH, 0, 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        coop_param_ref r;
        cr_assert_eq(coop_config_resolve(&c, ok[i].path, &r, &err), COOP_OK, "%s: %s",
                     ok[i].path, err.text);
        cr_assert_eq(r.field, ok[i].f, "%s", ok[i].path);
        cr_assert_eq(r.index, ok[i].index, "%s", ok[i].path);
        cr_assert_eq(r.sub, ok[i].sub, "%s", ok[i].path);
        char back[COOP_PATH_MAX];
        cr_assert_eq(coop_config_ref_path(&c, &r, back, sizeof back), COOP_OK);
        coop_param_ref r2;
        cr_assert_eq(coop_config_resolve(&c, back, &r2, &err), COOP_OK);
        cr_assert(r2.field == r.field && r2.index == r.index && r2.sub == r.sub, "%s", back);
    }
    struct { const char *path, *text; } bad[] = {
        {"actors.XX.openness", "actors.XX.openness: no actor named 'XX'"},
        {"actors.KG.motivator.brokerage",
         "actors.KG.motivator.brokerage: actor 'KG' has no motivator role"},
        {"actors.KZ.rule_params.generosity",
         "actors.KZ.rule_params.generosity: rule 'bush_mosteller' of actor 'KZ' has no "
         "parameter 'generosity' (parameters: aspiration, learning_rate)"},
        {"institutions.theta.4", "institutions.theta.4: write institutions.theta.LEVEL with "
                                 "LEVEL in 0..3"},
        {"institutions.tau", "institutions.tau: 'tau' is not a numeric parameter (numeric: "
                             "theta, omega, hysteresis, beta, gamma, lambda)"},
        {"domains.energy.b", "domains.energy.b: domain 'energy' is not a donation game (it has "
                             "R, S, T, P)"},
        {"ties.KZ-KG.observables.oil", "ties.KZ-KG.observables.oil: no observable named 'oil'"},
        {"ties.EU-KZ-KG.weight", "ties.EU-KZ-KG.weight: no tie between 'EU' and 'KZ-KG'"},
        {"noise.x", "noise.x: names no numeric parameter (paths start with noise, engagement, "
                    "institutions, domains, actors, ties or observables)"},
        {"actors.KZ.openness.x", "actors.KZ.openness.x: names no numeric parameter: 'openness' "
                                 "has no parts"},
        {"actors.KZ", "actors.KZ: names no numeric parameter: write actors.NAME.KEY"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        coop_param_ref r;
        cr_expect_eq(coop_config_resolve(&c, bad[i].path, &r, &err), COOP_ECONFIG, "%s",
                     bad[i].path);
        cr_expect_str_eq(err.text, bad[i].text);
    }
    coop_config_destroy(&c);
}

Test(config, set_param_semantics)
{
    coop_config c;
    coop_err err = {0};
    coop_param_ref r;
    load_ok("tests/data/config_full.cfg", NULL, 0, &c);

    /* A goal becomes a share; the others keep their proportions. */
    cr_assert_eq(coop_config_resolve(&c, "actors.A.goals.gift", &r, &err), COOP_OK);
    cr_assert_eq(coop_config_set_param(&c, &r, COOP_OP_SET, 0.5, &err), COOP_OK);
    cr_assert_eq(c.actors[0].goals[1], 0.5);
    cr_assert_eq(c.actors[0].goals[0], 0.5);
    cr_assert_eq(coop_config_set_param(&c, &r, COOP_OP_MUL, 3.0, &err), COOP_ECONFIG);
    cr_assert_str_eq(err.text, "actors.A.goals.gift = 1.5 is out of range [0, 1]");

    /* b of a donation domain recomputes R, S, T, P. */
    cr_assert_eq(coop_config_resolve(&c, "domains.gift.c", &r, &err), COOP_OK);
    cr_assert_eq(coop_config_set_param(&c, &r, COOP_OP_ADD, 1.0, &err), COOP_OK);
    cr_assert_eq(c.domains[1].c, 2.0);
    cr_assert_eq(c.domains[1].R, 1.0);
    cr_assert_eq(c.domains[1].S, -2.0);
    cr_assert_eq(c.domains[1].T, 3.0);

    /* Range: out of range leaves the value unchanged. */
    cr_assert_eq(coop_config_resolve(&c, "noise", &r, &err), COOP_OK);
    cr_assert_eq(coop_config_set_param(&c, &r, COOP_OP_ADD, 0.5, &err), COOP_ECONFIG);
    cr_assert_str_eq(err.text, "noise = 0.55 is out of range [0, 0.5]");
    cr_assert_eq(c.noise, 0.05);
    cr_assert_eq(coop_config_get_param(&c, &r), 0.05);

    /* Rule parameters take their range from the rule schema. */
    cr_assert_eq(coop_config_resolve(&c, "actors.C.rule_params.K", &r, &err), COOP_OK);
    cr_assert_eq(coop_config_set_param(&c, &r, COOP_OP_SET, 0.0, &err), COOP_ECONFIG);
    cr_assert_str_eq(err.text, "actors.C.rule_params.K = 0 is out of range [1e-06, 1000000]");

    /* theta stays non-decreasing. */
    cr_assert_eq(coop_config_resolve(&c, "institutions.theta.1", &r, &err), COOP_OK);
    cr_assert_eq(coop_config_set_param(&c, &r, COOP_OP_SET, 0.95, &err), COOP_ECONFIG);
    cr_assert_eq(c.inst.theta[1], 0.4);
    coop_config_destroy(&c);
}

/* ---- the default scenario ---- */

Test(config, eu_ca_scenario)
{
    coop_config c;
    load_ok("configs/eu_ca.cfg", NULL, 0, &c);
    const char *names[] = {"EU", "KZ", "KG", "TJ", "TM", "UZ"};
    cr_assert_eq(c.n_actors, 6);
    for (int i = 0; i < 6; i++)
        cr_assert_str_eq(c.actors[i].name, names[i]);
    cr_assert_eq(c.start, 1991.0);
    cr_assert_eq(c.end, 2030.0);
    cr_assert_eq(c.steps_per_year, 4);
    /* The EU's tie to each state and all ten intra-CA pairs. */
    cr_assert_eq(c.n_ties, 15);
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++)
            cr_assert_geq(coop_config_tie(&c, names[i], names[j]), 0, "%s-%s", names[i], names[j]);
    /* Five domains with the character of docs/ODD.md, "2. Entities, state
     * variables and scales". */
    const char *dom[] = {"political", "trade", "energy", "security", "transport"};
    cr_assert_eq(c.n_domains, 5);
    for (int d = 0; d < 5; d++)
        cr_assert_str_eq(c.domains[d].name, dom[d]);
    const coop_domain_cfg *tr = &c.domains[1], *en = &c.domains[2], *se = &c.domains[3],
                          *tp = &c.domains[4];
    cr_assert_gt(tr->R, tr->T);
    cr_assert(en->R > en->T && en->T > en->P && en->P > en->S);
    cr_assert(tp->R > tp->T && tp->T > tp->P && tp->P > tp->S);
    cr_assert(se->T > se->R && se->R > se->P && se->P > se->S);
    /* Political asymmetry through goals: the EU weighs it more than every state. */
    for (int i = 1; i < 6; i++)
        cr_assert_gt(c.actors[0].goals[0], 2 * c.actors[i].goals[0]);
    /* Openness: KZ highest in CA throughout; TJ lowest during the civil war, then
     * (after the events) TM lowest and TJ below KG. */
    int kz = 1, kg = 2, tj = 3, tm = 4, uz = 5;
    for (int i = 1; i < 6; i++)
        if (i != tj)
            cr_assert_lt(c.actors[tj].openness, c.actors[i].openness);
    coop_config after;
    coop_err err = {0};
    cr_assert_eq(coop_config_copy(&after, &c, &err), COOP_OK);
    for (size_t e = 0; e < after.n_events; e++)
        cr_assert_eq(coop_config_set_param(&after, &after.events[e].ref, after.events[e].op,
                                           after.events[e].value, &err),
                     COOP_OK, "%s", err.text);
    for (int i = 1; i < 6; i++) {
        if (i != tm)
            cr_assert_lt(after.actors[tm].openness, after.actors[i].openness);
        if (i != kz) {
            cr_assert_gt(c.actors[kz].openness, c.actors[i].openness);
            cr_assert_gt(after.actors[kz].openness, after.actors[i].openness);
        }
    }
    cr_assert_lt(after.actors[tj].openness, after.actors[kg].openness);
    /* The 2001 event gives security a share of 0.3 of the EU's goals. */
    cr_assert_eq(after.actors[0].goals[3], 0.3);
    coop_config_destroy(&after);
    /* The motivator and the hypothesis. */
    cr_assert_eq(c.actors[kz].motivator.target, 0);
    cr_assert_gt(c.actors[kz].motivator.initiative_rate, 0);
    cr_assert_eq(c.hyp.motivator, kz);
    cr_assert_eq(c.hyp.target, 0);
    for (int i = 0; i < 6; i++) {
        cr_assert_eq(c.actors[i].rule, COOP_RULE_BUSH_MOSTELLER);
        if (i != kz)
            cr_assert_eq(c.actors[i].motivator.target, -1);
    }
    /* Counter-mechanisms present with non-zero strength. */
    cr_assert_lt(c.actors[0].attention_budget, 5.0); /* can bind over five partners */
    cr_assert_gt(c.ties[coop_config_tie(&c, "KZ", "UZ")].rivalry, 0);
    cr_assert_gt(se->public_good, 0);
    cr_assert_gt(tp->public_good, 0);
    /* Trade on EU ties from Table 1 (2013, imports + exports). */
    cr_assert_eq(c.n_observables, 1);
    cr_assert_str_eq(c.observables[0].name, "trade");
    cr_assert_eq(c.observables[0].drive[1], 1);
    cr_assert_eq(c.observables[0].drive[2], 1);
    cr_assert_eq(c.observables[0].drive[3], 0);
    cr_assert_eq(c.ties[coop_config_tie(&c, "EU", "KZ")].obs0[0], 23865.0 + 7472.0);
    cr_assert_eq(c.ties[coop_config_tie(&c, "EU", "UZ")].obs0[0], 247.0 + 1404.0);
    cr_assert_eq(c.regions[c.actors[uz].region_id][0], 'c');
    cr_assert_eq(c.actors[0].region_id, -1);
    coop_config_destroy(&c);
}

/* ---- the documentation ---- */

Test(config, docs_list_every_key)
{
    char *doc = slurp_or_fail("docs/CONFIG.md", NULL);
    size_t n = coop_config_schema_size();
    cr_assert_gt(n, 50);
    for (size_t i = 0; i < n; i++) {
        char key[COOP_PATH_MAX], quoted[COOP_PATH_MAX + 2];
        cr_assert_eq(coop_config_schema_key(i, key, sizeof key), COOP_OK);
        snprintf(quoted, sizeof quoted, "`%s`", key);
        cr_expect_not_null(strstr(doc, quoted), "docs/CONFIG.md does not document %s", key);
    }
    char key[8];
    cr_assert_eq(coop_config_schema_key(n, key, sizeof key), COOP_EINVAL);
    /* The reference table is the schema's own, verbatim (regenerate it with
     * coop_config_print_schema when the table in sim/config/config_schema.c changes). */
    char *table = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&table, &len);
    cr_assert_eq(coop_config_print_schema(m), COOP_OK);
    fclose(m);
    cr_expect_not_null(strstr(doc, table),
                       "docs/CONFIG.md's reference table differs from coop_config_print_schema");
    free(table);
    free(doc);
}

/* ---- end to end: coopsim check and configuration errors ---- */

Test(config, e2e_check_prints_the_resolved_config)
{
    coop_config c;
    load_ok("configs/eu_ca.cfg", NULL, 0, &c);
    char *want = print_str(&c);
    e2e_result *r = e2e_run("check configs/eu_ca.cfg");
    cr_assert_eq(r->status, 0, "stderr: %s", r->err);
    cr_assert_str_eq(r->out, want);
    free(want);
    coop_config_destroy(&c);

    /* With overrides, and the output checks again to the same text. */
    r = e2e_run("check configs/eu_ca.cfg --set actors.KZ.openness=0.65 --set actors.KZ.rule=wsls");
    cr_assert_eq(r->status, 0, "stderr: %s", r->err);
    cr_assert_not_null(strstr(r->out, "openness = 0.65;"));
    char path[64];
    temp_file(path, r->out);
    char first[sizeof r->out];
    memcpy(first, r->out, sizeof first);
    r = e2e_run("check %s", path);
    cr_assert_eq(r->status, 0, "stderr: %s", r->err);
    cr_assert_str_eq(r->out, first);
    unlink(path);
}

Test(config, e2e_errors_exit_2_and_create_nothing)
{
    char dir[64], out[128];
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0]);
    snprintf(out, sizeof out, "%s/results", dir);

    e2e_result *r = e2e_run("run tests/bad/openness_high.cfg -o %s --quiet", out);
    cr_assert_eq(r->status, 2);
    cr_assert_str_eq(r->err, "coopsim: tests/bad/openness_high.cfg:5: actors.TM.openness = 1.5 "
                             "is out of range [0, 1]\n");
    cr_assert_not(e2e_exists(out), "a failed configuration must create nothing");

    r = e2e_run("run configs/eu_ca.cfg -o %s --quiet --set actors.XX.openness=0.5", out);
    cr_assert_eq(r->status, 2);
    cr_assert_str_eq(r->err, "coopsim: --set actors.XX.openness=0.5: no actor named 'XX'\n");
    cr_assert_not(e2e_exists(out));

    r = e2e_run("check tests/bad/no_such.cfg");
    cr_assert_eq(r->status, 2);
    cr_assert_str_eq(r->err, "coopsim: tests/bad/no_such.cfg: cannot open: No such file or "
                             "directory\n");
    e2e_rmrf(dir);
}

/* ---- the motivator channels and the goal-share rule (coop_config.h) ---- */

/* Every channel of COOP_MOTIVATOR_CHANNELS is a schema key with its field, and
 * the accessors reach its struct member. */
Test(config, motivator_channels_declared_once)
{
    coop_motivator_cfg m = {.target = -1};
    m.initiative_rate = 0.1, m.initiative_impact = 0.2, m.demonstration = 0.3;
    m.brokerage = 0.4, m.initiative = 0.5;
    const coop_field fields[] = {COOP_F_MOT_INITIATIVE_RATE, COOP_F_MOT_INITIATIVE_IMPACT,
                                 COOP_F_MOT_DEMONSTRATION, COOP_F_MOT_BROKERAGE,
                                 COOP_F_MOT_INITIATIVE};
    const double values[] = {0.1, 0.2, 0.3, 0.4, 0.5};
    cr_assert_eq(COOP_N_MOT, 5);
    for (int c = 0; c < COOP_N_MOT; c++) {
        cr_assert_eq(coop_motivator_channel(fields[c]), c);
        cr_assert_eq(coop_motivator_get(&m, c), values[c]);
        cr_assert_eq(coop_motivator_strength(c), c != COOP_MOT_INITIATIVE);
    }
    coop_motivator_set(&m, COOP_MOT_BROKERAGE, 0.9);
    cr_assert_eq(m.brokerage, 0.9);
    cr_assert_eq(coop_motivator_channel(COOP_F_TIE_WEIGHT), -1);
    cr_assert_eq(coop_motivator_channel(COOP_F_ACTOR_GOAL), -1);
}

Test(config, goal_share)
{
    double g[3] = {0.5, 0.25, 0.25};
    cr_assert_eq(coop_goal_share(g, 3, 0, 0.0), 0);
    cr_assert_eq(g[0], 0.0);
    cr_assert_eq(g[1], 0.5);
    cr_assert_eq(g[2], 0.5);
    double h[2] = {1.0, 0.0};
    cr_assert_eq(coop_goal_share(h, 2, 0, 0.5), -1);
    cr_assert_eq(h[0], 1.0);
    cr_assert_eq(h[1], 0.0);
}
