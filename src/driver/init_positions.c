#include "driver/init_positions.h"

#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/status.h"

int digs_init_positions(const digs_run_config *cfg, const digs_potential *pot,
                        digs_chains *chains)
{
    int kind = cfg->init;
    if (kind == DIGS_INIT_AUTO)
        kind = pot->ops->start_position ? DIGS_INIT_START : DIGS_INIT_NORMAL;
    int d = pot->dim;
    if (kind == DIGS_INIT_START && chains->n > 0) {
        DIGS_CHECK(pot->ops->start_position(pot, chains->x));
        for (int i = 1; i < chains->n; i++)
            memcpy(chains->x + (size_t)i * d, chains->x, sizeof(double) * d);
    }
    for (int i = 0; i < chains->n; i++) {
        double *x = chains->x + (size_t)i * d;
        digs_stream s;
        digs_stream_init(&s, cfg->seed, (uint64_t)(chains->first + i), 0,
                         DIGS_RNG_INIT, 0);
        switch (kind) {
        case DIGS_INIT_ZEROS:
            memset(x, 0, sizeof(double) * d);
            break;
        case DIGS_INIT_NORMAL:
            for (int k = 0; k < d; k++)
                x[k] = cfg->init_scale * digs_stream_normal(&s);
            if (pot->translation_invariant)
                digs_potential_centre(pot, x);
            break;
        case DIGS_INIT_EXACT:
            pot->ops->sample_exact(pot, &s, x);
            break;
        default:
            break;
        }
    }
    return DIGS_OK;
}
