/* test_wire.c: a worker's block descriptor under direct writes
 * (sim/experiment/dist_wire.c, coop_dist.h).  Blocks of prepared items, built
 * here in coop_engine_prepare's layout, are described and read back: the block's
 * items, one head, the byte counts and the scalars as columns (NaN where an item
 * has fewer states; a column of one value sent once), a segment of scalars per
 * (point, world), none of the per-state ones for a world the sink does not read
 * them of, the run of a part of the block, each item's view as commit sees it;
 * without scalars a block of 256 items costs about 8 bytes an item;
 * items out of order are refused on the worker, damaged or mismatched
 * descriptors on rank 0, and an item whose layout differs is the head sent. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <string.h>

#include "coop_dist.h"

/* The sink of these tests: a head of 16 bytes, {tag, tag, len0, len1}. */
static const coop_sink_files files = {.n = 2, .head = 16, .len_at = 8};

/* Appends item i in coop_engine_prepare's layout: n_states states, scalar value
 * 1000 i + c for scalar c, the head (layout tag) and len0 + len1 bytes of rows. */
static void put_item(coop_bytes *b, long long i, int n_states, int32_t tag, uint32_t len0,
                     uint32_t len1)
{
    size_t nd = COOP_N_OUTCOMES * (size_t)(1 + n_states), n_bytes = 16 + len0 + len1;
    size_t size = 4 * 8 + nd * 8 + (n_bytes + 7) / 8 * 8;
    long long w[4] = {i, n_states, (long long)n_bytes, (long long)size};
    size_t at = b->n;
    cr_assert_eq(coop_bytes_reserve(b, size), 0);
    memset(b->p + at, 'r', size);
    memcpy(b->p + at, w, sizeof w);
    double *d = (double *)(void *)(b->p + at + sizeof w);
    for (size_t c = 0; c < nd; c++)
        d[c] = 1000.0 * (double)i + (double)c;
    int32_t head[4] = {tag, tag, (int32_t)len0, (int32_t)len1};
    memcpy(b->p + at + sizeof w + nd * 8, head, sizeof head);
    b->n += size;
}

/* Items [a, a + n): states 2 but for item a + 1 (1 state), lens (i, 2 i + 1). */
static void put_block(coop_bytes *b, long long a, long long n)
{
    for (long long i = a; i < a + n; i++)
        put_item(b, i, i == a + 1 ? 1 : 2, 7, (uint32_t)i, (uint32_t)(2 * i + 1));
}

/* One world of 1,000 replicates, the sink reading every scalar. */
static const coop_desc_shape one_world = {.replicates = 1000, .n_worlds = 1, .scalars = 1};

Test(desc, round_trip_with_scalars)
{
    coop_bytes items = {0}, msg = {0};
    put_block(&items, 40, 5);
    cr_assert_eq(coop_desc_make(items.p, items.n, 40, 5, &files, &one_world, &msg), COOP_OK);
    coop_desc d;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &one_world, &d), COOP_OK);
    cr_assert_eq(d.a, 40);
    cr_assert_eq(d.n, 5);
    cr_assert_eq(d.n_seg, 1, "one (point, world)");
    cr_assert_eq(d.head_item, 0);
    int32_t tag;
    memcpy(&tag, d.head, sizeof tag);
    cr_assert_eq(tag, 7);
    coop_run all = coop_desc_run(&d, files.n, 0, 5);
    cr_assert_eq(all.n_states, 2, "the segment's states: the most any item has");
    for (int j = 0; j < 5; j++) {
        cr_assert_eq(d.len[0][j], (uint32_t)(40 + j));
        cr_assert_eq(d.len[1][j], (uint32_t)(2 * (40 + j) + 1));
        for (int c = 0; c < COOP_N_OUTCOMES * 3; c++) {
            cr_assert_not(all.constant[c], "every column varies");
            double x = coop_run_scalar(&all, c, j);
            if (j == 1 && c >= COOP_N_OUTCOMES * 2)
                cr_assert(isnan(x), "item 41 has one state: its second is NaN");
            else
                cr_assert_eq(x, 1000.0 * (40 + j) + c);
        }
    }
    /* items 42 .. 44 as a run, and item 43 of it as commit sees it */
    coop_run run = coop_desc_run(&d, files.n, 2, 3);
    cr_assert_eq(run.n, 3);
    cr_assert_eq(run.len[1][0], 85u);
    cr_assert_eq(run.total[0], 42 + 43 + 44);
    cr_assert_eq(run.total[1], 85 + 87 + 89);
    cr_assert_eq(coop_run_scalar(&run, 0, 0), 42000.0);
    cr_assert_eq(coop_run_scalar(&run, 1, 1), 43001.0, "outcome 1 of the run's item 1");
    unsigned char head[COOP_DESC_HEAD_MAX];
    double sc[COOP_N_OUTCOMES * (1 + COOP_MAX_STATES)];
    coop_prepared v;
    cr_assert_eq(coop_run_view(&files, &run, 1, head, sc, &v), COOP_OK);
    uint32_t len[2];
    memcpy(len, v.bytes + files.len_at, sizeof len);
    cr_assert_eq(len[0], 43u);
    cr_assert_eq(len[1], 87u);
    cr_assert_eq(v.n_bytes, 16u);
    cr_assert_eq(v.n_states, 2);
    cr_assert_eq(v.outcome[3], 43003.0);
    cr_assert_eq(v.state_outcome[1][4], 43000.0 + COOP_N_OUTCOMES * 2 + 4);
    coop_bytes_free(&items);
    coop_bytes_free(&msg);
}

Test(desc, without_scalars_a_few_bytes_an_item)
{
    coop_bytes items = {0}, msg = {0};
    coop_desc_shape none = one_world;
    none.scalars = 0;
    put_block(&items, 0, COOP_BLOCK_MAX);
    cr_assert_eq(coop_desc_make(items.p, items.n, 0, COOP_BLOCK_MAX, &files, &none, &msg),
                 COOP_OK);
    cr_assert_eq(msg.n, 8 * 8 + 16 + 2 * 4 * (size_t)COOP_BLOCK_MAX,
                 "words, one head, two byte counts an item: %zu bytes", msg.n);
    coop_desc d;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &none, &d), COOP_OK);
    cr_assert_eq(d.scalars, 0);
    cr_assert_eq(d.len[0][255], 255u);
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &one_world, &d), COOP_EIO,
                 "made without scalars, read by a sink that wants them");
    coop_bytes_free(&items);
    coop_bytes_free(&msg);
}

/* Items [0, n) whose scalar 0 is 5 for all, scalar 1 NaN for all, scalar 2 the
 * item's index; per-state outcomes all 1. */
static void put_constant_block(coop_bytes *b, long long n)
{
    put_block(b, 0, n);
    for (size_t at = 0; at < b->n;) {
        long long w[4];
        memcpy(w, b->p + at, sizeof w);
        double *d = (double *)(void *)(b->p + at + sizeof w);
        d[0] = 5.0;
        d[1] = NAN;
        d[2] = (double)w[0];
        for (int s = 0; s < w[1]; s++)
            for (int o = 0; o < COOP_N_OUTCOMES; o++)
                d[COOP_N_OUTCOMES * (1 + s) + o] = 1.0;
        at += (size_t)w[3];
    }
}

Test(desc, a_constant_column_travels_once)
{
    coop_bytes items = {0}, msg = {0};
    put_constant_block(&items, 100);
    cr_assert_eq(coop_desc_make(items.p, items.n, 0, 100, &files, &one_world, &msg), COOP_OK);
    coop_desc d;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &one_world, &d), COOP_OK);
    /* columns: the outcomes, then 2 states' outcomes; item 1 has one state, so
     * state 1's columns hold NaN for it and 1 for the others: they vary */
    coop_run all = coop_desc_run(&d, files.n, 0, 100);
    int c_const = 0;
    for (int c = 0; c < 3 * COOP_N_OUTCOMES; c++)
        c_const += all.constant[c];
    cr_assert(all.constant[0] && all.constant[1] && !all.constant[2]);
    cr_assert_eq(c_const, 2 + COOP_N_OUTCOMES, "outcomes 0 and 1, and state 0's");
    size_t varying = 3 * COOP_N_OUTCOMES - (size_t)c_const;
    size_t map_bytes = (3 * COOP_N_OUTCOMES + 7) / 8 * 8;
    cr_assert_eq(msg.n, 64 + 16 + 2 * 4 * 100 + 24 + map_bytes + (c_const + varying * 100) * 8,
                 "%zu bytes", msg.n);
    coop_run run = coop_desc_run(&d, files.n, 40, 10);
    cr_assert_eq(coop_run_scalar(&run, 0, 9), 5.0);
    cr_assert(isnan(coop_run_scalar(&run, 1, 3)));
    cr_assert_eq(coop_run_scalar(&run, 2, 3), 43.0);
    cr_assert_eq(coop_run_scalar(&run, COOP_N_OUTCOMES + 4, 7), 1.0);
    /* the view of an item is its own whichever way its columns came */
    unsigned char head[COOP_DESC_HEAD_MAX];
    double sc[COOP_N_OUTCOMES * (1 + COOP_MAX_STATES)];
    coop_prepared v;
    cr_assert_eq(coop_run_view(&files, &run, 2, head, sc, &v), COOP_OK);
    cr_assert_eq(v.outcome[0], 5.0);
    cr_assert_eq(v.outcome[2], 42.0);
    cr_assert_eq(v.state_outcome[1][0], 1.0);
    /* a damaged column map is refused */
    size_t map = 64 + 16 + 2 * 4 * 100 + 24;
    msg.p[map + 2] = 2;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &one_world, &d), COOP_EIO);
    msg.p[map + 2] = 1; /* a varying column marked constant: the size no longer fits */
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &one_world, &d), COOP_EIO);
    coop_bytes_free(&items);
    coop_bytes_free(&msg);
}

/* Block [4, 14) of a plan of 2 worlds x 5 replicates: item 4 ends point 0's
 * world 0, items 5-9 are its world 1, items 10-13 begin point 1's world 0.  A
 * segment each; with state_worlds = 1 world 1's carries no per-state scalars. */
Test(desc, a_segment_per_point_and_world)
{
    coop_bytes items = {0}, msg = {0}, msg_all = {0};
    put_block(&items, 4, 10);
    coop_desc_shape sh = {.replicates = 5, .n_worlds = 2, .state_worlds = 1, .scalars = 1};
    coop_desc_shape all = sh;
    all.state_worlds = 0;
    cr_assert_eq(coop_desc_make(items.p, items.n, 4, 10, &files, &sh, &msg), COOP_OK);
    cr_assert_eq(coop_desc_make(items.p, items.n, 4, 10, &files, &all, &msg_all), COOP_OK);
    size_t map_all = (3 * COOP_N_OUTCOMES + 7) / 8 * 8, map_one = (COOP_N_OUTCOMES + 7) / 8 * 8;
    cr_assert_eq(msg_all.n - msg.n, 5 * 2 * COOP_N_OUTCOMES * 8 + map_all - map_one,
                 "world 1's five items without their 2 states' columns (and map bytes)");
    coop_desc d;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &sh, &d), COOP_OK);
    cr_assert_eq(d.n_seg, 3);
    static const struct { int j0, m, ns; } seg[3] = {{0, 1, 2}, {1, 5, 0}, {6, 4, 2}};
    for (int s = 0; s < 3; s++) {
        coop_run r = coop_desc_run(&d, files.n, seg[s].j0, seg[s].m);
        cr_assert_eq(r.n_states, seg[s].ns, "segment %d", s);
        for (int j = 0; j < seg[s].m; j++)
            cr_assert_eq(coop_run_scalar(&r, 3, j), 1000.0 * (4 + seg[s].j0 + j) + 3);
        cr_assert_eq(r.len[0][0], (uint32_t)(4 + seg[s].j0));
    }
    coop_run r = coop_desc_run(&d, files.n, 7, 3); /* part of a segment */
    cr_assert_eq(coop_run_scalar(&r, 0, 0), 11000.0);
    coop_desc_shape other = sh;
    other.replicates = 4;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &other, &d), COOP_EIO,
                 "segments that do not follow the plan's worlds");
    coop_bytes_free(&items);
    coop_bytes_free(&msg);
    coop_bytes_free(&msg_all);
}

Test(desc, damaged_or_foreign_descriptors_refused)
{
    coop_bytes items = {0}, msg = {0};
    put_block(&items, 3, 4);
    cr_assert_eq(coop_desc_make(items.p, items.n, 3, 4, &files, &one_world, &msg), COOP_OK);
    coop_desc d;
    cr_assert_eq(coop_desc_read(msg.p, msg.n - 8, &files, &one_world, &d), COOP_EIO,
                 "cut short");
    cr_assert_eq(coop_desc_read(msg.p, 40, &files, &one_world, &d), COOP_EIO, "only words");
    coop_sink_files other = files;
    other.n = 1;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &other, &one_world, &d), COOP_EIO, "other files");
    other = files;
    other.head = 24;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &other, &one_world, &d), COOP_EIO,
                 "another head");
    msg.p[0] ^= 1;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &one_world, &d), COOP_EIO,
                 "not a descriptor");
    coop_bytes_free(&items);
    coop_bytes_free(&msg);
}

Test(desc, the_worker_refuses_items_that_are_not_the_block)
{
    coop_bytes items = {0}, msg = {0};
    put_block(&items, 10, 3);
    cr_assert_eq(coop_desc_make(items.p, items.n, 11, 3, &files, &one_world, &msg), COOP_EINVAL,
                 "another first item");
    cr_assert_eq(coop_desc_make(items.p, items.n, 10, 4, &files, &one_world, &msg), COOP_EINVAL,
                 "more items than there are");
    put_item(&items, 14, 2, 7, 1, 1);
    cr_assert_eq(coop_desc_make(items.p, items.n, 10, 4, &files, &one_world, &msg), COOP_EINVAL,
                 "item 13 missing");
    cr_assert_eq(msg.n, 0u);
    coop_bytes_free(&items);
    coop_bytes_free(&msg);
}

Test(desc, an_item_of_another_layout_is_the_head_sent)
{
    coop_bytes items = {0}, msg = {0};
    coop_desc_shape none = one_world;
    none.scalars = 0;
    put_item(&items, 0, 0, 7, 5, 5);
    put_item(&items, 1, 0, 7, 6, 6); /* other byte counts: the same layout */
    put_item(&items, 2, 0, -1, 5, 5);
    put_item(&items, 3, 0, -2, 5, 5);
    cr_assert_eq(coop_desc_make(items.p, items.n, 0, 4, &files, &none, &msg), COOP_OK);
    coop_desc d;
    cr_assert_eq(coop_desc_read(msg.p, msg.n, &files, &none, &d), COOP_OK);
    cr_assert_eq(d.head_item, 2);
    int32_t tag;
    memcpy(&tag, d.head, sizeof tag);
    cr_assert_eq(tag, -1, "rank 0's layout check then fails on it");
    coop_bytes_free(&items);
    coop_bytes_free(&msg);
}
