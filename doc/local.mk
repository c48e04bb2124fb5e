# (doc/analysis.md is listed by src/analysis/analyze.mk, doc/forcefield-formats.md
# by forcefields/local.mk.)
dist_doc_DATA += doc/deck.md doc/user-guide.md doc/file-formats.md \
	doc/dependencies.md doc/benchmarks.md doc/pt.md doc/digs.md doc/checkpoint.md \
	doc/scaling.md doc/design.md doc/dikl.md doc/coupled.md
