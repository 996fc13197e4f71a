/* e2e_mpi.h: end-to-end tests of the MPI flavour (test_mpi_e2e.c, test_mpi_hyp.c).
 *
 * The program is found through the COOPSIM_MPI environment variable (the Makefile
 * sets it when mpicc is there); without it the tests skip themselves.  Open MPI is
 * set up for containers, and mpirun's output captured like e2e_run's. */
#ifndef COOP_TEST_E2E_MPI_H
#define COOP_TEST_E2E_MPI_H

#include "e2e.h"

/* build/coopsim-mpi, or NULL when COOPSIM_MPI is unset (no mpicc). */
static inline const char *e2e_mpi_program(void)
{
    const char *p = getenv("COOPSIM_MPI");
    return p && *p ? p : NULL;
}

/* Open MPI in containers: no cross-memory attach, more ranks than cores, no binding. */
static inline void e2e_mpi_setup(void)
{
    setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 1);
    setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
    setenv("OMPI_MCA_hwloc_base_binding_policy", "none", 1);
}

/* `mpirun -np NP coopsim-mpi ARGS`, captured like e2e_run. */
static inline e2e_result *e2e_mpi_run(int np, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline e2e_result *e2e_mpi_run(int np, const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "mpirun --allow-run-as-root --oversubscribe -np %d %s %s", np,
             e2e_mpi_program(), args);
    return e2e_capture(cmd);
}

#endif
