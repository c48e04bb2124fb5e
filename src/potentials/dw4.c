#include "potentials/potential.h"
const digs_potential_ops digs_potential_dw4 = {"dw4", "stub", 0, 0, 0, 0, 0};
