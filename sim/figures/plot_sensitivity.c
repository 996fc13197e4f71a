/* plot_sensitivity.c: the figure of `coopsim sensitivity` (docs/FIGURES.md,
 * "Sensitivity"): one panel per output, a row per parameter ranked by ST (Sobol')
 * or mu* (Morris), each index a point with its bootstrap interval: ST and S1 for
 * Sobol' indices, mu* and (as an open mark, no interval) sigma for Morris.  Data:
 * figures/sensitivity.csv, the rows of ../sensitivity.csv with each parameter's
 * rank in its output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define SENS_MAX_ROWS 4096

typedef struct srow {
    char output[COOP_NAME_MAX], param[COOP_PATH_MAX];
    double v[6];   /* S1, S1_lo, S1_hi, ST, ST_lo, ST_hi or mu, mu*, lo, hi, sigma */
    int rank;      /* 1 = the largest ST or mu* of its output */
} srow;

/* Reads ../sensitivity.csv into rows (at most SENS_MAX_ROWS); *sobol from its header. */
static int load_rows(plot *p, srow **rows, size_t *n, int *sobol, coop_err *err)
{
    coop_csv_reader c;
    int st = coop_csv_reader_open(&c, p->dir, "sensitivity.csv", err), got = 1;
    static const char *const sob[] = {"output", "parameter", "S1", "S1_lo", "S1_hi", "ST",
                                      "ST_lo", "ST_hi"};
    static const char *const mor[] = {"output", "parameter", "mu", "mu_star", "mu_star_lo",
                                      "mu_star_hi", "sigma"};
    int idx[8];
    *n = 0;
    size_t cap = 0;
    if (!st) {
        *sobol = coop_csv_reader_col(&c, "ST") >= 0;
        st = coop_csv_reader_need(&c, *sobol ? sob : mor, idx, *sobol ? 8 : 7, err);
    }
    while (!st && (st = coop_csv_reader_next(&c, &got, err)) == COOP_OK && got) {
        srow *grown = *n < SENS_MAX_ROWS ? coop_grow(*rows, &cap, *n + 1, sizeof **rows) : NULL;
        if (!grown) {
            st = COOP_FAIL(err, COOP_ENOMEM, "sensitivity.csv: too many rows to plot");
            break;
        }
        *rows = grown;
        srow *r = &(*rows)[(*n)++];
        safe_name(r->output, sizeof r->output, c.fld[idx[0]]);
        safe_name(r->param, sizeof r->param, c.fld[idx[1]]);
        for (int k = 0; k < (*sobol ? 6 : 5) && !st; k++)
            st = coop_csv_reader_num(&c, idx[2 + k], &r->v[k], err);
    }
    coop_csv_reader_close(&c);
    return st;
}

/* The ranking key of a row: ST or mu* (NaN last). */
static double key_of(const srow *r, int sobol)
{
    double k = sobol ? r->v[3] : r->v[1];
    return isfinite(k) ? k : -INFINITY;
}

/* Ranks the rows within each output; the outputs into outs (first-seen order). */
static size_t rank_rows(srow *rows, size_t n, int sobol, const char **outs, size_t max)
{
    size_t no = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t o = 0; o < no && !seen; o++)
            seen = strcmp(outs[o], rows[i].output) == 0;
        if (!seen && no < max)
            outs[no++] = rows[i].output;
        rows[i].rank = 1;
        for (size_t j = 0; j < n; j++)
            if (j != i && strcmp(rows[j].output, rows[i].output) == 0 &&
                (key_of(&rows[j], sobol) > key_of(&rows[i], sobol) ||
                 (key_of(&rows[j], sobol) == key_of(&rows[i], sobol) && j < i)))
                rows[i].rank++;
    }
    return no;
}

static int write_data(plot *p, const srow *rows, size_t n, int sobol, const char *file,
                      coop_err *err)
{
    FILE *f = data_open(p, file, err);
    if (!f)
        return err->code;
    fputs(sobol ? "output,rank,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n"
                : "output,rank,parameter,mu,mu_star,mu_star_lo,mu_star_hi,sigma\n", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s,%d,%s", rows[i].output, rows[i].rank, rows[i].param);
        for (int k = 0; k < (sobol ? 6 : 5); k++)
            put_num(f, rows[i].v[k]);  /* writes its own leading comma */
        fputc('\n', f);
    }
    return data_close(p, f, file, err);
}

/* One panel: the row labels, the x range and the plot command of output `out`. */
static void panel(FILE *g, const srow *rows, size_t n, int sobol, const char *out,
                  const char *file)
{
    double hi = 0.0;
    int count = 0;
    fputs("set ytics (", g);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].output, out) != 0)
            continue;
        fprintf(g, "%s", count++ ? ", " : "");
        gq(g, rows[i].param);
        fprintf(g, " %d", rows[i].rank);
        for (int k = 0; k < (sobol ? 6 : 5); k++)
            if (isfinite(rows[i].v[k]) && rows[i].v[k] > hi)
                hi = rows[i].v[k];
    }
    fprintf(g, ")\nset yrange [%d.5:0.5]\n", count);
    fprintf(g, "set xrange [%s:%.6g]\n", sobol ? "-0.05" : "0", hi > 0 ? hi * 1.08 : 1.0);
    const char *sel = "strcol('output') eq '%s'";
    fprintf(g, "plot '%s' using (", file);
    fprintf(g, sel, out);
    if (sobol) {
        fprintf(g, " ? column('ST') : NaN):(column('rank') - 0.12):'ST_lo':'ST_hi' with "
                   "xerrorbars pt 7 ps 1.6 lw 2 lc rgb '%s' title 'ST (total)', \\\n", colour[0]);
        fprintf(g, "     '%s' using (", file);
        fprintf(g, sel, out);
        fprintf(g, " ? column('S1') : NaN):(column('rank') + 0.12):'S1_lo':'S1_hi' with "
                   "xerrorbars pt 5 ps 1.4 lw 2 lc rgb '%s' title 'S1 (first order)'\n",
                colour[1]);
    } else {
        fprintf(g, " ? column('mu_star') : NaN):'rank':'mu_star_lo':'mu_star_hi' with "
                   "xerrorbars pt 7 ps 1.6 lw 2 lc rgb '%s' title 'mu*', \\\n", colour[0]);
        fprintf(g, "     '%s' using (", file);
        fprintf(g, sel, out);
        fprintf(g, " ? column('sigma') : NaN):'rank' with points pt 6 ps 1.6 lw 2 "
                   "lc rgb '%s' title 'sigma'\n", colour[1]);
    }
}

int plot_sensitivity(plot *p, coop_err *err)
{
    srow *rows = NULL;
    size_t n = 0;
    int sobol = 0, status = load_rows(p, &rows, &n, &sobol, err);
    const char *outs[MAX_OUTCOMES], *file = "sensitivity.csv";
    size_t no = status ? 0 : rank_rows(rows, n, sobol, outs, MAX_OUTCOMES);
    if (status || no == 0 || (status = write_data(p, rows, n, sobol, file, err)))
        goto out;
    char title[512];
    snprintf(title, sizeof title, sobol ? "Sobol' indices with their bootstrap intervals "
                                          "(dots: total ST, squares: first-order S1), "
                                          "parameters ranked by ST"
                                        : "Morris screening: mu* with its bootstrap interval "
                                          "(dots) and sigma (circles), parameters ranked by mu*");
    fig f;
    const char *what = "sensitivity: the indices of every output, parameters ranked";
    if ((status = fig_open(p, &f, "sensitivity", what, file, "sensitivity.csv", err)))
        goto out;
    FILE *g = f.gp;
    fputs("set grid noytics\nset ytics scale 0\nset key top right\n", g);
    page pg;
    page_open(p, g, &pg, (int)no, PAGE_FOREST, title, 0, 0);
    size_t longest = 0;  /* room for the parameter paths left of the panels, up to 360 px */
    for (size_t i = 0; i < n; i++)
        longest = strlen(rows[i].param) > longest ? strlen(rows[i].param) : longest;
    double need = (double)longest * 0.75 * 12 + 24;
    if (need > pg.left) {
        pg.left = need < 360 ? need : 360;
        pg.xsp = pg.left + 20;
        page_fit(&pg);
    }
    for (size_t k = 0; k < no; k++) {
        page_panel(g, &pg, (int)k, outs[k], sobol ? "index" : "elementary effect per range",
                   NULL, 1);
        panel(g, rows, n, sobol, outs[k], file);
    }
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
out:
    free(rows);
    return status;
}
