#include "driver/run_config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/status.h"

/* [output] checkpoint: a path whose directory exists and is writable, not
 * the trajectory itself. */
static int check_checkpoint_path(digs_deck *deck, const digs_run_config *cfg)
{
    const char *path = cfg->checkpoint;
    if (strcmp(path, cfg->trajectory) == 0)
        return digs_deck_reject(deck, "output", "checkpoint",
                                "expected a file other than the trajectory");
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    char reason[4200];
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(reason, sizeof reason, "directory '%s' does not exist", dir);
        return digs_deck_reject(deck, "output", "checkpoint", reason);
    }
    if (access(dir, W_OK) != 0) {
        snprintf(reason, sizeof reason, "directory '%s' is not writable", dir);
        return digs_deck_reject(deck, "output", "checkpoint", reason);
    }
    return DIGS_OK;
}

/* [output] checkpoint, checkpoint_every and [run] restart. */
static int read_checkpoint_keys(digs_deck *deck, digs_run_config *cfg)
{
    DIGS_CHECK(digs_deck_bool(deck, "run", "restart", "no", &cfg->restart));
    cfg->checkpoint = NULL;
    if (digs_deck_has_key(deck, "output", "checkpoint"))
        DIGS_CHECK(digs_deck_string(deck, "output", "checkpoint", NULL,
                                    &cfg->checkpoint));
    cfg->checkpoint_every = 0;
    if (!cfg->checkpoint) {
        if (digs_deck_has_key(deck, "output", "checkpoint_every")) {
            DIGS_CHECK(digs_deck_long(deck, "output", "checkpoint_every", "0",
                                      0, 4294967295L, &cfg->checkpoint_every));
            return digs_deck_reject(deck, "output", "checkpoint_every",
                                    "expected [output] checkpoint = PATH "
                                    "with it");
        }
        if (cfg->restart)
            return digs_deck_reject(deck, "run", "restart",
                                    "expected [output] checkpoint = PATH "
                                    "to restart from");
        return DIGS_OK;
    }
    DIGS_CHECK(digs_deck_long(deck, "output", "checkpoint_every", NULL, 1,
                              4294967295L, &cfg->checkpoint_every));
    /* A checkpoint falls where the pooled statistics are empty (just
     * exchanged) and no per-chain accept counts are pending (just
     * recorded), so neither needs saving. */
    if (cfg->checkpoint_every % cfg->exchange_every != 0 ||
        cfg->checkpoint_every % cfg->record_every != 0) {
        char reason[256];
        snprintf(reason, sizeof reason,
                 "expected a multiple of both [run] exchange_every = %ld and "
                 "[output] every = %ld",
                 cfg->exchange_every, cfg->record_every);
        return digs_deck_reject(deck, "output", "checkpoint_every", reason);
    }
    return check_checkpoint_path(deck, cfg);
}

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
    DIGS_CHECK(read_checkpoint_keys(deck, cfg));
    return DIGS_OK;
}
