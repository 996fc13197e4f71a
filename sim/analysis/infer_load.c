/* infer_load.c: the `infer` group of a configuration (coop_infer.h), read from
 * the file itself with libconfig and checked against the loaded configuration:
 * sampler settings, parameters with priors, targets with windows, models as
 * override sets.  docs/INFERENCE.md lists every key with its default and range. */
#include "coop_infer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_group.h"

/* The group's reader (coop_group.h): file, configuration, errors. */
typedef coop_group ictx;

/* Number `name` of group g into *out: def when absent (required: an error), else
 * within [lo, hi] (open: bit 1 excludes lo, bit 2 excludes hi). */
static int get_num(const ictx *c, const config_setting_t *g, const char *where, const char *name,
                   double def, int required, double lo, double hi, int open, double *out)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s) {
        if (required)
            return coop_group_fail(c, g, "%s: `%s` is required", where, name);
        *out = def;
        return COOP_OK;
    }
    if (!coop_group_is_number(s))
        return coop_group_fail(c, s, "%s.%s: a number is required", where, name);
    double v = coop_group_number(s);
    if (!isfinite(v) || v > hi || v < lo || ((open & 1) && v == lo) || ((open & 2) && v == hi))
        return coop_group_fail(c, s, "%s.%s = %g: allowed %s%g, %g%s", where, name, v,
                               (open & 1) ? "(" : "[", lo, hi, (open & 2) ? ")" : "]");
    *out = v;
    return COOP_OK;
}

static int get_str(const ictx *c, const config_setting_t *g, const char *where, const char *name,
                   const char **out)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s)
        return coop_group_fail(c, g, "%s: `%s` is required", where, name);
    if (!(*out = config_setting_get_string(s)))
        return coop_group_fail(c, s, "%s.%s: a string is required", where, name);
    return COOP_OK;
}

/* Keys of group g not in the NULL-terminated list are refused (a typo would
 * otherwise be ignored silently). */
static int known_keys(const ictx *c, const config_setting_t *g, const char *where,
                      const char *const *keys)
{
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *n = config_setting_name(s);
        int ok = 0;
        for (const char *const *k = keys; *k && !ok; k++)
            ok = n && strcmp(n, *k) == 0;
        if (!ok)
            return coop_group_fail(c, s, "%s: unknown key `%s`", where, n ? n : "?");
    }
    return COOP_OK;
}

/* Whether the parameter at ref accepts value v (on a scratch copy of the configuration). */
static int accepts(const coop_config *cfg, const coop_param_ref *ref, double v, coop_err *err)
{
    coop_config tmp;
    int st = coop_config_copy(&tmp, cfg, err);
    if (st)
        return st;
    st = coop_config_set_param(&tmp, ref, COOP_OP_SET, v, err);
    coop_config_destroy(&tmp);
    return st;
}

static int load_prior(const ictx *c, const config_setting_t *g, const char *where, coop_prior *p)
{
    const char *kind;
    int st = get_str(c, g, where, "prior", &kind);
    if (st)
        return st;
    int k = coop_prior_kind_of(kind);
    if (k < 0)
        return coop_group_fail(c, config_setting_get_member(g, "prior"),
                               "%s.prior = \"%s\": allowed "
                               "uniform, loguniform, normal, beta",
                               where, kind);
    p->kind = (coop_prior_kind)k;
    const char *na = k == COOP_PRIOR_NORMAL ? "mean" : k == COOP_PRIOR_BETA ? "alpha" : "min";
    const char *nb = k == COOP_PRIOR_NORMAL ? "sd" : k == COOP_PRIOR_BETA ? "beta" : "max";
    if ((st = get_num(c, g, where, na, 0, 1, -HUGE_VAL, HUGE_VAL, 0, &p->a)) ||
        (st = get_num(c, g, where, nb, 0, 1, -HUGE_VAL, HUGE_VAL, 0, &p->b)))
        return st;
    coop_err e = {0};
    if (coop_prior_check(p, &e))
        return coop_group_fail(c, g, "%s: %s", where, e.text);
    return COOP_OK;
}

static int load_param(const ictx *c, const config_setting_t *g, int i, coop_infer_param *p)
{
    static const char *const keys[] = {"path", "prior", "min", "max", "mean", "sd", "alpha",
                                       "beta", NULL};
    char where[64];
    snprintf(where, sizeof where, "infer.parameters.%d", i);
    const char *path;
    int st;
    if (!config_setting_is_group(g))
        return coop_group_fail(c, g, "%s: a group { path = ...; prior = ...; } is required", where);
    if ((st = known_keys(c, g, where, keys)) || (st = get_str(c, g, where, "path", &path)))
        return st;
    snprintf(p->path, sizeof p->path, "%s", path);
    p->line = (int)config_setting_source_line(g);
    coop_err e = {0};
    if (coop_config_resolve(c->cfg, path, &p->ref, &e))
        return coop_group_fail(c, g, "%s.path = \"%s\": %s", where, path, e.text);
    if ((st = load_prior(c, g, where, &p->prior)))
        return st;
    double lo = p->prior.kind == COOP_PRIOR_NORMAL ? p->prior.a - 8 * p->prior.b
              : p->prior.kind == COOP_PRIOR_BETA   ? 0.0 : p->prior.a;
    double hi = p->prior.kind == COOP_PRIOR_NORMAL ? p->prior.a + 8 * p->prior.b
              : p->prior.kind == COOP_PRIOR_BETA   ? 1.0 : p->prior.b;
    const double ends[2] = {lo, hi};
    for (int k = 0; k < 2; k++)
        if (accepts(c->cfg, &p->ref, ends[k], &e))
            return coop_group_fail(
                c, g,
                "%s: the %s prior of %s reaches %g, outside the parameter's "
                "range (%s); choose a prior inside it%s",
                where, coop_prior_name(p->prior.kind), path, ends[k], e.text,
                p->prior.kind == COOP_PRIOR_NORMAL
                    ? " (a normal prior must allow "
                      "mean -/+ 8 sd: use uniform or beta on a bounded parameter)"
                    : "");
    return COOP_OK;
}

/* The metric of a target (coop_infer.h) into t. */
static int resolve_metric(const ictx *c, const config_setting_t *g, const char *where,
                          const char *metric, coop_infer_target *t)
{
    char buf[COOP_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", metric);
    char *dot = strchr(buf, '.'), *last = strrchr(buf, '.');
    const coop_config *cfg = c->cfg;
    if (!dot)
        goto bad;
    *dot = '\0';
    if (strcmp(buf, "validation") == 0) {
        t->source = COOP_IS_VALIDATION;
        for (t->column = 0; t->column < COOP_V_N; t->column++)
            if (strcmp(coop_validate_target_names[t->column], dot + 1) == 0)
                return COOP_OK;
        goto bad;
    }
    if (strcmp(buf, "population") == 0 || strcmp(buf, "outcomes") == 0) {
        int pop = buf[0] == 'p', n = pop ? COOP_POP_METRICS : COOP_N_OUTCOMES;
        const char *const *names = pop ? coop_pop_metric_names : coop_outcome_names;
        t->source = pop ? COOP_IS_POPULATION : COOP_IS_OUTCOME;
        for (t->column = 0; t->column < n; t->column++)
            if (strcmp(names[t->column], dot + 1) == 0)
                return COOP_OK;
        goto bad;
    }
    if (last == dot)
        goto bad;
    *last = '\0';
    const char *who = dot + 1, *name = last + 1;
    if (strcmp(buf, "actors") == 0) {
        t->source = COOP_IS_ACTOR;
        if ((t->index = coop_config_actor(cfg, who)) < 0)
            return coop_group_fail(c, g, "%s.metric = \"%s\": no actor `%s`", where, metric, who);
        for (t->column = 0; t->column < COOP_ACTOR_METRICS; t->column++)
            if (strcmp(coop_actor_metric_names[t->column], name) == 0)
                return COOP_OK;
    } else if (strcmp(buf, "ties") == 0) {
        char pair[COOP_PATH_MAX];
        snprintf(pair, sizeof pair, "%s", who);
        char *dash = strchr(pair, '-');
        t->source = COOP_IS_TIE;
        if (dash)
            *dash = '\0';
        if (!dash || (t->index = coop_config_tie(cfg, pair, dash + 1)) < 0)
            return coop_group_fail(c, g, "%s.metric = \"%s\": no tie `%s`", where, metric, who);
        for (t->column = 0; t->column < COOP_TIE_METRICS; t->column++)
            if (strcmp(coop_tie_metric_names[t->column], name) == 0)
                return COOP_OK;
        int o = coop_config_observable(cfg, name);
        if (o >= 0) {
            t->column = COOP_TIE_METRICS + o;
            return COOP_OK;
        }
    }
bad:
    return coop_group_fail(c, g,
                           "%s.metric = \"%s\": allowed actors.NAME.METRIC, population.METRIC, "
                           "ties.A-B.METRIC (or an observable), outcomes.NAME, validation.NAME "
                           "(docs/INFERENCE.md)",
                           where, metric);
}

/* The first step whose start date is >= date. */
static int step_at_or_after(const coop_config *cfg, double date)
{
    return (int)ceil((date - cfg->start) * cfg->steps_per_year - 1e-9);
}

static int load_window(const ictx *c, const config_setting_t *g, const char *where,
                       coop_infer_target *t)
{
    const coop_config *cfg = c->cfg;
    int has_at = config_setting_get_member(g, "at") != NULL;
    int has_range = config_setting_get_member(g, "from") || config_setting_get_member(g, "to");
    double at, from, to;
    int st;
    if (t->source == COOP_IS_OUTCOME || t->source == COOP_IS_VALIDATION) {
        if (has_at || has_range)
            return coop_group_fail(c, g, "%s: `%s` is one number per run: no `at`, `from`, `to`",
                                   where, t->metric);
        return COOP_OK;
    }
    if (has_at && has_range)
        return coop_group_fail(c, g, "%s: give `at` or `from`/`to`, not both", where);
    if (has_at) {
        if ((st = get_num(c, g, where, "at", 0, 1, cfg->start, cfg->end, 0, &at)))
            return st;
        t->step_from = (int)floor((at - cfg->start) * cfg->steps_per_year + 1e-9);
        if (t->step_from >= cfg->n_steps)
            t->step_from = cfg->n_steps - 1;
        t->step_to = t->step_from + 1;
        return COOP_OK;
    }
    if ((st = get_num(c, g, where, "from", cfg->start, 0, cfg->start, cfg->end, 0, &from)) ||
        (st = get_num(c, g, where, "to", cfg->end, 0, cfg->start, cfg->end, 0, &to)))
        return st;
    t->step_from = step_at_or_after(cfg, from);
    t->step_to = step_at_or_after(cfg, to);
    if (t->step_to > cfg->n_steps)
        t->step_to = cfg->n_steps;
    if (t->step_from >= t->step_to)
        return coop_group_fail(c, g, "%s: the window [%g, %g) holds no step", where, from, to);
    return COOP_OK;
}

static int load_target(const ictx *c, const config_setting_t *g, int i, coop_infer *inf,
                       coop_infer_target *t)
{
    static const char *const keys[] = {"metric", "at", "from", "to", "observed", "scale", NULL};
    char where[64];
    snprintf(where, sizeof where, "infer.targets.%d", i);
    const char *metric;
    int st;
    if (!config_setting_is_group(g))
        return coop_group_fail(c, g,
                               "%s: a group { metric = ...; observed = ...; scale = ...; } is "
                               "required",
                               where);
    if ((st = known_keys(c, g, where, keys)) || (st = get_str(c, g, where, "metric", &metric)))
        return st;
    snprintf(t->metric, sizeof t->metric, "%s", metric);
    t->line = (int)config_setting_source_line(g);
    if ((st = resolve_metric(c, g, where, metric, t)) || (st = load_window(c, g, where, t)))
        return st;
    int val = t->source == COOP_IS_VALIDATION;
    if (val && !inf->use_validation) {
        if ((st = coop_validation_load(c->cfg, &inf->validation, c->err)))
            return st;
        inf->use_validation = 1;
    }
    const char *why = val ? coop_validate_excluded(&inf->validation, t->column) : NULL;
    if (why)
        return coop_group_fail(c, g, "%s.metric = \"%s\": %s; leave it out of infer.targets "
                               "(docs/VALIDATION.md, \"Chance baselines\")", where, metric, why);
    double obs = val ? inf->validation.observed[t->column] : 0.0;
    double scale = val ? inf->validation.range[t->column] : 1.0;
    if ((st = get_num(c, g, where, "observed", obs, !val, -HUGE_VAL, HUGE_VAL, 0, &t->observed)) ||
        (st = get_num(c, g, where, "scale", scale, !val, 0.0, HUGE_VAL, 1, &t->scale)))
        return st;
    return COOP_OK;
}

static int same_ref(const coop_param_ref *a, const coop_param_ref *b)
{
    return a->field == b->field && a->index == b->index && a->sub == b->sub;
}

/* Model m's free parameters: those its overrides do not fix. */
static void model_free_params(coop_infer *inf, coop_infer_model *m)
{
    m->n_free = 0;
    for (int j = 0; j < inf->n_params; j++) {
        int fixed = 0;
        for (int k = 0; k < m->n_set && !fixed; k++)
            fixed = same_ref(&m->set_ref[k], &inf->param[j].ref);
        if (!fixed) {
            m->free_param[m->n_free] = j;
            m->free_prior[m->n_free++] = inf->param[j].prior;
        }
    }
}

static int load_model(const ictx *c, const config_setting_t *g, int i, coop_infer *inf)
{
    static const char *const keys[] = {"name", "prior", "set", NULL};
    coop_infer_model *m = &inf->model[i];
    char where[64];
    snprintf(where, sizeof where, "infer.models.%d", i);
    const char *name;
    int st;
    if (!config_setting_is_group(g))
        return coop_group_fail(c, g, "%s: a group { name = ...; set = [...]; } is required", where);
    if ((st = known_keys(c, g, where, keys)) || (st = get_str(c, g, where, "name", &name)) ||
        (st = get_num(c, g, where, "prior", 1.0, 0, 0.0, HUGE_VAL, 1, &m->prior_prob)))
        return st;
    if (!coop_config_valid_ident(name))
        return coop_group_fail(c, g, "%s.name = \"%s\": allowed %s", where, name, COOP_IDENT_CHARS);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->line = (int)config_setting_source_line(g);
    const config_setting_t *set = config_setting_get_member(g, "set");
    int n = set ? config_setting_length(set) : 0;
    if (set && !config_setting_is_array(set) && !config_setting_is_list(set))
        return coop_group_fail(c, set, "%s.set: an array of \"PATH=VALUE\" strings is required",
                               where);
    if (n > COOP_INFER_MAX_SETS)
        return coop_group_fail(c, set, "%s.set: %d overrides (allowed at most %d)", where, n,
                     COOP_INFER_MAX_SETS);
    for (m->n_set = 0; m->n_set < n; m->n_set++) {
        const char *s = config_setting_get_string_elem(set, m->n_set);
        const char *eq = s ? strchr(s, '=') : NULL;
        char path[COOP_PATH_MAX], *end;
        if (!eq || eq == s || (size_t)(eq - s) >= sizeof path)
            return coop_group_fail(c, set, "%s.set.%d: \"PATH=VALUE\" is required", where,
                                   m->n_set);
        snprintf(path, sizeof path, "%.*s", (int)(eq - s), s);
        snprintf(m->set[m->n_set], sizeof m->set[m->n_set], "%s", s);
        m->set_value[m->n_set] = strtod(eq + 1, &end);
        coop_err e = {0};
        if (end == eq + 1 || *end)
            return coop_group_fail(c, set, "%s.set.%d = \"%s\": VALUE must be a number", where,
                                   m->n_set, s);
        if (coop_config_resolve(c->cfg, path, &m->set_ref[m->n_set], &e) ||
            accepts(c->cfg, &m->set_ref[m->n_set], m->set_value[m->n_set], &e))
            return coop_group_fail(c, set, "%s.set.%d = \"%s\": %s", where, m->n_set, s, e.text);
    }
    for (int k = 0; k < i; k++)
        if (strcmp(inf->model[k].name, m->name) == 0)
            return coop_group_fail(c, g, "%s.name = \"%s\": used twice", where, name);
    model_free_params(inf, m);
    return COOP_OK;
}

/* A list member `name` of g with 1 .. max elements (0 allowed when optional). */
static int get_list(const ictx *c, const config_setting_t *g, const char *name, int max,
                    int optional, const config_setting_t **out, int *n)
{
    *out = config_setting_get_member(g, name);
    *n = *out ? config_setting_length(*out) : 0;
    if (!*out && optional)
        return COOP_OK;
    if (!*out || !config_setting_is_list(*out) || *n < 1)
        return coop_group_fail(c, *out ? *out : g,
                               "infer.%s: a list ( {...}, ... ) of at least one group "
                               "is required",
                               name);
    if (*n > max)
        return coop_group_fail(c, *out, "infer.%s: %d elements (allowed at most %d)", name, *n,
                               max);
    return COOP_OK;
}

static int load_settings(const ictx *c, const config_setting_t *g, coop_infer *inf)
{
    double pop, gens, sims, seed, ppc;
    int st;
    if ((st = get_num(c, g, "infer", "population", 1000, 0, 2, 1e6, 0, &pop)) ||
        (st = get_num(c, g, "infer", "quantile", 0.5, 0, 0, 1, 3, &inf->quantile)) ||
        (st = get_num(c, g, "infer", "min_tolerance", 0, 0, 0, HUGE_VAL, 0, &inf->min_tolerance)) ||
        (st = get_num(c, g, "infer", "max_generations", 10, 0, 1, 1000, 0, &gens)) ||
        (st = get_num(c, g, "infer", "max_simulations", 1e6, 0, 2, 1e12, 0, &sims)) ||
        (st = get_num(c, g, "infer", "model_stay", 0.7, 0, 0, 1, 0, &inf->model_stay)) ||
        (st = get_num(c, g, "infer", "seed", (double)c->cfg->seed, 0, 0, 4294967295.0, 0, &seed)) ||
        (st = get_num(c, g, "infer", "predictive", 1000, 0, 0, 1e6, 0, &ppc)))
        return st;
    inf->predictive = (int)ppc;
    inf->population = (int)pop;
    inf->max_generations = (int)gens;
    inf->max_simulations = (long long)sims;
    inf->seed = (uint32_t)seed;
    if (pop != floor(pop) || gens != floor(gens) || sims != floor(sims) || seed != floor(seed) ||
        ppc != floor(ppc))
        return coop_group_fail(c, g,
                               "infer: population, max_generations, max_simulations, seed and "
                               "predictive are whole numbers");
    if (inf->max_simulations < inf->population)
        return coop_group_fail(c, config_setting_get_member(g, "max_simulations"),
                               "infer.max_simulations "
                               "= %lld: allowed >= infer.population (%d)",
                               inf->max_simulations, inf->population);
    return COOP_OK;
}

static int load_group(const ictx *c, const config_setting_t *g, coop_infer *inf)
{
    static const char *const keys[] = {"population", "quantile", "min_tolerance",
                                       "max_generations", "max_simulations", "model_stay", "seed",
                                       "predictive",
                                       "parameters", "targets", "models", NULL};
    const config_setting_t *l;
    int n, st;
    if ((st = known_keys(c, g, "infer", keys)) || (st = load_settings(c, g, inf)) ||
        (st = get_list(c, g, "parameters", COOP_ABC_MAX_PARAMS, 0, &l, &n)))
        return st;
    for (inf->n_params = 0; inf->n_params < n; inf->n_params++)
        if ((st = load_param(c, config_setting_get_elem(l, inf->n_params), inf->n_params,
                             &inf->param[inf->n_params])))
            return st;
    if ((st = get_list(c, g, "targets", COOP_INFER_MAX_TARGETS, 0, &l, &n)))
        return st;
    for (inf->n_targets = 0; inf->n_targets < n; inf->n_targets++) {
        coop_infer_target *t = &inf->target[inf->n_targets];
        if ((st = load_target(c, config_setting_get_elem(l, inf->n_targets), inf->n_targets, inf,
                              t)))
            return st;
        int trade = t->column == COOP_V_SHARE_MAE || t->column == COOP_V_SHARE_MAE_IMPORTS ||
                    t->column == COOP_V_SHARE_MAE_EXPORTS || t->column == COOP_V_DECLINE;
        inf->keep_series |= t->source == COOP_IS_VALIDATION ? trade : t->source != COOP_IS_OUTCOME;
    }
    if ((st = get_list(c, g, "models", COOP_ABC_MAX_MODELS, 1, &l, &n)))
        return st;
    if (n == 0) { /* one model: the configuration as it is */
        inf->n_models = 1;
        snprintf(inf->model[0].name, sizeof inf->model[0].name, "%s", "model");
        inf->model[0].prior_prob = 1.0;
        model_free_params(inf, &inf->model[0]);
        return COOP_OK;
    }
    for (inf->n_models = 0; inf->n_models < n; inf->n_models++)
        if ((st = load_model(c, config_setting_get_elem(l, inf->n_models), inf->n_models, inf)))
            return st;
    return COOP_OK;
}

int coop_infer_load(const coop_config *cfg, coop_infer *inf, coop_err *err)
{
    memset(inf, 0, sizeof *inf);
    ictx c = {cfg->source, cfg, err};
    config_t lc;
    const config_setting_t *g;
    int st = coop_group_read(&lc, cfg->source, "infer", 1, &g, err);
    if (!st && !g)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: no `infer` group: coopsim infer needs the "
                       "parameters and targets (docs/INFERENCE.md)", cfg->source);
    else if (!st)
        st = load_group(&c, g, inf);
    config_destroy(&lc);
    return st;
}
