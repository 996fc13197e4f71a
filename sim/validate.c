/* validate.c: `coopsim validate`, a historical replay scored against the record
 * (docs/VALIDATION.md, "EU-Central Asia history").
 *
 * The module owns the validation targets: it reads the configuration's
 * `validation` group itself (config.c accepts the group without reading it), so
 * that the engine and the loader stay free of any scenario; the group names the
 * actors, the levels and the observed dates, and points to the trade table.  Per
 * replicate it turns the milestones and the per-step tie observables into the
 * metrics of coop_validate.h; a sink accumulates them over replicates (Welford,
 * in replicate order, so the numbers do not depend on the thread count) and, when
 * a point is done, writes its rows of validation.csv.
 *
 * Order metrics use Kendall's tau-b (Kendall 1945), which corrects for ties: the
 * record has tied dates (three framework agreements "1994-96", three entries into
 * force in 1999) and a simulation has ties too (never reached, censored at the
 * horizon, ties with every other never).  Never-reached milestones are dated at
 * time.end, one step after the last simulated step. */
#include "coop_validate.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "coop_drive.h"
#include "coop_experiment.h"
#include "coop_output.h"
#include "coop_progress.h"
#include "coop_sweep.h"
#include "coop_version.h"

const char *const coop_validate_target_names[COOP_V_N] = {
    "tau_signed",          "tau_in_force",           "order_signed",
    "leader_first_enhanced", "leader_enhanced_year", "blocked_not_reached",
    "late_delay_years",    "trade_share_mae",        "trade_share_mae_imports",
    "trade_share_mae_exports", "trade_decline",
};

const char coop_validate_csv_header[] =
    "target,observed,simulated_mean,ci_lo,ci_hi,score,tolerance,pass";
const char coop_validate_csv_header_point[] =
    "point,target,observed,simulated_mean,ci_lo,ci_hi,score,tolerance,pass";

/* ---------------------------------------------------------------- metrics */

static int sign(double d)
{
    return (d > 0) - (d < 0);
}

double coop_validate_kendall_tau_b(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return NAN;
    long P = 0, Q = 0, tx = 0, ty = 0, n0 = (long)(n * (n - 1) / 2);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            /* x[i] == x[j] also for two infinities: both never reached */
            int sx = x[i] == x[j] ? 0 : sign(x[i] - x[j]);
            int sy = y[i] == y[j] ? 0 : sign(y[i] - y[j]);
            tx += sx == 0, ty += sy == 0;
            if (sx * sy > 0)
                P++;
            else if (sx * sy < 0)
                Q++;
        }
    double den = sqrt((double)(n0 - tx) * (double)(n0 - ty));
    return den > 0 ? (double)(P - Q) / den : 0.0;
}

double coop_validate_mae(const double *a, const double *b, size_t n)
{
    if (n == 0)
        return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += fabs(a[i] - b[i]);
    return s / (double)n;
}

double coop_validate_milestone_date(const coop_config *cfg, int step)
{
    return step < 0 ? cfg->end : coop_config_date(cfg, step);
}

/* Mean of observable o on tie t over the steps whose date lies in [from, to);
 * NaN when there is none. */
static double window_mean(const coop_config *cfg, const coop_record *rec, int t, int o,
                          double from, double to)
{
    size_t stride = COOP_TIE_METRICS + rec->n_obs;
    double s = 0;
    long k = 0;
    for (int step = 0; step < rec->n_steps; step++) {
        double d = coop_config_date(cfg, step);
        if (d + 1e-9 >= from && d + 1e-9 < to) {
            s += rec->tie[((size_t)step * rec->n_ties + (size_t)t) * stride + COOP_TIE_METRICS
                          + (size_t)o];
            k++;
        }
    }
    return k ? s / (double)k : NAN;
}

void coop_validate_replicate(const coop_validation *v, const coop_config *cfg,
                             const coop_record *rec, double out[COOP_V_N])
{
    int n = v->n_states;
    size_t nl = rec->n_levels;
    double sg[COOP_V_MAX_STATES], fo[COOP_V_MAX_STATES], en[COOP_V_MAX_STATES];
    for (int i = 0; i < n; i++) {
        const int *ms = rec->milestone + (size_t)v->tie[i] * nl;
        sg[i] = coop_validate_milestone_date(cfg, ms[v->signed_level]);
        fo[i] = coop_validate_milestone_date(cfg, ms[v->in_force_level]);
        en[i] = ms[v->enhanced_level] < 0 ? INFINITY : coop_config_date(cfg, ms[v->enhanced_level]);
    }
    out[COOP_V_TAU_SIGNED] = coop_validate_kendall_tau_b(v->obs_signed, sg, (size_t)n);
    out[COOP_V_TAU_IN_FORCE] = coop_validate_kendall_tau_b(v->obs_in_force, fo, (size_t)n);

    /* order: every early state before the blocked one, the blocked one before the
     * late one (strictly; a never-reached date is time.end) */
    int ok = sg[v->blocked] < sg[v->late];
    double early_sum = 0;
    for (int k = 0; k < v->n_early; k++) {
        ok = ok && sg[v->early[k]] < sg[v->blocked];
        early_sum += sg[v->early[k]];
    }
    out[COOP_V_ORDER_SIGNED] = ok;

    int first = isfinite(en[v->leader]);
    for (int i = 0; i < n && first; i++)
        if (i != v->leader && en[i] <= en[v->leader])
            first = 0;
    out[COOP_V_LEADER_FIRST] = first;
    out[COOP_V_LEADER_YEAR] = isfinite(en[v->leader]) ? en[v->leader] : cfg->end;

    int bstep = rec->milestone[(size_t)v->tie[v->blocked] * nl + (size_t)v->blocked_level];
    out[COOP_V_BLOCKED] = !(bstep >= 0 && coop_config_date(cfg, bstep) < v->blocked_by - 1e-9);
    out[COOP_V_LATE_DELAY] = v->n_early ? sg[v->late] - early_sum / v->n_early : NAN;

    for (int k = COOP_V_SHARE_MAE; k <= COOP_V_DECLINE; k++)
        out[k] = NAN;
    if (!rec->keep_series || v->observable < 0)
        return;
    double tr[COOP_V_MAX_STATES], total = 0, y0 = 0, y1 = 0;
    for (int i = 0; i < n; i++) {
        tr[i] = window_mean(cfg, rec, v->tie[i], v->observable, v->trade_from, v->trade_to);
        total += tr[i];
        y0 += window_mean(cfg, rec, v->tie[i], v->observable, v->decline_from, v->decline_from + 1);
        y1 += window_mean(cfg, rec, v->tie[i], v->observable, v->decline_to, v->decline_to + 1);
    }
    if (total > 0) {
        for (int i = 0; i < n; i++)
            tr[i] /= total;
        for (int f = 0; f < 3; f++)
            out[COOP_V_SHARE_MAE + f] = coop_validate_mae(tr, v->obs_share[f], (size_t)n);
    }
    out[COOP_V_DECLINE] = y0 > 0 ? y1 / y0 - 1 : NAN;
}

void coop_validate_summarise(const coop_validation *v, const coop_acc acc[COOP_V_N],
                             coop_validation_row rows[COOP_V_N + 1])
{
    double sum = 0;
    int k = 0;
    for (int t = 0; t < COOP_V_N; t++) {
        coop_summary s;
        coop_acc_summary(&acc[t], &s);
        coop_validation_row *r = &rows[t];
        r->target = coop_validate_target_names[t];
        r->observed = v->observed[t];
        r->mean = s.mean, r->ci_lo = s.ci_lo, r->ci_hi = s.ci_hi;
        r->tolerance = v->tolerance[t];
        double d = fabs(s.mean - v->observed[t]);
        r->score = isnan(s.mean) ? NAN : fmax(0.0, 1.0 - d / v->range[t]);
        r->pass = isnan(s.mean) ? -1 : d <= v->tolerance[t] + 1e-12;
        if (v->in_combined[t]) {
            sum += isnan(r->score) ? 0.0 : r->score; /* an undefined target scores 0 */
            k++;
        }
    }
    coop_validation_row *c = &rows[COOP_V_N];
    c->target = "combined";
    c->observed = 1.0;
    c->mean = c->score = k ? sum / k : NAN;
    c->ci_lo = c->ci_hi = NAN;
    c->tolerance = 0.5;
    c->pass = isnan(c->mean) ? -1 : c->mean >= 0.5;
}

/* ---------------------------------------------------------------- the group */

typedef struct vctx {
    const char *file;
    coop_err *err;
} vctx;

static int vfail(const vctx *c, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int vfail(const vctx *c, const config_setting_t *s, const char *fmt, ...)
{
    char msg[COOP_ERR_MAX - 300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return COOP_FAIL(c->err, COOP_ECONFIG, "%s:%d: %s", c->file,
                     s ? (int)config_setting_source_line(s) : 0, msg);
}

static int g_member(const vctx *c, const config_setting_t *g, const char *name,
                    const config_setting_t **out)
{
    *out = config_setting_get_member(g, name);
    if (!*out)
        return vfail(c, g, "validation: missing required setting '%s'", name);
    return COOP_OK;
}

static int g_number(const vctx *c, const config_setting_t *g, const char *name, double *x)
{
    const config_setting_t *s;
    int st = g_member(c, g, name, &s);
    if (st)
        return st;
    int ty = config_setting_type(s);
    if (ty != CONFIG_TYPE_FLOAT && ty != CONFIG_TYPE_INT && ty != CONFIG_TYPE_INT64)
        return vfail(c, s, "validation.%s must be a number", name);
    *x = config_setting_get_float(s);
    if (ty != CONFIG_TYPE_FLOAT)
        *x = (double)config_setting_get_int64(s);
    return COOP_OK;
}

static int g_level(const vctx *c, const coop_config *cfg, const config_setting_t *g,
                   const char *name, int *level)
{
    double x;
    int st = g_number(c, g, name, &x);
    if (st)
        return st;
    if (x != floor(x) || x < 1 || x >= cfg->inst.n_levels)
        return vfail(c, config_setting_get_member(g, name),
                     "validation.%s = %g is not an agreement level in 1..%d", name, x,
                     cfg->inst.n_levels - 1);
    *level = (int)x;
    return COOP_OK;
}

/* An actor named by a string member; *actor its index in cfg. */
static int g_actor(const vctx *c, const coop_config *cfg, const config_setting_t *s,
                   const char *what, int *actor)
{
    const char *name = config_setting_get_string(s);
    if (!name)
        return vfail(c, s, "validation.%s must be an actor name (a string)", what);
    if ((*actor = coop_config_actor(cfg, name)) < 0)
        return vfail(c, s, "validation.%s = \"%s\": no actor of that name", what, name);
    return COOP_OK;
}

/* An actor that must be one of the states; *ix its index in v->state. */
static int g_state(const vctx *c, const coop_config *cfg, const coop_validation *v,
                   const config_setting_t *s, const char *what, int *ix)
{
    int a, st = g_actor(c, cfg, s, what, &a);
    if (st)
        return st;
    for (int i = 0; i < v->n_states; i++)
        if (v->state[i] == a) {
            *ix = i;
            return COOP_OK;
        }
    return vfail(c, s, "validation.%s = \"%s\" is not one of validation.states", what,
                 cfg->actors[a].name);
}

/* A date list, one per state; 0 = never (INFINITY). */
static int g_dates(const vctx *c, const config_setting_t *g, const char *name, int n, double *d)
{
    const config_setting_t *s;
    int st = g_member(c, g, name, &s);
    if (st)
        return st;
    if (!config_setting_is_aggregate(s) || config_setting_length(s) != n)
        return vfail(c, s, "validation.%s must list %d dates, one per state (0 = never)", name, n);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        int ty = config_setting_type(e);
        if (ty != CONFIG_TYPE_FLOAT && ty != CONFIG_TYPE_INT && ty != CONFIG_TYPE_INT64)
            return vfail(c, e, "validation.%s.%d must be a number", name, i);
        double x = ty == CONFIG_TYPE_FLOAT ? config_setting_get_float(e)
                                           : (double)config_setting_get_int64(e);
        if (x < 0)
            return vfail(c, e, "validation.%s.%d = %g: a date, or 0 for never", name, i, x);
        d[i] = x == 0 ? INFINITY : x;
    }
    return COOP_OK;
}

/* The trade table (Table 1 layout: country,flow,YEAR,...; '#' lines are comments):
 * each state's share of imports + exports, of imports and of exports summed over
 * the years in [from, to), and the decline of the total from one year to another. */
static int read_trade(const vctx *c, const config_setting_t *where, const char *path,
                      const coop_config *cfg, coop_validation *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return vfail(c, where, "validation.trade_file: cannot open %s: %s", path, strerror(errno));
    char line[1024];
    int n_years = 0, lineno = 0, st = COOP_OK, header = 0;
    double year[COOP_V_MAX_YEARS];
    double sum[3][COOP_V_MAX_STATES] = {{0}}, tot_from = 0, tot_to = 0;
    int seen[COOP_V_MAX_STATES] = {0};
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *save = NULL, *tok = strtok_r(line, ",", &save);
        if (!header) {
            header = 1;
            strtok_r(NULL, ",", &save); /* flow */
            while ((tok = strtok_r(NULL, ",", &save)) && n_years < COOP_V_MAX_YEARS)
                year[n_years++] = strtod(tok, NULL);
            continue;
        }
        char country[COOP_NAME_MAX];
        snprintf(country, sizeof country, "%s", tok ? tok : "");
        const char *flow = strtok_r(NULL, ",", &save);
        int imp = flow && strcmp(flow, "import") == 0, exp = flow && strcmp(flow, "export") == 0;
        if (!imp && !exp) {
            st = COOP_FAIL(c->err, COOP_ECONFIG, "%s:%d: flow must be import or export", path,
                           lineno);
            break;
        }
        int a = coop_config_actor(cfg, country), i = -1;
        for (int k = 0; k < v->n_states; k++)
            if (v->state[k] == a)
                i = k;
        for (int y = 0; y < n_years; y++) {
            tok = strtok_r(NULL, ",", &save);
            char *end;
            double x = tok ? strtod(tok, &end) : NAN;
            if (!tok || end == tok || !(x >= 0)) {
                st = COOP_FAIL(c->err, COOP_ECONFIG, "%s:%d: a non-negative number per year "
                               "is needed", path, lineno);
                break;
            }
            if (i < 0)
                continue; /* a country that is not one of the states */
            if (year[y] >= v->trade_from - 1e-9 && year[y] < v->trade_to - 1e-9) {
                sum[0][i] += x;
                sum[imp ? 1 : 2][i] += x;
            }
            if (year[y] == v->decline_from)
                tot_from += x;
            if (year[y] == v->decline_to)
                tot_to += x;
        }
        if (st)
            break;
        if (i >= 0)
            seen[i] = 1;
    }
    fclose(f);
    if (st)
        return st;
    for (int i = 0; i < v->n_states; i++)
        if (!seen[i])
            return COOP_FAIL(c->err, COOP_ECONFIG, "%s: no rows for state '%s'", path,
                             cfg->actors[v->state[i]].name);
    for (int fl = 0; fl < 3; fl++) {
        double t = 0;
        for (int i = 0; i < v->n_states; i++)
            t += sum[fl][i];
        if (!(t > 0))
            return COOP_FAIL(c->err, COOP_ECONFIG, "%s: no trade in [%g, %g)", path,
                             v->trade_from, v->trade_to);
        for (int i = 0; i < v->n_states; i++)
            v->obs_share[fl][i] = sum[fl][i] / t;
    }
    if (!(tot_from > 0) || !(tot_to > 0))
        return COOP_FAIL(c->err, COOP_ECONFIG, "%s: no trade in %g or %g (validation.decline_from, "
                         "decline_to)", path, v->decline_from, v->decline_to);
    v->obs_decline = tot_to / tot_from - 1;
    return COOP_OK;
}

/* Default tolerances and score ranges (docs/VALIDATION.md). */
static void defaults(coop_validation *v)
{
    static const double tol[COOP_V_N] = {0.5, 0.5, 0.5, 0.5, 3.0, 0.5, 4.0, 0.05, 0.05, 0.05, 0.15};
    for (int t = 0; t < COOP_V_N; t++) {
        v->tolerance[t] = tol[t];
        v->in_combined[t] = t != COOP_V_SHARE_MAE_IMPORTS && t != COOP_V_SHARE_MAE_EXPORTS;
    }
}

static void ranges(coop_validation *v)
{
    for (int t = 0; t < COOP_V_N; t++)
        v->range[t] = 2 * v->tolerance[t];
    v->range[COOP_V_TAU_SIGNED] = v->range[COOP_V_TAU_IN_FORCE] = 2.0; /* tau in [-1, 1] */
    v->range[COOP_V_ORDER_SIGNED] = v->range[COOP_V_LEADER_FIRST] = 1.0; /* shares */
    v->range[COOP_V_BLOCKED] = 1.0;
}

static int load_group(const vctx *c, const coop_config *cfg, const config_setting_t *g,
                      coop_validation *v)
{
    const config_setting_t *s;
    int st;
    if ((st = g_member(c, g, "target", &s)) || (st = g_actor(c, cfg, s, "target", &v->target)))
        return st;
    if ((st = g_member(c, g, "states", &s)))
        return st;
    if (!config_setting_is_aggregate(s) || config_setting_length(s) < 2
        || config_setting_length(s) > COOP_V_MAX_STATES)
        return vfail(c, s, "validation.states must list 2 to %d actors", COOP_V_MAX_STATES);
    v->n_states = config_setting_length(s);
    for (int i = 0; i < v->n_states; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if ((st = g_actor(c, cfg, e, "states", &v->state[i])))
            return st;
        for (int k = 0; k < i; k++)
            if (v->state[k] == v->state[i])
                return vfail(c, e, "validation.states names '%s' twice",
                             cfg->actors[v->state[i]].name);
        v->tie[i] = coop_config_tie(cfg, cfg->actors[v->target].name, cfg->actors[v->state[i]].name);
        if (v->tie[i] < 0)
            return vfail(c, e, "validation.states: no tie between '%s' and '%s'",
                         cfg->actors[v->target].name, cfg->actors[v->state[i]].name);
    }
    if ((st = g_level(c, cfg, g, "signed_level", &v->signed_level))
        || (st = g_level(c, cfg, g, "in_force_level", &v->in_force_level))
        || (st = g_level(c, cfg, g, "enhanced_level", &v->enhanced_level))
        || (st = g_level(c, cfg, g, "blocked_level", &v->blocked_level))
        || (st = g_dates(c, g, "signed", v->n_states, v->obs_signed))
        || (st = g_dates(c, g, "in_force", v->n_states, v->obs_in_force))
        || (st = g_number(c, g, "leader_enhanced", &v->obs_leader_year))
        || (st = g_number(c, g, "blocked_by", &v->blocked_by)))
        return st;
    if ((st = g_member(c, g, "leader", &s)) || (st = g_state(c, cfg, v, s, "leader", &v->leader))
        || (st = g_member(c, g, "blocked", &s))
        || (st = g_state(c, cfg, v, s, "blocked", &v->blocked))
        || (st = g_member(c, g, "late", &s)) || (st = g_state(c, cfg, v, s, "late", &v->late))
        || (st = g_member(c, g, "early", &s)))
        return st;
    if (!config_setting_is_aggregate(s) || config_setting_length(s) < 1)
        return vfail(c, s, "validation.early must list at least one state");
    v->n_early = config_setting_length(s);
    for (int i = 0; i < v->n_early; i++)
        if ((st = g_state(c, cfg, v, config_setting_get_elem(s, (unsigned)i), "early",
                          &v->early[i])))
            return st;
    if (!isfinite(v->obs_signed[v->late]))
        return vfail(c, g, "validation: the late state needs an observed signing date");
    double es = 0;
    for (int i = 0; i < v->n_early; i++) {
        if (!isfinite(v->obs_signed[v->early[i]]))
            return vfail(c, g, "validation: every early state needs an observed signing date");
        es += v->obs_signed[v->early[i]];
    }

    const char *obs, *file;
    if ((st = g_member(c, g, "observable", &s)))
        return st;
    if (!(obs = config_setting_get_string(s)) || (v->observable = coop_config_observable(cfg, obs)) < 0)
        return vfail(c, s, "validation.observable must name an observable of the configuration");
    if ((st = g_number(c, g, "trade_from", &v->trade_from))
        || (st = g_number(c, g, "trade_to", &v->trade_to))
        || (st = g_number(c, g, "decline_from", &v->decline_from))
        || (st = g_number(c, g, "decline_to", &v->decline_to)))
        return st;
    if (!(v->trade_to > v->trade_from))
        return vfail(c, g, "validation: trade_to must be after trade_from");
    if ((st = g_member(c, g, "trade_file", &s)))
        return st;
    if (!(file = config_setting_get_string(s)))
        return vfail(c, s, "validation.trade_file must be a file name");
    /* relative to the configuration's directory (a manifest's is absolute: config.c) */
    char path[2 * COOP_PATH_MAX];
    const char *slash = strrchr(cfg->source, '/');
    if (file[0] == '/' || !slash)
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - cfg->source), cfg->source, file);
    if ((st = read_trade(c, s, path, cfg, v)))
        return st;

    defaults(v);
    const config_setting_t *tg = config_setting_get_member(g, "tolerances");
    if (tg) {
        if (!config_setting_is_group(tg))
            return vfail(c, tg, "validation.tolerances must be a group TARGET = number; ...");
        for (int i = 0; i < config_setting_length(tg); i++) {
            const config_setting_t *e = config_setting_get_elem(tg, (unsigned)i);
            const char *nm = config_setting_name(e);
            int t = -1;
            for (int k = 0; k < COOP_V_N; k++)
                if (strcmp(nm, coop_validate_target_names[k]) == 0)
                    t = k;
            double x = config_setting_get_float(e);
            if (config_setting_type(e) != CONFIG_TYPE_FLOAT)
                x = (double)config_setting_get_int64(e);
            if (t < 0 || !(x > 0))
                return vfail(c, e, "validation.tolerances.%s: a target name with a positive "
                             "number", nm);
            v->tolerance[t] = x;
        }
    }
    ranges(v);
    v->observed[COOP_V_TAU_SIGNED] = v->observed[COOP_V_TAU_IN_FORCE] = 1.0;
    v->observed[COOP_V_ORDER_SIGNED] = v->observed[COOP_V_LEADER_FIRST] = 1.0;
    v->observed[COOP_V_LEADER_YEAR] = v->obs_leader_year;
    v->observed[COOP_V_BLOCKED] = 1.0;
    v->observed[COOP_V_LATE_DELAY] = v->obs_signed[v->late] - es / v->n_early;
    v->observed[COOP_V_SHARE_MAE] = v->observed[COOP_V_SHARE_MAE_IMPORTS] = 0.0;
    v->observed[COOP_V_SHARE_MAE_EXPORTS] = 0.0;
    v->observed[COOP_V_DECLINE] = v->obs_decline;
    return COOP_OK;
}

int coop_validation_load(const coop_config *cfg, coop_validation *v, coop_err *err)
{
    memset(v, 0, sizeof *v);
    vctx c = {cfg->source, err};
    config_t lc;
    config_init(&lc);
    config_set_auto_convert(&lc, 1);
    int st;
    if (!config_read_file(&lc, cfg->source)) {
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: cannot read the validation group: %s", cfg->source,
                       config_error_text(&lc));
    } else {
        const config_setting_t *g = config_lookup(&lc, "validation");
        if (!g || !config_setting_is_group(g))
            st = COOP_FAIL(err, COOP_ECONFIG, "%s: no `validation` group: coopsim validate needs "
                           "the targets (docs/VALIDATION.md)", cfg->source);
        else
            st = load_group(&c, cfg, g, v);
    }
    config_destroy(&lc);
    return st;
}

/* ---------------------------------------------------------------- the command */

typedef struct vrun {
    const coop_validation *v;
    const coop_sink *inner;     /* the results directory's sink */
    coop_acc acc[COOP_V_N];
    FILE *csv;
    int sweep;                  /* rows carry a point column */
    const coop_sweep *sw;
    FILE *table;
    int best_point;
    double best_score;
    coop_validation_row best[COOP_V_N + 1];
    coop_validation_row last[COOP_V_N + 1];
} vrun;

static void put_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("NA", f);
    else
        fprintf(f, "%.10g", x);
}

static void csv_rows(FILE *f, int point, const coop_validation_row *rows)
{
    for (int t = 0; t <= COOP_V_N; t++) {
        const coop_validation_row *r = &rows[t];
        if (point >= 0)
            fprintf(f, "%d,", point);
        fprintf(f, "%s,", r->target);
        put_num(f, r->observed);
        fputc(',', f);
        put_num(f, r->mean);
        fputc(',', f);
        put_num(f, r->ci_lo);
        fputc(',', f);
        put_num(f, r->ci_hi);
        fputc(',', f);
        put_num(f, r->score);
        fputc(',', f);
        put_num(f, r->tolerance);
        fprintf(f, ",%s\n", r->pass < 0 ? "NA" : r->pass ? "true" : "false");
    }
}

static int on_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    vrun *r = ctx;
    double x[COOP_V_N];
    coop_validate_replicate(r->v, it->cfg, rec, x);
    for (int t = 0; t < COOP_V_N; t++)
        coop_acc_add(&r->acc[t], x[t]);
    return r->inner && r->inner->replicate ? r->inner->replicate(r->inner->ctx, it, rec, err)
                                           : COOP_OK;
}

static int on_point_done(void *ctx, int point, int world, const char *world_name,
                         const coop_config *cfg, coop_err *err)
{
    vrun *r = ctx;
    coop_validate_summarise(r->v, r->acc, r->last);
    for (int t = 0; t < COOP_V_N; t++)
        coop_acc_init(&r->acc[t]);
    csv_rows(r->csv, r->sweep ? point : -1, r->last);
    double sc = r->last[COOP_V_N].score;
    if (r->best_point < 0 || sc > r->best_score) {
        r->best_point = point, r->best_score = sc;
        memcpy(r->best, r->last, sizeof r->best);
    }
    if (r->sweep && r->table) {
        fprintf(r->table, "%7d  %8.4f ", point, sc);
        for (int t = 0; t < COOP_V_N; t++)
            if (r->v->in_combined[t])
                fprintf(r->table, " %7.3f", r->last[t].score);
        fputc('\n', r->table);
    }
    if (ferror(r->csv))
        return COOP_FAIL(err, COOP_EIO, "validation.csv: write failed");
    return r->inner && r->inner->point_done
               ? r->inner->point_done(r->inner->ctx, point, world, world_name, cfg, err)
               : COOP_OK;
}

static const char *yn(int pass)
{
    return pass < 0 ? "NA" : pass ? "yes" : "no";
}

static void print_table(FILE *f, const coop_validation_row *rows)
{
    fprintf(f, "%-26s %10s %10s %21s %7s %7s %5s\n", "target", "observed", "simulated",
            "95% CI", "score", "tol", "pass");
    for (int t = 0; t <= COOP_V_N; t++) {
        const coop_validation_row *r = &rows[t];
        char ci[48];
        if (isnan(r->ci_lo))
            snprintf(ci, sizeof ci, "%s", "");
        else
            snprintf(ci, sizeof ci, "[%.4g, %.4g]", r->ci_lo, r->ci_hi);
        fprintf(f, "%-26s %10.4g %10.4g %21s %7.3f %7.3g %5s\n", r->target, r->observed, r->mean,
                ci, r->score, r->tolerance, yn(r->pass));
    }
}

/* The per-state milestone dates behind the order metrics (printed, not in the csv). */
typedef struct dates_sink {
    const coop_validation *v;
    const coop_sink *inner;
    coop_acc date[3][COOP_V_MAX_STATES], reached[3][COOP_V_MAX_STATES];
} dates_sink;

static int dates_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    dates_sink *d = ctx;
    const coop_validation *v = d->v;
    int lv[3] = {v->signed_level, v->in_force_level, v->enhanced_level};
    for (int i = 0; i < v->n_states; i++)
        for (int l = 0; l < 3; l++) {
            int s = rec->milestone[(size_t)v->tie[i] * rec->n_levels + (size_t)lv[l]];
            coop_acc_add(&d->date[l][i], coop_validate_milestone_date(it->cfg, s));
            coop_acc_add(&d->reached[l][i], s >= 0);
        }
    return d->inner->replicate(d->inner->ctx, it, rec, err);
}

static int dates_point_done(void *ctx, int point, int world, const char *world_name,
                            const coop_config *cfg, coop_err *err)
{
    dates_sink *d = ctx;
    return d->inner->point_done(d->inner->ctx, point, world, world_name, cfg, err);
}

static void print_dates(FILE *f, const coop_config *cfg, const dates_sink *d)
{
    const coop_validation *v = d->v;
    static const char *const lname[3] = {"signed", "in force", "enhanced"};
    fprintf(f, "\nMilestones of the ties with %s: mean date (never = %g) and share of replicates "
            "that reached it; observed in brackets.\n%-6s", cfg->actors[v->target].name,
            cfg->end, "");
    for (int l = 0; l < 3; l++)
        fprintf(f, " %-26s", lname[l]);
    fputc('\n', f);
    for (int i = 0; i < v->n_states; i++) {
        fprintf(f, "%-6s", cfg->actors[v->state[i]].name);
        for (int l = 0; l < 3; l++) {
            double obs = l == 0   ? v->obs_signed[i]
                         : l == 1 ? v->obs_in_force[i]
                                  : (i == v->leader ? v->obs_leader_year : INFINITY);
            char o[16];
            if (isfinite(obs))
                snprintf(o, sizeof o, "%.0f", obs);
            else
                snprintf(o, sizeof o, "never");
            fprintf(f, " %7.1f %5.0f%% [%-5s]%s", d->date[l][i].mean,
                    100 * d->reached[l][i].mean, o, l < 2 ? "     " : "");
        }
        fputc('\n', f);
    }
}

/* The header of the sweep's table: one column per target in the combined score. */
static void print_sweep_header(FILE *f, const coop_validation *v, int n_points)
{
    fprintf(f, "Validation over a sweep of %d points (scores of the targets in the "
            "combined score, in validation.csv order):\n%7s  %8s ", n_points, "point",
            "combined");
    for (int t = 0; t < COOP_V_N; t++)
        if (v->in_combined[t])
            fprintf(f, " %.7s", coop_validate_target_names[t]);
    fputc('\n', f);
}

/* The table after a complete validation: the best point's rows for a sweep, else
 * the rows and the milestone dates. */
static int print_result(const coop_validate_opts *opts, const coop_config *cfg, int sweep,
                        const vrun *r, const dates_sink *ds, coop_err *err)
{
    if (sweep)
        fprintf(opts->table, "\nBest point: %d (combined score %.4f)\n", r->best_point,
                r->best_score);
    else
        fprintf(opts->table, "Validation of '%s' against the record (%d replicates; "
                "docs/VALIDATION.md):\n", cfg->name, cfg->replicates);
    print_table(opts->table, sweep ? r->best : r->last);
    if (!sweep)
        print_dates(opts->table, cfg, ds);
    if (fflush(opts->table) != 0)
        return COOP_FAIL(err, COOP_EIO, "cannot write the validation table");
    return COOP_OK;
}

/* Flushes, syncs and closes validation.csv. */
static int close_csv(FILE *csv, coop_err *err)
{
    int bad = fflush(csv) != 0 || fsync(fileno(csv)) != 0 || ferror(csv);
    if (fclose(csv) != 0 || bad)
        return COOP_FAIL(err, COOP_EIO, "validation.csv: write failed");
    return COOP_OK;
}

/* Opens the results directory: for a sweep, manifest.cfg, points.csv and
 * validation.csv only (the per-replicate files of a calibration search would run
 * to gigabytes; rerun `coopsim validate` on the chosen point for them), else the
 * usual files of a run (coop_output.h) and validation.csv.  Both through
 * coop_output.h: written into a temporary directory and renamed at close. */
static coop_output *open_results(const coop_config *cfg, const coop_sweep *sw,
                                 const coop_validate_opts *opts, FILE **csv, coop_err *err)
{
    coop_output *out = sw ? coop_output_open_bare(opts->dir, cfg, opts->force, err)
                          : coop_output_open(opts->dir, cfg, opts->force, err);
    if (!out) {
        if (!err->code)
            COOP_FAIL(err, COOP_EIO, "%s: cannot create the results directory", opts->dir);
        return NULL;
    }
    char path[2 * COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/validation.csv", coop_output_tmpdir(out));
    if (!(*csv = fopen(path, "w"))) {
        COOP_FAIL(err, COOP_EIO, "%s: cannot create: %s", path, strerror(errno));
    } else if (!sw || !coop_output_write_points(coop_output_tmpdir(out), sw, err)) {
        fprintf(*csv, "%s\n", sw ? coop_validate_csv_header_point : coop_validate_csv_header);
        return out;
    }
    if (*csv)
        fclose(*csv);
    *csv = NULL;
    coop_output_abort(out);
    return NULL;
}

/* Runs the replicates of every point into sink: a sweep through the sweep driver
 * (coop_drive.h), one point as a plan. */
static int run_points(const coop_config *cfg, coop_sweep *sw, const coop_validate_opts *opts,
                      const coop_sink *inner, coop_err *err)
{
    coop_drive_opts o = {.threads = opts->threads, .progress = opts->progress,
                         .stop = opts->stop};
    if (sw) /* keep_series: the trade metrics read the per-step observables */
        return coop_drive_points(cfg, sw, 1, coop_drive_factual, coop_drive_sweep_point, sw,
                                 1, &o, inner, err);
    coop_progress *pg = coop_progress_alloc(opts->progress, 1, 0, cfg->replicates, opts->stop);
    if (!pg)
        return COOP_FAIL(err, COOP_ENOMEM, "validate: out of memory");
    coop_sink sink = coop_progress_sink(pg, inner);
    const coop_config *cfgs[] = {cfg};
    coop_plan plan = {
        .n_points = 1,
        .n_worlds = 1,
        .cfg = cfgs,
        .world_name = coop_drive_factual,
        .replicates = cfg->replicates,
        .seed = (uint32_t)cfg->seed,
        .keep_series = 1,
    };
    int st = coop_experiment_run_plan(&plan, coop_experiment_threads(opts->threads), &sink, err);
    coop_progress_free(pg);
    return st;
}

int coop_validate_run(const coop_config *cfg, const coop_validate_opts *opts, coop_err *err)
{
    coop_validation v;
    int st = coop_validation_load(cfg, &v, err);
    if (st)
        return st;
    coop_sweep *sw = NULL;
    if (cfg->sweep.present && !(sw = coop_sweep_alloc(cfg, err)))
        return err->code ? err->code : COOP_ENOMEM;
    int n_points = sw ? coop_sweep_size(sw) : 1;
    coop_output *out = NULL;
    vrun *r = calloc(1, sizeof *r);
    dates_sink *ds = calloc(1, sizeof *ds);
    if (!r || !ds) {
        st = COOP_FAIL(err, COOP_ENOMEM, "validate: out of memory");
        goto done;
    }
    if (!(out = open_results(cfg, sw, opts, &r->csv, err))) {
        st = err->code;
        goto done;
    }
    r->sweep = sw != NULL;
    r->v = &v;
    r->table = opts->table;
    r->best_point = -1;
    coop_sink osink = coop_output_sink(out);
    r->inner = sw ? NULL : &osink;
    coop_sink vsink = {r, on_replicate, on_point_done};
    ds->v = &v;
    ds->inner = &vsink;
    coop_sink dsink = {ds, dates_replicate, dates_point_done};
    if (sw && opts->table)
        print_sweep_header(opts->table, &v, n_points);
    coop_run_info info;
    coop_run_info_start(&info, opts->command, coop_experiment_threads(opts->threads));
    info.subcommand = "validate";
    if ((st = run_points(cfg, sw, opts, sw ? &vsink : &dsink, err)) == COOP_EINTR)
        COOP_FAIL(err, st, "interrupted: nothing written");
    FILE *csv = r->csv;
    r->csv = NULL;
    if (st || (st = close_csv(csv, err)))
        goto done;
    coop_run_info_finish(&info, "complete");
    st = coop_output_close(out, &info, err);
    out = NULL;
    if (!st && opts->table)
        st = print_result(opts, cfg, sw != NULL, r, ds, err);
    if (!st && !opts->quiet)
        fprintf(stderr, "coopsim: %d point%s x %d replicates of '%s' validated, written to %s/\n",
                n_points, n_points == 1 ? "" : "s", cfg->replicates, cfg->name, opts->dir);
done:
    if (r && r->csv)
        fclose(r->csv);
    coop_output_abort(out);
    coop_sweep_free(sw);
    free(r);
    free(ds);
    return st;
}
