/*
 * cli.c - helpers the commands share: usage errors, counts, scenarios.
 */
#include "sim/app/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/diag.h"
#include "sim/core/stop.h"

const char *gs_cli_prog = "govsim";

static void on_stop_signal(int sig)
{
	(void)sig;
	gs_stop = 1;
}

void gs_cli_stop_on_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
}

bool gs_cli_is_help(const char *a)
{
	return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

int gs_cli_usage(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s %s: ", gs_cli_prog, cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see %s %s --help)\n", gs_cli_prog, cmd);
	return EXIT_USAGE;
}

bool gs_cli_count(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool gs_cli_shard(const char *s, size_t *shard, size_t *n_shards)
{
	long k, n;
	const char *slash = strchr(s, '/');
	if (!slash || slash == s || (size_t)(slash - s) >= 32)
		return false;
	char head[32];
	memcpy(head, s, (size_t)(slash - s));
	head[slash - s] = 0;
	if (!gs_cli_count(slash + 1, 1, GS_CLI_MAX_SHARDS, &n) || !gs_cli_count(head, 1, n, &k))
		return false;
	*shard = (size_t)k;
	*n_shards = (size_t)n;
	return true;
}

int gs_cli_load(const struct gs_model *m, const char *path, char **sets, size_t n_sets,
		struct gs_scenario *sc)
{
	struct gs_diag diag = {0};
	int rc = gs_scenario_read(path, sc, &diag);
	if (rc == 0 || sc->n_files > 0)
		rc |= gs_scenario_resolve(sc, m->presets, sets, n_sets, &diag);
	gs_diag_print(&diag, stderr);
	if (diag.n)
		fprintf(stderr, "%s: %zu problem%s\n", path, diag.n, diag.n == 1 ? "" : "s");
	gs_diag_free(&diag);
	return rc || diag.n ? -1 : 0;
}

char *gs_cli_join(int argc, char **argv)
{
	size_t n = 1;
	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = malloc(n);
	if (!s)
		return NULL;
	s[0] = 0;
	for (int i = 0; i < argc; i++) {
		strcat(s, argv[i]);
		if (i + 1 < argc)
			strcat(s, " ");
	}
	return s;
}
