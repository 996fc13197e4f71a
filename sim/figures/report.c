/* report.c: `coopsim report RESULTS_DIR`, the entry point (coop_report): one
 * self-contained HTML page per results directory.
 *
 * Writes the page's head (its style sheet for screen and print: no script, no
 * external resource), what the directory is and what each of its files holds,
 * the sections of report_table.c (verdict, results tables) and report_figures.c
 * (figures), how to reproduce the results (the manifest's run group) and the
 * manifest itself, verbatim.  The page goes to a temporary file beside its final
 * name and is renamed into place when complete. */
#include "report_internal.h"

#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coop_population.h"
#include "coop_version.h"

/* The manifest shown verbatim up to this many bytes. */
#define MANIFEST_MAX (1L << 20)

int rpt_join(char *buf, size_t size, const char *dir, const char *name, coop_err *err)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return COOP_FAIL(err, COOP_EINVAL, "%s/%s: path too long", dir, name);
    return COOP_OK;
}

int rpt_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void coop_report_escape(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; n == (size_t)-1 ? s[i] != '\0' : i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                fputs("\xEF\xBF\xBD", f); /* U+FFFD: no control character reaches the page */
            else
                fputc(c, f);
        }
    }
}

/* ---------------------------------------------------------------- what is where */

/* What a results directory of each kind is (the manifest's run.subcommand). */
static const char *const kinds[][2] = {
    {"run", "replicates of one scenario (<code>coopsim run</code>): per-replicate series and "
            "outcomes, and their summary over replicates"},
    {"sweep", "every point of a sweep (<code>coopsim sweep</code>): the files of a run for "
              "every point, each row tagged with its point, and <code>points.csv</code> "
              "listing the points"},
    {"hypothesis", "a paired hypothesis test (<code>coopsim hypothesis</code>): the files of a "
                   "run for each world (factual, counterfactual, placebos; the "
                   "<code>world</code> column), with <code>hypothesis.csv</code> holding the "
                   "verdicts"},
    {"validate", "a historical replay scored against the record (<code>coopsim "
                 "validate</code>): the files of a run and <code>validation.csv</code>"},
    {"tournament", "a round robin of strategies (<code>coopsim tournament</code>): the ranking "
                   "<code>tournament.csv</code> and the pairs <code>matrix.csv</code>"},
    {"sensitivity", "a sensitivity analysis (<code>coopsim sensitivity</code>): Morris "
                    "elementary effects or Sobol' indices in <code>sensitivity.csv</code>, "
                    "with the design and outputs behind them"},
    {"infer", "an ABC-SMC inference (<code>coopsim infer</code>): the weighted posterior, its "
              "summary, the generations, the model probabilities and predictive checks"},
};

/* What each file coopsim writes holds (docs/OUTPUT.md). */
static const char *const files[][2] = {
    {"manifest.cfg", "the resolved configuration and how it was run (below, verbatim)"},
    {"series.csv", "per replicate, step and actor"},
    {"ties.csv", "per replicate, step and tie"},
    {"population.csv", "per replicate and step: population aggregates"},
    {"snapshots.csv", "lattice snapshots: per snapshot step and actor, replicate 0"},
    {"summary.csv", "per step: statistics over replicates"},
    {"milestones.csv", "per replicate, tie and agreement level reached"},
    {"outcomes.csv", "per replicate and outcome scalar"},
    {"hypothesis.csv", "per point, comparison and outcome: paired differences and verdicts"},
    {"posterior_hypothesis.csv", "per outcome: the verdicts over an inference posterior"},
    {"channels.csv", "per outcome and term: which of the motivator's channels carries the "
                     "effect"},
    {"validation.csv", "per validation target: the model against the record"},
    {"tournament.csv", "per strategy: the ranking by median score per turn"},
    {"matrix.csv", "per pair of strategies: the mean score"},
    {"sensitivity.csv", "per output and parameter: the sensitivity indices"},
    {"sensitivity_design.csv", "per design row: the parameter values run"},
    {"sensitivity_outputs.csv", "per design row and output: the mean output"},
    {"sensitivity_variance.csv", "per output: its variance and the share explained"},
    {"sensitivity_shares.csv", "per parameter: shares of the effect output"},
    {"sensitivity_s2.csv", "per pair of parameters: second-order Sobol' indices"},
    {"posterior.csv", "per generation and particle: the weighted posterior"},
    {"generations.csv", "per generation: tolerance, acceptance and effective sample size"},
    {"models.csv", "per generation and model: model probabilities and Bayes factors"},
    {"infer_summary.csv", "per model and parameter: the posterior summary"},
    {"predictive.csv", "per model and target: posterior predictive checks"},
    {"points.csv", "per sweep point: the values of the swept parameters"},
    {"figures", "the figures of <code>coopsim plot</code>, each with the gnuplot script and "
                "data that redraw it (docs/FIGURES.md)"},
    {"report.html", "this page"},
};

static const char *lookup(const char *const (*t)[2], size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i][0], key) == 0)
            return t[i][1];
    return NULL;
}

/* A byte count for people: "12.3 MB". */
static void human_size(char *buf, size_t size, double bytes)
{
    static const char *const unit[] = {"bytes", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000.0 && u < 4)
        bytes /= 1000.0, u++;
    snprintf(buf, size, u ? "%.3g %s" : "%.0f %s", bytes, unit[u]);
}

/* The table of the directory's entries (hidden ones aside), name order. */
static int contents_table(rpt *r, coop_err *err)
{
    struct dirent **ent = NULL;
    int n = scandir(r->dir, &ent, NULL, alphasort);
    if (n < 0)
        return COOP_FAIL(err, COOP_EIO, "%s: cannot list: %s", r->dir, strerror(errno));
    FILE *f = r->f;
    fputs("<div class=\"scroll\"><table>\n<caption>The files of this results directory"
          "</caption>\n<thead><tr><th scope=\"col\">file</th><th scope=\"col\">size</th>"
          "<th scope=\"col\">what it holds</th></tr></thead>\n<tbody>\n", f);
    char path[RPT_PATH], sz[32];
    for (int i = 0; i < n; i++) {
        const char *name = ent[i]->d_name;
        struct stat st;
        if (name[0] != '.' && !rpt_join(path, sizeof path, r->dir, name, err) &&
            stat(path, &st) == 0) {
            const char *what = lookup(files, sizeof files / sizeof files[0], name);
            fputs("<tr><th scope=\"row\"><code>", f);
            coop_report_escape(f, name, (size_t)-1);
            human_size(sz, sizeof sz, (double)st.st_size);
            fprintf(f, "%s</code></th><td class=\"num\">%s</td><td>%s</td></tr>\n",
                    S_ISDIR(st.st_mode) ? "/" : "", S_ISDIR(st.st_mode) ? "" : sz,
                    what ? what : "not a file coopsim writes");
        }
        free(ent[i]);
    }
    free(ent);
    fputs("</tbody>\n</table></div>\n", f);
    return COOP_OK;
}

/* ---------------------------------------------------------------- the page */

static const char style[] =
    "body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:75em;"
    "margin:0 auto;padding:1em 1.5em;line-height:1.45}\n"
    "h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #767676;margin-top:2em}\n"
    "code,pre{font-family:ui-monospace,monospace;font-size:0.9em}\n"
    "pre{background:#f4f4f4;border:1px solid #cfcfcf;padding:0.6em;overflow-x:auto;"
    "white-space:pre-wrap;overflow-wrap:anywhere}\n"
    ".scroll{overflow-x:auto;margin:1em 0}\n"
    "table{border-collapse:collapse;font-size:0.85em}\n"
    "caption{text-align:left;font-weight:bold;padding:0.3em 0}\n"
    "th,td{border:1px solid #b0b0b0;padding:0.2em 0.45em;vertical-align:top}\n"
    "thead th{background:#e6e6e6}tbody th{font-weight:normal;text-align:left}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".note{color:#4a4a4a;font-style:italic}\n"
    ".verdict{font-size:1.1em;border-left:0.35em solid #0b5394;background:#eef4fb;"
    "padding:0.6em 0.9em}\n"
    "figure{margin:1.5em 0}img{max-width:100%;height:auto;box-sizing:border-box;border:1px solid #cfcfcf}\n"
    "figcaption{font-size:0.9em;color:#333}\n"
    "a{color:#0b5394}\n"
    "@media print{\n"
    "body{max-width:none;padding:0;font-size:10pt}nav{display:none}\n"
    ".scroll{overflow:visible}table{width:100%;font-size:7pt;table-layout:auto}\n"
    "th,td{overflow-wrap:anywhere;word-break:break-word}\n"
    "thead{display:table-header-group}tr,img,figure,.verdict{break-inside:avoid}\n"
    "pre{white-space:pre-wrap;overflow:visible;font-size:7.5pt}\n"
    "img{max-width:100%;max-height:23cm}h2{break-after:avoid}\n"
    "}\n";

/* A string of the manifest's run group; "" when absent. */
static void run_string(const config_t *lc, const char *key, char *buf, size_t size)
{
    const char *s = NULL;
    char path[64];
    snprintf(path, sizeof path, "run.%s", key);
    snprintf(buf, size, "%s", config_lookup_string(lc, path, &s) == CONFIG_TRUE && s ? s : "");
}

/* The page's head and the heading: the experiment, the kind, the versions. */
static void page_head(rpt *r, const config_t *lc)
{
    FILE *f = r->f;
    char version[64], status[32], started[64], finished[64];
    run_string(lc, "version", version, sizeof version);
    run_string(lc, "status", status, sizeof status);
    run_string(lc, "started", started, sizeof started);
    run_string(lc, "finished", finished, sizeof finished);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"coopsim " COOP_VERSION "\">\n<title>coopsim report: ",
          f);
    coop_report_escape(f, r->cfg.name, (size_t)-1);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>coopsim report: ",
            style);
    coop_report_escape(f, r->cfg.name, (size_t)-1);
    fputs("</h1>\n<p>Results directory <code>", f);
    coop_report_escape(f, r->dir, (size_t)-1);
    fputs("</code>: ", f);
    const char *what = lookup(kinds, sizeof kinds / sizeof kinds[0], r->kind);
    fputs(what ? what : "results of a coopsim command that its manifest does not name", f);
    fprintf(f, ".  Seed %lu, %d replicate%s.</p>\n<p>Written by coopsim ", r->cfg.seed,
            r->cfg.replicates, r->cfg.replicates == 1 ? "" : "s");
    coop_report_escape(f, *version ? version : "(version not recorded)", (size_t)-1);
    if (*started) {
        fputs(", started ", f);
        coop_report_escape(f, started, (size_t)-1);
    }
    if (*finished) {
        fputs(", finished ", f);
        coop_report_escape(f, finished, (size_t)-1);
    }
    if (*status) {
        fputs(", status <strong>", f);
        coop_report_escape(f, status, (size_t)-1);
        fputs("</strong>", f);
    }
    fputs(".  This page by coopsim " COOP_VERSION " (<code>coopsim report</code>).</p>\n"
          "</header>\n<nav aria-label=\"Contents\"><p>Contents: ", f);
    if (strcmp(r->kind, "hypothesis") == 0) /* rpt_verdict writes a section */
        fputs("<a href=\"#verdict\">verdict</a> &middot; ", f);
    fputs("<a href=\"#tables\">results tables</a> &middot; <a href=\"#figures\">figures</a> "
          "&middot; <a href=\"#files\">files</a> &middot; <a href=\"#reproduce\">reproduce</a> "
          "&middot; <a href=\"#manifest\">manifest</a></p></nav>\n<main>\n", f);
}

/* How to reproduce the results: the recorded command and the manifest's. */
static void reproduce(rpt *r, const config_t *lc)
{
    FILE *f = r->f;
    char command[8192], sub[32];
    run_string(lc, "command", command, sizeof command);
    run_string(lc, "subcommand", sub, sizeof sub);
    fputs("<section id=\"reproduce\">\n<h2>How to reproduce</h2>\n", f);
    if (*sub) {
        fputs("<p>The manifest reproduces every data file byte for byte (a different results "
              "directory, <code>OTHER</code>, keeps this one):</p>\n<pre>coopsim ", f);
        coop_report_escape(f, sub, (size_t)-1);
        fputc(' ', f);
        coop_report_escape(f, r->dir, (size_t)-1);
        fputs("/manifest.cfg -o OTHER</pre>\n", f);
    } else {
        fputs("<p class=\"note\">The manifest does not record the command that wrote it "
              "(an older coopsim): run it with the command that did.</p>\n", f);
    }
    if (*command) {
        fputs("<p>The command line that wrote the directory:</p>\n<pre>", f);
        coop_report_escape(f, command, (size_t)-1);
        fputs("</pre>\n", f);
    }
    fputs("</section>\n", f);
}

/* The manifest, verbatim (escaped), at most MANIFEST_MAX bytes. */
static int manifest(rpt *r, coop_err *err)
{
    char path[RPT_PATH];
    int status = rpt_join(path, sizeof path, r->dir, "manifest.cfg", err);
    if (status)
        return status;
    FILE *in = fopen(path, "rb");
    if (!in)
        return COOP_FAIL(err, COOP_EIO, "cannot open %s: %s", path, strerror(errno));
    char buf[8192];
    long total = 0;
    size_t n;
    fputs("<section id=\"manifest\">\n<h2>The manifest</h2>\n<p><code>manifest.cfg</code>, "
          "verbatim: the resolved configuration (every default filled) and the "
          "<code>run</code> group.</p>\n<pre>", r->f);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0 && total < MANIFEST_MAX) {
        size_t take = total + (long)n > MANIFEST_MAX ? (size_t)(MANIFEST_MAX - total) : n;
        coop_report_escape(r->f, buf, take);
        total += (long)take;
    }
    int bad = ferror(in);
    int more = !bad && (n > 0 || fgetc(in) != EOF);
    fclose(in);
    if (bad)
        return COOP_FAIL(err, COOP_EIO, "cannot read %s", path);
    fputs("</pre>\n", r->f);
    if (more)
        fprintf(r->f, "<p class=\"note\">The manifest is longer than %ld bytes: the rest is in "
                "<code>manifest.cfg</code>.</p>\n", MANIFEST_MAX);
    fputs("</section>\n", r->f);
    return COOP_OK;
}

/* The results tables that the directory holds, in the order of its analysis. */
static int tables(rpt *r, coop_err *err)
{
    static const char *const t[][2] = {
        {"posterior_hypothesis.csv", "Verdicts over the inference posterior"},
        {"channels.csv", "The channel decomposition: main effects, interactions and Shapley "
                         "shares per outcome"},
        {"validation.csv", "Validation against the record, per target"},
        {"tournament.csv", "The tournament ranking"},
        {"matrix.csv", "Mean score of every pair of strategies"},
        {"sensitivity.csv", "Sensitivity indices per output and parameter"},
        {"sensitivity_variance.csv", "Variance of each output"},
        {"sensitivity_shares.csv", "Shares of the effect output"},
        {"sensitivity_s2.csv", "Second-order Sobol' indices"},
        {"infer_summary.csv", "The posterior summary per model and parameter"},
        {"models.csv", "Model probabilities and Bayes factors per generation"},
        {"generations.csv", "The generations of ABC-SMC"},
        {"predictive.csv", "Posterior predictive checks per target"},
        {"points.csv", "The sweep's points"},
    };
    int status;
    fputs("<section id=\"tables\">\n<h2>Results tables</h2>\n", r->f);
    int before = r->n_tables;
    if ((status = rpt_csv_table(r, "hypothesis.csv", "Every comparison and outcome, pooled "
                                "over the others (state all)", "state", "all", 0, err)) ||
        (status = rpt_csv_table(r, "hypothesis.csv", "Like-for-like placebo rows (state "
                                "common) and per-state rows", "state", "all", 1, err)))
        return status;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if ((status = rpt_csv_table(r, t[i][0], t[i][1], NULL, NULL, 0, err)))
            return status;
    if (r->n_tables == before)
        fputs("<p class=\"note\">This directory holds no results table (hypothesis, "
              "validation, tournament, sensitivity or inference): its data files are listed "
              "under Files, its figures above them.</p>\n", r->f);
    fputs("</section>\n", r->f);
    return COOP_OK;
}

/* The body of the page, into r->f. */
static int page(rpt *r, coop_err *err)
{
    char path[RPT_PATH];
    int status = rpt_join(path, sizeof path, r->dir, "manifest.cfg", err);
    if (status)
        return status;
    config_t lc;
    config_init(&lc);
    config_read_file(&lc, path); /* already loaded by the configuration module */
    page_head(r, &lc);
    if (!(status = rpt_verdict(r, err)) && !(status = tables(r, err)) &&
        !(status = rpt_figures(r, err))) {
        fputs("<section id=\"files\">\n<h2>What this directory holds</h2>\n", r->f);
        fputs("<p>docs/OUTPUT.md describes every file and column.</p>\n", r->f);
        if (!(status = contents_table(r, err))) {
            fputs("</section>\n", r->f);
            reproduce(r, &lc);
            status = manifest(r, err);
        }
    }
    config_destroy(&lc);
    if (!status)
        fputs("</main>\n<footer><p>coopsim " COOP_VERSION ": agent-based simulation of "
              "cooperation on networks.  A finding about the model under its assumptions, "
              "not about history.</p></footer>\n</body>\n</html>\n",
              r->f);
    return status;
}

/* Checks dir and loads its manifest into r. */
static int open_dir(rpt *r, const char *dir, coop_err *err)
{
    struct stat st;
    char path[RPT_PATH];
    if (stat(dir, &st) != 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: no such results directory (%s)", dir,
                         strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return COOP_FAIL(err, COOP_ECONFIG, "%s: not a directory: coopsim report takes a "
                         "results directory", dir);
    int status = rpt_join(path, sizeof path, dir, "manifest.cfg", err);
    if (status)
        return status;
    if (!rpt_is_file(path))
        return COOP_FAIL(err, COOP_ECONFIG, "%s is not a coopsim results directory: it has no "
                         "manifest.cfg", dir);
    if (access(path, R_OK) != 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: cannot read: %s", path, strerror(errno));
    if ((status = coop_population_load(path, NULL, 0, &r->cfg, err)))
        return status;
    r->kind[0] = '\0';
    config_t lc;
    config_init(&lc);
    if (config_read_file(&lc, path) == CONFIG_TRUE)
        run_string(&lc, "subcommand", r->kind, sizeof r->kind);
    config_destroy(&lc);
    return COOP_OK;
}

int coop_report(const char *dir, const coop_report_opts *opts, coop_err *err)
{
    static const coop_report_opts none = {0};
    rpt r;
    char out[RPT_PATH], tmp[RPT_PATH + 32];
    memset(&r, 0, sizeof r);
    r.opts = opts ? opts : &none;
    r.dir = dir;
    r.max_rows = r.opts->max_rows > 0 ? r.opts->max_rows : COOP_REPORT_ROWS;
    int status = open_dir(&r, dir, err);
    if (!status && r.opts->out)
        status = snprintf(out, sizeof out, "%s", r.opts->out) >= (int)sizeof out
                     ? COOP_FAIL(err, COOP_EINVAL, "-o %s: path too long", r.opts->out)
                     : COOP_OK;
    else if (!status)
        status = rpt_join(out, sizeof out, dir, "report.html", err);
    if (!status) {
        snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out, (long)getpid());
        if (!(r.f = fopen(tmp, "w")))
            status = COOP_FAIL(err, COOP_EIO, "cannot create %s: %s", tmp, strerror(errno));
    }
    if (!status)
        status = page(&r, err);
    if (r.f) {
        int bad = ferror(r.f) | fflush(r.f) | fsync(fileno(r.f));
        bad |= fclose(r.f);
        if (!status && bad)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot write: %s", out, strerror(errno));
        if (!status && rename(tmp, out) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot rename %s to it: %s", out, tmp,
                               strerror(errno));
        if (status)
            unlink(tmp);
    }
    coop_config_destroy(&r.cfg);
    return status;
}
