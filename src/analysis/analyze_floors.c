/* Noise floors, REFERENCE.md §8.10 (first row of each target) and §8.11. */
#include "analysis/analyze_floors.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

static const digs_analyze_floor floors[] = {
    {"dw4", "DW-4 val vs test split, 2000 vs 2000", 1.453, 0.150, 0.059,
     1.86},
    {"lj13", "LJ-13 val vs test split, 2000 vs 2000", 3.116, 0.146, 0.0134,
     4.2},
    {"mog40", "exact vs exact, 1000 vs 1000", 4.90, 0.183, NAN, NAN},
    {"manywell32", "exact vs exact, 2000 vs 2000", 5.408, 0.149, NAN, NAN},
};

const digs_analyze_floor *digs_analyze_floor_of(const char *potential)
{
    for (size_t k = 0; k < sizeof floors / sizeof floors[0]; k++)
        if (!strcmp(floors[k].potential, potential))
            return &floors[k];
    return NULL;
}
