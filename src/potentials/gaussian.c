#include "potentials/potential.h"
const digs_potential_ops digs_potential_gaussian = {"gaussian", "stub", 0, 0, 0, 0, 0};
