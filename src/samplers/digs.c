/* Placeholder until the digs sampler lands. */
#include "samplers/sampler.h"
const digs_sampler_ops digs_sampler_digs = {.name = "digs", .summary = "(not yet available)"};
