#include "driver/progress.h"

void digs_progress_init(digs_progress *p, FILE *out, double interval,
                        uint64_t first, uint64_t total, double now)
{
    p->first = first;
    p->out = out;
    p->start = now;
    p->last = now;
    p->interval = interval;
    p->total = total;
}

void digs_progress_update(digs_progress *p, uint64_t done, double now,
                          int n_levels, const char *const *names,
                          const double *acceptance)
{
    if (!p->out || (now - p->last < p->interval && done < p->total))
        return;
    p->last = now;
    double elapsed = now - p->start;
    double rate = elapsed > 0 ? (double)(done - p->first) / elapsed : 0.0;
    double eta = rate > 0 ? (double)(p->total - done) / rate : 0.0;
    fprintf(p->out, "[%5.1f%%] sweep %llu/%llu  %.1f sweeps/s  ETA %.1f s",
            100.0 * (double)done / (double)p->total, (unsigned long long)done,
            (unsigned long long)p->total, rate, eta);
    if (n_levels > 0) {
        fprintf(p->out, "  acc");
        for (int i = 0; i < n_levels; i++)
            fprintf(p->out, " %s %.3f", names[i], acceptance[i]);
    }
    fputc('\n', p->out);
    fflush(p->out);
}
