/*
 * fuzz_result.c - a libFuzzer target for the result-file reader: any bytes
 * as a result file must give `govsim info` (with --verify) and `govsim
 * compare` their output or a message, never a crash. The seed is a small
 * result file written by govsim (tests/fuzz/results.sh makes it and its
 * mutations).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/app/compare.h"
#include "sim/io/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static FILE *sink;
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/govsim-fuzz-%d.h5", (int)getpid());
	if (!sink)
		sink = fopen("/dev/null", "w");
	FILE *f = fopen(path, "wb");
	if (!f || !sink) {
		if (f)
			fclose(f);
		return 0;
	}
	fwrite(data, 1, size, f);
	fclose(f);
	char err[512];
	size_t n_done, n_bad;
	long first_bad;
	gs_info(path, sink, err, sizeof(err));
	gs_output_verify(path, &n_done, &n_bad, &first_bad, err, sizeof(err));
	gs_compare(path, NULL, -1, 12, sink, err, sizeof(err));
	remove(path);
	return 0;
}
