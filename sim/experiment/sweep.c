/* sweep.c: the points of a sweep (see coop_sweep.h).
 *
 * The configuration module has already checked the sweep group value by value
 * (paths resolve, every grid value, row value and range end lies in its
 * parameter's range).  This module turns the group into a table of points, one
 * row of values per point, and builds a point's configuration from a copy of the
 * base without its sweep group (so that a point configuration does not carry the
 * rows of a long list sweep).  coop_sweep_alloc builds every point once, replaying
 * the events on it as the loader does, so that no point can fail in the middle of
 * a sweep.
 *
 * Latin hypercube sampling after McKay, Beckman & Conover (1979): each of the n
 * equal strata of each parameter's unit interval holds exactly one point, the
 * strata paired at random across parameters.  Sobol points are GSL's
 * (gsl_qrng_sobol, Bratley & Fox 1988), in the order gsl_qrng_get returns them. */
#include "coop_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "coop_rng.h"

struct coop_sweep {
    int n_points;
    size_t n_params;
    char (*path)[COOP_PATH_MAX];
    coop_param_ref *ref;
    double *v;           /* [n_points][n_params] */
    coop_config base;    /* the configuration without its sweep group */
    char where[COOP_PATH_MAX + 16];  /* "FILE:LINE: " of the sweep group, for messages */
};

/* A unit value in [0, 1) scaled to parameter p's range. */
static double scale(const coop_sweep_param_cfg *p, double x)
{
    double v = p->log ? exp(log(p->min) + x * (log(p->max) - log(p->min)))
                      : p->min + x * (p->max - p->min);
    return v < p->min ? p->min : v > p->max ? p->max : v;
}

static int fill_grid(coop_sweep *s, const coop_sweep_cfg *sw)
{
    for (int p = 0; p < s->n_points; p++) {
        long rest = p;
        for (size_t j = sw->n_params; j-- > 0;) {
            const coop_sweep_param_cfg *q = &sw->params[j];
            s->v[(size_t)p * s->n_params + j] = q->values[rest % (long)q->n_values];
            rest /= (long)q->n_values;
        }
    }
    return COOP_OK;
}

static int fill_lhs(coop_sweep *s, const coop_sweep_cfg *sw, coop_err *err)
{
    size_t n = (size_t)s->n_points;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t *perm = malloc(n * sizeof *perm);
    if (!r || !perm) {
        gsl_rng_free(r);
        free(perm);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory sampling the sweep");
    }
    gsl_rng_set(r, coop_rng_seed((uint32_t)sw->seed, 0, 0, COOP_STREAM_LHS));
    for (size_t j = 0; j < sw->n_params; j++) {
        for (size_t p = 0; p < n; p++)
            perm[p] = p;
        gsl_ran_shuffle(r, perm, n, sizeof *perm);
        for (size_t p = 0; p < n; p++) {
            double x = ((double)perm[p] + gsl_rng_uniform(r)) / (double)n;
            s->v[p * s->n_params + j] = scale(&sw->params[j], x);
        }
    }
    free(perm);
    gsl_rng_free(r);
    return COOP_OK;
}

static int fill_sobol(coop_sweep *s, const coop_sweep_cfg *sw, coop_err *err)
{
    /* gsl_qrng_alloc does not check the dimension itself. */
    if (sw->n_params > gsl_qrng_sobol->max_dimension)
        return COOP_FAIL(err, COOP_ECONFIG, "sweep: method sobol takes at most %u parameters",
                         gsl_qrng_sobol->max_dimension);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)sw->n_params);
    double *x = malloc(sw->n_params * sizeof *x);
    int status = COOP_OK;
    if (!q || !x) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory sampling the sweep");
    } else {
        for (int p = 0; p < s->n_points && !status; p++) {
            if (gsl_qrng_get(q, x) != 0)
                status = COOP_FAIL(err, COOP_EINVAL, "sweep: gsl_qrng_get failed at point %d", p);
            for (size_t j = 0; j < sw->n_params && !status; j++)
                s->v[(size_t)p * s->n_params + j] = scale(&sw->params[j], x[j]);
        }
    }
    free(x);
    if (q)
        gsl_qrng_free(q);
    return status;
}

/* "PATH = V, PATH = V" of point p, for messages. */
static void describe(const coop_sweep *s, int p, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < s->n_params && len + 1 < size; j++) {
        int k = snprintf(buf + len, size - len, "%s%s = %.10g", j ? ", " : "", s->path[j],
                         s->v[(size_t)p * s->n_params + j]);
        if (k < 0)
            break;
        len += (size_t)k;
    }
}

/* Sets point p's values on cfg, in parameter order. */
static int apply(const coop_sweep *s, int p, coop_config *cfg, coop_err *err)
{
    for (size_t j = 0; j < s->n_params; j++) {
        int status = coop_config_set_param(cfg, &s->ref[j], COOP_OP_SET,
                                           s->v[(size_t)p * s->n_params + j], err);
        if (status)
            return status;
    }
    return COOP_OK;
}

/* Point p builds, and the events replay on it without leaving a range. */
static int check_point(const coop_sweep *s, int p, coop_err *err)
{
    coop_config cfg, scratch;
    coop_err e = {0};
    int status = coop_sweep_config(s, p, &cfg, &e);
    if (!status && s->base.n_events) {
        if (!(status = coop_config_copy(&scratch, &cfg, &e))) {
            for (size_t i = 0; i < scratch.n_events && !status; i++) {
                const coop_event_cfg *ev = &scratch.events[i];
                coop_err e2 = {0};
                status = coop_config_set_param(&scratch, &ev->ref, ev->op, ev->value, &e2);
                if (status)
                    COOP_FAIL(&e, status, "the event at %.10g on %s: %s", ev->date, ev->path,
                              e2.text);
            }
            coop_config_destroy(&scratch);
        }
    }
    coop_config_destroy(&cfg);
    if (!status)
        return COOP_OK;
    if (status == COOP_ENOMEM)
        return COOP_FAIL(err, status, "%s", e.text);
    char what[COOP_ERR_MAX / 2];
    describe(s, p, what, sizeof what);
    return COOP_FAIL(err, COOP_ECONFIG, "%ssweep point %d (%s): %s", s->where, p, what, e.text);
}

coop_sweep *coop_sweep_alloc(const coop_config *cfg, coop_err *err)
{
    const coop_sweep_cfg *sw = cfg ? &cfg->sweep : NULL;
    if (!sw || !sw->present || sw->n_params == 0) {
        COOP_FAIL(err, COOP_ECONFIG, "%s: no sweep group: `coopsim sweep` needs sweep = { method "
                  "= ...; parameters = ( ... ); } (docs/CONFIG.md)",
                  cfg && cfg->source[0] ? cfg->source : "the configuration");
        return NULL;
    }
    double n = 1;
    switch (sw->method) {
    case COOP_SWEEP_GRID:
        for (size_t j = 0; j < sw->n_params; j++)
            n *= (double)sw->params[j].n_values;
        break;
    case COOP_SWEEP_LIST: n = (double)sw->n_rows; break;
    default: n = sw->n; break;
    }
    if (!(n >= 1 && n <= COOP_MAX_POINTS)) {
        COOP_FAIL(err, COOP_ECONFIG, "sweep: %.0f points: between 1 and %d are allowed", n,
                  COOP_MAX_POINTS);
        return NULL;
    }

    coop_sweep *s = calloc(1, sizeof *s);
    if (!s) {
        COOP_FAIL(err, COOP_ENOMEM, "out of memory allocating the sweep");
        return NULL;
    }
    s->n_points = (int)n;
    s->n_params = sw->n_params;
    s->path = calloc(s->n_params, sizeof *s->path);
    s->ref = calloc(s->n_params, sizeof *s->ref);
    s->v = calloc((size_t)s->n_points * s->n_params, sizeof *s->v);
    coop_config shallow = *cfg;
    memset(&shallow.sweep, 0, sizeof shallow.sweep);
    int status = COOP_OK;
    if (!s->path || !s->ref || !s->v)
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory allocating the sweep");
    else
        status = coop_config_copy(&s->base, &shallow, err);
    if (cfg->source[0] && sw->line > 0)
        snprintf(s->where, sizeof s->where, "%s:%d: ", cfg->source, sw->line);
    for (size_t j = 0; j < s->n_params && !status; j++) {
        memcpy(s->path[j], sw->params[j].path, COOP_PATH_MAX);
        s->ref[j] = sw->params[j].ref;
    }
    if (!status) {
        switch (sw->method) {
        case COOP_SWEEP_GRID: status = fill_grid(s, sw); break;
        case COOP_SWEEP_LHS: status = fill_lhs(s, sw, err); break;
        case COOP_SWEEP_SOBOL: status = fill_sobol(s, sw, err); break;
        default:
            memcpy(s->v, sw->rows, (size_t)s->n_points * s->n_params * sizeof *s->v);
            break;
        }
    }
    for (int p = 0; p < s->n_points && !status; p++)
        status = check_point(s, p, err);
    if (status) {
        coop_sweep_free(s);
        return NULL;
    }
    return s;
}

void coop_sweep_free(coop_sweep *s)
{
    if (!s)
        return;
    coop_config_destroy(&s->base);
    free(s->path);
    free(s->ref);
    free(s->v);
    free(s);
}

int coop_sweep_size(const coop_sweep *s)
{
    return s->n_points;
}

size_t coop_sweep_n_params(const coop_sweep *s)
{
    return s->n_params;
}

const char *coop_sweep_param(const coop_sweep *s, size_t j)
{
    return j < s->n_params ? s->path[j] : NULL;
}

void coop_sweep_values(const coop_sweep *s, int p, double *values)
{
    memcpy(values, s->v + (size_t)p * s->n_params, s->n_params * sizeof *values);
}

int coop_sweep_config(const coop_sweep *s, int p, coop_config *out, coop_err *err)
{
    memset(out, 0, sizeof *out);
    if (!s || p < 0 || p >= s->n_points)
        return COOP_FAIL(err, COOP_EINVAL, "sweep: no point %d", p);
    int status = coop_config_copy(out, &s->base, err);
    if (!status && (status = apply(s, p, out, err)))
        coop_config_destroy(out);
    return status;
}
