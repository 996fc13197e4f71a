/* sens_config.c: the `sensitivity` group of a configuration (coop_sens.h), read
 * from the file with libconfig and checked key by key: every error names the
 * file, the line, the setting, its value and what is allowed (docs/CONFIG.md,
 * "Sensitivity analysis").  A parameter of the simulation must resolve to a numeric path
 * and both ends of its range must be values the configuration accepts (set on a
 * scratch copy, as a sweep point would set them). */
#include "coop_sens.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "coop_group.h"

#include "coop_rng.h"

/* The group's reader (coop_group.h): file, configuration, errors. */
typedef coop_group sctx;

/* A number (int or float) member of g into *x; absent leaves *x.  Status. */
static int get_num(const sctx *c, const config_setting_t *g, const char *name, double *x,
                   const config_setting_t **where)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    *where = s;
    if (!s)
        return COOP_OK;
    if (!coop_group_is_number(s))
        return coop_group_fail(c, s, "sensitivity.%s: must be a number", name);
    *x = coop_group_number(s);
    return COOP_OK;
}

/* An integer member in [lo, hi] (absent: *v kept). */
static int get_int(const sctx *c, const config_setting_t *g, const char *name, double lo,
                   double hi, int *v)
{
    const config_setting_t *s;
    double x = *v;
    int st = get_num(c, g, name, &x, &s);
    if (st || !s)
        return st;
    if (x != floor(x) || x < lo || x > hi)
        return coop_group_fail(c, s, "sensitivity.%s = %g: an integer in [%.0f, %.0f] is allowed",
                               name, x, lo, hi);
    *v = (int)x;
    return COOP_OK;
}

static int get_bool(const sctx *c, const config_setting_t *g, const char *name, int *v)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s)
        return COOP_OK;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        return coop_group_fail(c, s, "sensitivity.%s: must be true or false", name);
    *v = config_setting_get_bool(s);
    return COOP_OK;
}

/* A string member that must be one of names[0..n-1]: its index into *v. */
static int get_enum(const sctx *c, const config_setting_t *g, const char *name,
                    const char *const *names, int n, int *v)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s)
        return COOP_OK;
    const char *str = config_setting_get_string(s);
    for (int i = 0; str && i < n; i++)
        if (strcmp(str, names[i]) == 0) {
            *v = i;
            return COOP_OK;
        }
    char allowed[256] = "";
    for (int i = 0; i < n; i++)
        snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s\"%s\"",
                 i ? ", " : "", names[i]);
    return coop_group_fail(c, s, "sensitivity.%s = %s: one of %s is allowed", name,
                           str ? str
                               : "(not a "
                                 "string)",
                           allowed);
}

static const char *const method_names[] = {"morris", "sobol"};
static const char *const function_names[] = {"ishigami", "g", "linear"};

/* One element of `parameters`: path, min, max, log. */
static int load_param(const sctx *c, const coop_config *cfg, int function,
                      const config_setting_t *e, coop_sens_param *p)
{
    const config_setting_t *s = config_setting_get_member(e, "path"), *w;
    const char *path = s ? config_setting_get_string(s) : NULL;
    if (!config_setting_is_group(e) || !path || !path[0] || strlen(path) >= COOP_PATH_MAX)
        return coop_group_fail(c, e,
                               "sensitivity.parameters: each element is a group { path = \"...\"; "
                               "min = ...; max = ...; } with a non-empty path");
    snprintf(p->path, sizeof p->path, "%s", path);
    p->line = (int)config_setting_source_line(e);
    p->min = p->max = NAN;
    int st;
    if ((st = get_num(c, e, "min", &p->min, &w)) || (st = get_num(c, e, "max", &p->max, &w)) ||
        (st = get_bool(c, e, "log", &p->log)))
        return st;
    if (!isfinite(p->min) || !isfinite(p->max) || !(p->min < p->max))
        return coop_group_fail(
            c, e,
            "sensitivity.parameters (%s): min = %g, max = %g: two finite numbers "
            "with min < max are required",
            path, p->min, p->max);
    if (p->log && !(p->min > 0.0))
        return coop_group_fail(
            c, e, "sensitivity.parameters (%s): log = true needs min > 0 (min = %g)", path, p->min);
    if (function >= 0)
        return COOP_OK;
    coop_err e2 = {0};
    if (coop_config_resolve(cfg, path, &p->ref, &e2))
        return coop_group_fail(c, e, "sensitivity.parameters: path = \"%s\": %s", path, e2.text);
    coop_config scratch;
    double ends[2] = {p->min, p->max};
    for (int i = 0; i < 2; i++) {
        if ((st = coop_config_copy(&scratch, cfg, c->err)))
            return st;
        st = coop_config_set_param(&scratch, &p->ref, COOP_OP_SET, ends[i], &e2);
        coop_config_destroy(&scratch);
        if (st)
            return coop_group_fail(c, e, "sensitivity.parameters (%s): %s = %g: %s", path,
                         i ? "max" : "min", ends[i], e2.text);
    }
    return COOP_OK;
}

static int load_params(const sctx *c, const coop_config *cfg, const config_setting_t *g,
                       coop_sens_cfg *s)
{
    const config_setting_t *l = config_setting_get_member(g, "parameters");
    int max = s->method == COOP_SENS_SOBOL ? COOP_SOBOL_MAX_K : COOP_SENS_MAX_PARAMS;
    if (!l || !config_setting_is_list(l) || config_setting_length(l) < 1 ||
        config_setting_length(l) > max)
        return coop_group_fail(c, l ? l : g,
                               "sensitivity.parameters: a list of 1 to %d parameters is "
                               "required with method \"%s\"",
                               max, method_names[s->method]);
    s->n_params = (size_t)config_setting_length(l);
    for (size_t i = 0; i < s->n_params; i++) {
        int st = load_param(c, cfg, s->function, config_setting_get_elem(l, (unsigned)i),
                            &s->params[i]);
        if (st)
            return st;
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->params[j].path, s->params[i].path) == 0)
                return coop_group_fail(c, config_setting_get_elem(l, (unsigned)i),
                             "sensitivity.parameters: %s is given twice", s->params[i].path);
    }
    if (s->function == COOP_TESTFN_ISHIGAMI && s->n_params != 3)
        return coop_group_fail(c, l,
                               "sensitivity.parameters: function \"ishigami\" has 3 parameters, "
                               "not %zu",
                               s->n_params);
    return COOP_OK;
}

/* The output called name: an outcome, "effect:" an outcome, or "y"; -1 if none. */
static int output_of(const coop_sens_cfg *s, const char *name)
{
    if (!name)
        return -1;
    if (s->function >= 0)
        return strcmp(name, "y") == 0 ? 0 : -1;
    int effect = strncmp(name, "effect:", 7) == 0;
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        if (strcmp(name + (effect ? 7 : 0), coop_outcome_names[k]) == 0)
            return effect ? COOP_N_OUTCOMES + k : k;
    return -1;
}

/* The names of the outputs, and whether an effect needs the counterfactual worlds. */
static void output_names(coop_sens_cfg *s)
{
    for (size_t o = 0; o < s->n_outputs; o++) {
        int k = s->outputs[o];
        if (s->function >= 0)
            snprintf(s->output_name[o], sizeof s->output_name[o], "y");
        else if (k >= COOP_N_OUTCOMES)
            snprintf(s->output_name[o], sizeof s->output_name[o], "effect:%s",
                     coop_outcome_names[k - COOP_N_OUTCOMES]);
        else
            snprintf(s->output_name[o], sizeof s->output_name[o], "%s", coop_outcome_names[k]);
        s->paired |= k >= COOP_N_OUTCOMES;
    }
}

/* `outputs`: outcome names and effects (simulation), or absent/"y" (function). */
static int load_outputs(const sctx *c, const coop_config *cfg, const config_setting_t *g,
                        coop_sens_cfg *s)
{
    const config_setting_t *l = config_setting_get_member(g, "outputs");
    int max = s->function >= 0 ? 1 : 2 * COOP_N_OUTCOMES;
    s->n_outputs = s->function >= 0 ? 1 : COOP_N_OUTCOMES;
    for (size_t o = 0; o < s->n_outputs; o++)
        s->outputs[o] = (int)o;
    if (!l) {
        output_names(s);
        return COOP_OK;
    }
    int n = config_setting_length(l);
    if (!config_setting_is_array(l) || n < 1 || n > max)
        return coop_group_fail(c, l, "sensitivity.outputs: an array of 1 to %d names is required",
                               max);
    s->n_outputs = (size_t)n;
    for (int i = 0; i < n; i++) {
        const char *name = config_setting_get_string_elem(l, i);
        int found = output_of(s, name);
        if (found >= COOP_N_OUTCOMES && cfg->hyp.motivator < 0)
            return coop_group_fail(c, l, "sensitivity.outputs: %s: the scenario has no motivator "
                         "(hypothesis.motivator), so no effect to analyse", name);
        for (int j = 0; j < i && found >= 0; j++)
            if (s->outputs[j] == found)
                found = -2;
        if (found < 0)
            return coop_group_fail(
                c, l, "sensitivity.outputs: %s: %s", name ? name : "(not a string)",
                found == -2        ? "given twice"
                : s->function >= 0 ? "a function has the one output \"y\""
                                   : "not an outcome of outcomes.csv, nor effect:OUTCOME "
                                     "(docs/OUTPUT.md)");
        s->outputs[i] = found;
    }
    output_names(s);
    return COOP_OK;
}

/* `function`, `coefficients`, `noise`. */
static int load_function(const sctx *c, const config_setting_t *g, coop_sens_cfg *s)
{
    int st = get_enum(c, g, "function", function_names, 3, &s->function);
    const config_setting_t *w;
    if (st || (st = get_num(c, g, "noise", &s->noise, &w)))
        return st;
    if (w && (s->function < 0 || !(s->noise >= 0.0) || !isfinite(s->noise)))
        return coop_group_fail(c, w, "sensitivity.noise = %g: a number >= 0, with a function only",
                     s->noise);
    const config_setting_t *l = config_setting_get_member(g, "coefficients");
    if (!l)
        return COOP_OK;
    int n = config_setting_length(l);
    if (s->function < 0 || !config_setting_is_array(l) || n < 1 || n > COOP_SENS_MAX_PARAMS)
        return coop_group_fail(c, l,
                               "sensitivity.coefficients: an array of 1 to %d numbers, with a "
                               "function only",
                               COOP_SENS_MAX_PARAMS);
    s->n_coef = (size_t)n;
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        s->coef[i] = coop_group_number(e);
        if (!isfinite(s->coef[i]) || (s->function == COOP_TESTFN_G && s->coef[i] < 0.0))
            return coop_group_fail(c, l, "sensitivity.coefficients[%d] = %g: finite (G: >= 0)", i,
                         s->coef[i]);
    }
    return COOP_OK;
}

/* Coefficients of the function when the file gives none, and their count. */
static int check_coefficients(const sctx *c, const config_setting_t *g, coop_sens_cfg *s)
{
    size_t want = s->function == COOP_TESTFN_ISHIGAMI ? 2 : s->n_params;
    if (s->n_coef == 0) {
        s->n_coef = want;
        for (size_t i = 0; i < want; i++)  /* Ishigami 7, 0.1; G a_i = i (SALib: 0, 1, ...); 1 */
            s->coef[i] = s->function == COOP_TESTFN_ISHIGAMI ? (i ? 0.1 : 7.0)
                         : s->function == COOP_TESTFN_G    ? (double)i
                                                           : 1.0;
    }
    if (s->n_coef != want)
        return coop_group_fail(c, config_setting_get_member(g, "coefficients"),
                     "sensitivity.coefficients: %zu numbers, but function \"%s\" takes %zu",
                     s->n_coef, function_names[s->function], want);
    return COOP_OK;
}

static int load_group(const sctx *c, const coop_config *cfg, const config_setting_t *g,
                      coop_sens_cfg *s)
{
    const config_setting_t *m = config_setting_get_member(g, "method"), *w;
    if (!m)
        return coop_group_fail(c, g,
                               "sensitivity: missing required setting 'method' (\"morris\" or "
                               "\"sobol\")");
    int st;
    if ((st = get_enum(c, g, "method", method_names, 2, &s->method)) ||
        (st = load_function(c, g, s)))
        return st;
    s->n = s->method == COOP_SENS_SOBOL ? 1024 : 20;
    double seed = (double)s->seed;
    if ((st = get_int(c, g, "n", 2, COOP_MAX_POINTS, &s->n)) ||
        (st = get_int(c, g, "levels", 2, 1000, &s->levels)) ||
        (st = get_int(c, g, "candidates", 0, 10000, &s->candidates)) ||
        (st = get_bool(c, g, "second_order", &s->second_order)) ||
        (st = get_int(c, g, "bootstrap", 0, 100000, &s->bootstrap)) ||
        (st = get_num(c, g, "level", &s->level, &w)))
        return st;
    if (w && !(s->level > 0.0 && s->level < 1.0))
        return coop_group_fail(c, w, "sensitivity.level = %g: in (0, 1) is allowed", s->level);
    if ((st = get_num(c, g, "seed", &seed, &w)))
        return st;
    if (w && (seed != floor(seed) || seed < 0 || seed > 4294967295.0))
        return coop_group_fail(c, w, "sensitivity.seed = %g: an integer in [0, 4294967295]", seed);
    s->seed = (unsigned long)seed;
    if (s->levels % 2 != 0)
        return coop_group_fail(c, config_setting_get_member(g, "levels"),
                               "sensitivity.levels = %d: an "
                               "even number is allowed (the step is levels / (2 (levels - 1)))",
                               s->levels);
    if (s->candidates > 0 && s->candidates < s->n)
        return coop_group_fail(c, config_setting_get_member(g, "candidates"),
                               "sensitivity.candidates = "
                               "%d: 0 (no spreading) or at least n = %d",
                               s->candidates, s->n);
    if ((st = load_params(c, cfg, g, s)) || (st = load_outputs(c, cfg, g, s)))
        return st;
    return s->function >= 0 ? check_coefficients(c, g, s) : COOP_OK;
}

/* The keys the group may hold: anything else is a typo. */
static const char *const known_keys[] = {
    "method", "n", "levels", "candidates", "second_order", "bootstrap", "level", "seed",
    "function", "coefficients", "noise", "parameters", "outputs", NULL};

static int check_keys(const sctx *c, const config_setting_t *g)
{
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(e);
        int ok = 0;
        for (size_t k = 0; known_keys[k] && !ok; k++)
            ok = strcmp(name, known_keys[k]) == 0;
        if (!ok)
            return coop_group_fail(c, e, "sensitivity.%s: unknown setting (docs/SENSITIVITY.md)",
                         name);
    }
    return COOP_OK;
}

int coop_sens_load(const coop_config *cfg, coop_sens_cfg *s, coop_err *err)
{
    memset(s, 0, sizeof *s);
    snprintf(s->file, sizeof s->file, "%s", cfg->source);
    s->levels = 4;
    s->bootstrap = 1000;
    s->level = 0.95;
    s->seed = cfg->seed;
    s->function = -1;
    sctx c = {cfg->source, cfg, err};
    config_t lc;
    const config_setting_t *g;
    int st = coop_group_read(&lc, cfg->source, "sensitivity", 0, &g, err);
    if (!st && !g) {
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: no `sensitivity` group: coopsim sensitivity "
                       "needs sensitivity = { method = ...; parameters = ( ... ); } "
                       "(docs/SENSITIVITY.md)", cfg->source);
    } else if (!st && !(st = check_keys(&c, g))) {
        s->line = (int)config_setting_source_line(g);
        st = load_group(&c, cfg, g, s);
    }
    config_destroy(&lc);
    return st;
}

const char *coop_sens_output_name(const coop_sens_cfg *s, size_t o)
{
    return s->output_name[o];
}
