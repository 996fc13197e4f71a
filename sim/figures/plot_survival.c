/* plot_survival.c: the Kaplan-Meier figure of a hypothesis test at one point
 * (`survival`): for each state that can reach the top agreement level, the share
 * of replicates still below it over time, one step curve per world, from the
 * per-state rmst_enhanced rows of outcomes.csv (coop_survival.h;
 * docs/HYPOTHESIS.md, "Time to the enhanced level"). */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_survival.h"

/* The replicates' values of one (world, state). */
typedef struct kmset {
    int world, state;
    double *t;
    size_t n, cap;
} kmset;

typedef struct kmdata {
    kmset *set;
    size_t n, cap;
    strtab states;
} kmdata;

static void kmdata_free(kmdata *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->set[i].t);
    free(d->set);
    strtab_free(&d->states);
}

/* Adds value v of (world, state). */
static int km_add(kmdata *d, int world, int state, double v)
{
    size_t i = 0;
    while (i < d->n && !(d->set[i].world == world && d->set[i].state == state))
        i++;
    if (i == d->n) {
        kmset *s = coop_grow(d->set, &d->cap, d->n + 1, sizeof *s);
        if (!s)
            return COOP_ENOMEM;
        d->set = s;
        d->set[d->n++] = (kmset){world, state, NULL, 0, 0};
    }
    kmset *s = &d->set[i];
    double *t = coop_grow(s->t, &s->cap, s->n + 1, sizeof *t);
    if (!t)
        return COOP_ENOMEM;
    s->t = t;
    s->t[s->n++] = v;
    return COOP_OK;
}

/* The per-state rmst_enhanced values of outcomes.csv (point 0 of a one-point
 * result); none when the file has no state column. */
static int km_read(plot *p, kmdata *d, coop_err *err)
{
    static const char *const cols[] = {"world", "outcome", "value", "state"};
    int ix[4], got, status;
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "outcomes.csv", err)))
        return status;
    if (coop_csv_reader_col(&c, "state") < 0) {
        coop_csv_reader_close(&c);
        return COOP_OK;
    }
    if ((status = coop_csv_reader_need(&c, cols, ix, 4, err)))
        goto out;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        if (strcmp(c.fld[ix[1]], "rmst_enhanced") != 0 || strcmp(c.fld[ix[3]], "all") == 0)
            continue;
        double v;
        if ((status = coop_csv_reader_num(&c, ix[2], &v, err)))
            goto out;
        if (!isfinite(v))
            continue; /* a state that cannot reach the level by input */
        int w = strtab_add(&p->worlds, c.fld[ix[0]]), s = strtab_add(&d->states, c.fld[ix[3]]);
        if (w < 0 || s < 0 || km_add(d, w, s, v)) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* figures/survival.csv: per (world, state) the Kaplan-Meier curve as steps: its
 * value from the start, then after each time with an event, to the horizon. */
static int km_data(plot *p, const kmdata *d, double H, const char *file, coop_err *err)
{
    FILE *f = data_open(p, file, err);
    if (!f)
        return err->code;
    fputs("world,state,year,surv\n", f);
    double t0 = p->cfg.start;
    for (size_t i = 0; i < d->n; i++) {
        const kmset *s = &d->set[i];
        coop_km_step *st = malloc(s->n * sizeof *st);
        size_t *scratch = malloc(s->n * sizeof *scratch);
        int *ev = malloc(s->n * sizeof *ev);
        if (!st || !scratch || !ev) {
            free(st), free(scratch), free(ev);
            fclose(f);
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory for the survival curves");
        }
        for (size_t r = 0; r < s->n; r++)
            ev[r] = s->t[r] < H;
        size_t k = coop_km(s->t, ev, s->n, st, scratch);
        char wn[COOP_NAME_MAX * 2], sn[COOP_NAME_MAX * 2];
        safe_name(wn, sizeof wn, p->worlds.s[s->world]);
        safe_name(sn, sizeof sn, d->states.s[s->state]);
        fprintf(f, "%s,%s", wn, sn);
        put_num(f, t0);
        put_num(f, 1.0);
        fputc('\n', f);
        for (size_t j = 0; j < k; j++)
            if (st[j].events && st[j].time < H) {
                fprintf(f, "%s,%s", wn, sn);
                put_num(f, t0 + st[j].time);
                put_num(f, st[j].surv);
                fputc('\n', f);
            }
        fprintf(f, "%s,%s", wn, sn);
        put_num(f, t0 + H);
        put_num(f, coop_km_surv(st, k, H));
        fputc('\n', f);
        free(st), free(scratch), free(ev);
    }
    return data_close(p, f, file, err);
}

/* The worlds of d in drawing order (factual, counterfactual, placebos). */
static int km_worlds(const plot *p, const kmdata *d, int *w, int max)
{
    int n = 0;
    for (size_t i = 0; i < d->n; i++) {
        int seen = 0;
        for (int k = 0; k < n; k++)
            seen |= w[k] == d->set[i].world;
        if (!seen && n < max)
            w[n++] = d->set[i].world;
    }
    for (int a = 1; a < n; a++) /* insertion sort by world_rank */
        for (int b = a; b > 0 && world_rank(p, w[b]) < world_rank(p, w[b - 1]); b--) {
            int t = w[b];
            w[b] = w[b - 1];
            w[b - 1] = t;
        }
    return n;
}

int plot_survival(plot *p, coop_err *err)
{
    if (p->n_points != 1)
        return COOP_OK;
    kmdata d = {0};
    int status = km_read(p, &d, err);
    if (status || d.n == 0 || d.states.n > 16) {
        kmdata_free(&d);
        return status;
    }
    const char *file = "survival.csv", *what = "time to the top agreement level per state";
    double H = p->cfg.n_steps / p->cfg.steps_per_year;
    int w[MAX_WORLDS], nw = km_worlds(p, &d, w, MAX_WORLDS), ns = (int)d.states.n;
    fig f;
    if ((status = km_data(p, &d, H, file, err)) ||
        (status = fig_open(p, &f, "survival", what, file, "outcomes.csv", err))) {
        kmdata_free(&d);
        return status;
    }
    FILE *g = f.gp;
    char title[512], top[COOP_NAME_MAX];
    snprintf(top, sizeof top, "%s", p->cfg.inst.level_name[p->cfg.inst.n_levels - 1]);
    snprintf(title, sizeof title, "Share of replicates not yet at the %s level (Kaplan-Meier), "
             "per state that can reach it by input", top);
    int kc = 6;
    for (int k = 0; k < nw; k++)
        kc = (int)strlen(p->worlds.s[w[k]]) > kc ? (int)strlen(p->worlds.s[w[k]]) : kc;
    page pg;
    fputs("set yrange [0:1.05]\nset ytics 0.2\n", g);
    page_open(p, g, &pg, ns, PAGE_PLAIN, title, nw > 1 ? nw : 0, kc);
    time_axis(p, g, pg.cols);
    for (int s = 0; s < ns; s++) {
        char sn[COOP_NAME_MAX * 2];
        safe_name(sn, sizeof sn, d.states.s[s]);
        page_panel(g, &pg, s, d.states.s[s], time_label(p), "share below the level", 0);
        fputs("plot ", g);
        for (int k = 0; k < nw; k++) {
            char wn[COOP_NAME_MAX * 2];
            safe_name(wn, sizeof wn, p->worlds.s[w[k]]);
            int dt = world_dash(p, w[k]);
            fprintf(g, "%s'%s' using (strcol('world') eq '%s' && strcol('state') eq '%s' ? "
                       "column('year') : NaN):'surv' with steps lw %d dt %d lc rgb '%s' notitle",
                    k ? ", \\\n     " : "", file, wn, sn, dt == 1 ? 3 : 2, dt,
                    colour[world_rank(p, w[k]) % N_COLOURS]);
        }
        fputc('\n', g);
    }
    if (page_legend(g, &pg)) {
        for (int k = 0; k < nw; k++) {
            int dt = world_dash(p, w[k]);
            fprintf(g, ", \\\n     keyentry with lines lw %d dt %d lc rgb '%s' title ",
                    dt == 1 ? 3 : 2, dt, colour[world_rank(p, w[k]) % N_COLOURS]);
            gq(g, p->worlds.s[w[k]]);
        }
        fputc('\n', g);
    }
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    kmdata_free(&d);
    return status;
}
