/* Stage-B step-size adaptation (contract in step_size.h). */
#include "dikl/step_size.h"

#include <math.h>

/* §6.5 (`dynamic_step_size`): ×1.5 above 0.6 acceptance, ÷1.5 below 0.5. */
double dikl_step_adapt(double eta, double acceptance)
{
    if (!isfinite(acceptance))
        return eta;
    if (acceptance > 0.6)
        return eta * 1.5;
    if (acceptance < 0.5)
        return eta / 1.5;
    return eta;
}

void dikl_step_adapt_levels(double *eta, const int64_t *accepted,
                            const int64_t *proposed, int n_levels)
{
    for (int l = 0; l < n_levels; l++)
        if (proposed[l] > 0)
            eta[l] = dikl_step_adapt(eta[l], (double)accepted[l]
                                                 / (double)proposed[l]);
}
