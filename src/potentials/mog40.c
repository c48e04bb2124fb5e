#include "potentials/potential.h"
const digs_potential_ops digs_potential_mog40 = {"mog40", "stub", 0, 0, 0, 0, 0};
