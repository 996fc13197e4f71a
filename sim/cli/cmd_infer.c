/* cmd_infer.c: the drivers of `coopsim infer` and `coopsim hypothesis --posterior`
 * (coop_cmd.h): each opens its results directory through output.c (manifest.cfg
 * and the command's files, renamed into place together; nothing left behind on a
 * failure or an interruption), records the run, and lets sim/analysis/infer.c
 * (the sampler and its files) or sim/analysis/infer_hyp.c (the verdicts over the
 * posterior) write into the directory's temporary directory. */
#include "coop_cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include "coop_infer.h"
#include "coop_output.h"

int coop_infer_run(const coop_config *cfg, const coop_run_opts *opts, coop_err *err)
{
    coop_infer *inf = malloc(sizeof *inf);
    if (!inf)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    int st = coop_infer_load(cfg, inf, err);
    if (st) {
        free(inf);
        return st;
    }
    coop_output *out = coop_output_open_bare(opts->dir, cfg, opts->force, err);
    if (!out) {
        free(inf);
        return err->code ? err->code : COOP_EIO;
    }
    coop_run_info info;
    coop_run_info_start(&info, opts->command, coop_experiment_threads(opts->threads));
    info.subcommand = "infer";
    st = coop_infer_write(cfg, inf, opts, coop_output_tmpdir(out), err);
    if (st) {
        coop_output_abort(out);
        if (st == COOP_EINTR)
            COOP_FAIL(err, st, "interrupted: nothing written");
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
