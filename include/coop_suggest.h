/* coop_suggest.h: "did you mean ...?" for a misspelled name.  The distance is the
 * optimal-string-alignment form of the Damerau-Levenshtein distance (insertions,
 * deletions, substitutions and transpositions of two adjacent characters each cost
 * 1, no substring edited twice), with ASCII letters compared without case.  A
 * candidate is close to a word when its distance is at most max(1, len/3), len the
 * word's length, and smaller than the candidate's length (a one-letter name is
 * never "corrected" into another one-letter name).  The nearest close candidate
 * wins; of equally near ones, the first offered. */
#ifndef COOP_SUGGEST_H
#define COOP_SUGGEST_H

#include <stddef.h>

/* Longest word or candidate compared; longer ones are never close. */
#define COOP_SUGGEST_MAX 128

/* The distance between a and b; COOP_SUGGEST_MAX + 1 when either is longer than
 * COOP_SUGGEST_MAX. */
int coop_suggest_distance(const char *a, const char *b);

/* The search for the nearest name to `word`: start it, offer candidates one by
 * one (or as a list), then read the best (NULL when none is close). */
typedef struct coop_suggest {
    const char *word;
    char best[COOP_SUGGEST_MAX + 1];
    int dist; /* of best; COOP_SUGGEST_MAX + 1 while none */
} coop_suggest;

void coop_suggest_start(coop_suggest *s, const char *word);
void coop_suggest_offer(coop_suggest *s, const char *name);
/* Offers each name of a list separated by commas and/or spaces ("a, b, c"). */
void coop_suggest_offer_list(coop_suggest *s, const char *list);
const char *coop_suggest_best(const coop_suggest *s);

/* The hint that ends an error message: "; did you mean `NAME`?" for the nearest
 * close name of `list` (as coop_suggest_offer_list reads it), or "" when none is
 * close.  Writes into hint (of capacity size) and returns it. */
const char *coop_suggest_hint(char *hint, size_t size, const char *word, const char *list);

/* The same hint for a search already run. */
const char *coop_suggest_hint_of(char *hint, size_t size, const coop_suggest *s);

#endif
