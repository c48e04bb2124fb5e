# DiKL room: schedule, deck section, networks, trainer (REFERENCE.md §6).
src_libdigs_a_SOURCES += \
	src/dikl/schedule.c src/dikl/schedule.h \
	src/dikl/config.c src/dikl/config.h \
	src/dikl/nets.c src/dikl/nets.h
src_libdigs_a_SOURCES += \
	src/dikl/wait.c src/dikl/wait.h \
	src/dikl/step_size.c src/dikl/step_size.h \
	src/dikl/reference.c src/dikl/reference.h \
	src/dikl/hooks.c \
	src/dikl/trainer.c src/dikl/trainer.h \
	src/dikl/train_step.c \
	src/dikl/score_phase.c src/dikl/score_phase.h \
	src/dikl/generator_phase.c src/dikl/generator_phase.h \
	src/dikl/selection.c
