#include "nn/clip.h"

#include <math.h>

#include "core/status.h"

double nn_grad_norm(const nn_real *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)g[i] * (double)g[i];
    return sqrt(s);
}

int nn_clip_grad_norm(nn_real *g, size_t n, double max_norm, double *norm)
{
    double total = nn_grad_norm(g, n);
    if (norm)
        *norm = total;
    if (!isfinite(total))
        return DIGS_FAIL(DIGS_ERR_NUMERIC,
                         "gradient norm is %g; gradients left unclipped", total);
    double coef = max_norm / (total + 1e-6);
    if (coef < 1.0) {
        const nn_real c = (nn_real)coef;
        for (size_t i = 0; i < n; i++)
            g[i] *= c;
    }
    return DIGS_OK;
}
