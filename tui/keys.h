/*
 * keys.h - key tables: every key a view answers, with what help shows for
 * it, in one const table per view (tig's request.h, keys.c and help.c).
 *
 * A view declares `static const struct keybind NAME_binds[]` with
 * designated initializers (keys, label, help, hint, run) and one
 * `const struct keymap`; its key handler calls keymap_dispatch(), which
 * finds the binding and calls its run. The F1 overlay, the views' hint
 * lines, `rwb --help`'s key list and docs/user-guide.md's key tables
 * (`rwb --keys-markdown`) are all printed from the same tables, so a key
 * is listed exactly when it is bound. Text typed into a field (the prompt,
 * a search) is not in the tables: a view handles it after dispatch
 * found no binding.
 *
 * Never: a help text or a view's hint line that lists keys by hand (a
 * one-off message may still name the key it is about: "q goes back").
 */
#ifndef RWB_KEYS_H
#define RWB_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include "pane.h"
#include "strbuf.h"

/* A key id: the character, or a KEY_* code with KB_CODE, plus KB_ALT. */
#define KB_CODE (1 << 24)
#define KB_ALT (1 << 25)
#define KB_C(code) ((code) | KB_CODE)
#define KB_A(ch) ((ch) | KB_ALT)
#define KB_KEYS 10

struct keybind {
	int keys[KB_KEYS];           /* key ids that run it, 0 ends the list */
	const char *label;           /* the keys as help shows them: "j/Down" */
	const char *help;            /* what it does, for F1 and the docs */
	const char *hint;            /* a word or two for the view's hint line, or NULL */
	/* Does it: PANE_* bits (the view's own bits too); PANE_IGNORED lets
	 * the key go on to the next keymap (e.g. the global one). */
	int (*run)(void *self, const struct key *k);
};

struct keymap {
	const char *title;           /* "Git pane", "Browser: Metrics tab" */
	const struct keybind *binds; /* static table */
	int n;                       /* entries in binds */
};

#define KEYMAP(title_, binds_) { .title = (title_), .binds = (binds_), \
				 .n = (int)(sizeof(binds_) / sizeof((binds_)[0])) }

/* The key id of k (what keybind.keys holds). */
int keys_id(const struct key *k);
/* The key's name as labels spell it: "PgDn", "Ctrl-Q", "Alt-1", "j". */
void keys_name(char *buf, size_t n, int id);
/* The binding k runs in m, or NULL. */
const struct keybind *keymap_find(const struct keymap *m, const struct key *k);
/* Runs k's binding in m on self; PANE_IGNORED when m does not bind k. */
int keymap_dispatch(const struct keymap *m, void *self, const struct key *k);
/* The hint line: "label hint" for each binding with a hint, two spaces
 * apart; the label only up to its first ", " (the main keys: "j/k" of
 * "j/k, Down/Up"). */
void keymap_hint(struct strbuf *out, const struct keymap *m);
/* F1's section: the title, then one "  label   help" line per binding. */
void keymap_help(struct strbuf *out, const struct keymap *m);
/* docs/user-guide.md's table: "### title", then | keys | what |. */
void keymap_markdown(struct strbuf *out, const struct keymap *m);

struct listview;
/* What the list keys mean, on a view's listview (listview.h): j/k and
 * Down/Up a line, PgDn/Space/Ctrl-D/Ctrl-F and PgUp/b/Ctrl-U/Ctrl-B a
 * page, g/Home and G/End the ends. keys_list_move moves the cursor;
 * keys_list_scroll moves the window of a text without one (a line key
 * scrolls a line). False, and lv untouched, for any other key: a view
 * binds the keys it wants and runs these from its handler. */
bool keys_list_move(struct listview *lv, const struct key *k);
bool keys_list_scroll(struct listview *lv, const struct key *k);

/* Every view's keymap, in the order help lists them, NULL-terminated
 * (tui/app.c, which knows the views). */
const struct keymap *const *keys_all(void);
/* The shell's own tables (tui/app.c). */
extern const struct keymap app_keys_global;   /* F1-F6, Alt-1..4, Ctrl-Q */
extern const struct keymap app_keys_outside;  /* Tab, /: when the pane leaves the key */
extern const struct keymap app_keys_help;     /* inside F1 */

#endif
