/* test_farm.c: task farms (coop_experiment_farm, coop_experiment.h) in one
 * process: every result lands at its task's index whatever the thread count, a
 * task's failure and begin's failure come back as the farm's, and the state that
 * begin made from the payload is what every task sees and end releases.  The
 * farm across ranks is tests/test_mpi_e2e.c's (coopsim infer). */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coop_experiment.h"

/* The state of a round: the payload's words, and how many states are alive. */
typedef struct round {
    uint64_t word[4];
    size_t n;
} round;

static int alive;     /* states begun and not yet ended */
static long long fail_at = -1; /* the task whose run fails (-1: none) */

static void *begin(void *ctx, const unsigned char *payload, size_t n, coop_err *err)
{
    (void)ctx;
    if (n > sizeof(((round *)0)->word)) {
        COOP_FAIL(err, COOP_ECONFIG, "a payload of %zu bytes", n);
        return NULL;
    }
    round *r = calloc(1, sizeof *r);
    if (r) {
        memcpy(r->word, payload, n);
        r->n = n;
#pragma omp atomic
        alive++;
    }
    return r;
}

/* Task i's result: a 64-bit mix of i and the payload (splitmix64's finaliser),
 * then i itself, then the payload's size. */
static int run(void *state, long long task, unsigned char *result, coop_err *err)
{
    const round *r = state;
    if (task == fail_at)
        return COOP_FAIL(err, COOP_EIO, "task %lld failed", task);
    uint64_t z = (uint64_t)task + r->word[0] + 0x9e3779b97f4a7c15ULL * r->word[1];
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    uint64_t v[3] = {z, (uint64_t)task, r->n};
    memcpy(result, v, sizeof v);
    return COOP_OK;
}

static void end(void *state)
{
    free(state);
#pragma omp atomic
    alive--;
}

static const coop_farm FARM = {NULL, begin, run, end, 3 * sizeof(uint64_t), NULL, NULL};

Test(farm, results_at_their_index_for_any_threads)
{
    uint64_t pay[2] = {12345, 678};
    enum { N = 997 };
    unsigned char *one = calloc(N, FARM.result_size), *four = calloc(N, FARM.result_size);
    coop_err err = {0};
    cr_assert_eq(coop_experiment_farm(&FARM, pay, sizeof pay, N, 1, one, &err), COOP_OK, "%s",
                 err.text);
    cr_assert_eq(coop_experiment_farm(&FARM, pay, sizeof pay, N, 4, four, &err), COOP_OK, "%s",
                 err.text);
    cr_assert_eq(alive, 0, "every state begun was ended");
    cr_assert_eq(memcmp(one, four, (size_t)N * FARM.result_size), 0);
    for (long long i = 0; i < N; i++) {
        uint64_t v[3], want[3];
        memcpy(v, one + (size_t)i * FARM.result_size, sizeof v);
        round r = {{12345, 678, 0, 0}, sizeof pay};
        run(&r, i, (unsigned char *)want, &err);
        cr_assert_eq(v[1], (uint64_t)i, "task %lld's result is at index %llu", i,
                     (unsigned long long)v[1]);
        cr_assert_eq(v[0], want[0]);
        cr_assert_eq(v[2], sizeof pay, "the payload reached the task");
    }
    /* Another payload gives other results (the payload is what the tasks see). */
    pay[1] = 679;
    cr_assert_eq(coop_experiment_farm(&FARM, pay, sizeof pay, N, 2, four, &err), COOP_OK);
    cr_assert_neq(memcmp(one, four, FARM.result_size), 0);
    free(one);
    free(four);
}

Test(farm, failures_are_the_farms)
{
    uint64_t pay[1] = {1};
    unsigned char *res = calloc(100, FARM.result_size);
    coop_err err = {0};
    fail_at = 37;
    int st = coop_experiment_farm(&FARM, pay, sizeof pay, 100, 3, res, &err);
    fail_at = -1;
    cr_assert_eq(st, COOP_EIO);
    cr_assert_str_eq(err.text, "task 37 failed");
    cr_assert_eq(alive, 0, "the state is ended after a failure");
    /* begin's failure: nothing runs, nothing to end. */
    unsigned char big[64] = {0};
    memset(&err, 0, sizeof err);
    st = coop_experiment_farm(&FARM, big, sizeof big, 100, 2, res, &err);
    cr_assert_eq(st, COOP_ECONFIG);
    cr_assert_str_eq(err.text, "a payload of 64 bytes");
    cr_assert_eq(alive, 0);
    /* No task: begin and end only. */
    cr_assert_eq(coop_experiment_farm(&FARM, pay, sizeof pay, 0, 2, res, &err), COOP_OK);
    cr_assert_eq(alive, 0);
    free(res);
}
