#!/bin/sh
# `digs analyze --group generator` on a file holding the DiGS chains and
# the DiKL generator's sample sets (io/h5md.h digs_h5md_add_group), written
# by tests/io/test_h5md_group with known values: 7 sets of 4 samples of a
# 3-D Gaussian deck, energy of sample i of set g = 3 g + i / 4 - 7, set g
# at trainer iteration 100 (g + 1).  Checked through --json:
#   - the mean energy of all sets, 3 * 3 + 0.375 - 7 = 2.375, and with
#     --burn-in 2 (sets 2..6), 3 * 4 + 0.375 - 7 = 5.375; the values are
#     exact binary fractions and the pooled sum of 28 of them is exact, so
#     the tolerance is 1e-12 (rounding of the JSON text only);
#   - the sd of all sets, sqrt(sum (e - mean)^2 / 27) from the closed form;
#   - the independent-sample SE = sd / sqrt(28), no IAT;
#   - the layout numbers (4 samples, 7 sets, iterations 100..700);
#   - --ref exact runs on the sets (W2 and energy TVD come out finite);
#   - the default group (chains) gives the same statistics as the same
#     chains in a file without the generator group.
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
check() { "$PYTHON" "$top_srcdir/tests/analysis/test_analyze_check.py" "$@"; }
DIGS_TEST_H5MD_GROUP_OUT="$work/two.h5" "$top_builddir/tests/io/test_h5md_group" \
  > write.log || { cat write.log; fail "writing the two-group file"; }

"$DIGS" analyze two.h5 --group generator --json gen.json > gen.txt
cat gen.txt
grep -q 'group generator: 7 sample sets x 4 samples = 28 frames (steps 100..700' gen.txt ||
  fail "no sample-set line"
grep -q 'independent samples' gen.txt || fail "no independent-samples note"
sd=$("$PYTHON" -c "
import math
e = [3 * g + i / 4 - 7 for g in range(7) for i in range(4)]
m = sum(e) / 28
print(repr(math.sqrt(sum((x - m) ** 2 for x in e) / 27)))")
se=$("$PYTHON" -c "import math; print(repr($sd / math.sqrt(28)))")
range() { "$PYTHON" -c "print(repr($1 - 1e-12 * max(1, abs($1))), repr($1 + 1e-12 * max(1, abs($1))))"; }
check gen.json run.chains 4 4 run.records 7 7 run.frames 28 28 \
  run.first_sweep 100 100 run.last_sweep 700 700 \
  statistics.potential_energy.mean $(range 2.375) \
  statistics.potential_energy.sd $(range "$sd") \
  statistics.potential_energy.se $(range "$se")
"$PYTHON" - gen.json <<'PY' || fail "gen.json: sample-set fields"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["statistics"]["potential_energy"]
assert d["run"]["sample_sets"] is True and d["run"]["group"] == "generator", d["run"]
assert e["se_method"] == "independent" and e["iat"] is None and e["ess"] is None, e
assert "acceptance" not in d["statistics"], d["statistics"].keys()
PY

"$DIGS" analyze two.h5 --group generator --burn-in 2 --json burn.json > burn.txt
check burn.json run.records 5 5 run.burn_in 2 2 run.first_sweep 300 300 \
  statistics.potential_energy.mean $(range 5.375)

"$DIGS" analyze two.h5 --group generator --ref exact --ref-samples 400 \
  --bootstrap 2 --subset 20 --json ref.json > ref.txt
check ref.json metrics.w2.mean 0 1e300 metrics.energy_tvd.mean 0 1

# the chains are read as before: same statistics with and without the sets
"$DIGS" analyze two.h5 --json chains.json > chains.txt
"$DIGS" analyze two.h5.plain.h5 --json plain.json > plain.txt
check chains.json run.chains 3 3 run.records 5 5
"$PYTHON" - chains.json plain.json <<'PY' || fail "chains differ with the generator group present"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    del d["run"]["file"]
assert a["run"] == b["run"] and a["run"]["sample_sets"] is False, (a["run"], b["run"])
assert a["statistics"] == b["statistics"], "statistics differ"
PY
expect_error no-set-energy 'no dataset /particles/generator/nothing/value' \
  "$DIGS" analyze two.h5 --group generator --observable nothing
echo "ok: digs analyze --group generator"
