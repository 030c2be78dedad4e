/*
 * cargotoml.h - a minimal, line-preserving TOML editor for Cargo.toml.
 *
 * The file is kept as its lines. Parsing classifies each line (table
 * header, key = value, comment or blank, continuation of a multi-line
 * array, inline table or string) and remembers where each value's bytes
 * are, so an edit replaces exactly those bytes: every other line, comment
 * and blank space stays byte for byte. Enough TOML for Cargo.toml: bare,
 * quoted and dotted keys, strings of all four kinds, arrays and inline
 * tables over several lines, [table] and [[array]] headers.
 *
 * Never: reformat, reorder or drop anything it did not set.
 */
#ifndef RWB_CARGOTOML_H
#define RWB_CARGOTOML_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

struct cargotoml;

/* Parses text. On a line that is not TOML returns RWB_EINPUT with one line
 * ("Cargo.toml line N: ...") in the error channel (error.h). */
int cargotoml_parse(struct cargotoml **out, const char *text, size_t len);
void cargotoml_free(struct cargotoml *t);

/* Whether table ("dependencies", "profile.release") has a header. */
bool cargotoml_has_table(const struct cargotoml *t, const char *table);
/* The raw TOML text of key's value in table (allocated), or NULL. */
char *cargotoml_get(const struct cargotoml *t, const char *table, const char *key);

/*
 * Sets key = value (value is TOML text: "\"thin\"", "1", "{ version = \"1\" }")
 * in table, creating the table at the end when missing. An existing value
 * is replaced in place (its comment kept); a new key goes after the table's
 * last key. *changed says whether the text differs afterwards.
 */
int cargotoml_set(struct cargotoml *t, bool *changed, const char *table, const char *key,
		  const char *value);

/* The whole text (allocated). */
char *cargotoml_text(const struct cargotoml *t);

#endif
