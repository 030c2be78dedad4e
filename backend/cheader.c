/*
 * cheader.c - a simple reader of C function prototypes for /rust-ffi.
 *
 * Comments and preprocessor lines are dropped, extern "C" { } blocks are
 * read, other braces (struct bodies, inline functions) are skipped, and
 * each top-level declaration that looks like RET NAME(PARAMS) is bound when
 * every type is a C scalar or a pointer to one. It is not a C parser: what
 * it does not understand (function pointers, variadics, struct types) is
 * listed as skipped, never guessed.
 *
 * Never: emit a declaration whose types it did not map exactly.
 */
#include "cheader.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *c, *rust;
} ctypes[] = {
	{ "void", "std::ffi::c_void" }, { "char", "std::ffi::c_char" }, { "signed char", "std::ffi::c_schar" },
	{ "unsigned char", "std::ffi::c_uchar" }, { "short", "std::ffi::c_short" },
	{ "short int", "std::ffi::c_short" }, { "unsigned short", "std::ffi::c_ushort" },
	{ "int", "std::ffi::c_int" }, { "signed", "std::ffi::c_int" }, { "signed int", "std::ffi::c_int" },
	{ "unsigned", "std::ffi::c_uint" }, { "unsigned int", "std::ffi::c_uint" },
	{ "long", "std::ffi::c_long" }, { "long int", "std::ffi::c_long" },
	{ "unsigned long", "std::ffi::c_ulong" }, { "long long", "std::ffi::c_longlong" },
	{ "unsigned long long", "std::ffi::c_ulonglong" }, { "float", "f32" }, { "double", "f64" },
	{ "size_t", "usize" }, { "ssize_t", "isize" }, { "int8_t", "i8" }, { "int16_t", "i16" },
	{ "int32_t", "i32" }, { "int64_t", "i64" }, { "uint8_t", "u8" }, { "uint16_t", "u16" },
	{ "uint32_t", "u32" }, { "uint64_t", "u64" }, { "bool", "bool" }, { "_Bool", "bool" },
};

static const char *const rust_keywords[] = {
	"as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if",
	"impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
	"static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
	"await", "dyn", "gen", "box", "yield", "try", "macro", "abstract", "final", "override", NULL
};

struct cparam {
	char *rust;      /* owned: the raw Rust type */
	char *base;      /* owned: the pointee / value type */
	int ptr;         /* pointer depth */
	bool is_const;   /* pointee is const */
	bool is_char;    /* base is char */
	bool is_void;
	char *name;      /* owned */
};

/* Parses "const char *s" style text; false when the type is not known. */
static bool parse_ctype(struct cparam *out, const char *text, bool want_name, int index)
{
	char *dup = xstrdup(text), *save = NULL, *words[16];
	int nw = 0;
	struct strbuf base = STRBUF_INIT;
	const char *rust = NULL;

	memset(out, 0, sizeof(*out));
	for (char *c = dup; *c; c++)
		if (*c == '*') {
			out->ptr++;
			*c = ' ';
		}
	for (char *w = strtok_r(dup, " \t\n", &save); w && nw < 16; w = strtok_r(NULL, " \t\n", &save)) {
		if (strcmp(w, "const") == 0) {
			out->is_const = true;
			continue;
		}
		if (strcmp(w, "restrict") == 0 || strcmp(w, "__restrict") == 0 || strcmp(w, "volatile") == 0 ||
		    strcmp(w, "extern") == 0)
			continue;
		words[nw++] = w;
	}
	if (want_name && nw >= 2) {
		bool is_type_word = false;
		for (size_t i = 0; i < sizeof(ctypes) / sizeof(ctypes[0]); i++)
			if (strcmp(ctypes[i].c, words[nw - 1]) == 0 || strcmp("long", words[nw - 1]) == 0 ||
			    strcmp("int", words[nw - 1]) == 0)
				is_type_word = true;
		if (!is_type_word)
			out->name = xstrdup(words[--nw]);
	}
	for (int i = 0; i < nw; i++) {
		if (i)
			strbuf_addc(&base, ' ');
		strbuf_adds(&base, words[i]);
	}
	for (size_t i = 0; i < sizeof(ctypes) / sizeof(ctypes[0]); i++)
		if (strcmp(ctypes[i].c, strbuf_str(&base)) == 0)
			rust = ctypes[i].rust;
	free(dup);
	if (!rust || (strcmp(strbuf_str(&base), "void") == 0 && !out->ptr && want_name)) {
		strbuf_free(&base);
		free(out->name);
		out->name = NULL;
		return false;
	}
	out->is_void = strcmp(strbuf_str(&base), "void") == 0;
	out->is_char = strcmp(strbuf_str(&base), "char") == 0;
	out->base = xstrdup(rust);
	{
		struct strbuf r = STRBUF_INIT;
		for (int i = 0; i < out->ptr; i++)
			strbuf_adds(&r, i == out->ptr - 1 && out->is_const ? "*const " : "*mut ");
		strbuf_adds(&r, rust);
		out->rust = strbuf_detach(&r);
	}
	if (want_name) {
		bool kw = false;
		if (!out->name)
			out->name = xasprintf("arg%d", index);
		for (int i = 0; rust_keywords[i]; i++)
			kw |= strcmp(rust_keywords[i], out->name) == 0;
		if (kw) {
			char *n = xasprintf("%s_", out->name);
			free(out->name);
			out->name = n;
		}
	}
	strbuf_free(&base);
	return true;
}

static void cparam_release(struct cparam *p)
{
	free(p->rust);
	free(p->base);
	free(p->name);
}

/* The header without comments and preprocessor lines. */
static char *strip_c(const char *src)
{
	struct strbuf sb = STRBUF_INIT;
	bool bol = true;

	for (const char *p = src; *p;) {
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
			strbuf_addc(&sb, ' ');
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (bol && (*p == '#' || ((*p == ' ' || *p == '\t') && p[strspn(p, " \t")] == '#'))) {
			/* a preprocessor line, with its continuations */
			while (*p && !(*p == '\n' && p[-1] != '\\'))
				p++;
		} else {
			bol = *p == '\n';
			strbuf_addc(&sb, *p++);
		}
	}
	return strbuf_detach(&sb);
}

void cheader_bind(struct strbuf *externs, struct strbuf *wrappers, cJSON *funcs, cJSON *skipped,
		  const char *src, const char *header)
{
	char *text = strip_c(src);
	int depth = 0;
	char *stmt = text;

	for (char *p = text; *p; p++) {
		if (*p == '{') {
			/* extern "C" { ... } holds declarations; other braces are bodies */
			char *q = p;
			while (q > stmt && (q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\t'))
				q--;
			if (depth == 0 && q - stmt >= 3 && strncmp(q - 3, "\"C\"", 3) == 0) {
				stmt = p + 1;
				continue;
			}
			depth++;
		} else if (*p == '}') {
			if (depth > 0)
				depth--;
			if (depth == 0)
				stmt = p + 1;
		} else if (*p == ';' && depth == 0) {
			char *s = stmt, *open, *close, *name_end, *name_start;
			*p = '\0';
			stmt = p + 1;
			s += strspn(s, " \t\n");
			if (strncmp(s, "typedef", 7) == 0 || strncmp(s, "struct", 6) == 0 || strncmp(s, "enum", 4) == 0 ||
			    strncmp(s, "union", 5) == 0 || strncmp(s, "static", 6) == 0)
				continue;
			open = strchr(s, '(');
			close = strrchr(s, ')');
			if (!open || !close || close < open || (strchr(open + 1, '(') && strchr(open + 1, '(') < close)) {
				continue;
			}
			name_end = open;
			while (name_end > s && (name_end[-1] == ' ' || name_end[-1] == '\t' || name_end[-1] == '\n'))
				name_end--;
			name_start = name_end;
			while (name_start > s && (isalnum((unsigned char)name_start[-1]) || name_start[-1] == '_'))
				name_start--;
			if (name_start == name_end || name_start == s)
				continue;
			{
				char *fname = xstrndup(name_start, (size_t)(name_end - name_start));
				char *ret_text = xstrndup(s, (size_t)(name_start - s));
				char *params_text = xstrndup(open + 1, (size_t)(close - open - 1));
				struct cparam ret, params[32];
				int np = 0;
				bool ok = parse_ctype(&ret, ret_text, false, 0), raw = false, all_scalar = true;
				char *save = NULL;
				const char *trimmed = params_text + strspn(params_text, " \t\n");

				if (ok && strcmp(trimmed, "void") != 0 && *trimmed) {
					for (char *a = strtok_r(params_text, ",", &save); a && ok; a = strtok_r(NULL, ",", &save)) {
						if (strstr(a, "...") || np == 32) {
							ok = false;
							break;
						}
						ok = parse_ctype(&params[np], a, true, np);
						if (ok)
							np++;
					}
				}
				if (!ok) {
					cJSON_AddItemToArray(skipped, cJSON_CreateString(fname));
				} else {
					bool ret_void = ret.is_void && !ret.ptr;
					struct strbuf sig = STRBUF_INIT, call = STRBUF_INIT;
					cJSON_AddItemToArray(funcs, cJSON_CreateString(fname));
					strbuf_addf(externs, "        pub fn %s(", fname);
					for (int i = 0; i < np; i++)
						strbuf_addf(externs, "%s%s: %s", i ? ", " : "", params[i].name, params[i].rust);
					strbuf_addf(externs, ")%s%s;\n", ret_void ? "" : " -> ", ret_void ? "" : ret.rust);
					for (int i = 0; i < np; i++) {
						const struct cparam *a = &params[i];
						if (i) {
							strbuf_adds(&sig, ", ");
							strbuf_adds(&call, ", ");
						}
						if (!a->ptr) {
							strbuf_addf(&sig, "%s: %s", a->name, a->base);
							strbuf_adds(&call, a->name);
						} else if (a->ptr == 1 && a->is_char && a->is_const) {
							strbuf_addf(&sig, "%s: &std::ffi::CStr", a->name);
							strbuf_addf(&call, "%s.as_ptr()", a->name);
							all_scalar = false;
						} else if (a->ptr == 1 && !a->is_void) {
							strbuf_addf(&sig, "%s: &%s%s", a->name, a->is_const ? "" : "mut ", a->base);
							strbuf_adds(&call, a->name);
							all_scalar = false;
						} else {
							strbuf_addf(&sig, "%s: %s", a->name, a->rust);
							strbuf_adds(&call, a->name);
							raw = true;
						}
					}
					strbuf_addf(wrappers, "\n/// Calls `%s` from `%s`.\n", fname, header);
					if (raw)
						strbuf_addf(wrappers, "///\n/// # Safety\n///\n/// The raw pointers must be what "
							    "`%s` documents: valid for its reads and writes for the whole call.\n",
							    fname);
					strbuf_addf(wrappers, "pub %sfn %s(%s)%s%s {\n", raw ? "unsafe " : "", fname,
						    strbuf_str(&sig), ret_void ? "" : " -> ", ret_void ? "" : ret.rust);
					if (raw)
						strbuf_addf(wrappers, "    // SAFETY: the caller upholds this function's "
							    "`# Safety` contract for the raw pointers.\n");
					else if (all_scalar)
						strbuf_addf(wrappers, "    // SAFETY: `%s` is declared with exactly these types "
							    "in %s and takes only plain values, which cannot be invalid.\n",
							    fname, header);
					else
						strbuf_addf(wrappers, "    // SAFETY: `%s` is declared with exactly these types "
							    "in %s; every pointer comes from a reference, so it is non-null, "
							    "aligned and valid for the call (C strings are NUL-terminated), and "
							    "C must not keep it after returning.\n", fname, header);
					strbuf_addf(wrappers, "    unsafe { sys::%s(%s) }\n}\n", fname, strbuf_str(&call));
					strbuf_free(&sig);
					strbuf_free(&call);
				}
				for (int i = 0; i < np; i++)
					cparam_release(&params[i]);
				if (ok || ret.rust)
					cparam_release(&ret);
				free(fname);
				free(ret_text);
				free(params_text);
			}
		}
	}
	free(text);
}

