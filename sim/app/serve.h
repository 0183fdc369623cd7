/*
 * serve.h - `govsim serve`: a scenario's plan and engine behind a JSON API
 * over HTTP (libmicrohttpd, jansson), for workshops: the parameter and
 * metric tables, the scenario's arms, runs with overrides per arm streamed
 * as they finish (Server-Sent Events), cancelled, and downloaded as their
 * result file and as a scenario file that `govsim run` reproduces.
 *
 * One run at a time; every run is an ordinary result file in the --out
 * folder, addressed by the number the server gave it (no client ever names
 * a file). docs/cli.md lists the endpoints, their JSON and their errors.
 */
#ifndef GS_SERVE_H
#define GS_SERVE_H

#include "sim/core/model.h"

/* The most work one run of the server may ask for: citizens x ticks x runs. */
#define GS_SERVE_MAX_WORK 4e9
/* The most runs (arms x sweep points x replications) of one request. */
#define GS_SERVE_MAX_RUNS 1000
/* The most runs x output intervals of one request (the series kept to stream). */
#define GS_SERVE_MAX_POINTS 200000
/* The largest request body [bytes]. */
#define GS_SERVE_MAX_BODY 65536

/* gs_cmd_serve - `govsim serve`: argv[0] is "serve". */
int gs_cmd_serve(const struct gs_model *m, int argc, char **argv);

#endif
