/* error.c: the error record (see coop_error.h).
 *
 * A message longer than the record holds keeps its beginning (where: FILE:LINE or
 * --set PATH=...) and its end (the explanation: allowed range, known names) and
 * loses the middle, marked " ... ": a long value is what makes a message long,
 * and it sits between the two. */
#include "coop_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS " ... "
#define HEAD 256 /* characters kept before the ellipsis; the rest of the room is the end's */

int coop_fail_at(coop_err *err, int code, const char *where, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    char *full = n >= (int)sizeof err->text ? malloc((size_t)n + 1) : NULL;
    if (full) {
        vsnprintf(full, (size_t)n + 1, fmt, aq);
        size_t tail = sizeof err->text - 1 - HEAD - strlen(ELLIPSIS);
        memcpy(err->text, full, HEAD);
        memcpy(err->text + HEAD, ELLIPSIS, strlen(ELLIPSIS));
        memcpy(err->text + HEAD + strlen(ELLIPSIS), full + (size_t)n - tail, tail + 1);
        free(full);
    } /* else: it fits, or (out of memory) it stays cut at the end */
    va_end(aq);
    err->code = code;
    err->where = where;
    return code;
}

int coop_exit_status(int code)
{
    switch (code) {
    case COOP_OK: return 0;
    case COOP_ECONFIG:
    case COOP_EINVAL: return 2;
    default: return 1;
    }
}
