"""Range checks on the JSON of `digs analyze --json` (tests/analysis).

usage: test_analyze_check.py FILE.json PATH MIN MAX [PATH MIN MAX ...]

PATH is a dotted key path (list items by index, e.g. manywell32.run.p.3).
Each value must be a number in [MIN, MAX]; MIN or MAX may be '-' for no
bound.  Prints every checked value; exits 1 on the first violation.
"""
import json
import sys


def lookup(doc, path):
    node = doc
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def main(argv):
    if len(argv) < 5 or (len(argv) - 2) % 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        doc = json.load(f)
    for k in range(2, len(argv), 3):
        path, lo, hi = argv[k:k + 3]
        try:
            value = lookup(doc, path)
        except (KeyError, IndexError, TypeError):
            print(f"FAIL: {argv[1]}: no {path}")
            return 1
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = ok and (lo == "-" or value >= float(lo))
        ok = ok and (hi == "-" or value <= float(hi))
        print(f"{'ok' if ok else 'FAIL'}: {path} = {value} (expected [{lo}, {hi}])")
        if not ok:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
