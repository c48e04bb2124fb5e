#include "potentials/potential.h"
const digs_potential_ops digs_potential_manywell32 = {"manywell32", "stub", 0, 0, 0, 0, 0};
