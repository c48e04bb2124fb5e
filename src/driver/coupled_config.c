/* [coupled] (src/driver/coupled_config.h). */
#include <string.h>

#include "core/status.h"
#include "driver/coupled_config.h"
#include "samplers/digs.h"

static const char S[] = "coupled";

/* FILE:LINE of a key for messages (the section header if the key is
 * absent). */
static int line_of(const digs_deck *deck, const char *section,
                   const char *key)
{
    int line = digs_deck_line(deck, section, key);
    return line ? line : digs_deck_line(deck, section, NULL);
}

static int fail_at(const digs_deck *deck, const char *section,
                   const char *key, const char *what)
{
    return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: %s", digs_deck_filename(deck),
                     line_of(deck, section, key), what);
}

/* The chains' sweeps per trainer iteration, and the [run]/[output]
 * intervals that must fall on iteration boundaries (the collective work
 * of the chains happens there, when rank 0 is not inside the networks). */
static int read_rhythm(digs_deck *deck, const digs_run_config *run,
                       const dikl_config *dikl, coupled_config *c)
{
    if (run->sweeps % (uint64_t)dikl->iterations != 0)
        return fail_at(deck, "run", "sweeps",
                       "[run] sweeps must be a multiple of [dikl] iterations "
                       "in a coupled deck (sweeps per iteration = sweeps / "
                       "iterations)");
    long K = (long)(run->sweeps / (uint64_t)dikl->iterations);
    c->sweeps_per_iteration = K;
    struct {
        const char *section, *key;
        long value;
    } every[] = {{"run", "exchange_every", run->exchange_every},
                 {"output", "every", run->record_every},
                 {"output", "checkpoint_every", run->checkpoint_every}};
    for (size_t i = 0; i < sizeof every / sizeof every[0]; i++) {
        if (every[i].value > 0 && every[i].value % K != 0) {
            char what[200];
            snprintf(what, sizeof what,
                     "[%s] %s = %ld must be a multiple of the sweeps per "
                     "iteration (%ld) in a coupled deck",
                     every[i].section, every[i].key, every[i].value, K);
            return fail_at(deck, every[i].section, every[i].key, what);
        }
    }
    return DIGS_OK;
}

/* meet_every: the ranks meet (pool, write, refresh the reference set)
 * every meet_every sweeps, and in between only at the pooling points of
 * the step-size adaptation, checkpoints, re-seeding and the end.  The
 * default is the checkpoint interval, or ten pooling intervals. */
static int read_meetings(digs_deck *deck, const digs_run_config *run,
                         coupled_config *c)
{
    long K = c->sweeps_per_iteration;
    long step = run->exchange_every > run->record_every ? run->exchange_every
                                                        : run->record_every;
    long fallback = run->checkpoint_every > 0 ? run->checkpoint_every
                                              : 10 * step;
    char text[32];
    snprintf(text, sizeof text, "%ld", fallback);
    DIGS_CHECK(digs_deck_long(deck, S, "meet_every", text, 1, 4294967295L,
                              &c->meet_every));
    if (c->meet_every % K != 0) {
        char what[200];
        snprintf(what, sizeof what,
                 "meet_every = %ld must be a multiple of the sweeps per "
                 "iteration (%ld)",
                 c->meet_every, K);
        return fail_at(deck, S, "meet_every", what);
    }
    return DIGS_OK;
}

int coupled_config_read(digs_deck *deck, const digs_run_config *run,
                        const digs_sampler *sampler, const dikl_config *dikl,
                        coupled_config *c)
{
    memset(c, 0, sizeof *c);
    DIGS_CHECK(read_rhythm(deck, run, dikl, c));
    DIGS_CHECK(read_meetings(deck, run, c));
    DIGS_CHECK(digs_deck_double(deck, S, "rank0_chains", "0.5", 0.0, 1.0,
                                &c->rank0_share));
    DIGS_CHECK(digs_deck_bool(deck, S, "balance", "yes", &c->balance));
    DIGS_CHECK(digs_deck_bool(deck, S, "step_sizes", "no", &c->step_sizes));
    DIGS_CHECK(digs_deck_bool(deck, S, "feedback", "no", &c->feedback));
    DIGS_CHECK(digs_deck_bool(deck, S, "reference", "no", &c->reference));
    DIGS_CHECK(digs_deck_bool(deck, S, "posterior_pool", "no",
                              &c->posterior_pool));
    DIGS_CHECK(digs_deck_long(deck, S, "reference_records", "10", 1, 100000,
                              &c->reference_records));
    DIGS_CHECK(digs_deck_long(deck, S, "chains_from_generator", "0", 0,
                              dikl->iterations, &c->chains_from_generator));
    DIGS_CHECK(digs_deck_long(deck, S, "sample_every", "0", 0, 1000000000L,
                              &c->sample_every));
    DIGS_CHECK(digs_deck_long(deck, S, "sample_size", "1000", 1, 10000000,
                              &c->sample_size));

    digs_level_info levels;
    int is_digs = strcmp(sampler->ops->name, "digs") == 0
                  && digs_sampler_digs_levels(sampler, &levels) == DIGS_OK;
    if ((c->step_sizes || c->feedback) && !(is_digs && levels.inner_mala))
        return fail_at(deck, S, c->step_sizes ? "step_sizes" : "feedback",
                       "step_sizes and feedback need [run] method = digs "
                       "with MALA as its inner sampler");
    if ((c->step_sizes || c->feedback) && !dikl->step_per_level)
        return fail_at(deck, S, c->step_sizes ? "step_sizes" : "feedback",
                       "step_sizes and feedback need [dikl] step_per_level "
                       "= yes");
    if (c->reference != (dikl->selection == DIKL_SELECT_REFERENCE))
        return fail_at(deck, S, "reference",
                       "[coupled] reference = yes and [dikl] selection = "
                       "reference go together");
    if (c->posterior_pool && dikl->pool_moves <= 0)
        return fail_at(deck, S, "posterior_pool",
                       "posterior_pool = yes needs [dikl] pool_moves > 0");
    if ((c->reference || c->posterior_pool) && run->record_every <= 0)
        return fail_at(deck, "output", "every",
                       "the reference set is taken from recorded frames: "
                       "set [output] every");
    return DIGS_OK;
}
