dist_inputs_DATA += \
	inputs/default.ini \
	inputs/mog40-mala.ini inputs/mog40-hmc.ini inputs/mog40-pt.ini \
	inputs/manywell32-mala.ini inputs/manywell32-hmc.ini inputs/manywell32-pt.ini \
	inputs/dw4-mala.ini inputs/dw4-hmc.ini inputs/dw4-pt.ini \
	inputs/lj13-mala.ini inputs/lj13-hmc.ini inputs/lj13-pt.ini \
	inputs/ala2-mala.ini inputs/ala2-hmc.ini inputs/ala2-pt.ini inputs/ala2-digs.ini \
	inputs/mog40-digs.ini inputs/manywell32-digs.ini inputs/dw4-digs.ini \
	inputs/lj13-digs.ini inputs/mixture-digs.ini \
	inputs/dikl-mog40.ini inputs/dikl-mw32.ini inputs/dikl-dw4.ini \
	inputs/dikl-lj13.ini inputs/coupled-dw4.ini inputs/coupled-lj13.ini
