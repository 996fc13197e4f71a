/* validate.c: `coopsim validate`, a historical replay scored against the record
 * (docs/VALIDATION.md, "EU-Central Asia history").
 *
 * The module owns the validation targets: it reads the configuration's
 * `validation` group itself (config.c accepts the group without reading it), so
 * that the engine and the loader stay free of any scenario; the group names the
 * actors, the levels and the observed dates, and points to the trade table.  Per
 * replicate it turns the milestones and the per-step tie observables into the
 * metrics of coop_validate.h and summarises them into the rows of the table.
 * The command that runs the replicates and writes validation.csv is
 * sim/cli/cmd_validate.c.
 *
 * Order metrics use Kendall's tau-b (Kendall 1945), which corrects for ties: the
 * record has tied dates (three framework agreements "1994-96", three entries into
 * force in 1999) and a simulation has ties too (never reached, censored at the
 * horizon, ties with every other never).  Never-reached milestones are dated at
 * time.end, one step after the last simulated step. */
#include "coop_validate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_group.h"

const char *const coop_validate_target_names[COOP_V_N] = {
    "tau_signed",          "tau_in_force",           "order_signed",
    "leader_first_enhanced", "leader_enhanced_year", "blocked_not_reached",
    "late_delay_years",    "trade_share_mae",        "trade_share_mae_imports",
    "trade_share_mae_exports", "trade_decline",
};

const char *const coop_validate_status_names[4] = {"scored", "diagnostic", "input-determined",
                                                   "structural"};

const char *const coop_validate_baseline_names[3] = {"random_order", "initial_values",
                                                     "no_role"};

/* Chance for the order targets about the states other than the role's holder;
 * the model without the role for the targets about its holder (the leader) and
 * for the rest; the initial values for the trade shares (docs/VALIDATION.md). */
const int coop_validate_baseline_of[COOP_V_N] = {
    COOP_VB_RANDOM_ORDER, COOP_VB_RANDOM_ORDER, COOP_VB_RANDOM_ORDER, /* taus, order_signed */
    COOP_VB_NO_ROLE,      COOP_VB_NO_ROLE,                            /* the leader's two */
    COOP_VB_NO_ROLE,                                                  /* blocked */
    COOP_VB_RANDOM_ORDER,                                             /* late_delay_years */
    COOP_VB_INITIAL,      COOP_VB_INITIAL,      COOP_VB_INITIAL,      /* trade shares */
    COOP_VB_NO_ROLE,                                                  /* trade_decline */
};

#define ROW_TAIL "score,tolerance,pass,status,baseline,baseline_mean,baseline_score,skill"
const char coop_validate_csv_header[] = "target,observed,simulated_mean,ci_lo,ci_hi," ROW_TAIL;
const char coop_validate_csv_header_point[] =
    "point,target,observed,simulated_mean,ci_lo,ci_hi," ROW_TAIL;

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

/* The states' shares of trade tr[] (their sum: total) against the three observed
 * shares into out (left alone when there is no trade). */
static void share_maes(const coop_validation *v, double *tr, double total, double out[COOP_V_N])
{
    if (!(total > 0))
        return;
    for (int i = 0; i < v->n_states; i++)
        tr[i] /= total;
    for (int f = 0; f < 3; f++)
        out[COOP_V_SHARE_MAE + f] = coop_validate_mae(tr, v->obs_share[f], (size_t)v->n_states);
}

/* Each state's signing, in-force and enhanced dates (never: end, end, INFINITY). */
static void state_dates(const coop_validation *v, const coop_config *cfg, const coop_record *rec,
                        double *sg, double *fo, double *en)
{
    size_t nl = rec->n_levels;
    for (int i = 0; i < v->n_states; i++) {
        const int *ms = rec->milestone + (size_t)v->tie[i] * nl;
        sg[i] = coop_validate_milestone_date(cfg, ms[v->signed_level]);
        fo[i] = coop_validate_milestone_date(cfg, ms[v->in_force_level]);
        en[i] = ms[v->enhanced_level] < 0 ? INFINITY : coop_config_date(cfg, ms[v->enhanced_level]);
    }
}

void coop_validate_orders(const coop_validation *v, const double *sg, const double *fo,
                          const double *en, double end, double out[COOP_V_N])
{
    int n = v->n_states;
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
    out[COOP_V_LEADER_YEAR] = isfinite(en[v->leader]) ? en[v->leader] : end;
    out[COOP_V_LATE_DELAY] = v->n_early ? sg[v->late] - early_sum / v->n_early : NAN;
}

void coop_validate_orders_chance(const coop_validation *v, const double *sg,
                                 const double *fo, double out[COOP_V_N])
{
    (void)fo; /* tau-b's expectation is 0 whatever the dates */
    int n = v->n_states, k = v->n_early;
    for (int t = 0; t < COOP_V_N; t++)
        out[t] = NAN;
    out[COOP_V_TAU_SIGNED] = out[COOP_V_TAU_IN_FORCE] = n >= 2 ? 0.0 : NAN;
    out[COOP_V_LATE_DELAY] = k ? 0.0 : NAN;
    /* order_signed: the late state gets date l, the blocked one date b < l, and the
     * k early ones k distinct dates of the c below b: c (c-1) ... (c-k+1) ways;
     * over the n (n-1) ... (n-k-1) assignments of dates to the k + 2 states */
    double good = 0, all = 1;
    for (int j = 0; j < k + 2; j++)
        all *= n - j;
    for (int l = 0; l < n; l++)
        for (int b = 0; b < n; b++) {
            if (b == l || !(sg[b] < sg[l]))
                continue;
            int c = 0;
            for (int i = 0; i < n; i++)
                c += i != b && i != l && sg[i] < sg[b];
            double ways = 1;
            for (int j = 0; j < k; j++)
                ways *= c - j > 0 ? c - j : 0;
            good += ways;
        }
    out[COOP_V_ORDER_SIGNED] = all > 0 ? good / all : NAN;
}

void coop_validate_replicate(const coop_validation *v, const coop_config *cfg,
                             const coop_record *rec, double out[COOP_V_N])
{
    int n = v->n_states;
    double sg[COOP_V_MAX_STATES], fo[COOP_V_MAX_STATES], en[COOP_V_MAX_STATES];
    state_dates(v, cfg, rec, sg, fo, en);
    coop_validate_orders(v, sg, fo, en, cfg->end, out);

    size_t nl = rec->n_levels;
    int bstep = rec->milestone[(size_t)v->tie[v->blocked] * nl + (size_t)v->blocked_level];
    out[COOP_V_BLOCKED] = !(bstep >= 0 && coop_config_date(cfg, bstep) < v->blocked_by - 1e-9);

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
    share_maes(v, tr, total, out);
    out[COOP_V_DECLINE] = y0 > 0 ? y1 / y0 - 1 : NAN;
}

void coop_validate_replicate_chance(const coop_validation *v, const coop_config *cfg,
                                    const coop_record *rec, double out[COOP_V_N])
{
    double sg[COOP_V_MAX_STATES], fo[COOP_V_MAX_STATES], en[COOP_V_MAX_STATES];
    state_dates(v, cfg, rec, sg, fo, en);
    coop_validate_orders_chance(v, sg, fo, out);
}

double coop_validate_score(const coop_validation *v, int t, double mean)
{
    return isnan(mean) ? NAN : fmax(0.0, 1.0 - fabs(mean - v->observed[t]) / v->range[t]);
}

const char *coop_validate_excluded(const coop_validation *v, int t)
{
    if (v->status[t] == COOP_VS_INPUT)
        return "the validation group marks it input-determined (it follows from an input, "
               "whatever the parameters)";
    if (v->status[t] == COOP_VS_STRUCTURAL)
        return "the validation group marks it structural (the model cannot produce it, so it "
               "would steer the posterior by a misspecification)";
    return NULL;
}

/* The baseline's mean of target t: the accumulated chance or no-role metric, or
 * the initial values' (NaN when not available). */
static double baseline_mean(const coop_validation *v, int t, const coop_acc *chance,
                            const coop_acc *no_role)
{
    const coop_acc *a = NULL;
    switch (coop_validate_baseline_of[t]) {
    case COOP_VB_INITIAL:
        return v->initial[t];
    case COOP_VB_RANDOM_ORDER:
        a = chance ? &chance[t] : NULL;
        break;
    default:
        a = no_role ? &no_role[t] : NULL;
    }
    if (!a)
        return NAN;
    coop_summary s;
    coop_acc_summary(a, &s);
    return s.mean;
}

static double skill(double score, double base)
{
    return isnan(score) || isnan(base) || base >= 1.0 ? NAN : (score - base) / (1.0 - base);
}

void coop_validate_summarise(const coop_validation *v, const coop_acc acc[COOP_V_N],
                             const coop_acc chance[COOP_V_N], const coop_acc no_role[COOP_V_N],
                             coop_validation_row rows[COOP_V_N + 1])
{
    double sum = 0, bsum = 0;
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
        r->score = coop_validate_score(v, t, s.mean);
        r->pass = isnan(s.mean) ? -1 : d <= v->tolerance[t] + 1e-12;
        r->status = coop_validate_status_names[v->status[t]];
        r->baseline = coop_validate_baseline_names[coop_validate_baseline_of[t]];
        r->baseline_mean = baseline_mean(v, t, chance, no_role);
        r->baseline_score = coop_validate_score(v, t, r->baseline_mean);
        r->skill = skill(r->score, r->baseline_score);
        if (v->in_combined[t]) {
            sum += isnan(r->score) ? 0.0 : r->score; /* an undefined target scores 0 */
            bsum += r->baseline_score;                /* NaN when a baseline is missing */
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
    c->status = "combined";
    c->baseline = "mixed";
    c->baseline_mean = c->baseline_score = k ? bsum / k : NAN;
    c->skill = skill(c->score, c->baseline_score);
}

/* ---------------------------------------------------------------- the group */

/* The group's reader (coop_group.h): file, configuration, errors. */
typedef coop_group vctx;

static int g_member(const vctx *c, const config_setting_t *g, const char *name,
                    const config_setting_t **out)
{
    *out = config_setting_get_member(g, name);
    if (!*out)
        return coop_group_fail(c, g, "validation: missing required setting '%s'", name);
    return COOP_OK;
}

static int g_number(const vctx *c, const config_setting_t *g, const char *name, double *x)
{
    const config_setting_t *s;
    int st = g_member(c, g, name, &s);
    if (st)
        return st;
    if (!coop_group_is_number(s))
        return coop_group_fail(c, s, "validation.%s must be a number", name);
    *x = coop_group_number(s);
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
        return coop_group_fail(c, config_setting_get_member(g, name),
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
        return coop_group_fail(c, s, "validation.%s must be an actor name (a string)", what);
    if ((*actor = coop_config_actor(cfg, name)) < 0)
        return coop_group_fail(c, s, "validation.%s = \"%s\": no actor of that name", what, name);
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
    return coop_group_fail(c, s, "validation.%s = \"%s\" is not one of validation.states", what,
                 coop_cfg_actor_name(cfg, a));
}

/* A date list, one per state; 0 = never (INFINITY). */
static int g_dates(const vctx *c, const config_setting_t *g, const char *name, int n, double *d)
{
    const config_setting_t *s;
    int st = g_member(c, g, name, &s);
    if (st)
        return st;
    if (!config_setting_is_aggregate(s) || config_setting_length(s) != n)
        return coop_group_fail(c, s, "validation.%s must list %d dates, one per state (0 = never)",
                               name, n);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if (!coop_group_is_number(e))
            return coop_group_fail(c, e, "validation.%s.%d must be a number", name, i);
        double x = coop_group_number(e);
        if (x < 0)
            return coop_group_fail(c, e, "validation.%s.%d = %g: a date, or 0 for never", name, i,
                                   x);
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
        return coop_group_fail(c, where, "validation.trade_file: cannot open %s: %s", path,
                               strerror(errno));
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
                             coop_cfg_actor_name(cfg, v->state[i]));
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
        v->status[t] = t == COOP_V_SHARE_MAE_IMPORTS || t == COOP_V_SHARE_MAE_EXPORTS
                           ? COOP_VS_DIAGNOSTIC
                           : COOP_VS_SCORED;
    }
}

/* The observed value of every target; early_mean: the early states' mean signing date. */
static void set_observed(coop_validation *v, double early_mean)
{
    v->observed[COOP_V_TAU_SIGNED] = v->observed[COOP_V_TAU_IN_FORCE] = 1.0;
    v->observed[COOP_V_ORDER_SIGNED] = v->observed[COOP_V_LEADER_FIRST] = 1.0;
    v->observed[COOP_V_LEADER_YEAR] = v->obs_leader_year;
    v->observed[COOP_V_BLOCKED] = 1.0;
    v->observed[COOP_V_LATE_DELAY] = v->obs_signed[v->late] - early_mean;
    v->observed[COOP_V_SHARE_MAE] = v->observed[COOP_V_SHARE_MAE_IMPORTS] = 0.0;
    v->observed[COOP_V_SHARE_MAE_EXPORTS] = 0.0;
    v->observed[COOP_V_DECLINE] = v->obs_decline;
}

/* A target's index by name, or -1. */
static int target_index(const char *name)
{
    for (int k = 0; k < COOP_V_N; k++)
        if (name && strcmp(name, coop_validate_target_names[k]) == 0)
            return k;
    return -1;
}

/* validation.input_determined and validation.structural: lists of target names
 * (optional); then which targets the combined score takes. */
static int load_status(const vctx *c, const config_setting_t *g, coop_validation *v)
{
    static const char *const key[2] = {"input_determined", "structural"};
    static const int status[2] = {COOP_VS_INPUT, COOP_VS_STRUCTURAL};
    for (int k = 0; k < 2; k++) {
        const config_setting_t *s = config_setting_get_member(g, key[k]);
        if (s && !config_setting_is_aggregate(s))
            return coop_group_fail(c, s, "validation.%s must list target names", key[k]);
        for (int i = 0; s && i < config_setting_length(s); i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            const char *nm = config_setting_get_string(e);
            int t = target_index(nm);
            if (t < 0)
                return coop_group_fail(c, e, "validation.%s.%d = \"%s\": not a target (allowed: "
                                       "the rows of validation.csv but combined, "
                                       "docs/VALIDATION.md)", key[k], i, nm ? nm : "");
            if (v->status[t] == COOP_VS_INPUT || v->status[t] == COOP_VS_STRUCTURAL)
                return coop_group_fail(c, e, "validation.%s.%d = \"%s\": marked twice", key[k],
                                       i, nm);
            v->status[t] = status[k];
        }
    }
    for (int t = 0; t < COOP_V_N; t++)
        v->in_combined[t] = v->status[t] == COOP_VS_SCORED || v->status[t] == COOP_VS_STRUCTURAL;
    return COOP_OK;
}

/* The metrics of the initial values (the COOP_VB_INITIAL baselines): the trade
 * shares of the ties' initial observables. */
static void initial_values(const coop_config *cfg, coop_validation *v)
{
    double tr[COOP_V_MAX_STATES], total = 0;
    for (int t = 0; t < COOP_V_N; t++)
        v->initial[t] = NAN;
    for (int i = 0; i < v->n_states; i++)
        total += tr[i] = coop_cfg_tie(cfg, v->tie[i]).obs0[v->observable];
    share_maes(v, tr, total, v->initial);
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
        return coop_group_fail(c, s, "validation.states must list 2 to %d actors",
                               COOP_V_MAX_STATES);
    v->n_states = config_setting_length(s);
    for (int i = 0; i < v->n_states; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if ((st = g_actor(c, cfg, e, "states", &v->state[i])))
            return st;
        for (int k = 0; k < i; k++)
            if (v->state[k] == v->state[i])
                return coop_group_fail(c, e, "validation.states names '%s' twice",
                             coop_cfg_actor_name(cfg, v->state[i]));
        v->tie[i] = coop_config_tie(cfg, coop_cfg_actor_name(cfg, v->target),
                                    coop_cfg_actor_name(cfg, v->state[i]));
        if (v->tie[i] < 0)
            return coop_group_fail(c, e, "validation.states: no tie between '%s' and '%s'",
                         coop_cfg_actor_name(cfg, v->target),
                         coop_cfg_actor_name(cfg, v->state[i]));
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
        return coop_group_fail(c, s, "validation.early must list at least one state");
    v->n_early = config_setting_length(s);
    for (int i = 0; i < v->n_early; i++)
        if ((st = g_state(c, cfg, v, config_setting_get_elem(s, (unsigned)i), "early",
                          &v->early[i])))
            return st;
    if (!isfinite(v->obs_signed[v->late]))
        return coop_group_fail(c, g, "validation: the late state needs an observed signing date");
    double es = 0;
    for (int i = 0; i < v->n_early; i++) {
        if (!isfinite(v->obs_signed[v->early[i]]))
            return coop_group_fail(c, g,
                                   "validation: every early state needs an observed signing date");
        es += v->obs_signed[v->early[i]];
    }

    const char *obs, *file;
    if ((st = g_member(c, g, "observable", &s)))
        return st;
    if (!(obs = config_setting_get_string(s)) ||
        (v->observable = coop_config_observable(cfg, obs)) < 0)
        return coop_group_fail(
            c, s, "validation.observable must name an observable of the configuration");
    if ((st = g_number(c, g, "trade_from", &v->trade_from))
        || (st = g_number(c, g, "trade_to", &v->trade_to))
        || (st = g_number(c, g, "decline_from", &v->decline_from))
        || (st = g_number(c, g, "decline_to", &v->decline_to)))
        return st;
    if (!(v->trade_to > v->trade_from))
        return coop_group_fail(c, g, "validation: trade_to must be after trade_from");
    if ((st = g_member(c, g, "trade_file", &s)))
        return st;
    if (!(file = config_setting_get_string(s)))
        return coop_group_fail(c, s, "validation.trade_file must be a file name");
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
            return coop_group_fail(c, tg,
                                   "validation.tolerances must be a group TARGET = number; ...");
        for (int i = 0; i < config_setting_length(tg); i++) {
            const config_setting_t *e = config_setting_get_elem(tg, (unsigned)i);
            const char *nm = config_setting_name(e);
            int t = target_index(nm);
            double x = coop_group_number(e);
            if (t < 0 || !(x > 0))
                return coop_group_fail(c, e,
                                       "validation.tolerances.%s: a target name with a positive "
                                       "number",
                                       nm);
            v->tolerance[t] = x;
        }
    }
    if ((st = load_status(c, g, v)))
        return st;
    ranges(v);
    initial_values(cfg, v);
    set_observed(v, es / v->n_early);
    return COOP_OK;
}

int coop_validation_load(const coop_config *cfg, coop_validation *v, coop_err *err)
{
    memset(v, 0, sizeof *v);
    vctx c = {cfg->source, cfg, err};
    config_t lc;
    const config_setting_t *g;
    int st = coop_group_read(&lc, cfg->source, "validation", 1, &g, err);
    if (!st && !g)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: no `validation` group: coopsim validate needs "
                       "the targets (docs/VALIDATION.md)", cfg->source);
    else if (!st)
        st = load_group(&c, cfg, g, v);
    config_destroy(&lc);
    return st;
}
