/* binom_ci.c: exact binomial intervals for tests/bench/null_size.sh.  Reads lines
 * "LABEL K N" on standard input and prints "LABEL K/N RATE [LO, HI]" with the 95%
 * Clopper-Pearson interval of coop_clopper_pearson (sim/analysis/paired.c, GSL's
 * beta quantiles; checked against scipy in tests/test_paired.c). */
#include <stdio.h>

#include "coop_paired.h"

int main(void)
{
    char label[128];
    unsigned long k, n;
    while (scanf("%127s %lu %lu", label, &k, &n) == 3) {
        double lo, hi;
        coop_clopper_pearson(k, n, 0.95, &lo, &hi);
        printf("  %-34s %4lu/%lu = %6.2f%%  95%% CI [%5.2f%%, %5.2f%%]\n", label, k, n,
               n ? 100.0 * (double)k / (double)n : 0.0, 100.0 * lo, 100.0 * hi);
    }
    return 0;
}
