/* test_docs.c: the shipped text documents coopsim by itself.
 *
 * Two checks over every shipped file (Makefile, README.md, docs/, configs/,
 * results/README.md, sim/, include/, tests/; this file is scanned for the first
 * only, since its examples of citations are wrong on purpose):
 * - no file names the design notes the project was built from, which do not ship
 *   (the model's and the product's notes, written below as "MODEL" ".md" and
 *   "SPEC" ".md", and the style notes) -- a reader must find every definition in
 *   docs/ and README.md;
 * - every citation of a section, written `docs/NAME.md, "Section"` (or
 *   `README.md, "Section"`, the comma optional), names a heading of that file, or a
 *   bold run-in label such as `**Outcome scalars**`, or their first words.  Section
 *   numbers count as part of the heading ("7.8 Observation") or may be left out
 *   ("Observation").  Tests run from the repository root. */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"

/* ---- helpers ---- */

/* The shipped files: a growing list of paths. */
typedef struct {
    char **path;
    size_t n, cap;
} file_list;

static void add_file(file_list *l, const char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->path = realloc(l->path, l->cap * sizeof *l->path);
        cr_assert_not_null(l->path);
    }
    l->path[l->n++] = strdup(path);
}

/* Every regular file under dir, recursively (names starting with '.' skipped). */
static void add_tree(file_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open directory %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0, "cannot stat %s", path);
        if (S_ISDIR(st.st_mode))
            add_tree(l, path);
        else if (S_ISREG(st.st_mode))
            add_file(l, path);
    }
    closedir(d);
}

static file_list shipped_files(void)
{
    file_list l = {0};
    add_file(&l, "Makefile");
    add_file(&l, "README.md");
    add_file(&l, "results/README.md");
    add_tree(&l, "docs");
    add_tree(&l, "configs");
    add_tree(&l, "sim");
    add_tree(&l, "include");
    add_tree(&l, "tests");
    return l;
}

static void free_list(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->path[i]);
    free(l->path);
}

static int line_of(const char *text, const char *at)
{
    int line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* ---- design notes ---- */

/* Names of files that do not ship; split so that this file does not hold them. */
static const char *const design_notes[] = {"MODEL" ".md", "SPEC" ".md", "STYLE" ".md"};

/* Counts every mention of a design note in text, reporting each when report is
 * set. */
static int count_design_notes(const char *path, const char *text, int report)
{
    int bad = 0;
    for (size_t k = 0; k < sizeof design_notes / sizeof *design_notes; k++)
        for (const char *p = strstr(text, design_notes[k]); p;
             p = strstr(p + 1, design_notes[k])) {
            if (report)
                cr_log_error("%s:%d: cites %s, which does not ship", path, line_of(text, p),
                             design_notes[k]);
            bad++;
        }
    return bad;
}

/* ---- section citations ---- */

/* The files whose sections can be cited, and their text. */
#define N_CITABLE 8
static const char *const citable[N_CITABLE] = {
    "README.md",      "docs/CLUSTER.md",    "docs/CONFIG.md",     "docs/FIGURES.md",
    "docs/HYPOTHESIS.md", "docs/ODD.md",    "docs/OUTPUT.md",     "docs/VALIDATION.md"};

/* s with backticks removed and a trailing '.' or ':' dropped, into out. */
static void normalise(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (s[i] != '`')
            out[k++] = s[i];
    while (k > 0 && (out[k - 1] == '.' || out[k - 1] == ':' || out[k - 1] == ' '))
        k--;
    out[k] = '\0';
}

/* Whether cited names target: equal, or target's first words. */
static int names(const char *target, const char *cited)
{
    size_t n = strlen(cited);
    if (n == 0 || strncmp(target, cited, n) != 0)
        return 0;
    return target[n] == '\0' || !isalnum((unsigned char)target[n]);
}

/* Whether cited names a heading or a bold run-in label of doc. */
static int has_section(const char *doc, const char *cited)
{
    for (const char *line = doc; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *s = line;
        char target[512];
        if (*s == '#') {
            while (*s == '#')
                s++;
            while (*s == ' ')
                s++;
            normalise(s, len - (size_t)(s - line), target, sizeof target);
        } else {
            if (s[0] == '-' && s[1] == ' ')
                s += 2;
            if (strncmp(s, "**", 2) != 0)
                continue;
            s += 2;
            const char *close = strstr(s, "**");
            if (!close || close > line + len)
                continue;
            normalise(s, (size_t)(close - s), target, sizeof target);
        }
        if (names(target, cited))
            return 1;
        /* Without its number: "7.8 Observation" -> "Observation", "1. Purpose" -> "Purpose". */
        const char *t = target;
        while (isdigit((unsigned char)*t) || *t == '.')
            t++;
        if (t != target && *t == ' ' && names(t + 1, cited))
            return 1;
    }
    return 0;
}

/* Checks every citation `NAME.md, "Section"` of a citable file in text against
 * docs[] (the citable files' texts).  Returns how many name no section, reporting
 * each when report is set; *n_cited counts the citations seen. */
static int count_bad_citations(const char *path, const char *text, char *const docs[N_CITABLE],
                               int *n_cited, int report)
{
    int bad = 0;
    for (const char *p = strstr(text, ".md"); p; p = strstr(p + 1, ".md")) {
        /* Which citable file ends here: "docs/X.md", or "X.md" for one in docs/. */
        int which = -1;
        for (int k = 0; k < N_CITABLE && which < 0; k++) {
            const char *base = strrchr(citable[k], '/');
            base = base ? base + 1 : citable[k];
            size_t bl = strlen(base) - 3; /* without ".md" */
            if ((size_t)(p - text) < bl || strncmp(p - bl, base, bl) != 0)
                continue;
            const char *start = p - bl;
            if (start > text && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
                continue;
            which = k;
        }
        if (which < 0)
            continue;
        /* Then: an optional ')' and ',', blanks (one line break, comment leaders
         * allowed), a quote ('"' or, in C strings, '\"'). */
        const char *q = p + 3;
        if (*q == ')')
            q++;
        const char *after = q;
        if (*q == ',')
            q++;
        int breaks = 0;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '*' || *q == '#') {
            if (*q == '\n' && ++breaks > 1)
                break;
            q++;
        }
        if (q == after || (*q != '"' && !(q[0] == '\\' && q[1] == '"')))
            continue;
        q += *q == '\\' ? 2 : 1;
        /* The section's name, up to the closing quote; it may run over one line
         * break, which reads as a blank (comment leaders dropped). */
        char raw[512];
        size_t n = 0;
        breaks = 0;
        const char *close = q;
        for (; *close && *close != '"' && n + 1 < sizeof raw; close++) {
            if (*close == '\n') {
                if (++breaks > 1)
                    break;
                while (close[1] == ' ' || close[1] == '\t' || close[1] == '*' || close[1] == '#')
                    close++;
                raw[n++] = ' ';
            } else {
                raw[n++] = *close;
            }
        }
        if (*close != '"')
            continue;
        if (n > 0 && raw[n - 1] == '\\')
            n--;
        char cited[512];
        normalise(raw, n, cited, sizeof cited);
        (*n_cited)++;
        if (!has_section(docs[which], cited)) {
            if (report)
                cr_log_error("%s:%d: cites %s, \"%s\": no such section", path,
                             line_of(text, p), citable[which], cited);
            bad++;
        }
    }
    return bad;
}

static void load_citable(char *docs[N_CITABLE])
{
    for (int k = 0; k < N_CITABLE; k++)
        docs[k] = slurp_or_fail(citable[k], NULL);
}

static void free_citable(char *docs[N_CITABLE])
{
    for (int k = 0; k < N_CITABLE; k++)
        free(docs[k]);
}

/* ---- tests ---- */

Test(docs, no_design_notes_cited)
{
    file_list l = shipped_files();
    cr_assert_gt(l.n, 100, "only %zu files found: not run from the repository root?", l.n);
    int bad = 0;
    for (size_t i = 0; i < l.n; i++) {
        char *text = slurp_or_fail(l.path[i], NULL);
        bad += count_design_notes(l.path[i], text, 1);
        free(text);
    }
    cr_expect_eq(bad, 0, "%d mentions of design notes that do not ship (listed above)", bad);
    free_list(&l);
}

Test(docs, cited_sections_exist)
{
    char *docs[N_CITABLE];
    load_citable(docs);
    file_list l = shipped_files();
    int bad = 0, n_cited = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.path[i], "tests/test_docs.c") == 0)
            continue; /* its examples below are wrong on purpose */
        char *text = slurp_or_fail(l.path[i], NULL);
        bad += count_bad_citations(l.path[i], text, docs, &n_cited, 1);
        free(text);
    }
    cr_expect_eq(bad, 0, "%d citations of sections that do not exist (listed above)", bad);
    /* The check must see the citations it is about. */
    cr_log_info("%d section citations checked", n_cited);
    cr_expect_geq(n_cited, 80, "only %d section citations found", n_cited);
    free_list(&l);
    free_citable(docs);
}

/* The checkers themselves, on known text: a test that cannot fail is a defect. */
Test(docs, checkers_find_known_cases)
{
    char *docs[N_CITABLE];
    load_citable(docs);
    int n = 0;
    const char *good = "see docs/ODD.md, \"7.8 Observation\" and ODD.md \"Outcome scalars\";\n"
                       " * docs/ODD.md,\n * \"Observation\"; \"(docs/CONFIG.md, \\\"Sweeps\\\")\"\n"
                       "[OUTPUT.md](OUTPUT.md), \"Seeds\"; README.md, \"A short tour\";\n"
                       "# docs/ODD.md, \"1. Purpose\n#   and patterns\"";
    cr_expect_eq(count_bad_citations("good", good, docs, &n, 0), 0);
    cr_expect_eq(n, 7);
    n = 0;
    const char *bad = "docs/ODD.md, \"7.8 Observations\"; docs/HYPOTHESIS.md \"Outcome\";\n"
                      "ODD.md, \"Observation extra\"; docs/CONFIG.md, \"7.8 Observation\"";
    cr_expect_eq(count_bad_citations("bad", bad, docs, &n, 0), 4);
    cr_expect_eq(n, 4);
    n = 0;
    /* Not citations: no quote after the name, or another file. */
    const char *none = "docs/ODD.md 7.8; NOTES.md, \"Observation\"; docs/ODD.md: \"x\";\n"
                       "\"see (docs/CONFIG.md)\", path";
    cr_expect_eq(count_bad_citations("none", none, docs, &n, 0), 0);
    cr_expect_eq(n, 0);
    char *notes = malloc(64);
    snprintf(notes, 64, "as %s 5 says; %s", design_notes[0], design_notes[1]);
    cr_expect_eq(count_design_notes("notes", notes, 0), 2);
    cr_expect_eq(count_design_notes("clean", "docs/ODD.md, MODEL, SPEC", 0), 0);
    free(notes);
    free_citable(docs);
}
