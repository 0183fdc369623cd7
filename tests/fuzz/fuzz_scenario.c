/*
 * fuzz_scenario.c - a libFuzzer target for the scenario reader, resolver
 * and plan: any bytes as a scenario file must give a plan or a list of
 * problems, never a crash, a leak, undefined behaviour or a hang.
 *
 *   make fuzz FUZZ_SECONDS=600      fuzz (clang, ASan, UBSan)
 *   make fuzz-replay                the committed corpus, once (in make check)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "models/governance.h"
#include "sim/core/diag.h"
#include "sim/plan/plan.h"
#include "sim/plan/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/govsim-fuzz-%d.ini", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct gs_scenario sc = {0};
	struct gs_diag d = {0};
	if (gs_scenario_read(path, &sc, &d) == 0 &&
	    gs_scenario_resolve(&sc, gs_governance.presets, NULL, 0, &d) == 0) {
		struct gs_plan pl;
		char err[256];
		if (gs_plan_build(&pl, &sc, &gs_governance, err, sizeof(err)) == 0)
			gs_plan_free(&pl);
	}
	gs_diag_free(&d);
	gs_scenario_free(&sc);
	return 0;
}
