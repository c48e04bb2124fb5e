/* Parameters and Adam moments to and from HDF5 (serial API).
 *
 * The caller passes an open file or group `loc` (rank 0 only, serial
 * access with H5P_DEFAULT works on the parallel HDF5 build) and a group
 * path below it (intermediate groups are created on write).  Layout:
 *
 *   <group>            attributes format = "digs-nn-params 1",
 *                      real ("float"/"double"), n_params, n_buffers,
 *                      n_tensors
 *   <group>/<tensor>   one dataset per tensor, PyTorch shape (weight
 *                      [out][in], bias [out]); attributes layer (string),
 *                      shape (int64[ndim]), trainable (0/1).  Frozen
 *                      buffers are stored too.
 *   <adam group>       attributes format = "digs-nn-adam 1", step, lr,
 *                      beta1, beta2, eps, n_params
 *   <adam group>/m/<tensor>, <adam group>/v/<tensor>  (trainable tensors)
 *
 * Reading checks every tensor's presence and shape (and the tensor
 * count) before it changes anything, and fails with one line naming the
 * file, the dataset and both shapes.  Values round-trip bit for bit. */
#ifndef DIGS_NN_PARAMS_IO_H
#define DIGS_NN_PARAMS_IO_H

#include <hdf5.h>

#include "nn/adam.h"
#include "nn/params.h"

/* Create group `group` under loc and write every tensor of p into it. */
int nn_params_write(const nn_params *p, hid_t loc, const char *group);

/* Read group `group` under loc into p (values and buffers).  p must
 * already hold the same architecture (same tensor names and shapes). */
int nn_params_read(nn_params *p, hid_t loc, const char *group);

/* Create group `group` under loc with Adam's moments and state. */
int nn_adam_write(const nn_adam *a, const nn_params *p, hid_t loc,
                  const char *group);

/* Read Adam's moments, step and hyperparameters from `group`; a must have
 * been initialised on p. */
int nn_adam_read(nn_adam *a, const nn_params *p, hid_t loc,
                 const char *group);

#endif
