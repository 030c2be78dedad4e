/*
 * demangle.c - Rust symbol demangling (legacy and v0), written by hand.
 *
 * Legacy: the Itanium-style _ZN ... E nested name, each component a length
 * and bytes, with Rust's `$..$` escapes and `..` for `::`; the last
 * component `h<16 hex>` is the hash and is dropped.
 *
 * v0: a recursive-descent printer over the grammar of RFC 2603. A parser
 * state holds the input and the output buffer; a backref moves the cursor
 * to an earlier position, prints, and comes back. Depth is bounded so a
 * hostile symbol cannot blow the stack, and every failure makes the whole
 * symbol "not Rust" rather than printing half of it.
 */
#define _POSIX_C_SOURCE 200809L
#include "demangle.h"
#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEMANGLE_MAX_DEPTH 200
#define DEMANGLE_MAX_OUT 65536  /* backrefs can blow up output exponentially */

/* ---------------------------------------------------------------- legacy */

static bool is_hash_component(const char *s, size_t n)
{
	if (n != 17 || s[0] != 'h')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Decodes one component's escapes into out; false on an unknown escape. */
static bool legacy_component(struct strbuf *out, const char *s, size_t n)
{
	static const struct { const char *esc; char ch; } table[] = {
		{ "$SP$", '@' }, { "$BP$", '*' }, { "$RF$", '&' }, { "$LT$", '<' },
		{ "$GT$", '>' }, { "$LP$", '(' }, { "$RP$", ')' }, { "$C$", ',' },
	};
	size_t i = 0;

	if (n >= 2 && s[0] == '_' && s[1] == '$')
		i = 1;
	while (i < n) {
		if (s[i] == '$') {
			size_t j = i + 1;
			bool done = false;
			while (j < n && s[j] != '$')
				j++;
			if (j >= n)
				return false;
			for (size_t t = 0; t < sizeof(table) / sizeof(table[0]); t++) {
				size_t el = strlen(table[t].esc);
				if (el == j - i + 1 && memcmp(s + i, table[t].esc, el) == 0) {
					strbuf_addc(out, table[t].ch);
					done = true;
					break;
				}
			}
			if (!done) {
				/* $uXX$: a hex code point */
				unsigned long cp;
				char hex[9];
				size_t hl = j - i - 2;
				if (s[i + 1] != 'u' || hl == 0 || hl > 8)
					return false;
				memcpy(hex, s + i + 2, hl);
				hex[hl] = '\0';
				for (size_t k = 0; k < hl; k++)
					if (!isxdigit((unsigned char)hex[k]))
						return false;
				cp = strtoul(hex, NULL, 16);
				if (cp < 0x20 || cp > 0x7e)
					return false;
				strbuf_addc(out, (char)cp);
			}
			i = j + 1;
		} else if (s[i] == '.') {
			if (i + 1 < n && s[i + 1] == '.') {
				strbuf_adds(out, "::");
				i += 2;
			} else {
				strbuf_addc(out, '.');
				i++;
			}
		} else {
			strbuf_addc(out, s[i]);
			i++;
		}
	}
	return true;
}

static int demangle_legacy(struct strbuf *out, const char *sym)
{
	const char *p = sym;
	int count = 0;

	if (strncmp(p, "__ZN", 4) == 0)
		p += 4;
	else if (strncmp(p, "_ZN", 3) == 0)
		p += 3;
	else if (strncmp(p, "ZN", 2) == 0)
		p += 2;
	else
		return RWB_ENOTFOUND;
	while (*p != 'E') {
		char *end;
		unsigned long n;
		if (!isdigit((unsigned char)*p))
			return RWB_ENOTFOUND;
		n = strtoul(p, &end, 10);
		if (n == 0 || n > strlen(end))
			return RWB_ENOTFOUND;
		p = end;
		if (is_hash_component(p, n) && p[n] == 'E') {
			p += n;
			break;
		}
		if (count++ > 0)
			strbuf_adds(out, "::");
		if (!legacy_component(out, p, n))
			return RWB_ENOTFOUND;
		p += n;
	}
	p++;  /* 'E' */
	if (count == 0 || (*p != '\0' && *p != '.'))
		return RWB_ENOTFOUND;
	return RWB_OK;
}

/* -------------------------------------------------------------------- v0 */

struct v0 {
	const char *s;       /* the symbol after "_R" (borrowed) */
	size_t len, pos;
	struct strbuf *out;  /* borrowed */
	int depth;           /* recursion depth, bounded */
	int bound_lifetimes; /* lifetimes bound by enclosing binders */
	bool ok;             /* false after the first error */
};

static int v0_path(struct v0 *v, bool in_value);
static int v0_type(struct v0 *v);

static char v0_peek(const struct v0 *v)
{
	return v->pos < v->len ? v->s[v->pos] : '\0';
}

static bool v0_eat(struct v0 *v, char c)
{
	if (v0_peek(v) == c) {
		v->pos++;
		return true;
	}
	return false;
}

static int v0_fail(struct v0 *v)
{
	v->ok = false;
	return RWB_EINPUT;
}

/* base-62-number: "_" is 0, else digits then "_" give value + 1. */
static int v0_base62(struct v0 *v, uint64_t *out)
{
	uint64_t x = 0;

	if (v0_eat(v, '_')) {
		*out = 0;
		return RWB_OK;
	}
	for (;;) {
		char c = v0_peek(v);
		unsigned d;
		if (c == '_') {
			v->pos++;
			break;
		}
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'z')
			d = 10 + (unsigned)(c - 'a');
		else if (c >= 'A' && c <= 'Z')
			d = 36 + (unsigned)(c - 'A');
		else
			return v0_fail(v);
		if (x > (UINT64_MAX - d) / 62)
			return v0_fail(v);
		x = x * 62 + d;
		v->pos++;
	}
	if (x == UINT64_MAX)
		return v0_fail(v);
	*out = x + 1;
	return RWB_OK;
}

static int v0_opt_tagged(struct v0 *v, char tag, uint64_t *out)
{
	*out = 0;
	if (!v0_eat(v, tag))
		return RWB_OK;
	if (v0_base62(v, out) != RWB_OK)
		return RWB_EINPUT;
	(*out)++;
	return RWB_OK;
}

static int v0_decimal(struct v0 *v, uint64_t *out)
{
	uint64_t x = 0;
	char c = v0_peek(v);

	if (!isdigit((unsigned char)c))
		return v0_fail(v);
	if (c == '0') {
		v->pos++;
		*out = 0;
		return RWB_OK;
	}
	while (isdigit((unsigned char)v0_peek(v))) {
		unsigned d = (unsigned)(v0_peek(v) - '0');
		if (x > (UINT64_MAX - d) / 10)
			return v0_fail(v);
		x = x * 10 + d;
		v->pos++;
	}
	*out = x;
	return RWB_OK;
}

/* undisambiguated-identifier; the bytes are returned in place. */
static int v0_ident(struct v0 *v, const char **name, size_t *n, bool *puny)
{
	uint64_t len;

	*puny = v0_eat(v, 'u');
	if (v0_decimal(v, &len) != RWB_OK)
		return RWB_EINPUT;
	v0_eat(v, '_');
	if (len > v->len - v->pos)
		return v0_fail(v);
	*name = v->s + v->pos;
	*n = (size_t)len;
	v->pos += (size_t)len;
	return RWB_OK;
}

static void utf8_put(struct strbuf *out, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_addc(out, (char)cp);
	} else if (cp < 0x800) {
		strbuf_addc(out, (char)(0xc0 | (cp >> 6)));
		strbuf_addc(out, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addc(out, (char)(0xe0 | (cp >> 12)));
		strbuf_addc(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addc(out, (char)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addc(out, (char)(0xf0 | (cp >> 18)));
		strbuf_addc(out, (char)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addc(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addc(out, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Punycode (RFC 3492) as v0 writes it: the delimiter is the last '_'
 * instead of '-'. false when the input is not valid punycode.
 */
static bool punycode_decode(struct strbuf *out, const char *s, size_t n)
{
	enum { PUNY_MAX = 256 };
	uint32_t cps[PUNY_MAX];
	size_t len = 0, pos = 0, delim = n;
	uint64_t cp = 128, i = 0, bias = 72;

	for (size_t k = n; k-- > 0;)
		if (s[k] == '_') {
			delim = k;
			break;
		}
	if (delim < n) {
		if (delim > PUNY_MAX)
			return false;
		for (size_t k = 0; k < delim; k++) {
			if ((unsigned char)s[k] >= 0x80)
				return false;
			cps[len++] = (unsigned char)s[k];
		}
		pos = delim + 1;
	}
	while (pos < n) {
		uint64_t oldi = i, w = 1, delta;
		for (uint64_t k = 36;; k += 36) {
			char c = pos < n ? s[pos++] : '\0';
			uint64_t digit, t;
			if (c >= 'a' && c <= 'z')
				digit = (uint64_t)(c - 'a');
			else if (c >= '0' && c <= '9')
				digit = 26 + (uint64_t)(c - '0');
			else
				return false;
			if (digit > (UINT32_MAX - i) / w)
				return false;
			i += digit * w;
			t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
			if (digit < t)
				break;
			if (w > UINT32_MAX / (36 - t))
				return false;
			w *= 36 - t;
		}
		if (len >= PUNY_MAX)
			return false;
		/* adapt the bias */
		delta = oldi == 0 ? (i - oldi) / 700 : (i - oldi) / 2;
		delta += delta / (len + 1);
		bias = 0;
		while (delta > 455) {
			delta /= 35;
			bias += 36;
		}
		bias += 36 * delta / (delta + 38);
		cp += i / (len + 1);
		i %= len + 1;
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		memmove(cps + i + 1, cps + i, (len - i) * sizeof(*cps));
		cps[i] = (uint32_t)cp;
		len++;
		i++;
	}
	for (size_t k = 0; k < len; k++)
		utf8_put(out, cps[k]);
	return true;
}

static void v0_print_ident(struct v0 *v, const char *name, size_t n, bool puny)
{
	if (puny) {
		size_t mark = v->out->len;
		if (punycode_decode(v->out, name, n))
			return;
		v->out->len = mark;
		if (v->out->buf)
			v->out->buf[mark] = '\0';
		strbuf_adds(v->out, "punycode{");
		strbuf_add(v->out, name, n);
		strbuf_addc(v->out, '}');
		return;
	}
	strbuf_add(v->out, name, n);
}

static int v0_enter(struct v0 *v)
{
	if (!v->ok || ++v->depth > DEMANGLE_MAX_DEPTH || v->out->len > DEMANGLE_MAX_OUT)
		return v0_fail(v);
	return RWB_OK;
}

/* Runs fn at an earlier position given by a backref, then comes back. */
static int v0_backref(struct v0 *v, int (*fn)(struct v0 *, bool), bool arg)
{
	uint64_t at;
	size_t saved, b_at = v->pos - 1;  /* where the 'B' was */
	int rc;

	if (v0_base62(v, &at) != RWB_OK)
		return RWB_EINPUT;
	/* positions count from after "_R" and must point backwards */
	if (at >= b_at)
		return v0_fail(v);
	saved = v->pos;
	v->pos = (size_t)at;
	rc = fn(v, arg);
	v->pos = saved;
	return rc;
}

static void v0_print_lifetime(struct v0 *v, uint64_t lt)
{
	if (lt == 0) {
		strbuf_adds(v->out, "'_");
		return;
	}
	if (lt > (uint64_t)v->bound_lifetimes) {
		strbuf_adds(v->out, "'?");
		return;
	}
	{
		uint64_t depth = (uint64_t)v->bound_lifetimes - lt;
		if (depth < 26)
			strbuf_addf(v->out, "'%c", (char)('a' + depth));
		else
			strbuf_addf(v->out, "'_%" PRIu64, depth);
	}
}

static const char *v0_basic(char c)
{
	switch (c) {
	case 'a': return "i8";
	case 'b': return "bool";
	case 'c': return "char";
	case 'd': return "f64";
	case 'e': return "str";
	case 'f': return "f32";
	case 'h': return "u8";
	case 'i': return "isize";
	case 'j': return "usize";
	case 'l': return "i32";
	case 'm': return "u32";
	case 'n': return "i128";
	case 'o': return "u128";
	case 's': return "i16";
	case 't': return "u16";
	case 'u': return "()";
	case 'v': return "...";
	case 'x': return "i64";
	case 'y': return "u64";
	case 'z': return "!";
	case 'p': return "_";
	default: return NULL;
	}
}

/* binder = "G" base-62-number: opens that many lifetimes (for<'a, ...>). */
static int v0_binder(struct v0 *v, uint64_t *count)
{
	if (v0_opt_tagged(v, 'G', count) != RWB_OK)
		return RWB_EINPUT;
	if (*count > 1000)
		return v0_fail(v);
	if (*count > 0) {
		strbuf_adds(v->out, "for<");
		for (uint64_t i = 0; i < *count; i++) {
			if (i)
				strbuf_adds(v->out, ", ");
			v->bound_lifetimes++;
			v0_print_lifetime(v, 1);
		}
		strbuf_adds(v->out, "> ");
	}
	return RWB_OK;
}

static int v0_const(struct v0 *v, bool unused);

static int v0_generic_arg(struct v0 *v)
{
	if (v0_eat(v, 'L')) {
		uint64_t lt;
		if (v0_base62(v, &lt) != RWB_OK)
			return RWB_EINPUT;
		v0_print_lifetime(v, lt);
		return RWB_OK;
	}
	if (v0_eat(v, 'K'))
		return v0_const(v, false);
	return v0_type(v);
}

static int v0_fn_sig(struct v0 *v)
{
	uint64_t bound;
	int saved_bound = v->bound_lifetimes;
	bool first = true;

	if (v0_binder(v, &bound) != RWB_OK)
		return RWB_EINPUT;
	if (v0_eat(v, 'U'))
		strbuf_adds(v->out, "unsafe ");
	if (v0_eat(v, 'K')) {
		strbuf_adds(v->out, "extern \"");
		if (v0_eat(v, 'C')) {
			strbuf_addc(v->out, 'C');
		} else {
			const char *name;
			size_t n;
			bool puny;
			if (v0_ident(v, &name, &n, &puny) != RWB_OK || puny)
				return v0_fail(v);
			for (size_t i = 0; i < n; i++)
				strbuf_addc(v->out, name[i] == '_' ? '-' : name[i]);
		}
		strbuf_adds(v->out, "\" ");
	}
	strbuf_adds(v->out, "fn(");
	while (!v0_eat(v, 'E')) {
		if (!v->ok || v->pos >= v->len)
			return v0_fail(v);
		if (!first)
			strbuf_adds(v->out, ", ");
		first = false;
		if (v0_type(v) != RWB_OK)
			return RWB_EINPUT;
	}
	strbuf_addc(v->out, ')');
	if (v0_peek(v) == 'u') {
		v->pos++;
	} else {
		strbuf_adds(v->out, " -> ");
		if (v0_type(v) != RWB_OK)
			return RWB_EINPUT;
	}
	v->bound_lifetimes = saved_bound;
	return RWB_OK;
}

static int v0_dyn_bounds(struct v0 *v)
{
	uint64_t bound;
	int saved_bound = v->bound_lifetimes;
	bool first = true;

	strbuf_adds(v->out, "dyn ");
	if (v0_binder(v, &bound) != RWB_OK)
		return RWB_EINPUT;
	while (!v0_eat(v, 'E')) {
		bool open = false;
		if (!v->ok || v->pos >= v->len)
			return v0_fail(v);
		if (!first)
			strbuf_adds(v->out, " + ");
		first = false;
		/* the trait path; when it ends in generic args and has bindings the
		 * bindings join the same <...> list */
		if (v0_path(v, false) != RWB_OK)
			return RWB_EINPUT;
		while (v0_eat(v, 'p')) {
			const char *name;
			size_t n;
			bool puny;
			if (!open) {
				if (v->out->len && v->out->buf[v->out->len - 1] == '>') {
					v->out->len--;
					v->out->buf[v->out->len] = '\0';
					strbuf_adds(v->out, ", ");
				} else {
					strbuf_addc(v->out, '<');
				}
				open = true;
			} else {
				strbuf_adds(v->out, ", ");
			}
			if (v0_ident(v, &name, &n, &puny) != RWB_OK)
				return RWB_EINPUT;
			v0_print_ident(v, name, n, puny);
			strbuf_adds(v->out, " = ");
			if (v0_type(v) != RWB_OK)
				return RWB_EINPUT;
		}
		if (open)
			strbuf_addc(v->out, '>');
	}
	v->bound_lifetimes = saved_bound;
	return RWB_OK;
}

static int v0_type_b(struct v0 *v, bool unused)
{
	(void)unused;
	return v0_type(v);
}

static int v0_type(struct v0 *v)
{
	char c;
	const char *basic;
	int rc = RWB_OK;

	if (v0_enter(v) != RWB_OK)
		return RWB_EINPUT;
	c = v0_peek(v);
	basic = v0_basic(c);
	if (basic) {
		v->pos++;
		strbuf_adds(v->out, basic);
		goto out;
	}
	switch (c) {
	case 'R':
	case 'Q':
		v->pos++;
		strbuf_adds(v->out, c == 'R' ? "&" : "&mut ");
		if (v0_peek(v) == 'L') {
			uint64_t lt;
			v->pos++;
			if ((rc = v0_base62(v, &lt)) != RWB_OK)
				goto out;
			if (lt != 0) {
				/* "&'a mut T": the lifetime goes after '&' */
				if (c == 'Q')
					v->out->len -= 4, v->out->buf[v->out->len] = '\0';
				v0_print_lifetime(v, lt);
				strbuf_adds(v->out, c == 'Q' ? " mut " : " ");
			}
		}
		rc = v0_type(v);
		break;
	case 'P':
	case 'O':
		v->pos++;
		strbuf_adds(v->out, c == 'P' ? "*const " : "*mut ");
		rc = v0_type(v);
		break;
	case 'A':
	case 'S':
		v->pos++;
		strbuf_addc(v->out, '[');
		if ((rc = v0_type(v)) != RWB_OK)
			goto out;
		if (c == 'A') {
			strbuf_adds(v->out, "; ");
			if ((rc = v0_const(v, false)) != RWB_OK)
				goto out;
		}
		strbuf_addc(v->out, ']');
		break;
	case 'T': {
		int n = 0;
		v->pos++;
		strbuf_addc(v->out, '(');
		while (!v0_eat(v, 'E')) {
			if (!v->ok || v->pos >= v->len) {
				rc = v0_fail(v);
				goto out;
			}
			if (n++)
				strbuf_adds(v->out, ", ");
			if ((rc = v0_type(v)) != RWB_OK)
				goto out;
		}
		if (n == 1)
			strbuf_addc(v->out, ',');
		strbuf_addc(v->out, ')');
		break;
	}
	case 'F':
		v->pos++;
		rc = v0_fn_sig(v);
		break;
	case 'D': {
		uint64_t lt;
		v->pos++;
		if ((rc = v0_dyn_bounds(v)) != RWB_OK)
			goto out;
		if (!v0_eat(v, 'L') || v0_base62(v, &lt) != RWB_OK) {
			rc = v0_fail(v);
			goto out;
		}
		if (lt != 0) {
			strbuf_adds(v->out, " + ");
			v0_print_lifetime(v, lt);
		}
		break;
	}
	case 'B':
		v->pos++;
		rc = v0_backref(v, v0_type_b, false);
		break;
	default:
		rc = v0_path(v, false);
		break;
	}
out:
	v->depth--;
	return v->ok ? rc : RWB_EINPUT;
}

/* const-data for an integer type: ["n"] {hex} "_" printed in decimal. */
static int v0_const_int(struct v0 *v, bool is_signed)
{
	bool neg = false;
	size_t start, n;
	uint64_t x = 0;

	if (is_signed && v0_eat(v, 'n'))
		neg = true;
	start = v->pos;
	while (isxdigit((unsigned char)v0_peek(v)) && !isupper((unsigned char)v0_peek(v)))
		v->pos++;
	n = v->pos - start;
	if (!v0_eat(v, '_'))
		return v0_fail(v);
	if (neg)
		strbuf_addc(v->out, '-');
	if (n > 16) {
		strbuf_adds(v->out, "0x");
		strbuf_add(v->out, v->s + start, n);
		return RWB_OK;
	}
	for (size_t i = 0; i < n; i++) {
		char c = v->s[start + i];
		x = x * 16 + (uint64_t)(isdigit((unsigned char)c) ? c - '0' : c - 'a' + 10);
	}
	strbuf_addf(v->out, "%" PRIu64, x);
	return RWB_OK;
}

static int v0_const(struct v0 *v, bool unused)
{
	char c;
	int rc = RWB_OK;

	(void)unused;
	if (v0_enter(v) != RWB_OK)
		return RWB_EINPUT;
	c = v0_peek(v);
	if (c == 'B') {
		v->pos++;
		rc = v0_backref(v, v0_const, false);
		goto out;
	}
	if (c == 'p') {
		v->pos++;
		strbuf_addc(v->out, '_');
		goto out;
	}
	v->pos++;
	switch (c) {
	case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
		rc = v0_const_int(v, true);
		break;
	case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
		rc = v0_const_int(v, false);
		break;
	case 'b':
		if (v0_eat(v, '0') && v0_eat(v, '_'))
			strbuf_adds(v->out, "false");
		else if (v0_eat(v, '1') && v0_eat(v, '_'))
			strbuf_adds(v->out, "true");
		else
			rc = v0_fail(v);
		break;
	case 'c': {
		struct strbuf num = STRBUF_INIT, *saved = v->out;
		unsigned long cp;
		v->out = &num;
		rc = v0_const_int(v, false);
		v->out = saved;
		cp = rc == RWB_OK ? strtoul(strbuf_str(&num), NULL, 10) : 0;
		if (rc == RWB_OK && cp >= 0x20 && cp < 0x7f && cp != '\'' && cp != '\\')
			strbuf_addf(v->out, "'%c'", (char)cp);
		else if (rc == RWB_OK)
			strbuf_addf(v->out, "'\\u{%lx}'", cp);
		strbuf_free(&num);
		break;
	}
	default:
		rc = v0_fail(v);
		break;
	}
out:
	v->depth--;
	return v->ok ? rc : RWB_EINPUT;
}

static int v0_path_b(struct v0 *v, bool in_value)
{
	return v0_path(v, in_value);
}

static int v0_path(struct v0 *v, bool in_value)
{
	char c;
	int rc = RWB_OK;
	uint64_t dis;

	if (v0_enter(v) != RWB_OK)
		return RWB_EINPUT;
	c = v0_peek(v);
	v->pos++;
	switch (c) {
	case 'C': {
		const char *name;
		size_t n;
		bool puny;
		if ((rc = v0_opt_tagged(v, 's', &dis)) != RWB_OK)
			break;
		if ((rc = v0_ident(v, &name, &n, &puny)) != RWB_OK)
			break;
		v0_print_ident(v, name, n, puny);
		break;
	}
	case 'N': {
		char ns = v0_peek(v);
		const char *name;
		size_t n;
		bool puny;
		if (!isalpha((unsigned char)ns)) {
			rc = v0_fail(v);
			break;
		}
		v->pos++;
		if ((rc = v0_path(v, in_value)) != RWB_OK)
			break;
		if ((rc = v0_opt_tagged(v, 's', &dis)) != RWB_OK)
			break;
		if ((rc = v0_ident(v, &name, &n, &puny)) != RWB_OK)
			break;
		if (isupper((unsigned char)ns)) {
			strbuf_adds(v->out, "::{");
			if (ns == 'C')
				strbuf_adds(v->out, "closure");
			else if (ns == 'S')
				strbuf_adds(v->out, "shim");
			else
				strbuf_addc(v->out, ns);
			if (n) {
				strbuf_addc(v->out, ':');
				v0_print_ident(v, name, n, puny);
			}
			strbuf_addf(v->out, "#%" PRIu64 "}", dis);
		} else if (n) {
			strbuf_adds(v->out, "::");
			v0_print_ident(v, name, n, puny);
		}
		break;
	}
	case 'M':
	case 'X':
	case 'Y': {
		/* impl paths: the disambiguator and the impl's own path are only
		 * there to make the symbol unique; print the self type */
		if (c != 'Y') {
			size_t saved_len = v->out->len;
			if ((rc = v0_opt_tagged(v, 's', &dis)) != RWB_OK)
				break;
			if ((rc = v0_path(v, false)) != RWB_OK)
				break;
			/* drop what the impl's path printed (nothing was
			 * allocated when it printed nothing) */
			if (v->out->buf) {
				v->out->len = saved_len;
				v->out->buf[saved_len] = '\0';
			}
		}
		strbuf_addc(v->out, '<');
		if ((rc = v0_type(v)) != RWB_OK)
			break;
		if (c != 'M') {
			strbuf_adds(v->out, " as ");
			if ((rc = v0_path(v, false)) != RWB_OK)
				break;
		}
		strbuf_addc(v->out, '>');
		break;
	}
	case 'I': {
		int n = 0;
		if ((rc = v0_path(v, in_value)) != RWB_OK)
			break;
		strbuf_adds(v->out, in_value ? "::<" : "<");
		while (!v0_eat(v, 'E')) {
			if (!v->ok || v->pos >= v->len) {
				rc = v0_fail(v);
				break;
			}
			if (n++)
				strbuf_adds(v->out, ", ");
			if ((rc = v0_generic_arg(v)) != RWB_OK)
				break;
		}
		if (rc == RWB_OK)
			strbuf_addc(v->out, '>');
		break;
	}
	case 'B':
		rc = v0_backref(v, v0_path_b, in_value);
		break;
	default:
		rc = v0_fail(v);
		break;
	}
	v->depth--;
	return v->ok ? rc : RWB_EINPUT;
}

static int demangle_v0(struct strbuf *out, const char *sym)
{
	struct v0 v = { 0 };
	const char *p;
	size_t end;

	if (strncmp(sym, "__R", 3) == 0)
		p = sym + 3;
	else if (strncmp(sym, "_R", 2) == 0)
		p = sym + 2;
	else
		return RWB_ENOTFOUND;
	/* a vendor suffix (".llvm.123") is not part of the mangling */
	end = strcspn(p, ".$");
	if (end == 0 || (!isupper((unsigned char)p[0]) && !isdigit((unsigned char)p[0])))
		return RWB_ENOTFOUND;
	v.s = p;
	v.len = end;
	v.out = out;
	v.ok = true;
	/* an encoding version: only 0 exists */
	if (isdigit((unsigned char)v0_peek(&v)))
		return RWB_ENOTFOUND;
	if (v0_path(&v, true) != RWB_OK)
		return RWB_ENOTFOUND;
	/* the instantiating crate is optional and not printed */
	if (v.pos < v.len) {
		struct strbuf skip = STRBUF_INIT;
		v.out = &skip;
		if (v0_path(&v, false) != RWB_OK || v.pos != v.len) {
			strbuf_free(&skip);
			return RWB_ENOTFOUND;
		}
		strbuf_free(&skip);
	}
	return RWB_OK;
}

int demangle_rust(char **out, const char *sym)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	*out = NULL;
	if (!sym)
		return RWB_ENOTFOUND;
	rc = demangle_v0(&sb, sym);
	if (rc != RWB_OK) {
		strbuf_reset(&sb);
		rc = demangle_legacy(&sb, sym);
	}
	if (rc != RWB_OK) {
		strbuf_free(&sb);
		return RWB_ENOTFOUND;
	}
	*out = strbuf_detach(&sb);
	return RWB_OK;
}

char *demangle_symbol(const char *sym)
{
	char *out;

	if (demangle_rust(&out, sym) == RWB_OK)
		return out;
	return xstrdup(sym);
}
