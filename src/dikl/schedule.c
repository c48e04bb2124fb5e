#include <math.h>

#include "core/status.h"
#include "dikl/schedule.h"

int dikl_schedule_init(dikl_schedule *s, int T, double beta_start,
                       double beta_end)
{
    if (T < 2 || T > DIKL_T_MAX)
        return DIGS_FAIL(DIGS_ERR_INPUT, "DiKL schedule: T = %d, expected 2..%d", T,
                  (int)DIKL_T_MAX);
    if (!(beta_start > 0 && beta_start <= beta_end && beta_end < 1))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                  "DiKL schedule: beta %g -> %g, expected 0 < start <= end < 1",
                  beta_start, beta_end);
    s->T = T;
    s->beta_start = beta_start;
    s->beta_end = beta_end;
    double abar = 1;
    for (int i = 0; i < T; i++) {
        double beta = beta_start + (beta_end - beta_start) * i / (T - 1);
        abar *= 1 - beta;
        s->a[i] = sqrt(abar);
        s->sigma[i] = sqrt(1 - abar);
    }
    return DIGS_OK;
}

int dikl_lowest_level(long warmup, long iteration, int T)
{
    if (warmup <= 0 || iteration >= warmup)
        return 1;
    return 1 + (int)((long long)(T - 2) * (warmup - iteration) / warmup);
}

int dikl_highest_level(int cap, long from, long iteration, int T)
{
    return cap > 0 && iteration >= from ? cap : T - 1;
}
