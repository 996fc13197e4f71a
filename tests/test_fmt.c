/* test_fmt.c: coop_fmt_g10 writes exactly what printf's "%.10g" writes, and
 * coop_fmt_long what "%lld" writes (coop_fmt.h).  The results files depend on it
 * byte for byte, so the comparison covers every magnitude, random bit patterns,
 * ties at the tenth digit, carries (9999999999.5) and the style switch points. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "coop_fmt.h"

static uint64_t state = 88172645463325252ULL;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static void check(double x)
{
    char a[COOP_FMT_G10_MAX], b[64];
    size_t n = coop_fmt_g10(a, x);
    snprintf(b, sizeof b, "%.10g", x);
    cr_assert_str_eq(a, b, "%.17g: coop_fmt_g10 wrote %s, printf %s", x, a, b);
    cr_assert_eq(n, strlen(b));
}

Test(fmt, special_values)
{
    const double v[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3, -2.0 / 3, 2000.25, 1991, 1e-4, 1e-5,
        9.9999999995e-5, 0.000099999999995, 99999.999995, 9999999999.4, 9999999999.5,
        9999999999.6, 1e9, 1e10, 999999999.95, 1234567890.5, 1234567891.5, 123456789012.0,
        1e15, 1e16, 1e-17, 1e-18, 1e35, 1e36, 1e37, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 0.00012345678915, 12345.678905, 1e-10, -7.5e-7, 100, 4.25e21,
        NAN, INFINITY, -INFINITY,
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        check(v[i]);
}

Test(fmt, every_magnitude_and_random_bits)
{
    for (long i = 0; i < 1500000; i++) {
        uint64_t r = next();
        double x;
        switch (i % 5) {
        case 0: memcpy(&x, &r, sizeof x); break;                          /* any double */
        case 1: x = (double)(r % 2000000) / (double)(1 + next() % 1000); break; /* ratios */
        case 2: x = ldexp((double)(r >> 11), -(int)(next() % 120)); break; /* binary fractions */
        case 3: /* ten-digit decimals and their ties */
            x = ((double)(r % 10000000000ULL) + (next() & 1 ? 0.5 : 0.0)) *
                pow(10, (int)(next() % 40) - 20);
            break;
        default:
            x = (double)(r >> 11) / 9007199254740992.0 * pow(10, (int)(next() % 14) - 7);
            if (next() & 1)
                x = -x;
            break;
        }
        if (isfinite(x))
            check(x);
    }
}

Test(fmt, integers)
{
    const long long v[] = {0, 1, -1, 9, 10, 65535, -2147483648LL, 9223372036854775807LL,
                           -9223372036854775807LL - 1};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char a[21], b[32];
        size_t n = coop_fmt_long(a, v[i]);
        snprintf(b, sizeof b, "%lld", v[i]);
        cr_assert_str_eq(a, b);
        cr_assert_eq(n, strlen(b));
    }
}
