/* cmd_infer.c: the drivers of `coopsim infer` and `coopsim hypothesis --posterior`
 * (coop_cmd.h): each opens its results directory through output.c (manifest.cfg
 * and the command's files, renamed into place together; nothing left behind on a
 * failure; on SIGINT or SIGTERM an inference puts its complete generations in
 * place for --resume), records the run, and lets sim/analysis/infer.c
 * (the sampler and its files) or sim/analysis/infer_hyp.c (the verdicts over the
 * posterior) write into the directory's temporary directory. */
#include "coop_cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include "coop_drive.h"
#include "coop_infer.h"
#include "coop_output.h"

/* The interrupted inference in out's directory: the three files of complete
 * generations become NAME.part, the partial summary files go, and the directory is
 * put in place with status "interrupted" (docs/OUTPUT.md). */
static int put_interrupted(coop_output *out, coop_run_info *info, const coop_run_opts *opts,
                           coop_err *err)
{
    static const char *const keep[] = {"posterior.csv", "generations.csv", "models.csv"};
    static const char *const drop[] = {"infer_summary.csv", "predictive.csv"};
    const char *tmp = coop_output_tmpdir(out);
    char a[COOP_PATH_MAX + 64], b[COOP_PATH_MAX + 72];
    for (int i = 0; i < 2; i++) {
        snprintf(a, sizeof a, "%s/%s", tmp, drop[i]);
        remove(a);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/%s", tmp, keep[i]);
        snprintf(b, sizeof b, "%s.part", a);
        if (rename(a, b) != 0) {
            coop_output_abort(out);
            return COOP_FAIL(err, COOP_EIO, "interrupted, and cannot keep %s: nothing written",
                             a);
        }
    }
    coop_run_info_finish(info, "interrupted");
    int st = coop_output_close(out, info, err);
    if (st)
        return st;
    return COOP_FAIL(err, COOP_EINTR, "interrupted by %s; the complete generations are written "
                     "to %s/; finish the inference with: coopsim infer %s/manifest.cfg --resume",
                     coop_drive_signal_name(opts->stop ? *opts->stop : 0), opts->dir, opts->dir);
}

/* With --resume: what opts->dir holds (coop_output_resume_state). */
static int resume_state(const coop_config *cfg, const coop_run_opts *opts,
                        coop_resume_state *state, coop_err *err)
{
    *state = COOP_RESUME_FRESH;
    if (opts->force && opts->resume)
        return COOP_FAIL(err, COOP_ECONFIG, "--force and --resume exclude each other (--force "
                         "starts the inference afresh)");
    return opts->resume ? coop_output_resume_state(opts->dir, cfg, "infer", state, err)
                        : COOP_OK;
}

int coop_infer_run(const coop_config *cfg, const coop_run_opts *opts, coop_err *err)
{
    coop_resume_state state;
    int st = resume_state(cfg, opts, &state, err);
    if (st)
        return st;
    if (state == COOP_RESUME_COMPLETE) {
        if (!opts->quiet)
            fprintf(stderr, "coopsim: %s: the inference is complete: nothing to resume\n",
                    opts->dir);
        return COOP_OK;
    }
    coop_infer *inf = malloc(sizeof *inf);
    if (!inf)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    if ((st = coop_infer_load(cfg, inf, err))) {
        free(inf);
        return st;
    }
    int resume = state == COOP_RESUME_INTERRUPTED;
    coop_output *out = coop_output_open_bare(opts->dir, cfg, opts->force || resume, err);
    if (!out) {
        free(inf);
        return err->code ? err->code : COOP_EIO;
    }
    coop_run_info info;
    coop_run_info_start(&info, opts->command, coop_experiment_threads(opts->threads));
    info.subcommand = "infer";
    st = coop_infer_write(cfg, inf, opts, coop_output_tmpdir(out), resume ? opts->dir : NULL,
                          err);
    if (st == COOP_EINTR) {
        st = put_interrupted(out, &info, opts, err);
    } else if (st) {
        coop_output_abort(out);
    } else {
        coop_run_info_finish(&info, "complete");
        st = coop_output_close(out, &info, err);
    }
    if (!st && !opts->quiet)
        fprintf(stderr, "coopsim: inference of '%s' written to %s/\n", cfg->name, opts->dir);
    free(inf);
    return st;
}

int coop_infer_hypothesis(const coop_config *cfg, const char *post_dir, const coop_run_opts *opts,
                          coop_err *err)
{
    if (cfg->hyp.motivator < 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: no hypothesis.motivator: nothing to test",
                         cfg->source);
    coop_infer_draws *d = coop_infer_draws_read(post_dir, cfg, err);
    int st = d ? COOP_OK : err->code ? err->code : COOP_ENOMEM;
    coop_output *out = st ? NULL : coop_output_open_bare(opts->dir, cfg, opts->force, err);
    if (!st && !out)
        st = err->code ? err->code : COOP_EIO;
    coop_run_info info;
    int threads = coop_experiment_threads(opts->threads);
    coop_run_info_start(&info, opts->command, threads);
    info.subcommand = "hypothesis";
    if (!st)
        st = coop_infer_hypothesis_write(cfg, d, threads, post_dir, coop_output_tmpdir(out),
                                         opts->table, err);
    if (st)
        coop_output_abort(out);
    else {
        coop_run_info_finish(&info, "complete");
        st = coop_output_close(out, &info, err);
    }
    coop_infer_draws_free(d);
    return st;
}
