/* Placeholder until the pt sampler lands. */
#include "samplers/sampler.h"
const digs_sampler_ops digs_sampler_pt = {.name = "pt", .summary = "(not yet available)"};
