EXTRA_DIST += tools/install-deps tools/gen-ziggurat-table.py tools/bench/run-all tools/bench/mala-lj13 tools/bench/openmm-ala2.py tools/bench/mog40-notebook tools/bench/digs-targets
