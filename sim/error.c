/* error.c: the error record (see coop_error.h). */
#include "coop_error.h"

#include <stdarg.h>
#include <stdio.h>

int coop_fail_at(coop_err *err, int code, const char *where, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->text, sizeof err->text, fmt, ap);
        va_end(ap);
        err->code = code;
        err->where = where;
    }
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
