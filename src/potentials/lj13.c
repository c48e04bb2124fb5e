#include "potentials/potential.h"
const digs_potential_ops digs_potential_lj13 = {"lj13", "stub", 0, 0, 0, 0, 0};
