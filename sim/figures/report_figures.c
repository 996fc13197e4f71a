/* report_figures.c: the figures of `coopsim report` (report_internal.h): every
 * PNG of RESULTS_DIR/figures embedded in the page as a base64 data: URI, with
 * alt text saying what it shows (the first line of the gnuplot script beside it,
 * which coopsim plot writes as "# NAME.gp: what it shows.").  A directory without
 * figures gets them first from the figures module, as `coopsim plot` draws them. */
#include "report_internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "coop_plot.h"

/* The page embeds at most this many bytes of PNG; the other figures are named. */
#define FIGURE_BYTES (48L << 20)

/* Writes the n bytes of b as base64 (RFC 4648, no line breaks). */
static void base64(FILE *f, const unsigned char *b, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned long v = (unsigned long)b[i] << 16 | (unsigned long)b[i + 1] << 8 | b[i + 2];
        fputc(a[v >> 18], f), fputc(a[v >> 12 & 63], f), fputc(a[v >> 6 & 63], f);
        fputc(a[v & 63], f);
    }
    if (i < n) {
        unsigned long v = (unsigned long)b[i] << 16 | (i + 1 < n ? (unsigned long)b[i + 1] << 8 : 0);
        fputc(a[v >> 18], f), fputc(a[v >> 12 & 63], f);
        fputc(i + 1 < n ? a[v >> 6 & 63] : '=', f);
        fputc('=', f);
    }
}

/* What figure NAME.png shows, from NAME.gp's first line, into buf; "" when unknown. */
static void figure_what(const char *figdir, const char *name, char *buf, size_t size)
{
    char path[RPT_PATH], line[1024];
    size_t stem = strlen(name) - 4; /* without ".png" */
    buf[0] = '\0';
    if ((size_t)snprintf(path, sizeof path, "%s/%.*s.gp", figdir, (int)stem, name) >= sizeof path)
        return;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, ".gp: ");
        if (line[0] == '#' && p) {
            p += 5;
            size_t n = strcspn(p, "\r\n");
            while (n > 0 && p[n - 1] == '.')
                n--;
            snprintf(buf, size, "%.*s", (int)n, p);
        }
    }
    fclose(f);
}

/* Reads a whole file (at most max bytes) into *data; 0 when it cannot or is larger. */
static size_t slurp(const char *path, long max, unsigned char **data)
{
    FILE *f = fopen(path, "rb");
    *data = NULL;
    if (!f)
        return 0;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    size_t got = 0;
    if (n > 0 && n <= max && fseek(f, 0, SEEK_SET) == 0 && (*data = malloc((size_t)n)))
        got = fread(*data, 1, (size_t)n, f);
    fclose(f);
    if (got != (size_t)n) {
        free(*data);
        *data = NULL;
        got = 0;
    }
    return got;
}

static int is_png_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 4 && strcmp(e->d_name + n - 4, ".png") == 0;
}

/* One figure: embedded when it is a PNG within the page's remaining budget. */
static void figure(rpt *r, const char *figdir, const char *name, long *budget)
{
    char path[RPT_PATH], what[1024];
    FILE *f = r->f;
    unsigned char *png = NULL;
    size_t n = 0;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", figdir, name) < sizeof path)
        n = slurp(path, *budget, &png);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    figure_what(figdir, name, what, sizeof what);
    if (n < 8 || memcmp(png, sig, 8) != 0) {
        fputs("<p class=\"note\">Figure <code>figures/", f);
        coop_report_escape(f, name, (size_t)-1);
        fputs(n ? "</code> is not a PNG file: not embedded.</p>\n"
                : "</code> is not embedded (unreadable, empty, or beyond the page's limit "
                  "on figures): see the file.</p>\n", f);
        free(png);
        return;
    }
    *budget -= (long)n;
    fputs("<figure>\n<img src=\"data:image/png;base64,", f);
    base64(f, png, n);
    fputs("\" alt=\"", f);
    coop_report_escape(f, *what ? what : "a figure of coopsim plot", (size_t)-1);
    fputs(" (", f);
    coop_report_escape(f, name, (size_t)-1);
    fputs(")\">\n<figcaption><code>figures/", f);
    coop_report_escape(f, name, (size_t)-1);
    fputs("</code>", f);
    if (*what) {
        fputs(": ", f);
        coop_report_escape(f, what, (size_t)-1);
    }
    fputs(".</figcaption>\n</figure>\n", f);
    free(png);
}

/* The PNG files of figdir, name order; -1 when it cannot be listed. */
static int pngs(const char *figdir, struct dirent ***ent)
{
    *ent = NULL;
    return scandir(figdir, ent, is_png_name, alphasort);
}

static void free_list(struct dirent **ent, int n)
{
    for (int i = 0; i < n; i++)
        free(ent[i]);
    free(ent);
}

int rpt_figures(rpt *r, coop_err *err)
{
    char figdir[RPT_PATH];
    int status = rpt_join(figdir, sizeof figdir, r->dir, "figures", err);
    if (status)
        return status;
    FILE *f = r->f;
    fputs("<section id=\"figures\">\n<h2>Figures</h2>\n", f);
    struct dirent **ent;
    int n = pngs(figdir, &ent);
    if (n <= 0 && !r->opts->no_plot) { /* none yet: drawn as `coopsim plot DIR` draws them */
        free_list(ent, n > 0 ? n : 0);
        coop_plot_opts popts = {r->opts->log, r->opts->gnuplot};
        coop_err perr = {0};
        if (coop_plot(r->dir, &popts, &perr) != COOP_OK) {
            fputs("<p class=\"note\">No figures: ", f);
            coop_report_escape(f, perr.text, (size_t)-1);
            fputs("</p>\n", f);
            if (r->opts->log)
                fprintf(r->opts->log, "coopsim: note: no figures: %s\n", perr.text);
        }
        n = pngs(figdir, &ent);
    }
    if (n > 0)
        fprintf(f, "<p>The figures of <code>coopsim plot</code> (docs/FIGURES.md), from "
                "<code>figures/</code>, where each has the gnuplot script and data that redraw "
                "it.</p>\n");
    else if (r->opts->no_plot)
        fputs("<p class=\"note\">No figures: <code>figures/</code> holds no PNG (run "
              "<code>coopsim plot</code> on the directory).</p>\n", f);
    long budget = FIGURE_BYTES;
    for (int i = 0; i < n; i++)
        figure(r, figdir, ent[i]->d_name, &budget);
    free_list(ent, n > 0 ? n : 0);
    fputs("</section>\n", f);
    return COOP_OK;
}
