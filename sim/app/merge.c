/*
 * merge.c - `govsim merge`: the shard files of `govsim run --shard K/N`
 * joined into the file one `govsim run` of the whole plan writes, written
 * as OUT.h5.partial and renamed when complete.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/app/cli.h"
#include "sim/core/stop.h"
#include "sim/core/util.h"
#include "sim/io/output.h"

static const char usage_merge[] =
	"usage: govsim merge SHARD.h5... -o OUT.h5 [--force] [--quiet]\n"
	"\n"
	"Joins the files of `govsim run SCENARIO --shard K/N`, every shard from 1 to N\n"
	"once in any order, into OUT.h5: the file one `govsim run SCENARIO` writes,\n"
	"dataset by dataset (its provenance also records the merge).\n"
	"\n"
	"  -o, --output OUT.h5   the merged file\n"
	"  --force               overwrite OUT.h5 if it exists, and start again over the\n"
	"                        OUT.h5.partial an interrupted merge left\n"
	"  -q, --quiet           nothing printed on success\n"
	"  -h, --help            this help\n"
	"\n"
	"Every shard is checked before anything is written: the same scenario text,\n"
	"parameters, seed, govsim version and number of shards; each shard once and\n"
	"none missing; every one of its runs done. Each run is read back to its\n"
	"digest as it is copied. The file is written as OUT.h5.partial and renamed\n"
	"when complete: a failure leaves no OUT.h5. Exit 2 when a shard file is\n"
	"wrong (the message names it and what is wrong), 1 when writing fails.\n";

/* What the command line asked for. */
struct merge_args {
	const char **inputs;
	size_t n_inputs;
	const char *out_path;
	bool force, quiet;
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct merge_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (gs_cli_is_help(s)) {
			fputs(usage_merge, stdout);
			return 0;
		} else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
			if (++i == argc)
				return gs_cli_usage("merge", "%s needs a file name", s);
			a->out_path = argv[i];
		} else if (strcmp(s, "--force") == 0) {
			a->force = true;
		} else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
			a->quiet = true;
		} else if (s[0] == '-' && s[1]) {
			return gs_cli_usage("merge", "unknown option '%s'", s);
		} else {
			a->inputs[a->n_inputs++] = s;
		}
	}
	if (!a->n_inputs)
		return gs_cli_usage("merge", "no shard files given%s", "");
	if (!a->out_path)
		return gs_cli_usage("merge", "no output given: -o OUT.h5%s", "");
	return -1;
}

/*
 * check_output - refuse (status 2) an empty name, a directory, a folder
 * that cannot be written, an existing OUT.h5 without --force, and an
 * OUT.h5.partial without --force (with it, the partial is removed unless
 * another process writes it). Returns -1 to go on, else the exit status.
 */
static int check_output(const struct merge_args *a, const char *tmp_path)
{
	char err[1024];
	struct stat st;
	if (!*a->out_path) {
		fprintf(stderr, "govsim merge: -o needs a file name (got an empty one)\n");
		return EXIT_USAGE;
	}
	if (stat(a->out_path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "govsim merge: -o %s is a directory; name a file in it\n",
			a->out_path);
		return EXIT_USAGE;
	}
	char *dir = gs_strdup(a->out_path);
	if (!dir)
		return EXIT_RUNTIME;
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	int usable = !slash || access(dir, W_OK | X_OK) == 0;
	if (!usable)
		fprintf(stderr, "govsim merge: cannot write in %s (for -o %s): %s\n", dir,
			a->out_path, strerror(errno));
	free(dir);
	if (!usable)
		return EXIT_USAGE;
	if (stat(a->out_path, &st) == 0 && !a->force) {
		fprintf(stderr, "govsim merge: %s exists; use --force to overwrite it, or -o to name "
			"another file\n", a->out_path);
		return EXIT_USAGE;
	}
	if (stat(tmp_path, &st) == 0) {
		if (!a->force) {
			fprintf(stderr, "govsim merge: %s exists: an interrupted merge left it, or "
				"another govsim is writing it; start again with --force\n", tmp_path);
			return EXIT_USAGE;
		}
		if (gs_output_discard(tmp_path, err, sizeof(err))) {
			fprintf(stderr, "govsim merge: %s\n", err);
			return EXIT_RUNTIME;
		}
	}
	return -1;
}

int gs_cmd_merge(int argc, char **argv, int full_argc, char **full_argv)
{
	struct merge_args a = {0};
	char *tmp_path = NULL, *cmdline = NULL;
	char err[2048];
	int status = EXIT_RUNTIME;

	a.inputs = calloc((size_t)argc + 1, sizeof(*a.inputs));
	if (!a.inputs)
		return EXIT_RUNTIME;
	if ((status = parse_args(argc, argv, &a)) >= 0)
		goto out;
	status = EXIT_RUNTIME;
	size_t tl = strlen(a.out_path) + 16;
	tmp_path = malloc(tl);
	cmdline = gs_cli_join(full_argc, full_argv);
	if (!tmp_path || !cmdline)
		goto out;
	snprintf(tmp_path, tl, "%s.partial", a.out_path);
	if ((status = check_output(&a, tmp_path)) >= 0)
		goto out;

	gs_cli_stop_on_signals();

	int rc = gs_output_merge(a.inputs, a.n_inputs, tmp_path, a.out_path, cmdline, err,
				 sizeof(err));
	if (rc != GS_MERGE_OK) {
		fprintf(stderr, "govsim merge: %s%s\n", err,
			rc == GS_MERGE_BAD_INPUT ? "" : gs_stop ? "; no merged file written" : "");
		status = rc == GS_MERGE_BAD_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
		goto out;
	}
	if (!a.quiet)
		printf("merged %zu shard file%s into %s\n", a.n_inputs, a.n_inputs == 1 ? "" : "s",
		       a.out_path);
	status = 0;
out:
	free(a.inputs);
	free(tmp_path);
	free(cmdline);
	return status;
}
