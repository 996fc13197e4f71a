/* channels.c: the factorial design over the motivator's channels and its
 * estimands (coop_channels.h): the factors derived from COOP_MOTIVATOR_CHANNELS,
 * the contrast weights of the total, the main effects, the interactions and the
 * Shapley values, and their estimates with paired intervals (coop_paired_compare
 * on the per-replicate contrasts). */
#include "coop_channels.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>


#include "coop_hypothesis.h"

/* ---------------------------------------------------------------- the factors */

static const char *const chan_key[COOP_N_MOT] = {
#define COOP_X_(key, FIELD, strength, doc) #key,
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
};

static const int chan_strength[COOP_N_MOT] = {
#define COOP_X_(key, FIELD, strength, doc) strength,
    COOP_MOTIVATOR_CHANNELS(COOP_X_)
#undef COOP_X_
};

/* The word a key starts with: its length up to the first '_'. */
static size_t word_len(const char *key)
{
    const char *u = strchr(key, '_');
    return u ? (size_t)(u - key) : strlen(key);
}

static int same_word(const char *a, const char *b)
{
    size_t n = word_len(a);
    return n == word_len(b) && strncmp(a, b, n) == 0;
}

/* The factors: the first channel (a strength) naming each word, in list order. */
typedef struct factors {
    int n;
    int first[COOP_CHAN_MAX_FACTORS];          /* a strength channel of the factor */
    char name[COOP_CHAN_MAX_FACTORS][COOP_NAME_MAX];
} factors;

static factors fs; /* a constant of the program, computed once (pthread_once) */
static pthread_once_t fs_once = PTHREAD_ONCE_INIT;

static void find_factors(void)
{
    factors f = {0};
    for (int c = 0; c < COOP_N_MOT; c++) {
        if (!chan_strength[c])
            continue;
        int known = 0;
        for (int j = 0; j < f.n && !known; j++)
            known = same_word(chan_key[f.first[j]], chan_key[c]);
        if (known || f.n >= COOP_CHAN_MAX_FACTORS)
            continue;
        f.first[f.n] = c;
        snprintf(f.name[f.n], COOP_NAME_MAX, "%.*s", (int)word_len(chan_key[c]), chan_key[c]);
        f.n++;
    }
    fs = f;
}

static const factors *get_factors(void)
{
    pthread_once(&fs_once, find_factors);
    return &fs;
}

int coop_channels_n_factors(void)
{
    return get_factors()->n;
}

const char *coop_channels_factor(int f)
{
    const factors *fs = get_factors();
    return f >= 0 && f < fs->n ? fs->name[f] : NULL;
}

int coop_channels_factor_of(int c)
{
    if (c < 0 || c >= COOP_N_MOT)
        return -1;
    const factors *fs = get_factors();
    for (int f = 0; f < fs->n; f++)
        if (same_word(chan_key[fs->first[f]], chan_key[c]))
            return f;
    return -1;
}

/* The names of the factors in mask joined by sep, into buf. */
static void mask_names(unsigned mask, const char *sep, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int f = 0; f < COOP_CHAN_MAX_FACTORS + 8 && (mask >> f); f++) {
        if (!((mask >> f) & 1u))
            continue;
        size_t n = strlen(buf);
        const char *name = coop_channels_factor(f);
        if (name)
            snprintf(buf + n, size - n, "%s%s", n ? sep : "", name);
        else
            snprintf(buf + n, size - n, "%sf%d", n ? sep : "", f);
    }
}

void coop_channels_world_name(unsigned mask, char *buf, size_t size)
{
    unsigned all = (1u << coop_channels_n_factors()) - 1u;
    char names[COOP_CHAN_NAME];
    if (mask == 0)
        snprintf(buf, size, "channels:none");
    else if (mask == all)
        snprintf(buf, size, "channels:all");
    else {
        mask_names(mask, "+", names, sizeof names);
        snprintf(buf, size, "channels:%s", names);
    }
}

/* ---------------------------------------------------------------- the cells as worlds */

int coop_channels_keep(coop_config *cfg, int a, unsigned mask, coop_err *err)
{
    if (!cfg || a < 0 || (size_t)a >= cfg->n_actors)
        return COOP_FAIL(err, COOP_EINVAL, "channels: no actor with index %d", a);
    coop_actor_cfg *act = coop_cfg_actor_edit(cfg, (size_t)a);
    if (!act)
        return COOP_FAIL(err, COOP_ENOMEM, "channels: out of memory");
    for (int c = 0; c < COOP_N_MOT; c++) {
        int f = coop_channels_factor_of(c);
        if (f >= 0 && !((mask >> f) & 1u) && coop_motivator_strength(c))
            coop_motivator_set(&act->motivator, c, 0.0);
    }
    size_t k = 0;
    for (size_t i = 0; i < cfg->n_events; i++) {
        const coop_event_cfg *ev = &cfg->events[i];
        int f = coop_channels_factor_of(coop_motivator_channel(ev->ref.field));
        if (ev->ref.index == a && f >= 0 && !((mask >> f) & 1u))
            continue; /* an event on a channel switched off */
        cfg->events[k++] = *ev;
    }
    cfg->n_events = k;
    return COOP_OK;
}

/* ---------------------------------------------------------------- contrasts */

static int popcount(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

int coop_channels_terms(int k, coop_chan_term *terms)
{
    int n = 0;
    unsigned cells = 1u << k;
    terms[n++] = (coop_chan_term){COOP_CHAN_TOTAL, 0};
    for (int f = 0; f < k; f++)
        terms[n++] = (coop_chan_term){COOP_CHAN_MAIN, 1u << f};
    for (int order = 2; order <= k; order++)
        for (unsigned m = 1; m < cells; m++)
            if (popcount(m) == order)
                terms[n++] = (coop_chan_term){COOP_CHAN_INTERACTION, m};
    for (int f = 0; f < k; f++)
        terms[n++] = (coop_chan_term){COOP_CHAN_SHAPLEY, 1u << f};
    return n;
}

static double factorial(int n)
{
    double x = 1;
    for (int i = 2; i <= n; i++)
        x *= i;
    return x;
}

void coop_channels_weights(int k, coop_chan_term t, double *w)
{
    unsigned cells = 1u << k, all = cells - 1u;
    for (unsigned s = 0; s < cells; s++)
        w[s] = 0.0;
    switch (t.kind) {
    case COOP_CHAN_TOTAL:
        w[all] = 1.0;
        w[0] = -1.0;
        break;
    case COOP_CHAN_MAIN:
    case COOP_CHAN_INTERACTION: {
        double scale = ldexp(1.0, -(k - 1)); /* 2^-(k-1) */
        for (unsigned s = 0; s < cells; s++) /* + when an even number of T's factors is off */
            w[s] = (popcount(t.mask & ~s) % 2 ? -1.0 : 1.0) * scale;
        break;
    }
    case COOP_CHAN_SHAPLEY: {
        double kf = factorial(k);
        for (unsigned s = 0; s < cells; s++) {
            if (s & t.mask)
                continue;
            int size = popcount(s);
            double c = factorial(size) * factorial(k - size - 1) / kf;
            w[s | t.mask] += c;
            w[s] -= c;
        }
        break;
    }
    }
}

void coop_channels_term_name(coop_chan_term t, char *buf, size_t size)
{
    char names[COOP_CHAN_NAME];
    switch (t.kind) {
    case COOP_CHAN_TOTAL: snprintf(buf, size, "total"); return;
    case COOP_CHAN_MAIN: mask_names(t.mask, "*", names, sizeof names);
        snprintf(buf, size, "main:%s", names); return;
    case COOP_CHAN_INTERACTION: mask_names(t.mask, "*", names, sizeof names);
        snprintf(buf, size, "interaction:%s", names); return;
    case COOP_CHAN_SHAPLEY: mask_names(t.mask, "*", names, sizeof names);
        snprintf(buf, size, "shapley:%s", names); return;
    }
    snprintf(buf, size, "unknown");
}

double coop_channels_contrast(int k, const double *w, const double *v)
{
    double x = 0.0;
    for (unsigned s = 0; s < (1u << k); s++)
        if (w[s] != 0.0)
            x += w[s] * v[s];
    return x;
}

/* The term's contrast computed so that a factor without effect gives exactly 0:
 * from differences between cells that differ only in one factor (the fast
 * Walsh-Hadamard transform of Yates's algorithm for the factorial terms, the
 * marginal contributions for the Shapley values), never from sums of weighted
 * cells whose rounding errors would not cancel. */
double coop_channels_value(int k, coop_chan_term t, const double *v)
{
    unsigned cells = 1u << k, all = cells - 1u;
    switch (t.kind) {
    case COOP_CHAN_TOTAL:
        return v[all] - v[0];
    case COOP_CHAN_MAIN:
    case COOP_CHAN_INTERACTION: {
        double y[COOP_CHAN_MAX_CELLS];
        memcpy(y, v, cells * sizeof *y);
        for (unsigned f = 1; f < cells; f <<= 1)
            for (unsigned s = 0; s < cells; s++)
                if (!(s & f)) {
                    double a = y[s], b = y[s | f];
                    y[s] = a + b;
                    y[s | f] = b - a;
                }
        return ldexp(y[t.mask], -(k - 1));
    }
    case COOP_CHAN_SHAPLEY: {
        double x = 0.0, kf = factorial(k);
        for (unsigned s = 0; s < cells; s++)
            if (!(s & t.mask)) {
                int size = popcount(s);
                x += factorial(size) * factorial(k - size - 1) / kf * (v[s | t.mask] - v[s]);
            }
        return x;
    }
    }
    return NAN;
}

/* ---------------------------------------------------------------- estimates */

/* The bootstrap percentile intervals of the means of the nt contrast samples
 * c[t * n + i], from one set of n_boot resamples of the replicates shared by all
 * terms (coop_paired_boot_shared): each term gets the very interval
 * coop_paired_compare would give it (tests/test_channels.c checks the bits), for
 * one generator instead of one per term, which is where a decomposition spends
 * its time (11 terms x 6 outcomes x n_boot x n draws).  n >= 2, n_boot >= 1. */
static int shared_bootstrap(const double *c, int nt, size_t n, double level, size_t n_boot,
                            unsigned long seed, coop_chan_est *est, coop_err *err)
{
    const double *d[COOP_CHAN_MAX_TERMS] = {0};
    double lo[COOP_CHAN_MAX_TERMS], hi[COOP_CHAN_MAX_TERMS];
    for (int t = 0; t < nt; t++)
        d[t] = c + (size_t)t * n;
    int st = coop_paired_boot_shared(d, (size_t)nt, n, level, n_boot, seed, lo, hi, err);
    for (int t = 0; !st && t < nt; t++) {
        est[t].s.boot_lo = lo[t];
        est[t].s.boot_hi = hi[t];
    }
    return st;
}

int coop_channels_estimate(const double *cells, int k, size_t R, double level, size_t n_boot,
                           unsigned long boot_seed, coop_chan_est *est, coop_err *err)
{
    if (!cells || !est || k < 1 || k > COOP_CHAN_MAX_FACTORS)
        return COOP_FAIL(err, COOP_EINVAL, "channels: bad request (%d factors)", k);
    unsigned nc = 1u << k;
    size_t cap = R ? R : 1;
    double *c = malloc(COOP_CHAN_MAX_TERMS * cap * sizeof *c), *zero = calloc(cap, sizeof *zero);
    size_t *use = malloc(cap * sizeof *use);
    if (!c || !zero || !use) {
        free(c), free(zero), free(use);
        return COOP_FAIL(err, COOP_ENOMEM, "channels: out of memory for %zu replicates", R);
    }
    size_t n = 0; /* the replicates with every cell finite */
    for (size_t r = 0; r < R; r++) {
        int ok = 1;
        for (unsigned s = 0; s < nc && ok; s++)
            ok = isfinite(cells[s * R + r]);
        if (ok)
            use[n++] = r;
    }
    coop_chan_term terms[COOP_CHAN_MAX_TERMS];
    int nt = coop_channels_terms(k, terms), st = COOP_OK;
    for (int t = 0; t < nt && !st; t++) {
        double v[COOP_CHAN_MAX_CELLS], *ct = c + (size_t)t * n;
        for (size_t i = 0; i < n; i++) {
            for (unsigned s = 0; s < nc; s++)
                v[s] = cells[s * R + use[i]];
            ct[i] = coop_channels_value(k, terms[t], v);
        }
        est[t].term = terms[t];
        /* the intervals but the bootstrap's, which is drawn once for all terms */
        st = coop_paired_compare(ct, zero, n, level, 0, boot_seed, &est[t].s, err);
    }
    if (!st && n >= 2 && n_boot > 0)
        st = shared_bootstrap(c, nt, n, level, n_boot, boot_seed, est, err);
    free(c), free(zero), free(use);
    return st;
}

int coop_channels_outcome(const coop_hypothesis_cfg *h, const double *values, size_t R, int k,
                          const int *world_of, int o, unsigned long boot_seed, coop_chan_est *est,
                          coop_err *err)
{
    if (!h || !values || !world_of || !est || k < 1 || k > COOP_CHAN_MAX_FACTORS || R < 1 ||
        o < 0 || o >= COOP_N_OUTCOMES)
        return COOP_FAIL(err, COOP_EINVAL, "channels: bad request (%d factors)", k);
    unsigned nc = 1u << k;
    double *cells = malloc((size_t)nc * R * sizeof *cells);
    if (!cells)
        return COOP_FAIL(err, COOP_ENOMEM, "channels: out of memory");
    double sign = coop_hypothesis_orientation(o);
    for (unsigned s = 0; s < nc; s++) {
        const double *src = values + ((size_t)world_of[s] * COOP_N_OUTCOMES + (size_t)o) * R;
        for (size_t r = 0; r < R; r++)
            cells[s * R + r] = sign * src[r];
    }
    int st = coop_channels_estimate(cells, k, R, h->confidence, (size_t)h->bootstrap, boot_seed,
                                    est, err);
    free(cells);
    return st;
}

void coop_channels_point_init(const coop_hypothesis_cfg *h, int k, int point,
                              coop_chan_point *out)
{
    memset(out, 0, sizeof *out);
    out->point = point;
    out->k = k;
    out->primary = h->primary;
    out->confidence = h->confidence;
    out->bootstrap = h->bootstrap;
    coop_chan_term terms[COOP_CHAN_MAX_TERMS];
    out->n_terms = coop_channels_terms(k, terms);
}

int coop_channels_point(const coop_hypothesis_cfg *h, const double *values, size_t R, int k,
                        const int *world_of, int point, unsigned long boot_seed,
                        coop_chan_point *out, coop_err *err)
{
    if (!h || !values || !world_of || !out || k < 1 || k > COOP_CHAN_MAX_FACTORS || R < 1)
        return COOP_FAIL(err, COOP_EINVAL, "channels: bad request (%d factors)", k);
    coop_channels_point_init(h, k, point, out);
    int st = COOP_OK;
    for (int o = 0; o < COOP_N_OUTCOMES && !st; o++)
        st = coop_channels_outcome(h, values, R, k, world_of, o, boot_seed, out->est[o], err);
    return st;
}
