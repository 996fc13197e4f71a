/* test_report.c: `coopsim report RESULTS_DIR`, the self-contained HTML page
 * (sim/figures/report*.c, docs/OUTPUT.md "report.html").
 *
 * A hypothesis directory (few replicates) and a tournament directory are written
 * with coopsim and reported; each page is checked as text (no script, no
 * external resource, every <img> a data: URI with alt text, every table with
 * column headers and a caption, lang set, the verdict headline exactly as the
 * command printed it) and rendered in a real browser, Debian's chromium
 * headless (installed by `make test`): a test-only copy of the page, with its
 * print style sheet applied at an A4 page's width and a script that counts the
 * images decoded, the load errors and the elements wider than the page, is dumped
 * as DOM (--dump-dom); the tournament page is printed to PDF (--print-to-pdf).  Then
 * the bounds (a CSV of a million rows gives a page of its first rows), the
 * escaping of text from files, and the errors (exit status 2). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_report.h"
#include "coop_version.h"
#include "e2e.h"

/* The whole file at path, NUL-terminated (malloc'ed); NULL when unreadable. */
static char *slurp_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    size_t got = s ? fread(s, 1, (size_t)n, f) : 0;
    fclose(f);
    if (s)
        s[got] = '\0';
    if (len)
        *len = got;
    return s;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* The page as text: what a page readable offline and accessibly must be. */
static void check_page(const char *page, int min_images)
{
    cr_expect(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0, "%.80s", page);
    cr_expect(strstr(page, "<meta charset=\"utf-8\">"));
    cr_expect(strstr(page, "@media print"), "a print style sheet");
    /* nothing from elsewhere: no script, no link, no url(), no http(s) */
    cr_expect_null(strstr(page, "<script"));
    cr_expect_null(strstr(page, "<link"));
    cr_expect_null(strstr(page, "url("));
    cr_expect_null(strstr(page, "http:"));
    cr_expect_null(strstr(page, "https:"));
    cr_expect_null(strstr(page, "@import"));
    cr_expect_eq(count(page, "src=\""), count(page, "src=\"data:image/png;base64,"));
    cr_expect_eq(count(page, "href=\""), count(page, "href=\"#"));
    /* every image has non-empty alt text saying what it shows */
    int imgs = count(page, "<img ");
    cr_expect_geq(imgs, min_images, "%d images", imgs);
    for (const char *p = strstr(page, "<img "); p; p = strstr(p + 1, "<img ")) {
        const char *end = strchr(p, '>'), *alt = strstr(p, "\" alt=\"");
        cr_assert(end && alt && alt < end, "an <img> without alt");
        cr_expect(alt[7] != '"' && strstr(alt, ".png)\">") == end - 6,
                  "alt text: %.120s", alt);
    }
    /* every table has a caption and column headers with scope */
    int tables = count(page, "<table");
    cr_expect_gt(tables, 0);
    cr_expect_eq(count(page, "<caption>"), tables);
    cr_expect_eq(count(page, "<thead><tr><th scope=\"col\">"), tables);
    cr_expect_eq(count(page, "<th>"), 0, "every header cell has a scope");
}

/* Renders a copy of page (with a script in its head that counts images decoded,
 * load errors and elements wider than the window) in chromium; returns the DOM
 * (malloc'ed): with the print style sheet applied to the screen, in a window as
 * wide as an A4 page's text (190 mm, 718 px at 96 px per inch). */
static char *render_dom(const char *dir, const char *page)
{
    char copy[512], profile[512], cmd[2048];
    snprintf(copy, sizeof copy, "%s/rendered-test.html", dir);
    snprintf(profile, sizeof profile, "%s/chromium-profile", dir);
    static const char probe[] =
        "<head><script>var loadErrors = 0;"
        "window.addEventListener('error', function () { loadErrors++; }, true);"
        "window.addEventListener('load', function () {"
        " var im = document.images, ok = 0, wide = 0, w = document.documentElement.clientWidth;"
        " for (var i = 0; i < im.length; i++) if (im[i].complete && im[i].naturalWidth > 0) ok++;"
        " document.querySelectorAll('body *').forEach(function (e) {"
        "  if (e.getBoundingClientRect().right > w + 0.5) wide++; });"
        " var d = document.createElement('p'); d.id = 'probe';"
        " d.textContent = 'decoded ' + ok + ' of ' + im.length + ' images, ' + loadErrors +"
        " ' load errors, ' + wide + ' too wide';"
        " document.body.appendChild(d); });</script>";
    const char *head = strstr(page, "<head>"), *media = strstr(page, "@media print{");
    cr_assert(head && media && head < media);
    FILE *f = fopen(copy, "w");
    cr_assert_not_null(f);
    fwrite(page, 1, (size_t)(head - page), f);
    fputs(probe, f);
    fwrite(head + 6, 1, (size_t)(media - head - 6), f);
    fputs("@media all{", f);
    fputs(media + 13, f);
    cr_assert_eq(fclose(f), 0);
    snprintf(cmd, sizeof cmd, "timeout 120 chromium --headless --no-sandbox --disable-gpu "
             "--no-first-run --user-data-dir='%s' --virtual-time-budget=10000 "
             "--window-size=718,1000 --hide-scrollbars --dump-dom 'file://%s' > '%s/dom.html' "
             "2>/dev/null", profile, copy, dir);
    cr_assert_eq(system(cmd), 0, "chromium failed (is the chromium package installed? "
                 "`make test` installs it): %s", cmd);
    snprintf(copy, sizeof copy, "%s/dom.html", dir);
    char *dom = slurp_all(copy, NULL);
    cr_assert_not_null(dom);
    return dom;
}

/* The line of text that starts with key. */
static void line_of(const char *text, const char *key, char *buf, size_t size)
{
    const char *p = strstr(text, key);
    cr_assert_not_null(p, "no line %s in %.2000s", key, text);
    size_t n = strcspn(p, "\n");
    cr_assert_lt(n, size);
    snprintf(buf, size, "%.*s", (int)n, p);
}

/* s with the five HTML escapes undone (in place). */
static void unescape(char *s)
{
    static const char *const ent[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                                         {"&quot;", "\""}, {"&#39;", "'"}};
    char *w = s;
    for (const char *r = s; *r;) {
        size_t i = 0;
        while (i < 5 && strncmp(r, ent[i][0], strlen(ent[i][0])) != 0)
            i++;
        if (i < 5) {
            *w++ = ent[i][1][0];
            r += strlen(ent[i][0]);
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* One timeout for every test of the suite: Criterion's runner leaks under ASan
 * when tests with different timeouts run at once (make sanitize). */
TestSuite(report, .timeout = 240);

/* A hypothesis test: the verdict the command printed, as a headline and in the
 * full table; every figure of coopsim plot embedded and decoded by the browser. */
Test(report, hypothesis_page_renders)
{
    char tmp[64], dir[256], path[512], verdict[1024];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(dir, sizeof dir, "%s/hyp", tmp);
    e2e_result *r = e2e_run("hypothesis configs/eu_ca.cfg --replicates 8 --threads 2 --quiet "
                            "-o %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char *table = strdup(r->out);
    line_of(table, "Verdict: ", verdict, sizeof verdict);
    cr_assert(strstr(verdict, " on the primary outcome others_coop_target: KZ's motivator role "
                              "changes it by "), "%s", verdict);

    r = e2e_run("report %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/report.html", dir);
    cr_expect(strstr(r->err, path), "%s", r->err);
    char *page = slurp_all(path, NULL);
    cr_assert_not_null(page);
    check_page(page, 8); /* series, engagement, agreements, forest, states, ... */
    cr_expect(strstr(page, "alt=\"forest plot"), "the forest plot's alt text");
    cr_expect(strstr(page, "hypothesis.csv</code>)</caption>"));
    cr_expect(strstr(page, "channels.csv</code>)</caption>"));
    cr_expect(strstr(page, "<pre>coopsim hypothesis "), "the command that reproduces it");
    cr_expect(strstr(page, "subcommand = &quot;hypothesis&quot;;"), "the manifest, escaped");
    cr_expect(strstr(page, "coopsim " COOP_VERSION), "the version");

    /* The verdict table is the command's own output, byte for byte. */
    char *pre = strstr(page, "recomputed from <code>outcomes.csv</code>");
    cr_assert_not_null(pre);
    pre = strstr(pre, "<pre>");
    cr_assert_not_null(pre);
    pre += 5;
    *strstr(pre, "</pre>") = '\0';
    unescape(pre);
    cr_expect_str_eq(pre, table);
    free(page);

    /* Rendered with the print style sheet at an A4 page's width: every image
     * decoded, no load error, nothing wider than the page (not the 21 columns of
     * hypothesis.csv nor the verdict table's lines), the verdict in the text. */
    page = slurp_all(path, NULL);
    char *dom = render_dom(tmp, page);
    char want[96];
    int imgs = count(page, "<img ");
    snprintf(want, sizeof want, "decoded %d of %d images, 0 load errors, 0 too wide", imgs,
             imgs);
    cr_expect(strstr(dom, want), "want '%s' in the DOM: %.300s", want,
              strstr(dom, "id=\"probe\"") ? strstr(dom, "id=\"probe\"") : "(no probe)");
    unescape(dom);
    cr_expect(strstr(dom, verdict), "the verdict line '%s' is not in the rendered page", verdict);
    free(dom);
    free(page);
    free(table);
    e2e_rmrf(tmp);
}

/* A tournament: its tables and figures, -o FILE, and a PDF print of the page. */
Test(report, tournament_page_prints)
{
    char tmp[64], dir[256], out[512], cmd[2048];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(dir, sizeof dir, "%s/tour", tmp);
    e2e_result *r = e2e_run("tournament configs/classic/tournament.cfg --quiet -o %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(out, sizeof out, "%s/page.html", tmp);
    r = e2e_run("report %s -o %s --quiet", dir, out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out, "");
    cr_expect_str_eq(r->err, "");
    cr_expect(!e2e_exists(strcat(strcpy(cmd, dir), "/report.html")), "-o FILE: only FILE");
    char *page = slurp_all(out, NULL);
    cr_assert_not_null(page);
    check_page(page, 2); /* the ranking and the matrix */
    cr_expect(strstr(page, "<th scope=\"col\">strategy</th>"));
    cr_expect(strstr(page, "<tr><th scope=\"row\">1</th><td>grim</td><td class=\"num\">"
                           "2.772222222</td>"), "rank 1 is grim (docs/VALIDATION.md)");
    cr_expect(strstr(page, "<code>tournament.csv</code></th>"), "the files table");
    cr_expect(strstr(page, "a round robin of strategies"), "the kind of directory");
    cr_expect_null(strstr(page, "id=\"verdict\""), "no verdict section outside hypothesis");
    cr_expect_null(strstr(page, "href=\"#verdict\""));
    free(page);

    snprintf(cmd, sizeof cmd, "timeout 120 chromium --headless --no-sandbox --disable-gpu "
             "--no-first-run --user-data-dir='%s/profile' --no-pdf-header-footer "
             "--print-to-pdf='%s/page.pdf' 'file://%s' >/dev/null 2>&1", tmp, tmp, out);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    size_t len = 0;
    snprintf(out, sizeof out, "%s/page.pdf", tmp);
    char *pdf = slurp_all(out, &len);
    cr_assert_not_null(pdf, "no PDF written");
    cr_expect_gt(len, 20000, "a PDF of %zu bytes", len);
    cr_expect(strncmp(pdf, "%PDF-", 5) == 0);
    free(pdf);
    e2e_rmrf(tmp);
}

/* A million rows give a page of the first ones and the count of the others;
 * text from the files is escaped, long fields cut.  (The library call, without
 * figures: the bounds are the tables'.) */
Test(report, bounded_and_escaped)
{
    char tmp[64], dir[256], path[512];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(dir, sizeof dir, "%s/tour", tmp);
    e2e_result *r = e2e_run("tournament configs/classic/tournament.cfg --quiet -o %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/matrix.csv", dir);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fputs("\"<script>alert('x')</script>\",\"a, \"\"b\"\" & c\",1\n", f);
    for (int i = 0; i < 60; i++)
        fputs("long", f);
    fputs(",tft,2\n", f);
    for (long i = 0; i < 1000000 - 102; i++)
        fprintf(f, "s%ld,tft,%ld\n", i, i % 7);
    cr_assert_eq(fclose(f), 0);

    coop_err err = {0};
    snprintf(path, sizeof path, "%s/page.html", tmp);
    coop_report_opts o = {.out = path, .no_plot = 1};
    cr_assert_eq(coop_report(dir, &o, &err), COOP_OK, "%s", err.text);
    size_t len = 0;
    char *page = slurp_all(path, &len);
    cr_assert_not_null(page);
    cr_expect_lt(len, 300000, "a page of %zu bytes", len);
    /* 100 rows of the round robin + 2 + 999898 = 1000000 rows, 200 shown */
    cr_expect(strstr(page, "The first 200 of 1000000 rows; the other 999800 are in "
                           "<code>matrix.csv</code>."), "%s", strstr(page, "matrix.csv"));
    cr_expect_eq(count(page, "<tr><th scope=\"row\">"), 10 + 200 + 3, "rows of the three "
                 "tables: tournament.csv, matrix.csv, the files");
    cr_expect(strstr(page, "No figures: <code>figures/</code> holds no PNG"));
    cr_expect_null(strstr(page, "<script"));
    free(page);

    /* the same file, 102 rows a table: down to the injected row and the cut field */
    o.max_rows = 102;
    cr_assert_eq(coop_report(dir, &o, &err), COOP_OK, "%s", err.text);
    page = slurp_all(path, NULL);
    cr_expect(strstr(page, "<th scope=\"row\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                           "</th><td>a, &quot;b&quot; &amp; c</td><td class=\"num\">1</td>"),
              "escaped");
    cr_expect_null(strstr(page, "<script"));
    char cut[200] = "<th scope=\"row\">";
    for (int i = 0; i < 40; i++)
        strcat(cut, "long");
    strcat(cut, "&hellip;</th>");
    cr_expect(strstr(page, cut), "a field cut at 160 bytes");
    cr_expect(strstr(page, "The first 102 of 1000000 rows; the other 999898 are in"));
    free(page);
    e2e_rmrf(tmp);
}

Test(report, escape)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    coop_report_escape(f, "<a href=\"x\">&'\x01\tok\n", (size_t)-1);
    coop_report_escape(f, "abc", 2);
    fclose(f);
    cr_expect_str_eq(text, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\xEF\xBF\xBD\tok\nab");
    free(text);
}

/* Errors: exit status 2 with a message naming the path; nothing left behind on
 * a page that cannot be written. */
Test(report, errors)
{
    char tmp[64], path[512];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("report %s/none", tmp);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "/none: no such results directory"), "%s", r->err);
    r = e2e_run("report configs/eu_ca.cfg");
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "configs/eu_ca.cfg: not a directory"), "%s", r->err);
    r = e2e_run("report %s", tmp);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "is not a coopsim results directory: it has no manifest.cfg"),
              "%s", r->err);
    r = e2e_run("report");
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "report: missing RESULTS_DIR"), "%s", r->err);
    /* a manifest that does not load: the configuration's own message */
    snprintf(path, sizeof path, "%s/manifest.cfg", tmp);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("experiment = { name = ; };\n", f);
    fclose(f);
    r = e2e_run("report %s", tmp);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "manifest.cfg"), "%s", r->err);
    /* a page that cannot be written: exit status 1, no temporary file left */
    snprintf(path, sizeof path, "%s/tour", tmp);
    r = e2e_run("tournament configs/classic/tournament.cfg --quiet -o %s", path);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("report %s -o %s/no/such/dir/page.html", path, tmp);
    cr_expect_eq(r->status, 1);
    cr_expect(strstr(r->err, "cannot create"), "%s", r->err);
    r = e2e_run("report --help");
    cr_expect_eq(r->status, 0);
    cr_expect(strstr(r->out, "Usage: coopsim report RESULTS_DIR [-o FILE]"), "%s", r->out);
    cr_expect(strstr(r->out, "-o, --output FILE") && strstr(r->out, "--quiet") &&
              strstr(r->out, "report.html"), "%s", r->out);
    e2e_rmrf(tmp);
}
