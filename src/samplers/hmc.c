#include "samplers/sampler.h"
const digs_sampler_ops digs_sampler_hmc = {"hmc", "stub", 0, 0, 0, 0, 0};
