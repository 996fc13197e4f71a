/* coop_csv.h: the one reader of CSV files with a header row (results files,
 * outcomes.csv, the figures' inputs), shared by `coopsim plot` and the sweep
 * hypothesis test (coop_hypothesis_from_outcomes).
 *
 * RFC 4180: quoted fields may hold commas, doubled quotes and line breaks.  A
 * reader opens DIR/NAME and reads its header; columns are found by name and the
 * rows read one at a time, each split in place into fields.  Numbers are
 * parsed with NA (or an empty field) as NaN.  Every error names FILE:LINE.  (The
 * writers of CSV files are coop_csv in coop_fmt.h.) */
#ifndef COOP_CSV_H
#define COOP_CSV_H

#include <stdio.h>

#include "coop_error.h"

#define COOP_CSV_PATH_MAX 4096

/* One CSV file being read record by record. */
typedef struct coop_csv_reader {
    FILE *f;
    char path[COOP_CSV_PATH_MAX];
    long line;          /* line where the current record starts */
    long next_line;
    int sys_errno;      /* errno of a failed open or read, else 0 */
    char *buf;          /* getline's buffer */
    size_t bcap;
    char *rec;          /* the current record, split in place */
    size_t rcap;
    char **fld;         /* its fields */
    size_t n, fcap;
    char **head;        /* header fields, owned */
    size_t nhead;
} coop_csv_reader;

/* Grows an array of elements of `size` bytes to hold `need` of them (doubling
 * its capacity *cap); NULL (p still valid) when out of memory.  The reader's
 * own helper, also used by its callers for the rows they keep. */
void *coop_grow(void *p, size_t *cap, size_t need, size_t size);

/* Opens dir/name and reads its header row.  COOP_EIO when it cannot be opened
 * ("cannot open PATH: ..."), COOP_ECONFIG when it is empty or malformed,
 * COOP_EINVAL when the path is too long, COOP_ENOMEM.  Close the reader even
 * after a failure. */
int coop_csv_reader_open(coop_csv_reader *c, const char *dir, const char *name, coop_err *err);

void coop_csv_reader_close(coop_csv_reader *c);

/* Reads the next record into c->fld (c->n fields) whatever its number of fields;
 * *got = 0 at the end of the file. */
int coop_csv_reader_record(coop_csv_reader *c, int *got, coop_err *err);

/* The next record, which must have as many fields as the header. */
int coop_csv_reader_next(coop_csv_reader *c, int *got, coop_err *err);

/* The index of the column called name, or -1. */
int coop_csv_reader_col(const coop_csv_reader *c, const char *name);

/* The indices of the n columns a file must have, in idx[]; COOP_ECONFIG naming
 * the first one missing. */
int coop_csv_reader_need(const coop_csv_reader *c, const char *const *names, int *idx, int n,
                         coop_err *err);

/* Field `col` of the current record as a real: NA (or an empty field) is NaN. */
int coop_csv_reader_num(const coop_csv_reader *c, int col, double *x, coop_err *err);

/* Field `col` of the current record as an integer >= 0. */
int coop_csv_reader_int(const coop_csv_reader *c, int col, long *v, coop_err *err);

/* Where the next record starts (a byte offset), -1 when the reader is closed. */
long long coop_csv_reader_tell(const coop_csv_reader *c);

/* Reads on from byte `at`, which must be where a record starts (from
 * coop_csv_reader_tell or _bisect); line numbers then count from there (1).
 * COOP_EIO. */
int coop_csv_reader_seek(coop_csv_reader *c, long long at, coop_err *err);

/* In a file of one record per line (no quoted line breaks) whose lines from byte
 * lo (where a record starts) to hi (the end) are sorted by key_of(line), finds
 * where the first line with a key >= key starts (hi when there is none) into *at
 * and reads on from there, as coop_csv_reader_seek.  About log2(hi - lo) short
 * reads.  A file out of order gives some line start; the caller checks what it
 * reads.  COOP_EIO. */
int coop_csv_reader_bisect(coop_csv_reader *c, long long lo, long long hi, long long key,
                           long long (*key_of)(const char *line), long long *at,
                           coop_err *err);

#endif
