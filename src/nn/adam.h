/* Adam (Kingma & Ba 2015) with PyTorch's update (torch.optim.Adam,
 * no weight decay, no amsgrad), as DiKL uses it (REFERENCE.md §6.2):
 *
 *   m ← β1 m + (1−β1) g,   v ← β2 v + (1−β2) g²,   t ← t + 1
 *   θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 *
 * The moments are flat arrays parallel to a registry's value/grad. */
#ifndef DIGS_NN_ADAM_H
#define DIGS_NN_ADAM_H

#include <stddef.h>

#include "nn/params.h"

typedef struct nn_adam {
    size_t n;          /* parameters covered (registry n at creation) */
    nn_real *m, *v;    /* first and second moments [n] */
    long step;         /* steps taken (t) */
    double lr, beta1, beta2, eps;
} nn_adam;

/* Moments for the registry's n parameters, zeroed; β = (0.9, 0.999),
 * ε = 1e-8 (§6.2). */
int nn_adam_init(nn_adam *a, const nn_params *p, double lr);

void nn_adam_free(nn_adam *a);

/* One update of p->value from p->grad.  Fails (DIGS_ERR_INTERNAL) if the
 * registry grew since nn_adam_init. */
int nn_adam_step(nn_adam *a, nn_params *p);

#endif
