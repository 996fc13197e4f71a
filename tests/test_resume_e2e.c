/* test_resume_e2e.c: `coopsim sensitivity` and `coopsim infer` stopped by a real
 * SIGTERM or SIGINT (an inference also by SIGKILL, and with a torn generation on
 * disk), then finished with `--resume` from the directory's manifest
 * (on another thread count), give exactly the files of an uninterrupted run; the
 * refusals of --resume; and a manifest that carries the sensitivity or infer group
 * reproduces the run (docs/OUTPUT.md, "Interrupting sensitivity and infer").  With
 * COOPSIM_MPI (make test sets it when mpicc exists) the interrupted sensitivity
 * analysis is also resumed by 2 ranks of coopsim-mpi. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "e2e.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The small hypothesis scenario's sensitivity group as Morris (60 trajectories) or
 * Sobol' (24 base rows) into DIR/NAME.cfg. */
static void sens_cfg(const char *dir, const char *name, int sobol, char *path, size_t size)
{
    snprintf(path, size, "%s/%s.cfg", dir, name);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed '%s' tests/data/sens_small.cfg > %s",
             sobol ? "s/method = \"morris\";/method = \"sobol\";/; s/  n = 4;/  n = 24;/; "
                     "/levels = 4;/d"
                   : "s/  n = 4;/  n = 60;/",
             path);
    cr_assert_eq(system(cmd), 0);
}

/* Starts args into dir and stops it with sig after a delay (shorter when it
 * finished first, longer when the signal came before the handler); asserts the
 * interrupted directory's manifest, message and checkpoint file. */
static void interrupt(const char *args, const char *dir, const char *errf, int sig,
                      const char *checkpoint)
{
    long delay = 250;
    int interrupted = 0;
    for (int attempt = 0; attempt < 10 && !interrupted; attempt++) {
        e2e_rmrf(dir);
        pid_t pid = e2e_spawn(args, errf);
        cr_assert_gt(pid, 0);
        sleep_ms(delay);
        kill(pid, sig);
        int st;
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            delay /= 2;  /* finished first */
        else if (WIFSIGNALED(st))
            delay *= 2;  /* before the handler (loading): nothing written */
        else
            interrupted = 1;
        if (interrupted)
            cr_assert_eq(WEXITSTATUS(st), 1, "exit %d", WEXITSTATUS(st));
    }
    cr_assert(interrupted, "%s: never interrupted", args);
    char path[512];
    cr_assert(e2e_file_has(errf, "interrupted by "));
    cr_assert(e2e_file_has(errf, "/manifest.cfg --resume"));
    snprintf(path, sizeof path, "%s/manifest.cfg", dir);
    cr_assert(e2e_file_has(path, "  status = \"interrupted\";\n"));
    snprintf(path, sizeof path, "%s/%s", dir, checkpoint);
    cr_assert(e2e_exists(path), "no %s", path);
}

static void sens_resume(int sobol, int sig)
{
    char tmp[64], cfg[128], ref[128], dir[128], errf[128], args[512], path[256];
    e2e_tmpdir(tmp, sizeof tmp);
    sens_cfg(tmp, "s", sobol, cfg, sizeof cfg);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    snprintf(dir, sizeof dir, "%s/run", tmp);
    snprintf(errf, sizeof errf, "%s/err", tmp);
    e2e_result *r = e2e_run("sensitivity %s --replicates 20 --threads 2 --quiet -o %s", cfg, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(args, sizeof args, "sensitivity %s --replicates 20 --threads 2 -o %s", cfg, dir);
    interrupt(args, dir, errf, sig, "sensitivity_progress.csv");
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    cr_assert(!e2e_exists(path), "an interrupted analysis has no indices");

    const char *mpi = getenv("COOPSIM_MPI");
    if (mpi && *mpi) { /* the same, resumed by 2 ranks of coopsim-mpi */
        char cmd[1024], copy[128];
        snprintf(copy, sizeof copy, "%s/mpi", tmp);
        snprintf(cmd, sizeof cmd, "cp -r %s %s && OMPI_MCA_btl_vader_single_copy_mechanism=none "
                 "OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none "
                 "mpirun --allow-run-as-root --oversubscribe -np 2 %s sensitivity "
                 "%s/manifest.cfg --resume --threads 1 --quiet", dir, copy, mpi, copy);
        r = e2e_capture(cmd);
        cr_assert_eq(r->status, 0, "%s", r->err);
        cr_assert(e2e_same_csvs(ref, copy), "files resumed under MPI differ");
    }
    r = e2e_run("sensitivity %s/manifest.cfg --resume --threads 1 --quiet", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(e2e_same_csvs(ref, dir), "resumed files differ");
    snprintf(path, sizeof path, "%s/sensitivity_progress.csv", dir);
    cr_assert(!e2e_exists(path));
    r = e2e_run("sensitivity %s/manifest.cfg --resume", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->err, "complete: nothing to resume"), "%s", r->err);
    e2e_rmrf(tmp);
}

Test(resume_e2e, sensitivity_morris_after_sigterm, .timeout = 120)
{
    sens_resume(0, SIGTERM);
}

Test(resume_e2e, sensitivity_sobol_after_sigint, .timeout = 120)
{
    sens_resume(1, SIGINT);
}

Test(resume_e2e, sensitivity_resume_refusals)
{
    char tmp[64], cfg[128], dir[128];
    e2e_tmpdir(tmp, sizeof tmp);
    sens_cfg(tmp, "s", 0, cfg, sizeof cfg);
    snprintf(dir, sizeof dir, "%s/run", tmp);
    e2e_result *r = e2e_run("sensitivity %s --quiet -o %s", cfg, dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("sensitivity %s --resume --force -o %s", cfg, dir);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "--force and --resume exclude each other"), "%s", r->err);
    r = e2e_run("sensitivity %s --resume --seed 9 -o %s", cfg, dir);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "cannot resume: the configuration differs"), "%s", r->err);
    r = e2e_run("sensitivity %s --resume -o %s", cfg, tmp);  /* not a results directory */
    cr_assert_neq(r->status, 0);
    cr_assert(strstr(r->err, "not a results directory"), "%s", r->err);
    r = e2e_run("run %s --quiet -o %s/plain", cfg, tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("sensitivity %s --resume -o %s/plain", cfg, tmp);  /* another command's */
    cr_assert_neq(r->status, 0);
    cr_assert(strstr(r->err, "not the results of `coopsim sensitivity`"), "%s", r->err);
    e2e_rmrf(tmp);
}

/* The fair-or-uniform coin of configs/infer/coin.cfg with 300 particles. */
static void coin_cfg(const char *dir, char *path, size_t size)
{
    snprintf(path, size, "%s/coin.cfg", dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed 's/population = 1000;/population = 300;/' "
             "configs/infer/coin.cfg > %s", path);
    cr_assert_eq(system(cmd), 0);
}

Test(resume_e2e, infer_after_sigterm_and_from_its_manifest, .timeout = 120)
{
    char tmp[64], cfg[128], ref[128], dir[128], other[128], errf[128], args[512], path[256];
    e2e_tmpdir(tmp, sizeof tmp);
    coin_cfg(tmp, cfg, sizeof cfg);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    snprintf(dir, sizeof dir, "%s/run", tmp);
    snprintf(other, sizeof other, "%s/other", tmp);
    snprintf(errf, sizeof errf, "%s/err", tmp);
    e2e_result *r = e2e_run("infer %s --threads 2 --quiet -o %s", cfg, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/manifest.cfg", ref);
    cr_assert(e2e_file_has(path, "\ninfer = {\n  population = 300;\n"), "no infer group");

    /* The manifest reproduces the inference (on one thread). */
    r = e2e_run("infer %s/manifest.cfg --threads 1 --quiet -o %s", ref, other);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(e2e_same_csvs(ref, other), "the manifest's inference differs");

    /* SIGTERM once generation 1 is written: the run stops at a generation's end. */
    snprintf(args, sizeof args, "infer %s --threads 2 -o %s", cfg, dir);
    pid_t pid = e2e_spawn(args, errf);
    cr_assert_gt(pid, 0);
    for (int i = 0; i < 3000 && !e2e_file_has(errf, "generation 1:"); i++)
        sleep_ms(5);
    kill(pid, SIGTERM);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "not interrupted");
    cr_assert(e2e_file_has(errf, "interrupted by SIGTERM"));
    snprintf(path, sizeof path, "%s/manifest.cfg", dir);
    cr_assert(e2e_file_has(path, "  status = \"interrupted\";\n"));
    snprintf(path, sizeof path, "%s/posterior.csv.part", dir);
    cr_assert(e2e_file_has(path, "\n1,"), "generation 1 is kept");
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    cr_assert(!e2e_exists(path));

    /* The checkpoint of an older coopsim (no infer_progress.csv): the files whole. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cp -r %s %s/old && rm %s/old/infer_progress.csv", dir, tmp, tmp);
    cr_assert_eq(system(cmd), 0);
    r = e2e_run("infer %s/old/manifest.cfg --resume --threads 2 --quiet", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/old", tmp);
    cr_assert(e2e_same_csvs(ref, path), "files resumed from an older checkpoint differ");

    r = e2e_run("infer %s/manifest.cfg --resume --threads 1", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->err, "coopsim: resuming after generation "), "%s", r->err);
    cr_assert(e2e_same_csvs(ref, dir), "resumed files differ");
    r = e2e_run("infer %s/manifest.cfg --resume --quiet", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("infer %s --resume --seed 3 -o %s", cfg, dir);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "cannot resume: the configuration differs"), "%s", r->err);
    e2e_rmrf(tmp);
}

/* The data lines (generations) of DIR/generations.csv.part; -1 when it is missing. */
static int generations_on_disk(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/generations.csv.part", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = -1, c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

/* Starts args into dir and SIGKILLs it once `want` generations are on disk (fewer
 * when it finished first); asserts what the killed run left: a manifest of status
 * "interrupted" and the checkpoint files. */
static void kill_after_generations(const char *args, const char *dir, const char *errf, int want)
{
    int killed = 0;
    for (int attempt = 0; attempt < 6 && !killed; attempt++) {
        e2e_rmrf(dir);
        pid_t pid = e2e_spawn(args, errf);
        cr_assert_gt(pid, 0);
        int st, done = 0;
        for (int i = 0; i < 20000 && !done && generations_on_disk(dir) < want; i++) {
            done = waitpid(pid, &st, WNOHANG) == pid;
            sleep_ms(1);
        }
        if (!done) {
            kill(pid, SIGKILL);
            cr_assert_eq(waitpid(pid, &st, 0), pid);
        }
        killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
        if (!killed && want > 1)
            want--;  /* finished first */
    }
    cr_assert(killed, "%s: never killed", args);
    char path[512];
    snprintf(path, sizeof path, "%s/manifest.cfg", dir);
    cr_assert(e2e_file_has(path, "  status = \"interrupted\";\n"), "no manifest after SIGKILL");
    cr_assert_geq(generations_on_disk(dir), want);
    snprintf(path, sizeof path, "%s/infer_progress.csv", dir);
    cr_assert(e2e_file_has(path, "generations_done,posterior.csv,generations.csv,models.csv,"
                           "check\n0,"), "no checkpoints");
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    cr_assert(!e2e_exists(path), "no final file before the end");
}

/* Appends text to dir/name. */
static void append(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "a");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* SIGKILL (no handler runs) once generations are on disk: the checkpoint resumes
 * to the files of an uninterrupted run; so does a copy with a torn partial
 * generation appended (a partial posterior row, a torn progress line, stray
 * models rows), as after a power loss; a .part file shorter than its checkpoint
 * is refused.  A finished run leaves no checkpoint file. */
Test(resume_e2e, infer_after_sigkill_and_torn_generation, .timeout = 120)
{
    char tmp[64], cfg[128], ref[128], dir[128], torn[128], errf[128], args[512], path[256];
    e2e_tmpdir(tmp, sizeof tmp);
    coin_cfg(tmp, cfg, sizeof cfg);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    snprintf(dir, sizeof dir, "%s/run", tmp);
    snprintf(torn, sizeof torn, "%s/torn", tmp);
    snprintf(errf, sizeof errf, "%s/err", tmp);
    e2e_result *r = e2e_run("infer %s --threads 2 --quiet -o %s", cfg, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert_eq(e2e_csvs(ref, NULL), 5, "posterior, generations, models, summary, predictive");
    snprintf(path, sizeof path, "%s/infer_progress.csv", ref);
    cr_assert(!e2e_exists(path), "a finished run keeps no checkpoint");
    snprintf(path, sizeof path, "%s/posterior.csv.part", ref);
    cr_assert(!e2e_exists(path));
    r = e2e_run("infer %s --quiet -o %s", cfg, ref);
    cr_assert_eq(r->status, 2, "an existing directory needs --force: %s", r->err);

    snprintf(args, sizeof args, "infer %s --threads 2 -o %s", cfg, dir);
    kill_after_generations(args, dir, errf, 2);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r %s %s && cp -r %s %s.short", dir, torn, dir, torn);
    cr_assert_eq(system(cmd), 0);

    r = e2e_run("infer %s/manifest.cfg --resume --threads 1", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->err, "coopsim: resuming after generation "), "%s", r->err);
    cr_assert(e2e_same_csvs(ref, dir), "files resumed after SIGKILL differ");
    snprintf(path, sizeof path, "%s/infer_progress.csv", dir);
    cr_assert(!e2e_exists(path), "the checkpoint goes when the inference is complete");

    append(torn, "posterior.csv.part", "7,fair,0,0.0012");
    append(torn, "models.csv.part", "7,fair,0.5,150,1\n");
    append(torn, "infer_progress.csv", "9,123");
    r = e2e_run("infer %s/manifest.cfg --resume --threads 2 --quiet", torn);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(e2e_same_csvs(ref, torn), "files resumed after a torn generation differ");

    /* Damage from outside: a .part file shorter than its checkpoint. */
    snprintf(cmd, sizeof cmd, "truncate -s 100 %s.short/posterior.csv.part", torn);
    cr_assert_eq(system(cmd), 0);
    r = e2e_run("infer %s.short/manifest.cfg --resume --quiet", torn);
    cr_assert_eq(r->status, 1, "%s", r->err);
    cr_assert(strstr(r->err, "shorter than its checkpoint"), "%s", r->err);
    e2e_rmrf(tmp);
}
