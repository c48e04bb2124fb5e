#!/bin/sh
# The generator pass split over the ranks (src/dikl/generator_phase.c,
# [dikl] generator_chunks = K > 1):
#  1. it computes the same step: after one iteration with no score steps
#     from the same initial weights, K = 4 and K = 1 (rank 0 alone, the
#     whole batch) give generators that differ only by the rounding of the
#     gradient sum (the bounds of test_score_chunks.sh: Adam's first step
#     moves a parameter by at most lr = 1e-3, two float32 sums of the same
#     terms by ~1e-7·lr, a wrong chunk by O(lr); its first moment 0.1·g
#     within 1e-5 of its largest entry), and the same surrogate loss
#     within 1e-6 relative (BLAS may round a chunk's rows of s_φ in float
#     differently from the whole batch's, ~1e-7 per term; a wrong chunk
#     moves the loss by O(1/K)).
#  2. rank-count invariance: K = 3 on 1, 2 and 3 ranks (3 chunks over 2
#     ranks: uneven, rank 0 keeps two forwards) and K = 2 on 3 ranks (a
#     rank with no chunk) write identical networks, moving average, Adam
#     states and curves (h5diff, bit for bit), with model selection on.
#  3. exact restart across rank counts: 2 iterations on 3 ranks, then
#     --restart to 4 on 2 ranks, equals 4 straight.
#  4. deck errors: K = 0, and K > 1 without score_chunks > 1, name the
#     file and line.
. "$top_srcdir/tests/driver/common.sh"
. "$top_srcdir/tests/dikl/networks.sh"
cd "$work"
export OPENBLAS_NUM_THREADS=1

gaussian_deck 0 "score_chunks = 2" > one.ini
gaussian_deck 0 "score_chunks = 2" "generator_chunks = 4" | sed "s/k1.h5/k4.h5/" > four.ini
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run one.ini > k1.out
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run four.ini > k4.out
close_first_step k1.h5 k4.h5 generator "generator_chunks = 4" 1e-6

dw4_deck "score_chunks = 2" "generator_chunks = 3" > dw4.ini
ranks_and_restart dw4.ini "generator_chunks = 3"
sed "s/np1.h5/two1.h5/; s/^generator_chunks = 3/generator_chunks = 2/" dw4.ini > two1.ini
sed "s/np1.h5/two3.h5/; s/^generator_chunks = 3/generator_chunks = 2/" dw4.ini > two3.ini
"$MPIRUN" -np 1 "$DIGS" run two1.ini > two1.out
"$MPIRUN" --oversubscribe -np 3 "$DIGS" run two3.ini > two3.out
same_networks two1.h5 two3.h5 "generator_chunks = 2: ranks 1 vs 3"
echo "ok: generator_chunks = 2: rank invariance 1 vs 3 (one rank without a chunk)"

printf '[system]\npotential = dw4\n[dikl]\niterations = 2\nbatch = 8\nscore_chunks = 2\ngenerator_chunks = 0\n' > zero.ini
expect_error zero "zero.ini:7" "$DIGS" run zero.ini
printf '[system]\npotential = dw4\n[dikl]\niterations = 2\nbatch = 8\ngenerator_chunks = 2\n' > alone.ini
expect_error alone "alone.ini:6" "$DIGS" run alone.ini
grep -q "score_chunks > 1" alone.err || { cat alone.err; fail "generator_chunks without score_chunks: reason not given"; }
