/*
 * script.h - script mode: keys and :commands read from a file instead of
 * the keyboard, like tig's TIG_SCRIPT. Used by tests and benchmarks.
 *
 * Each line is one step:
 *   # comment                     ignored (so are blank lines)
 *   :save-screen FILE             write the visible screen as text to FILE
 *   :wait MS                      let MS milliseconds pass (output keeps flowing)
 *   :wait-for TEXT                wait (up to 10 s) until TEXT is on the screen
 *   :quit                         quit rwb (no confirmation)
 *   anything else                 keys to type: plain text, plus <Enter> <Tab>
 *                                 <S-Tab> <Esc> <BS> <Del> <Up> <Down> <Left>
 *                                 <Right> <Home> <End> <PgUp> <PgDn> <F1>..<F12>
 *                                 <C-x> (Ctrl) <M-x> (Alt) <lt> (a literal '<')
 */
#ifndef RWB_SCRIPT_H
#define RWB_SCRIPT_H

#include <stddef.h>
#include "pane.h"

struct script;

/* Loads a script; on error returns NULL and the error channel (error.h)
 * says which line. */
struct script *script_load(const char *path);
void script_free(struct script *s);

enum script_step_kind { STEP_KEYS, STEP_SAVE_SCREEN, STEP_WAIT, STEP_WAIT_FOR, STEP_QUIT, STEP_END };

struct script_step {
	enum script_step_kind kind;
	struct key *keys;    /* STEP_KEYS: owned array */
	int nkeys;
	char *arg;           /* file for save-screen, text for wait-for */
	int ms;              /* STEP_WAIT */
};

/* The next step, or NULL at the end. */
const struct script_step *script_next(struct script *s);

/* Parses a key spec line into keys (allocated); RWB_EINPUT, with a message
 * in the error channel, on a bad <name>. */
int script_parse_keys(const char *line, struct key **keys, int *nkeys);

#endif
