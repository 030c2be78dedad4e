/*
 * scaffold.h - code templates and the preview/confirm/write cycle of the
 * scaffolding commands.
 *
 * A template is a long-term memory entry (category "template", key
 * rwb/templates/COMMAND/VARIANT) whose value is JSON: declared "params"
 * (with defaults), "files" (path and text, both rendered), "deps" for
 * Cargo.toml, an optional "module" to declare in src/lib.rs, and "notes".
 * Text uses {{name}}, {{#flag}}..{{/flag}} (kept when flag is true or a
 * non-empty string other than "false") and {{^flag}}..{{/flag}}.
 * The built-in set ships as data/templates.json in the memory export
 * format and is imported into the store the first time a template is
 * needed (settings flag scaffold.templates_imported), so users change
 * templates with /memory-store like any other pattern.
 *
 * A plan is every file a command will create or edit, with old and new
 * text; scaffold_plan_preview() renders the unified diff and
 * scaffold_plan_write() writes it. After a write, the hash of every file
 * written is kept in the store (setting "scaffold.hash:CRATE/PATH"), so a
 * second run tells rwb's own untouched file (replaced, said so) from one a
 * person changed since (the preview says the diff loses those changes;
 * it is replaced only with confirmation, like every write).
 * Never: write anything before confirmation.
 */
#ifndef RWB_SCAFFOLD_H
#define RWB_SCAFFOLD_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "strbuf.h"

struct store;

/* The template named "COMMAND/VARIANT" (the caller frees it): the memory
 * entry rwb/templates/NAME, the built-in set being imported into the store
 * on first use; without a store, or when the user deleted the entry, the
 * built-in one. */
int scaffold_template_get(cJSON **out, struct store *s, const char *name);

/* Renders text with params (an object of strings); RWB_EINPUT with a
 * message (the error channel, error.h, as everywhere here) when a name is
 * not a declared parameter. */
int scaffold_render(char **out, const char *text, const cJSON *params);

struct scaffold_file {
	char *path;       /* owned: relative to the crate root */
	char *old_text;   /* owned: NULL when the file is new */
	char *new_text;   /* owned */
};

struct scaffold_plan {
	char *root;                  /* owned: the crate folder */
	struct scaffold_file *files; /* owned */
	int n;
	cJSON *deps_added;           /* owned array of "name version" strings */
	cJSON *notes;                /* owned array of strings */
	cJSON *changed;              /* owned array of paths a person changed since rwb wrote them */
	struct store *store;         /* borrowed, may be NULL: where written files' hashes are kept */
};

struct scaffold_plan *scaffold_plan_new(const char *root);
void scaffold_plan_free(struct scaffold_plan *p);

/* Adds a file the command writes whole. Same content: nothing to do. Over
 * an untouched cargo stub (stub "main" or "lib") or a file rwb wrote and
 * nobody changed since: replaced, with a note. Over any other file: planned
 * too (the preview's diff shows what is lost) and listed in p->changed. */
int scaffold_plan_create(struct scaffold_plan *p, const char *path, const char *text, const char *stub);
/* Records an edit of a file the command owns (Cargo.toml, src/lib.rs). */
void scaffold_plan_edit(struct scaffold_plan *p, const char *path, const char *new_text);
/* The current text of a planned or existing file (NULL when absent). */
const char *scaffold_plan_text(struct scaffold_plan *p, const char *path, char **owned);

/* Adds "pub mod NAME;" to src/lib.rs (creating it) unless declared. */
void scaffold_plan_module(struct scaffold_plan *p, const char *name);

/* Adds dependencies (an array of {"name","version","features","path"}) to
 * Cargo.toml's [dependencies]; those present already are kept and noted. */
int scaffold_plan_deps(struct scaffold_plan *p, const cJSON *deps);

/* Applies a whole template (files, module, deps, notes) with params. */
int scaffold_plan_template(struct scaffold_plan *p, const cJSON *tpl, const cJSON *params);

/* Unified diff of old (NULL = new file) against new text. */
void scaffold_diff(struct strbuf *out, const char *path, const char *old_text, const char *new_text);

/* The changes as human text (files, diff, deps, notes) and as JSON. */
void scaffold_plan_preview(const struct scaffold_plan *p, struct strbuf *out, cJSON *json);
/* Writes every file (folders made as needed, each file atomically) and
 * records each one's hash in p->store. */
int scaffold_plan_write(const struct scaffold_plan *p);

/* Writes text to path atomically: a temporary file in the same folder,
 * fsync, rename; an existing file's mode is kept (new files: 0666 less the
 * umask). Missing parent folders are made. errno is kept on failure. */
int scaffold_write_atomic(const char *path, const char *text, size_t len);

/* The hash rwb keeps of text it wrote (16 hex digits, FNV-1a 64). */
void scaffold_hash(char out[17], const char *text, size_t len);
/* Whether rwb recorded writing exactly text at root/path. */
bool scaffold_written_by_rwb(struct store *s, const char *root, const char *path, const char *text);
/* Records that rwb wrote text at root/path. */
void scaffold_record_written(struct store *s, const char *root, const char *path, const char *text);

#endif
