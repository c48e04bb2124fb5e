#include "samplers/sampler.h"
const digs_sampler_ops digs_sampler_mala = {"mala", "stub", 0, 0, 0, 0, 0};
