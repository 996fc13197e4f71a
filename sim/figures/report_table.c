/* report_table.c: the tables of `coopsim report` (report_internal.h): a CSV file
 * as an HTML table, bounded to its first rows, and the verdict section of a
 * hypothesis directory, whose text is the table `coopsim hypothesis` printed,
 * recomputed from outcomes.csv by the analysis module exactly as the command
 * computed it (coop_hypothesis_from_outcomes, coop_hypothesis_print). */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

#include "coop_channels.h"
#include "coop_csv.h"
#include "coop_hypothesis.h"
#include "coop_sweep.h"

/* Columns shown of a wide file, bytes shown of a long field. */
#define MAX_COLS 40
#define MAX_CELL 160

/* ---------------------------------------------------------------- CSV tables */

/* 1 when s reads as a number (or NA, Inf): right-aligned. */
static int numeric(const char *s)
{
    if (!*s || strcmp(s, "NA") == 0 || strcmp(s, "Inf") == 0 || strcmp(s, "-Inf") == 0)
        return 1;
    char *end;
    strtod(s, &end);
    return *end == '\0';
}

/* A field, escaped, cut at MAX_CELL bytes (at a character boundary) with an ellipsis. */
static void cell(FILE *f, const char *s)
{
    size_t n = strlen(s);
    if (n <= MAX_CELL) {
        coop_report_escape(f, s, n);
        return;
    }
    n = MAX_CELL;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
        n--;
    coop_report_escape(f, s, n);
    fputs("&hellip;", f);
}

/* The table's start: its caption and header row. */
static void table_start(rpt *r, const coop_csv_reader *c, const char *name,
                        const char *caption, size_t cols)
{
    FILE *f = r->f;
    fprintf(f, "<div class=\"scroll\"><table id=\"table-%d\">\n<caption>", ++r->n_tables);
    coop_report_escape(f, caption, (size_t)-1);
    fputs(" (<code>", f);
    coop_report_escape(f, name, (size_t)-1);
    fputs("</code>)</caption>\n<thead><tr>", f);
    for (size_t j = 0; j < cols; j++) {
        fputs("<th scope=\"col\">", f);
        cell(f, c->head[j]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
}

/* One record as a row: the first field a row header. */
static void table_row(FILE *f, const coop_csv_reader *c, size_t cols)
{
    fputs("<tr>", f);
    for (size_t j = 0; j < cols; j++) {
        const char *s = j < c->n ? c->fld[j] : "";
        fputs(j == 0 ? "<th scope=\"row\">" : numeric(s) ? "<td class=\"num\">" : "<td>", f);
        cell(f, s);
        fputs(j == 0 ? "</th>" : "</td>", f);
    }
    fputs("</tr>\n", f);
}

int rpt_csv_table(rpt *r, const char *name, const char *caption, const char *col,
                  const char *val, int neg, coop_err *err)
{
    char path[RPT_PATH];
    int status = rpt_join(path, sizeof path, r->dir, name, err);
    if (status || !rpt_is_file(path))
        return status;
    coop_csv_reader c;
    coop_err rerr = {0};
    long shown = 0, total = 0;
    int got = 0, k = -1;
    size_t cols = 0;
    status = coop_csv_reader_open(&c, r->dir, name, &rerr);
    if (!status) {
        cols = c.nhead < MAX_COLS ? c.nhead : MAX_COLS;
        k = col ? coop_csv_reader_col(&c, col) : -1;
    }
    while (!status && (!col || k >= 0 || !neg) &&
           !(status = coop_csv_reader_record(&c, &got, &rerr)) && got) {
        if (k >= 0 && ((size_t)k >= c.n || (strcmp(c.fld[k], val) == 0) == neg))
            continue;
        if (total++ == 0)
            table_start(r, &c, name, caption, cols);
        if (shown < r->max_rows) {
            table_row(r->f, &c, cols);
            shown++;
        }
    }
    if (total)
        fputs("</tbody>\n</table></div>\n", r->f);
    if (total > shown)
        fprintf(r->f, "<p class=\"note\">The first %ld of %ld rows; the other %ld are in "
                "<code>%s</code>.</p>\n", shown, total, total - shown, name);
    if (total && c.nhead > cols)
        fprintf(r->f, "<p class=\"note\">The first %zu of %zu columns; all are in "
                "<code>%s</code>.</p>\n", cols, c.nhead, name);
    if (status) { /* a file that does not read: said on the page, the rest goes on */
        fprintf(r->f, "<p class=\"note\">Cannot read <code>%s</code> further: ", name);
        coop_report_escape(r->f, rerr.text, (size_t)-1);
        fputs("</p>\n", r->f);
        if (r->opts->log)
            fprintf(r->opts->log, "coopsim: note: %s\n", rerr.text);
    }
    coop_csv_reader_close(&c);
    (void)err;
    return COOP_OK;
}

/* ---------------------------------------------------------------- the verdict */

/* The text being printed, as `coopsim hypothesis` prints it. */
typedef struct verdict_ctx {
    FILE *out;
    const coop_sweep *sweep;  /* NULL without a sweep */
    int points;
    int count[COOP_N_VERDICTS];
} verdict_ctx;

static int on_point(void *ctx, const coop_hyp_point *res, const coop_config *cfg, coop_err *err)
{
    verdict_ctx *v = ctx;
    v->points++;
    if ((int)res->cmp[0].verdict >= 0 && (int)res->cmp[0].verdict < COOP_N_VERDICTS)
        v->count[res->cmp[0].verdict]++;
    if (v->sweep) {
        coop_hypothesis_sweep_line(v->out, res, v->sweep);
        return COOP_OK;
    }
    if (coop_hypothesis_print(v->out, res, cfg) != COOP_OK ||
        (res->channels && cfg->hyp.channels && coop_channels_print(v->out, res->channels, cfg)))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory for the verdict table");
    return COOP_OK;
}

/* The verdict table of r's hypothesis directory into *text (malloc'ed). */
static int verdict_text(rpt *r, char **text, coop_err *err)
{
    size_t len = 0;
    verdict_ctx v = {0};
    coop_sweep *sw = NULL;
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(&r->cfg, err);
    if (!w)
        return err->code ? err->code : COOP_ENOMEM;
    int status = COOP_OK;
    if (r->cfg.sweep.present && !(sw = coop_sweep_alloc(&r->cfg, err)))
        status = err->code ? err->code : COOP_ENOMEM;
    if (!status && !(v.out = open_memstream(text, &len)))
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for the verdict table");
    v.sweep = sw;
    if (!status && sw)
        coop_hypothesis_sweep_header(v.out, &r->cfg, sw);
    if (!status)
        status = coop_hypothesis_from_outcomes(r->dir, &r->cfg, w->n, on_point, &v, err);
    char csv[RPT_PATH]; /* the footer names the file as the command did */
    if (!status && sw && !(status = rpt_join(csv, sizeof csv, r->dir, "hypothesis.csv", err)))
        coop_hypothesis_sweep_footer(v.out, v.points, v.count, csv);
    if (v.out && fclose(v.out) != 0 && !status)
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for the verdict table");
    coop_sweep_free(sw);
    coop_hyp_worlds_free(w);
    return status;
}

/* The line of text that starts with `key` (at its start or after a line feed). */
static const char *line_of(const char *text, const char *key, size_t *len)
{
    size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, key, k) == 0) {
            const char *e = strchr(p, '\n');
            *len = e ? (size_t)(e - p) : strlen(p);
            return p;
        }
    return NULL;
}

int rpt_verdict(rpt *r, coop_err *err)
{
    char path[RPT_PATH], post[RPT_PATH];
    if (strcmp(r->kind, "hypothesis") != 0)
        return COOP_OK;
    int status = rpt_join(path, sizeof path, r->dir, "outcomes.csv", err);
    if (!status)
        status = rpt_join(post, sizeof post, r->dir, "posterior_hypothesis.csv", err);
    if (status)
        return status;
    FILE *f = r->f;
    fputs("<section id=\"verdict\">\n<h2>Verdict</h2>\n", f);
    char *text = NULL;
    coop_err verr = {0};
    if (rpt_is_file(post)) {
        fputs("<p>A hypothesis test over an inference posterior (<code>coopsim hypothesis "
              "--posterior</code>): its verdicts are in the table "
              "<code>posterior_hypothesis.csv</code> below.</p>\n", f);
    } else if (!rpt_is_file(path) || verdict_text(r, &text, &verr) != COOP_OK) {
        fputs("<p class=\"note\">The verdict table could not be recomputed from "
              "<code>outcomes.csv</code>", f);
        if (verr.text[0]) {
            fputs(": ", f);
            coop_report_escape(f, verr.text, (size_t)-1);
        }
        fputs(".  <code>hypothesis.csv</code> below holds the verdicts.</p>\n", f);
    } else {
        size_t len = 0;
        const char *head = line_of(text, "Verdict: ", &len);
        if (!head)
            head = line_of(text, "Verdicts at ", &len);
        if (head) {
            fputs("<p class=\"verdict\"><strong>", f);
            coop_report_escape(f, head, len);
            fputs("</strong></p>\n", f);
        }
        fputs("<p>The verdict table as <code>coopsim hypothesis</code> printed it, recomputed "
              "from <code>outcomes.csv</code> (docs/HYPOTHESIS.md, \"Reading the table\"):"
              "</p>\n<pre>", f);
        coop_report_escape(f, text, (size_t)-1);
        fputs("</pre>\n", f);
    }
    free(text);
    fputs("</section>\n", f);
    return COOP_OK;
}
