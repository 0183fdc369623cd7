/*
 * cli.h - what the commands of the govsim command line share.
 *
 * Exit status: 0 success, 2 bad usage or bad input, 1 runtime failure
 * (including an interrupted run). Messages go to stderr.
 */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/core/model.h"
#include "sim/plan/scenario.h"

#define EXIT_USAGE 2
#define EXIT_RUNTIME 1

/*
 * gs_cli_prog - the program's name as the user typed it (argv[0]: "govsim",
 * "build/govsim"), for every command the program suggests typing.
 */
extern const char *gs_cli_prog;

/* gs_cli_join - argv's argc words joined by spaces (malloc'd: the command line), or NULL. */
char *gs_cli_join(int argc, char **argv);

/* gs_cli_is_help - is a "-h" or "--help"? */
bool gs_cli_is_help(const char *a);

/*
 * gs_cli_stop_on_signals - SIGINT and SIGTERM (a scheduler's time limit)
 * set gs_stop (sim/core/stop.h): the runs stop, keeping those finished;
 * SIGXFSZ is ignored, so that a write past a file-size limit fails (EFBIG)
 * and is reported instead of killing the process.
 */
void gs_cli_stop_on_signals(void);

/* gs_cli_usage - "govsim CMD: <fmt with arg>" and a pointer to --help on stderr; returns EXIT_USAGE. */
int gs_cli_usage(const char *cmd, const char *fmt, const char *arg);

/* gs_cli_count - parse s as an integer in [lo, hi] into *out; false if it is not one. */
bool gs_cli_count(const char *s, long lo, long hi, long *out);

/* Shards a run may be split into at most: as many as a plan has runs at most. */
#define GS_CLI_MAX_SHARDS 10000000

/*
 * gs_cli_shard - parse "K/N" (--shard: shard K of N) with N from 1 to
 * GS_CLI_MAX_SHARDS and K from 1 to N; false if s is not one.
 */
bool gs_cli_shard(const char *s, size_t *shard, size_t *n_shards);

/*
 * gs_cli_load - read and resolve a scenario with the model's presets and
 * n_sets overrides; print every problem to stderr. Returns 0 if valid.
 */
int gs_cli_load(const struct gs_model *m, const char *path, char **sets, size_t n_sets,
		struct gs_scenario *sc);

/* gs_cmd_run - `govsim run`: argv[0] is "run"; full_argv is the whole command line. */
int gs_cmd_run(const struct gs_model *m, int argc, char **argv, int full_argc, char **full_argv);

/* gs_cmd_merge - `govsim merge`: argv[0] is "merge"; full_argv is the whole command line. */
int gs_cmd_merge(int argc, char **argv, int full_argc, char **full_argv);

/*
 * gs_mpi_main - the whole program of the MPI build (build/govsim-mpi: make
 * mpi), `govsim-mpi run` on every rank of an MPI job; defined only there.
 */
int gs_mpi_main(const struct gs_model *m, int argc, char **argv);

/* gs_cmd_report - `govsim report`: argv[0] is "report". */
int gs_cmd_report(int argc, char **argv);

/* gs_cmd_export - `govsim export`: argv[0] is "export". */
int gs_cmd_export(int argc, char **argv);

/* gs_cmd_explain - `govsim explain`: argv[0] is "explain". */
int gs_cmd_explain(int argc, char **argv);

/* gs_cmd_uncertainty - `govsim uncertainty`: argv[0] is "uncertainty". */
int gs_cmd_uncertainty(int argc, char **argv);

/* gs_cmd_calibrate - `govsim calibrate`: argv[0] is "calibrate". */
int gs_cmd_calibrate(int argc, char **argv);

#endif
