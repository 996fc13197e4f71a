/* coop_error.h: status codes and the error record every fallible function fills.
 *
 * Errors are values: a function that can fail returns an int status (COOP_OK = 0)
 * and, on failure, writes a human-readable message into a coop_err the caller owns.
 * Only main.c turns a status into an exit code. */
#ifndef COOP_ERROR_H
#define COOP_ERROR_H

#include <stddef.h>

enum {
    COOP_OK = 0,
    COOP_EINVAL,   /* bad argument (a programming or usage error) */
    COOP_ENOMEM,   /* allocation failed */
    COOP_EIO,      /* file or directory I/O failed */
    COOP_ECONFIG,  /* configuration or command-line value is wrong */
    COOP_EINTR     /* interrupted by a signal */
};

#define COOP_ERR_MAX 1024

/* The message of the first error recorded; `where` is the C source position that
 * recorded it (for debugging, not shown to users). */
typedef struct coop_err {
    int code;
    char text[COOP_ERR_MAX];
    const char *where;
} coop_err;

/* Records code and a printf-style message in err (which may be NULL) and returns code.
 * Use through COOP_FAIL so that the source position is kept. */
int coop_fail_at(coop_err *err, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define COOP_STR2(x) #x
#define COOP_STR(x) COOP_STR2(x)
#define COOP_FAIL(err, code, ...) \
    coop_fail_at((err), (code), __FILE__ ":" COOP_STR(__LINE__), __VA_ARGS__)

/* Exit status main() uses for a status code: 0 ok, 2 usage/configuration, 1 otherwise. */
int coop_exit_status(int code);

#endif
