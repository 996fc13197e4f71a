/* suggest.c: the nearest valid name to a misspelled one (see coop_suggest.h), for
 * error messages that teach: the configuration's unknown settings, rules, actors,
 * domains and values, and the command line's unknown commands and options.
 *
 * The distance is computed with three rows of the dynamic-programming table
 * (Wagner & Fischer 1974, with the transposition of Damerau 1964 in its
 * "optimal string alignment" form); names are short, so the quadratic cost is
 * nothing next to reading a configuration. */
#include "coop_suggest.h"

#include <stdio.h>
#include <string.h>

static int fold(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int coop_suggest_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > COOP_SUGGEST_MAX || m > COOP_SUGGEST_MAX)
        return COOP_SUGGEST_MAX + 1;
    int rows[3][COOP_SUGGEST_MAX + 1];
    int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int same = fold(a[i - 1]) == fold(b[j - 1]);
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + !same);
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

void coop_suggest_start(coop_suggest *s, const char *word)
{
    s->word = word;
    s->best[0] = '\0';
    s->dist = COOP_SUGGEST_MAX + 1;
}

/* Offers the first len bytes of name. */
static void offer_n(coop_suggest *s, const char *name, size_t len)
{
    char cand[COOP_SUGGEST_MAX + 1];
    if (len == 0 || len > COOP_SUGGEST_MAX || strcmp(s->word, "") == 0)
        return;
    memcpy(cand, name, len);
    cand[len] = '\0';
    if (strcmp(cand, s->word) == 0)
        return; /* the word itself is no suggestion */
    int d = coop_suggest_distance(s->word, cand);
    int limit = (int)strlen(s->word) / 3;
    if (limit < 1)
        limit = 1;
    if (d <= limit && d < (int)len && d < s->dist) {
        memcpy(s->best, cand, len + 1);
        s->dist = d;
    }
}

void coop_suggest_offer(coop_suggest *s, const char *name)
{
    offer_n(s, name, strlen(name));
}

void coop_suggest_offer_list(coop_suggest *s, const char *list)
{
    const char *sep = ", \t\n";
    for (const char *p = list; *p;) {
        p += strspn(p, sep);
        size_t len = strcspn(p, sep);
        offer_n(s, p, len);
        p += len;
    }
}

const char *coop_suggest_best(const coop_suggest *s)
{
    return s->best[0] ? s->best : NULL;
}

const char *coop_suggest_hint_of(char *hint, size_t size, const coop_suggest *s)
{
    const char *best = coop_suggest_best(s);
    if (best)
        snprintf(hint, size, "; did you mean `%s`?", best);
    else if (size)
        hint[0] = '\0';
    return hint;
}

const char *coop_suggest_hint(char *hint, size_t size, const char *word, const char *list)
{
    coop_suggest s;
    coop_suggest_start(&s, word);
    coop_suggest_offer_list(&s, list);
    return coop_suggest_hint_of(hint, size, &s);
}
