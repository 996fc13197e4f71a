/* output_rows.c: a record's rows of milestones.csv and outcomes.csv, formatted in one
 * place (coop_out_rows) for both of the sink's paths.  With the prepare/commit split
 * (coop_experiment.h) coop_output_prepare formats them into bytes on the thread (and
 * under MPI the rank) that computed the record, and coop_out_commit, in the serial
 * delivery, only checks the record's layout and appends those bytes.  Records whose
 * per-step arrays or snapshots the sink needs (series summary or full,
 * output.snapshots) take output.c's on_replicate, which formats the same rows with
 * coop_out_rows as it delivers them: there coop_output_sink offers no split.
 * Under MPI the split may also write directly (coop_sink_files): commit then
 * only reserves each record's ranges of the two files (running offsets) and the
 * rank that prepared the rows writes them there (sim/experiment/dist_mpi.c). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_output_impl.h"

/* What a prepared record starts with: its layout, as on_replicate checks it (-1
 * where the record and its configuration disagree), and the byte counts of its
 * milestones.csv and outcomes.csv rows, which follow. */
typedef struct rows_head {
    int32_t series, n_steps, n_actors, n_ties, n_obs, n_levels;
    uint32_t len[2];
} rows_head;

static void put_str(coop_bytes *b, const char *s)
{
    coop_bytes_put(b, s, strlen(s));
}

/* A text field as coop_csv_text writes it (quoted when it holds a comma, quote or
 * line break). */
static void put_text(coop_bytes *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        put_str(b, s);
        return;
    }
    coop_bytes_put(b, "\"", 1);
    for (; *s; s++)
        coop_bytes_put(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    coop_bytes_put(b, "\"", 1);
}

static void put_long(coop_bytes *b, long long v)
{
    char buf[24];
    coop_bytes_put(b, buf, coop_fmt_long(buf, v));
}

static void put_num(coop_bytes *b, double x)
{
    char buf[COOP_FMT_G10_MAX];
    coop_bytes_put(b, buf, coop_csv_fmt_num(buf, x));
}

/* milestones.csv: point,world,replicate,a,b,level,step,date for every level a
 * tie reached (key: "point,world,replicate,"). */
static void put_milestones(coop_bytes *b, const coop_bytes *key, const coop_config *cfg,
                           const coop_record *rec)
{
    for (size_t k = 0; k < rec->n_ties; k++)
        for (size_t l = 1; l < rec->n_levels; l++) {
            int step = rec->milestone[k * rec->n_levels + l];
            if (step < 0)
                continue;
            coop_bytes_put(b, key->p, key->n);
            put_text(b, coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, k).a));
            coop_bytes_put(b, ",", 1);
            put_text(b, coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, k).b));
            coop_bytes_put(b, ",", 1);
            put_long(b, (long long)l);
            coop_bytes_put(b, ",", 1);
            put_long(b, step);
            coop_bytes_put(b, ",", 1);
            put_num(b, coop_config_date(cfg, step));
            coop_bytes_put(b, "\n", 1);
        }
}

/* outcomes.csv: point,world,replicate,outcome,value,state: the pooled outcomes
 * (state "all"), then each other state's. */
static void put_outcomes(coop_bytes *b, const coop_bytes *key, const coop_config *cfg,
                         const coop_record *rec)
{
    int state[COOP_MAX_STATES];
    int n_states = coop_outcome_states(cfg, state, COOP_MAX_STATES);
    n_states = n_states < rec->n_states ? n_states : rec->n_states;
    for (int x = -1; x < n_states; x++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            if (x >= 0 && !coop_outcome_per_state(o))
                continue;
            coop_bytes_put(b, key->p, key->n);
            put_str(b, coop_outcome_names[o]);
            coop_bytes_put(b, ",", 1);
            put_num(b, x < 0 ? rec->outcome[o] : rec->state_outcome[x][o]);
            coop_bytes_put(b, ",", 1);
            put_text(b, x < 0 ? "all" : coop_cfg_actor_name(cfg, state[x]));
            coop_bytes_put(b, "\n", 1);
        }
}

int coop_out_rows(const coop_item *it, const coop_record *rec, coop_bytes *out,
                  uint32_t len[2], coop_err *err)
{
    coop_bytes key = {0};
    put_long(&key, it->point);
    coop_bytes_put(&key, ",", 1);
    put_text(&key, it->world_name);
    coop_bytes_put(&key, ",", 1);
    put_long(&key, it->replicate);
    coop_bytes_put(&key, ",", 1);
    size_t start = out->n;
    put_milestones(out, &key, it->cfg, rec);
    len[0] = (uint32_t)(out->n - start);
    put_outcomes(out, &key, it->cfg, rec);
    len[1] = (uint32_t)(out->n - start - len[0]);
    int bad = key.bad || out->bad;
    coop_bytes_free(&key);
    if (bad)
        return COOP_FAIL(err, COOP_ENOMEM, "output: out of memory formatting point %d world %s "
                         "replicate %d", it->point, it->world_name, it->replicate);
    return COOP_OK;
}

int coop_output_prepare(const coop_item *it, const coop_record *rec, coop_bytes *out,
                        coop_err *err)
{
    const coop_config *cfg = it->cfg;
    int agree = rec->n_actors == coop_config_series_actors(cfg) &&
                rec->n_ties == coop_config_series_ties(cfg) &&
                rec->n_obs == cfg->n_observables && !(rec->snap && rec->n_snaps);
    rows_head h = {
        .series = (int32_t)cfg->series,
        .n_steps = agree ? rec->n_steps : -1,
        .n_actors = agree ? (int32_t)rec->n_actors : -1,
        .n_ties = agree ? (int32_t)rec->n_ties : -1,
        .n_obs = agree ? (int32_t)rec->n_obs : -1,
        .n_levels = agree ? (int32_t)rec->n_levels : -1,
    };
    size_t at = out->n;
    coop_bytes_put(out, &h, sizeof h);
    int st = coop_out_rows(it, rec, out, h.len, err);
    if (st)
        return st;
    memcpy(out->p + at, &h, sizeof h);
    return COOP_OK;
}

int coop_out_files(coop_output *out)
{
    static const int file[2] = {F_MILESTONES, F_OUTCOMES};
    coop_sink_files *fs = &out->files;
    memset(fs, 0, sizeof *fs);
    for (int j = 0; j < 2; j++) {
        int k = file[j];
        if (!out->file[k].f)
            return COOP_EINVAL;
        if (!out->files_path[j])
            out->files_path[j] = out->sweep
                ? coop_out_dup_printf("%s/%s.part", out->dir, coop_out_file_name[k])
                : coop_out_dup_printf("%s/%s", out->tmp, coop_out_file_name[k]);
        if (!out->files_path[j])
            return COOP_ENOMEM;
        fs->path[j] = out->files_path[j];
        fs->fd[j] = fileno(out->file[k].f);
    }
    fs->n = 2;
    fs->head = sizeof(rows_head);
    fs->len_at = offsetof(rows_head, len);
    return COOP_OK;
}

off_t coop_out_file_end(coop_output *out, int k)
{
    if (out->placing && (k == F_MILESTONES || k == F_OUTCOMES))
        return out->next[k];
    FILE *f = out->file[k].f;
    return fflush(f) != 0 ? -1 : ftello(f);
}

/* Direct writes begin (on) or end: the running offsets take over from the stdio
 * positions of the two files, or give them back. */
static int set_placing(coop_output *out, int on, coop_err *err)
{
    static const int file[2] = {F_MILESTONES, F_OUTCOMES};
    for (int j = 0; j < 2; j++) {
        int k = file[j];
        FILE *f = out->file[k].f;
        if (on ? fflush(f) != 0 || (out->next[k] = ftello(f)) < 0
               : fseeko(f, out->next[k], SEEK_SET) != 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s: write failed: %s",
                             out->sweep ? out->dir : out->tmp, coop_out_file_name[k],
                             strerror(errno));
    }
    out->placing = on;
    return COOP_OK;
}

/* The head of prepared item p into h, checked against the layout the results
 * directory was opened with (placed: p holds only the head). */
static int check_head(const coop_output *out, const coop_item *it, const coop_prepared *p,
                      int placed, rows_head *h, coop_err *err)
{
    if (p->n_bytes < sizeof *h)
        return COOP_FAIL(err, COOP_EINVAL, "output: point %d world %s replicate %d came "
                         "without its rows", it->point, it->world_name, it->replicate);
    memcpy(h, p->bytes, sizeof *h);
    if (h->series != (int32_t)out->series || h->n_steps != out->n_steps ||
        h->n_actors != (int32_t)out->n_actors || h->n_ties != (int32_t)out->n_ties ||
        h->n_obs != (int32_t)out->n_obs || h->n_levels != (int32_t)out->n_levels ||
        (placed ? p->n_bytes != sizeof *h
                : (size_t)h->len[0] + h->len[1] != p->n_bytes - sizeof *h))
        return COOP_FAIL(err, COOP_EINVAL,
                         "output: point %d world %s replicate %d does not match the layout "
                         "the results directory was opened with", it->point, it->world_name,
                         it->replicate);
    return COOP_OK;
}

int coop_out_commit_run(coop_output *out, const coop_item *first, const coop_run *run,
                        long long *at, coop_err *err)
{
    if (!out->placing && set_placing(out, 1, err))
        return err->code;
    rows_head h;
    coop_prepared head = {.bytes = run->head, .n_bytes = sizeof h};
    if (check_head(out, first, &head, 1, &h, err))
        return err->code;
    at[0] = out->next[F_MILESTONES];
    at[1] = out->next[F_OUTCOMES];
    out->next[F_MILESTONES] += run->total[0];
    out->next[F_OUTCOMES] += run->total[1];
    return COOP_OK;
}

int coop_out_commit(coop_output *out, const coop_item *it, const coop_prepared *p,
                    coop_err *err)
{
    rows_head h;
    if (!p->at != !out->placing && set_placing(out, p->at != NULL, err))
        return err->code;
    if (check_head(out, it, p, p->at != NULL, &h, err))
        return err->code;
    if (p->at) { /* the rows are written where they were prepared */
        p->at[0] = out->next[F_MILESTONES];
        p->at[1] = out->next[F_OUTCOMES];
        out->next[F_MILESTONES] += h.len[0];
        out->next[F_OUTCOMES] += h.len[1];
        return COOP_OK;
    }
    const char *rows = (const char *)p->bytes + sizeof h;
    coop_csv_raw(&out->file[F_MILESTONES], rows, h.len[0]);
    coop_csv_raw(&out->file[F_OUTCOMES], rows + h.len[0], h.len[1]);
    return coop_out_check_all(out, err);
}
