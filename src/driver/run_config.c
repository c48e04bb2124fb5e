#include "driver/run_config.h"

#include "core/status.h"

int digs_run_config_read(digs_deck *deck, const digs_potential *pot,
                         digs_run_config *cfg)
{
    DIGS_CHECK(digs_deck_long(deck, "run", "chains", NULL, 1, 100000000L,
                              &cfg->chains));
    long sweeps;
    DIGS_CHECK(digs_deck_long(deck, "run", "sweeps", NULL, 1, 4294967295L,
                              &sweeps));
    cfg->sweeps = (uint64_t)sweeps;
    long seed;
    DIGS_CHECK(digs_deck_long(deck, "run", "seed", "1", 0, 4294967295L, &seed));
    cfg->seed = (uint32_t)seed;
    static const char *const inits[] = {"auto", "start", "zeros", "normal",
                                        "exact", NULL};
    DIGS_CHECK(digs_deck_choice(deck, "run", "init", "auto", inits,
                                &cfg->init));
    if (cfg->init == DIGS_INIT_START && !pot->ops->start_position)
        return digs_deck_reject(deck, "run", "init",
                                "this potential has no start configuration; "
                                "expected zeros, normal or exact");
    if (cfg->init == DIGS_INIT_EXACT && !pot->ops->sample_exact)
        return digs_deck_reject(deck, "run", "init",
                                "this potential has no exact sampler; "
                                "expected start, zeros or normal");
    DIGS_CHECK(digs_deck_double(deck, "run", "init_scale", "1", 0, 1e6,
                                &cfg->init_scale));
    DIGS_CHECK(digs_deck_long(deck, "run", "exchange_every", "100", 1,
                              1000000000L, &cfg->exchange_every));
    DIGS_CHECK(digs_deck_double(deck, "run", "progress_every", "10", 0.01,
                                1e6, &cfg->progress_every));

    DIGS_CHECK(digs_deck_string(deck, "output", "trajectory", NULL,
                                &cfg->trajectory));
    DIGS_CHECK(digs_deck_string(deck, "output", "group", "chains",
                                &cfg->group));
    DIGS_CHECK(digs_deck_long(deck, "output", "every", "1", 1, 4294967295L,
                              &cfg->record_every));
    DIGS_CHECK(digs_deck_long(deck, "output", "buffer", "0", 0, 1000000L,
                              &cfg->buffer_records));
    if (cfg->buffer_records == 0) {
        /* About 4 MiB of positions per rank per write, at least one
         * record: few large collective writes keep I/O off the profile. */
        double bytes = 8.0 * pot->dim * (double)cfg->chains;
        long records = (long)(4.0 * 1024 * 1024 / (bytes > 1 ? bytes : 1));
        cfg->buffer_records = records < 1 ? 1 : records > 4096 ? 4096 : records;
    }
    return DIGS_OK;
}
