#!/bin/sh
# The data-parallel score phase (src/dikl/score_phase.c, [dikl]
# score_chunks = K > 1):
#  1. it computes the same step: after one iteration with one score step
#     from the same initial weights, K = 4 and K = 1 (rank 0 alone, the
#     whole batch) give score networks that differ only by the rounding of
#     the gradient sum.  Adam's first step is lr·g/(|g| + 1e-8), so a
#     parameter moves by at most lr = 1e-3 and two float32 sums of the same
#     terms move it by ~1e-7·lr; a wrong chunk (a row dropped or counted
#     twice, a 1/B of the chunk instead of the batch) changes g by O(1/K)
#     and moves some parameter by O(lr).  Bound: 1e-3·lr.  Adam's step
#     does not see a common scale of g, so its first moment (0.1·g) is
#     compared too: within 1e-5 of its largest entry (float32 sums of 64
#     rows: ~1e-6 relative).
#  2. rank-count invariance: K = 3 on 1, 2 and 3 ranks (3 chunks over 2
#     ranks: uneven) writes identical networks, moving average and Adam
#     states (h5diff, bit for bit), with model selection on.
#  3. exact restart across rank counts: 2 iterations on 3 ranks, then
#     --restart to 4 on 2 ranks, equals 4 straight (the restarted ranks get
#     rank 0's score network and its Adam state).
#  4. deck errors: K = 0 and K > batch name the file and line.
. "$top_srcdir/tests/driver/common.sh"
. "$top_srcdir/tests/dikl/networks.sh"
cd "$work"
export OPENBLAS_NUM_THREADS=1

gaussian_deck 1 > one.ini
gaussian_deck 1 "score_chunks = 4" | sed "s/k1.h5/k4.h5/" > four.ini
"$MPIRUN" -np 1 "$DIGS" run one.ini > k1.out
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run four.ini > k4.out
close_first_step k1.h5 k4.h5 score "score_chunks = 4"

dw4_deck "score_chunks = 3" > dw4.ini
ranks_and_restart dw4.ini "score_chunks = 3"

printf '[system]\npotential = dw4\n[dikl]\niterations = 2\nbatch = 8\nscore_chunks = 0\n' > zero.ini
expect_error zero "zero.ini:6" "$DIGS" run zero.ini
printf '[system]\npotential = dw4\n[dikl]\niterations = 2\nbatch = 8\nscore_chunks = 9\n' > many.ini
expect_error many "many.ini:6" "$DIGS" run many.ini
