/*
 * dispatch.h - runs the command lines the TUI is handed, apart from the
 * prompt that reads them (tmux's cmd-queue.c beside prompt.c): inline
 * through the registry or as a job in the terminal pane, with the y/n
 * confirmation of a previewed write, the views an answer names and /theme.
 * Answers go to the command pane's results area.
 *
 * Never: parse a line anywhere else in the TUI (the prompt, views.c and
 * app_run_command hand whole lines here).
 */
#ifndef RWB_DISPATCH_H
#define RWB_DISPATCH_H

#include <cjson/cJSON.h>
#include <stdbool.h>

struct app;
struct cmd_args;

enum dispatch_how {
	DISPATCH_NOT_IMPLEMENTED,  /* registered without a run function: says so */
	DISPATCH_INLINE,           /* cmd_execute() now; the answer at once */
	DISPATCH_JOB,              /* `rwb --result-file F /cmd ...` in the terminal pane */
	DISPATCH_JOB_KEYS,         /* a job that reads the keyboard (CMD_KEYS): it gets it */
};

/* Runs a command line: records it in the shared history (as the CLI does),
 * parses it, and runs it as dispatch_decide() says. A bad line answers
 * with the parser's message. */
void dispatch_line(struct app *a, const char *line);

/* How a parsed command runs in the TUI. confirmed: the user said yes to the
 * preview it answered with (a CMD_YES_JOB write then runs as a job). */
enum dispatch_how dispatch_decide(const struct cmd_args *args, bool confirmed);

/* Whether an inline answer is a preview waiting for y/n: a CMD_CONFIRM
 * command that succeeded (status 0) without --yes and answered
 * "needs_confirmation": true. */
bool dispatch_wants_confirmation(const struct cmd_args *args, bool confirmed, int status,
				 const cJSON *result);

#endif
