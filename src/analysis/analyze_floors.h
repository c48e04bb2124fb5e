/* Noise floors of the reference metrics (REFERENCE.md §8.10: exact vs
 * exact or reference vs reference, DiKL protocol 2000 vs 2000, 10
 * bootstraps, 200 bins), printed beside the numbers of `digs analyze`. */
#ifndef DIGS_ANALYSIS_ANALYZE_FLOORS_H
#define DIGS_ANALYSIS_ANALYZE_FLOORS_H

typedef struct digs_analyze_floor {
    const char *potential;
    const char *comparison;     /* what was compared, at which n */
    double w2, energy_tvd, distance_tvd;   /* NAN: not tabulated */
    double w2_symmetric;        /* unaligned-W2 floor of a symmetric
                                   sampler (§8.11); NAN if none */
} digs_analyze_floor;

/* The floor row of a potential, or NULL if §8.10 has none. */
const digs_analyze_floor *digs_analyze_floor_of(const char *potential);

#endif
