/*
 * sshsig.c - SSH signatures for audit verdicts (see sshsig.h).
 *
 * Signing and verifying are ssh-keygen's, run by argv through proc_run with
 * the text on stdin and the signature and allowed signers in files of a
 * private temporary folder (mode 0700) that is removed afterwards. The
 * allowed-signers parser follows OpenSSH's sshsig.c: `#` comments and
 * blank lines skipped; principals (one field, comma separated); options
 * (cert-authority, namespaces="...", valid-after="...", valid-before="...")
 * when the next field is not a key type; the key type; the base64 key,
 * whose first string must name the same type; an optional comment.
 *
 * Never: a shell, a temporary file left behind, a principal taken from the
 * verdict instead of from the allowed signers.
 */
#define _GNU_SOURCE
#include "sshsig.h"
#include "error.h"
#include "proc.h"
#include "strbuf.h"
#include "xalloc.h"
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* For the reasons that are part of an answer (a check's why, an allowed-signers
 * file's first_error, sshsig_parse's why for them), not for failures: those
 * go to the error channel (error.h). */
static void setwhy(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void setwhy(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

/* ---- base64 ------------------------------------------------------------------ */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *sshsig_b64(const unsigned char *p, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *q = out;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*q++ = b64chars[(v >> 18) & 63];
		*q++ = b64chars[(v >> 12) & 63];
		*q++ = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
		*q++ = i + 2 < n ? b64chars[v & 63] : '=';
	}
	*q = '\0';
	return out;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes base64 text; whitespace (line breaks of the armor) is skipped. */
unsigned char *sshsig_unb64(const char *s, size_t len, size_t *out_len)
{
	unsigned char *out = xmalloc(len / 4 * 3 + 4);
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (v = b64val(c)) < 0)
			goto bad;   /* data after padding, or not base64 */
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (pad > 2 || bits >= 6 || acc != 0)
		goto bad;
	*out_len = n;
	return out;
bad:
	free(out);
	return NULL;
}

/* ---- SSH wire strings ------------------------------------------------------- */

struct rd {
	const unsigned char *p, *end;
};

static bool rd_u32(struct rd *r, uint32_t *v)
{
	if (r->end - r->p < 4)
		return false;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return true;
}

static bool rd_str(struct rd *r, const unsigned char **s, size_t *n)
{
	uint32_t l;

	if (!rd_u32(r, &l) || (size_t)(r->end - r->p) < l)
		return false;
	*s = r->p;
	*n = l;
	r->p += l;
	return true;
}

static bool printable(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static const char *const key_types[] = {
	"ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com",
	"ssh-dss-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", NULL,
};

static bool is_key_type(const char *s, size_t n)
{
	for (int i = 0; key_types[i]; i++)
		if (strlen(key_types[i]) == n && memcmp(key_types[i], s, n) == 0)
			return true;
	return false;
}

/* The key type a key blob names (its first string), checked. */
static bool blob_type(const unsigned char *blob, size_t n, const char **t, size_t *tn)
{
	struct rd r = { blob, blob + n };
	const unsigned char *s;

	if (!rd_str(&r, &s, tn) || !is_key_type((const char *)s, *tn))
		return false;
	*t = (const char *)s;
	return true;
}

int sshsig_parse(const char *armored, char **key, unsigned char **blob, size_t *bloblen, char **ns,
		 char *why, size_t whylen)
{
	static const char begin[] = "-----BEGIN SSH SIGNATURE-----", end[] = "-----END SSH SIGNATURE-----";
	const char *b, *e;
	unsigned char *raw = NULL;
	size_t rawlen, kn, nn, tn, tl;
	const unsigned char *k, *nsp, *tmp;
	const char *type;
	uint32_t version;
	struct rd r;

	*key = NULL;
	*blob = NULL;
	*bloblen = 0;
	*ns = NULL;
	if (strlen(armored) > SSHSIG_MAX_TEXT) {
		setwhy(why, whylen, "the signature is too long");
		return RWB_EINPUT;
	}
	b = strstr(armored, begin);
	if (b)
		b += sizeof(begin) - 1;   /* (the end marker may not share its dashes) */
	e = b ? strstr(b, end) : NULL;
	if (!b || !e) {
		setwhy(why, whylen, "not an armored SSH signature");
		return RWB_EINPUT;
	}
	raw = sshsig_unb64(b, (size_t)(e - b), &rawlen);
	if (!raw) {
		setwhy(why, whylen, "the signature is not base64");
		return RWB_EINPUT;
	}
	r = (struct rd){ raw, raw + rawlen };
	if (rawlen < 6 || memcmp(raw, "SSHSIG", 6) != 0) {
		setwhy(why, whylen, "not an SSHSIG signature");
		goto bad;
	}
	r.p += 6;
	if (!rd_u32(&r, &version) || version != 1) {
		setwhy(why, whylen, "not an SSHSIG version 1 signature");
		goto bad;
	}
	if (!rd_str(&r, &k, &kn) || !blob_type(k, kn, &type, &tn)) {
		setwhy(why, whylen, "the signature's key cannot be read");
		goto bad;
	}
	if (!rd_str(&r, &nsp, &nn) || !printable(nsp, nn) || !rd_str(&r, &tmp, &tl) ||
	    !rd_str(&r, &tmp, &tl) || !rd_str(&r, &tmp, &tl) || r.p != r.end) {
		setwhy(why, whylen, "the signature is cut short or malformed");
		goto bad;
	}
	*blob = xmalloc(kn + 1);
	memcpy(*blob, k, kn);
	*bloblen = kn;
	{
		char *b64 = sshsig_b64(k, kn);
		*key = xasprintf("%.*s %s", (int)tn, type, b64);
		free(b64);
	}
	*ns = xstrndup((const char *)nsp, nn);
	free(raw);
	return RWB_OK;
bad:
	free(raw);
	return RWB_EINPUT;
}

/* ---- allowed signers ---------------------------------------------------------- */

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The end of a field: whitespace outside double quotes. */
static const char *field_end(const char *p, const char *e, bool quotes)
{
	bool inq = false;

	for (; p < e; p++) {
		if (quotes && *p == '"')
			inq = !inq;
		else if (!inq && (*p == ' ' || *p == '\t'))
			break;
	}
	return p;
}

static void signer_release(struct sshsig_signer *s)
{
	for (int i = 0; i < s->nprincipals; i++)
		free(s->principals[i]);
	free(s->principals);
	free(s->namespaces);
	free(s->keytype);
	free(s->blob);
}

/* Options: name or name="value", comma separated; unknown names fail. */
static bool parse_options(struct sshsig_signer *s, const char *p, const char *e, char *why, size_t wl)
{
	while (p < e) {
		const char *n = p;
		while (p < e && *p != '=' && *p != ',')
			p++;
		size_t nl = (size_t)(p - n);
		char *val = NULL;
		if (p < e && *p == '=') {
			const char *v;
			if (++p >= e || *p != '"') {
				setwhy(why, wl, "option %.*s: the value must be in double quotes", (int)(nl > 40 ? 40 : nl), n);
				return false;
			}
			v = ++p;
			while (p < e && *p != '"')
				p++;
			if (p >= e) {
				setwhy(why, wl, "an option's value has no closing quote");
				return false;
			}
			val = xstrndup(v, (size_t)(p - v));
			p++;
		}
		if (nl == 14 && strncasecmp(n, "cert-authority", nl) == 0 && !val) {
			s->cert_authority = true;
		} else if (nl == 10 && strncasecmp(n, "namespaces", nl) == 0 && val) {
			free(s->namespaces);
			s->namespaces = val;
			val = NULL;
		} else if (((nl == 11 && strncasecmp(n, "valid-after", nl) == 0) ||
			    (nl == 12 && strncasecmp(n, "valid-before", nl) == 0)) && val) {
			/* ssh-keygen checks the times when it verifies */
		} else {
			setwhy(why, wl, "unknown option \"%.*s\"", (int)(nl > 40 ? 40 : nl), n);
			free(val);
			return false;
		}
		free(val);
		if (p < e && *p == ',')
			p++;
		else if (p < e) {
			setwhy(why, wl, "options must be separated by commas");
			return false;
		}
	}
	return true;
}

static bool parse_line(struct sshsig_signer *s, const char *p, const char *e, char *why, size_t wl)
{
	const char *f = field_end(p, e, false), *kt, *kte, *b64, *b64e;
	size_t tn;
	const char *t;

	/* principals */
	for (const char *q = p; q <= f; ) {
		const char *c = memchr(q, ',', (size_t)(f - q));
		const char *ce = c ? c : f;
		if (ce == q) {
			setwhy(why, wl, "an empty principal");
			return false;
		}
		s->principals = xrealloc(s->principals, (size_t)(s->nprincipals + 1) * sizeof(*s->principals));
		s->principals[s->nprincipals++] = xstrndup(q, (size_t)(ce - q));
		if (!c)
			break;
		q = c + 1;
	}
	p = skip_ws(f, e);
	kt = p;
	kte = field_end(p, e, true);
	if (!is_key_type(kt, (size_t)(kte - kt))) {
		/* options first */
		if (!parse_options(s, kt, kte, why, wl))
			return false;
		p = skip_ws(kte, e);
		kt = p;
		kte = field_end(p, e, false);
		if (!is_key_type(kt, (size_t)(kte - kt))) {
			setwhy(why, wl, "no known key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-...)");
			return false;
		}
	}
	s->keytype = xstrndup(kt, (size_t)(kte - kt));
	b64 = skip_ws(kte, e);
	b64e = field_end(b64, e, false);
	if (b64e == b64) {
		setwhy(why, wl, "the key is missing after its type");
		return false;
	}
	s->blob = sshsig_unb64(b64, (size_t)(b64e - b64), &s->bloblen);
	if (!s->blob || !blob_type(s->blob, s->bloblen, &t, &tn) || tn != strlen(s->keytype) ||
	    memcmp(t, s->keytype, tn) != 0) {
		setwhy(why, wl, "the key is not valid base64 of a %s key", s->keytype);
		return false;
	}
	return true;
}

void sshsig_allowed_parse(struct sshsig_allowed *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int ln = 0;

	memset(out, 0, sizeof(*out));
	out->text = xmalloc(len + 1);
	if (len)
		memcpy(out->text, text, len);
	out->text[len] = '\0';
	out->len = len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q;
		char why[140];
		ln++;
		while (le > p && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		q = skip_ws(p, le);
		if (q < le && *q != '#' && memchr(q, '\0', (size_t)(le - q)) == NULL) {
			struct sshsig_signer s = { .line = ln };
			if (parse_line(&s, q, le, why, sizeof(why))) {
				out->s = xrealloc(out->s, (out->n + 1) * sizeof(*out->s));
				out->s[out->n++] = s;
			} else {
				signer_release(&s);
				if (!out->bad_lines++)
					snprintf(out->first_error, sizeof(out->first_error), "line %d: %s", ln, why);
			}
		} else if (q < le && *q != '#') {
			if (!out->bad_lines++)
				snprintf(out->first_error, sizeof(out->first_error), "line %d: a NUL byte", ln);
		}
		p = nl ? nl + 1 : end;
	}
}

void sshsig_allowed_release(struct sshsig_allowed *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		signer_release(&a->s[i]);
	free(a->s);
	free(a->text);
	memset(a, 0, sizeof(*a));
}

/* OpenSSH's match_pattern: '*' and '?' wildcards. */
static bool glob(const char *pat, const char *pe, const char *s, const char *se)
{
	while (pat < pe) {
		if (*pat == '*') {
			for (const char *k = se; k >= s; k--)
				if (glob(pat + 1, pe, k, se))
					return true;
			return false;
		}
		if (s >= se || (*pat != '?' && *pat != *s))
			return false;
		pat++;
		s++;
	}
	return s == se;
}

/* A comma-separated pattern list (with !negations) matches name. */
static bool pattern_list(const char *list, const char *name)
{
	bool hit = false;
	const char *p = list, *ne = name + strlen(name);

	while (*p) {
		const char *c = strchr(p, ',');
		const char *e = c ? c : p + strlen(p);
		bool neg = *p == '!';
		if (glob(p + neg, e, name, ne)) {
			if (neg)
				return false;
			hit = true;
		}
		p = c ? c + 1 : e;
	}
	return hit;
}

const char *sshsig_allowed_lookup(const struct sshsig_allowed *a, const unsigned char *blob, size_t n,
				  const char *ns)
{
	for (size_t i = 0; a && i < a->n; i++) {
		const struct sshsig_signer *s = &a->s[i];
		if (s->cert_authority || s->bloblen != n || memcmp(s->blob, blob, n) != 0)
			continue;
		if (s->namespaces && !pattern_list(s->namespaces, ns))
			continue;
		return s->principals[0];
	}
	return NULL;
}

bool sshsig_allowed_has_ca(const struct sshsig_allowed *a)
{
	for (size_t i = 0; a && i < a->n; i++)
		if (a->s[i].cert_authority)
			return true;
	return false;
}

/* ---- temporary files ------------------------------------------------------------ */

static char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");
	char *d = xasprintf("%s/rwb-sig.XXXXXX", t && *t ? t : "/tmp");

	if (!mkdtemp(d)) {
		free(d);
		return NULL;
	}
	return d;
}

static bool write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		return false;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return false;
		}
		off += (size_t)w;
	}
	return close(fd) == 0;
}

static void rm_dir(char *dir, const char *const names[])
{
	if (!dir)
		return;
	for (int i = 0; names[i]; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
	free(dir);
}

/* The first line of a program's captured error text, for a message. */
static void first_line(char *buf, size_t n, struct strbuf *sb)
{
	const char *s = strbuf_str(sb);
	size_t l = strcspn(s, "\n");

	if (l >= n)
		l = n - 1;
	memcpy(buf, s, l);
	buf[l] = '\0';
	for (size_t i = 0; i < l; i++)
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = ' ';
}

/* ---- signing ------------------------------------------------------------------- */

static const char *literal_key(const char *spec)
{
	if (strncmp(spec, "key::", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "ssh-", 4) == 0 || strncmp(spec, "ecdsa-", 6) == 0 || strncmp(spec, "sk-", 3) == 0)
		return spec;   /* git takes these as literals too */
	return NULL;
}

/*
 * Whether the key file holds an OpenSSH private key under a passphrase
 * that the running ssh-agent cannot stand in for: ssh-keygen would then
 * ask on the terminal (a TUI would hang until the timeout). The public
 * half of the "openssh-key-v1" format is readable without the passphrase,
 * so it is compared with the agent's keys.
 */
static bool locked_without_agent(const char *path)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	FILE *f = fopen(path, "rb");
	char buf[16384], *b64 = NULL, *agent = NULL;
	size_t n, rawlen, cl, kl, pl, tl;
	unsigned char *raw = NULL;
	const unsigned char *cipher, *pub, *tmp;
	uint32_t nkeys;
	bool locked = false;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strncmp(buf, begin, sizeof(begin) - 1) != 0)
		return false;   /* another format: ssh-keygen decides */
	char *e = strstr(buf, "-----END");
	if (!e)
		return false;
	raw = sshsig_unb64(buf + sizeof(begin) - 1, (size_t)(e - buf) - (sizeof(begin) - 1), &rawlen);
	if (!raw || rawlen < 15 || memcmp(raw, "openssh-key-v1", 15) != 0)
		goto out;
	struct rd r = { raw + 15, raw + rawlen };
	if (!rd_str(&r, &cipher, &cl) || (cl == 4 && memcmp(cipher, "none", 4) == 0) ||
	    !rd_str(&r, &tmp, &kl) || !rd_str(&r, &tmp, &tl) || !rd_u32(&r, &nkeys) || !rd_str(&r, &pub, &pl))
		goto out;
	locked = true;
	if (getenv("SSH_AUTH_SOCK") && *getenv("SSH_AUTH_SOCK")) {
		const char *argv[] = { "ssh-add", "-L", NULL };
		b64 = sshsig_b64(pub, pl);
		agent = proc_output((char *const *)argv, NULL, 1 << 20);
		if (agent && strstr(agent, b64))
			locked = false;
	}
out:
	free(raw);
	free(b64);
	free(agent);
	return locked;
}

int sshsig_sign(char **sig, char **key, const char *keyspec, const char *text, size_t len)
{
	static const char *const names[] = { "key.pub", NULL };
	const char *lit = literal_key(keyspec);
	char *dir = NULL, *keyfile = NULL, *ksig = NULL, *ns = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct proc_result res;
	unsigned char *blob = NULL;
	size_t bloblen;
	int rc;

	*sig = *key = NULL;
	if (lit) {
		dir = tmp_dir();
		if (!dir)
			return rwb_fail(RWB_EIO, "cannot create a temporary folder: %s", strerror(errno));
		keyfile = xasprintf("%s/key.pub", dir);
		char *line = xasprintf("%s\n", lit);
		bool ok = write_file(keyfile, line, strlen(line));
		free(line);
		if (!ok) {
			rc = rwb_fail(RWB_EIO, "cannot write %s: %s", keyfile, strerror(errno));
			goto out;
		}
	} else if (keyspec[0] == '~' && keyspec[1] == '/' && getenv("HOME")) {
		keyfile = xasprintf("%s/%s", getenv("HOME"), keyspec + 2);
	} else {
		keyfile = xstrdup(keyspec);
	}
	if (!lit && locked_without_agent(keyfile)) {
		rc = rwb_fail(RWB_EENV, "%s has a passphrase and the ssh-agent does not hold it: "
			      "`ssh-add %s` first (rwb never asks for passphrases)", keyspec, keyspec);
		goto out;
	}
	{
		const char *argv[] = { "ssh-keygen", "-Y", "sign", "-n", SSHSIG_NAMESPACE, "-f", keyfile,
				       lit ? "-U" : NULL, NULL };
		struct proc_opts o = { .input = text, .input_len = len, .out = &out, .err = &err,
				       .timeout_ms = 30000, .max_capture = 1u << 20 };
		rc = proc_run(&res, (char *const *)argv, &o);
	}
	if (rc == RWB_ENOTOOL) {
		rwb_fail(rc, "ssh-keygen cannot run (%s): install openssh-client to sign verdicts", res.errmsg);
		goto out;
	}
	if (rc) {
		rwb_fail(rc, "%s", res.errmsg);
		goto out;
	}
	if (res.status != 0 || !out.len) {
		char line[160];
		/* skip ssh-keygen's "Signing data on standard input" */
		const char *s = strbuf_str(&err), *nl;
		while ((nl = strchr(s, '\n')) && strncmp(s, "Signing data", 12) == 0)
			s = nl + 1;
		struct strbuf rest = STRBUF_INIT;
		strbuf_adds(&rest, s);
		first_line(line, sizeof(line), &rest);
		strbuf_free(&rest);
		rc = rwb_fail(RWB_EENV, "ssh-keygen could not sign with %s: %s", keyspec,
			      *line ? line : "it failed");
		goto out;
	}
	ksig = strbuf_detach(&out);
	{
		char why[200];
		if (sshsig_parse(ksig, key, &blob, &bloblen, &ns, why, sizeof(why)) != RWB_OK) {
			rc = rwb_fail(RWB_EENV, "%s", why);
			goto out;
		}
	}
	*sig = ksig;
	ksig = NULL;
	rc = RWB_OK;
out:
	free(ksig);
	free(ns);
	free(blob);
	free(keyfile);
	strbuf_free(&out);
	strbuf_free(&err);
	rm_dir(dir, names);
	return rc;
}

char *sshsig_default_key(const char *repo)
{
	char *v;
	struct stat sb;

	{
		const char *argv[] = { "git", "config", "--get", "user.signingKey", NULL };
		v = proc_output((char *const *)argv, repo, 64 << 10);
	}
	if (v) {
		v[strcspn(v, "\r\n")] = '\0';
		if (literal_key(v))
			return v;
		char *path = v[0] == '~' && v[1] == '/' && getenv("HOME") ?
			xasprintf("%s/%s", getenv("HOME"), v + 2) : xstrdup(v);
		free(v);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			return path;
		free(path);   /* a GPG key id: not ours */
	}
	if (getenv("SSH_AUTH_SOCK") && *getenv("SSH_AUTH_SOCK")) {
		const char *argv[] = { "ssh-add", "-L", NULL };
		v = proc_output((char *const *)argv, NULL, 1 << 20);
		if (v) {
			char *nl = strchr(v, '\n');
			if (nl)
				*nl = '\0';
			/* "type base64 comment": the first two fields */
			char *sp = strchr(v, ' ');
			if (sp && literal_key(v)) {
				char *sp2 = strchr(sp + 1, ' ');
				if (sp2)
					*sp2 = '\0';
				char *spec = xasprintf("key::%s", v);
				free(v);
				return spec;
			}
			free(v);
		}
	}
	return NULL;
}

/* ---- verifying ------------------------------------------------------------------ */

struct cache_entry {
	char *allowed, *sig, *text;   /* owned: the whole inputs */
	size_t allowed_len, text_len;
	struct sshsig_check res;
	struct cache_entry *next;
};

#define CACHE_BUCKETS 1024
#define CACHE_MAX 8192
static struct cache_entry *cache[CACHE_BUCKETS];
static size_t cache_n;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t bucket_of(const struct sshsig_allowed *a, const char *sig, const char *text, size_t len)
{
	uint64_t h = HASH_FNV_OFFSET;

	h = hash_fnv1a(h, a ? a->text : "", a ? a->len : 0);
	h = hash_fnv1a(h, sig, strlen(sig));
	h = hash_fnv1a(h, text, len);
	return (size_t)(h % CACHE_BUCKETS);
}

static bool cache_get(struct sshsig_check *out, const struct sshsig_allowed *a, const char *sig,
		      const char *text, size_t len)
{
	size_t b = bucket_of(a, sig, text, len), al = a ? a->len : 0;
	bool hit = false;

	pthread_mutex_lock(&cache_lock);
	for (struct cache_entry *e = cache[b]; e; e = e->next)
		if (e->allowed_len == al && e->text_len == len && strcmp(e->sig, sig) == 0 &&
		    memcmp(e->allowed, a ? a->text : "", al) == 0 && memcmp(e->text, text, len) == 0) {
			*out = e->res;
			hit = true;
			break;
		}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_put(const struct sshsig_check *res, const struct sshsig_allowed *a, const char *sig,
		      const char *text, size_t len)
{
	size_t b = bucket_of(a, sig, text, len), al = a ? a->len : 0;
	struct cache_entry *e = xcalloc(1, sizeof(*e));

	e->allowed = xmalloc(al + 1);
	memcpy(e->allowed, a ? a->text : "", al);
	e->allowed_len = al;
	e->sig = xstrdup(sig);
	e->text = xmalloc(len + 1);
	memcpy(e->text, text, len);
	e->text_len = len;
	e->res = *res;
	pthread_mutex_lock(&cache_lock);
	if (cache_n >= CACHE_MAX) {
		for (size_t i = 0; i < CACHE_BUCKETS; i++)
			while (cache[i]) {
				struct cache_entry *x = cache[i];
				cache[i] = x->next;
				free(x->allowed);
				free(x->sig);
				free(x->text);
				free(x);
			}
		cache_n = 0;
	}
	e->next = cache[b];
	cache[b] = e;
	cache_n++;
	pthread_mutex_unlock(&cache_lock);
}

/* "... key SHA256:xyz" in ssh-keygen's answer: the fingerprint. */
static void take_fingerprint(char *buf, size_t n, struct strbuf *out)
{
	const char *s = strstr(strbuf_str(out), " key ");
	size_t l;

	if (!s)
		return;
	s += 5;
	l = strcspn(s, " \r\n");
	if (l >= n)
		l = n - 1;
	memcpy(buf, s, l);
	buf[l] = '\0';
}

/* Runs ssh-keygen argv with text on stdin; its exit status, -1 if it could not run. */
static int keygen(const char *const argv[], const char *text, size_t len, struct strbuf *out,
		  struct strbuf *err, int *rc)
{
	struct proc_result res;
	struct proc_opts o = { .input = text, .input_len = len, .out = out, .err = err,
			       .timeout_ms = 60000, .max_capture = 64u << 10 };

	*rc = proc_run(&res, (char *const *)argv, &o);
	return *rc ? -1 : res.status;
}

int sshsig_verify(struct sshsig_check *out, const struct sshsig_allowed *a, const char *sig,
		  const char *text, size_t len)
{
	static const char *const names[] = { "sig", "allowed", NULL };
	unsigned char *blob = NULL;
	size_t bloblen;
	char *key = NULL, *ns = NULL, *dir = NULL, *sigp = NULL, *allp = NULL;
	char *principal = NULL;
	struct strbuf o1 = STRBUF_INIT, e1 = STRBUF_INIT;
	int rc = RWB_OK, st;

	memset(out, 0, sizeof(*out));
	if (sshsig_parse(sig, &key, &blob, &bloblen, &ns, out->why, sizeof(out->why)) != RWB_OK) {
		out->state = SSHSIG_FORGED;
		return RWB_OK;
	}
	snprintf(out->key, sizeof(out->key), "%s", key);
	if (strcmp(ns, SSHSIG_NAMESPACE) != 0) {
		out->state = SSHSIG_FORGED;
		setwhy(out->why, sizeof(out->why), "signed for \"%.60s\", not for rwb verdicts (%s)", ns,
		       SSHSIG_NAMESPACE);
		goto done;
	}
	if (cache_get(out, a, sig, text, len))
		goto done;
	dir = tmp_dir();
	if (!dir) {
		rc = RWB_EIO;
		goto done;
	}
	sigp = xasprintf("%s/sig", dir);
	allp = xasprintf("%s/allowed", dir);
	if (!write_file(sigp, sig, strlen(sig)) || !write_file(allp, a ? a->text : "", a ? a->len : 0)) {
		rc = RWB_EIO;
		goto done;
	}
	{
		const char *p = sshsig_allowed_lookup(a, blob, bloblen, ns);
		if (p)
			principal = xstrdup(p);
	}
	if (!principal && sshsig_allowed_has_ca(a) && strstr(key, "-cert-v01@openssh.com")) {
		const char *argv[] = { "ssh-keygen", "-Y", "find-principals", "-s", sigp, "-f", allp,
				       "-n", SSHSIG_NAMESPACE, NULL };
		st = keygen(argv, "", 0, &o1, &e1, &rc);
		if (rc)
			goto done;
		if (st == 0 && o1.len) {
			principal = xstrndup(strbuf_str(&o1), strcspn(strbuf_str(&o1), "\r\n"));
		}
		strbuf_reset(&o1);
		strbuf_reset(&e1);
	}
	if (principal) {
		const char *argv[] = { "ssh-keygen", "-Y", "verify", "-f", allp, "-I", principal, "-n",
				       SSHSIG_NAMESPACE, "-s", sigp, NULL };
		st = keygen(argv, text, len, &o1, &e1, &rc);
		if (rc)
			goto done;
		if (st == 0) {
			out->state = SSHSIG_GOOD;
			snprintf(out->principal, sizeof(out->principal), "%s", principal);
			take_fingerprint(out->fingerprint, sizeof(out->fingerprint), &o1);
			goto store;
		}
		strbuf_reset(&o1);
		strbuf_reset(&e1);
	}
	{
		const char *argv[] = { "ssh-keygen", "-Y", "check-novalidate", "-n", SSHSIG_NAMESPACE,
				       "-s", sigp, NULL };
		st = keygen(argv, text, len, &o1, &e1, &rc);
		if (rc)
			goto done;
		take_fingerprint(out->fingerprint, sizeof(out->fingerprint), &o1);
		if (st != 0) {
			out->state = SSHSIG_FORGED;
			setwhy(out->why, sizeof(out->why), "the signature does not match what the verdict says "
			       "(its text, item, fingerprint, reviewer or time changed after signing)");
		} else if (principal) {
			out->state = SSHSIG_UNTRUSTED;
			setwhy(out->why, sizeof(out->why), "key %s of %s is not valid now (valid-after/valid-before)",
			       out->fingerprint, principal);
		} else {
			out->state = SSHSIG_UNTRUSTED;
			setwhy(out->why, sizeof(out->why), "key %s is not in the allowed signers", out->fingerprint);
		}
	}
store:
	cache_put(out, a, sig, text, len);
done:
	if (sigp)
		unlink(sigp);
	if (allp)
		unlink(allp);
	rm_dir(dir, names);
	free(sigp);
	free(allp);
	free(principal);
	free(key);
	free(ns);
	free(blob);
	strbuf_free(&o1);
	strbuf_free(&e1);
	return rc;
}
