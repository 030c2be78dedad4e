/*
 * sshsig.h - SSH signatures (OpenSSH's SSHSIG format) for audit verdicts:
 * signing with ssh-keygen, reading git's allowed-signers file, verifying.
 *
 * The cryptography is ssh-keygen's (`-Y sign`, `-Y verify`,
 * `-Y check-novalidate`, `-Y find-principals`), run through proc_run by
 * argv. What rwb parses itself is untrusted text: the allowed-signers file
 * (git's / ssh-keygen's format: `principals [options] keytype base64
 * [comment]`) and the armored signature, to learn which key made it before
 * asking ssh-keygen whether it holds. Both parsers are fuzzed.
 *
 * Verification results are cached in this process, keyed by the whole
 * allowed-signers text, the signature and the signed text (never by a
 * hash an attacker could collide), so a TUI that reloads often runs
 * ssh-keygen once per verdict.
 *
 * Never: run a shell, trust a principal or key the signature does not
 * prove, or leave temporary files behind.
 */
#ifndef RWB_SSHSIG_H
#define RWB_SSHSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* rwb's own signature namespace: a signature made for git commits (or for
 * anything else) never passes for an audit verdict. */
#define SSHSIG_NAMESPACE "rwb-audit@v1"
#define SSHSIG_MAX_TEXT (256u << 10)   /* the longest signature or key accepted */

struct sshsig_signer {
	char **principals;           /* owned: the line's principals (patterns allowed) */
	int nprincipals;
	char *namespaces;            /* owned: the namespaces="..." option, or NULL (any) */
	bool cert_authority;         /* the cert-authority option: the key signs certificates */
	char *keytype;               /* owned: "ssh-ed25519", ... */
	unsigned char *blob;         /* owned: the decoded key */
	size_t bloblen;
	int line;                    /* 1-based line in the file */
};

struct sshsig_allowed {
	struct sshsig_signer *s;     /* owned: the usable lines, in file order */
	size_t n;
	char *text;                  /* owned: the file's text, as ssh-keygen will read it */
	size_t len;
	int bad_lines;               /* lines skipped as malformed */
	char first_error[160];       /* why the first skipped line was skipped */
};

/*
 * Parses an allowed-signers text (any bytes; malformed lines are skipped
 * and counted, as ssh-keygen skips them). Always succeeds; out owns a copy.
 */
void sshsig_allowed_parse(struct sshsig_allowed *out, const char *text, size_t len);
void sshsig_allowed_release(struct sshsig_allowed *a);
/* Whether a line lists this key (for this namespace); its first principal
 * then, else NULL. Certificates are left to ssh-keygen. */
const char *sshsig_allowed_lookup(const struct sshsig_allowed *a, const unsigned char *blob, size_t n,
				  const char *ns);
bool sshsig_allowed_has_ca(const struct sshsig_allowed *a);

/*
 * Reads an armored SSHSIG: its key (type and blob, as "type base64") and
 * namespace. RWB_EINPUT with why when it is not one.
 */
int sshsig_parse(const char *armored, char **key, unsigned char **blob, size_t *bloblen, char **ns,
		 char *why, size_t whylen);

/* base64 (standard alphabet, padding) of n bytes / the bytes of a base64
 * text (NULL when it is not base64). */
char *sshsig_b64(const unsigned char *p, size_t n);
unsigned char *sshsig_unb64(const char *s, size_t len, size_t *out_len);

/*
 * Signs text under SSHSIG_NAMESPACE with keyspec: a key file (private, or
 * public with the private key in the running ssh-agent) or git's
 * "key::ssh-ed25519 AAAA..." literal (the key must be in the agent).
 * *sig is the armored signature and *key the public key ("type base64").
 * RWB_ENOTOOL without ssh-keygen, RWB_EENV when it refuses (rwb_last_error()
 * says what).
 */
int sshsig_sign(char **sig, char **key, const char *keyspec, const char *text, size_t len);

/*
 * The signing key of this user for repo, as sshsig_sign takes it, or NULL:
 * git's user.signingKey (a key file or a key:: literal) when set, else
 * the first key of the running ssh-agent (SSH_AUTH_SOCK, `ssh-add -L`).
 */
char *sshsig_default_key(const char *repo);

enum sshsig_state {
	SSHSIG_GOOD,                 /* verifies for a principal of the allowed signers */
	SSHSIG_UNTRUSTED,            /* a real signature, but by a key nobody listed */
	SSHSIG_FORGED,               /* does not verify for this text, or is not a signature */
};

struct sshsig_check {
	enum sshsig_state state;
	char principal[128];         /* SSHSIG_GOOD: who the allowed signers say signed */
	char fingerprint[96];        /* "SHA256:..." of the key, when ssh-keygen said it */
	char key[1024];              /* "type base64" of the signature's key ("" if unreadable) */
	char why[200];               /* SSHSIG_FORGED / SSHSIG_UNTRUSTED: why, in words */
};

/*
 * Verifies sig over text against the allowed signers a (may be empty).
 * RWB_OK with out filled; RWB_ENOTOOL when ssh-keygen cannot run.
 */
int sshsig_verify(struct sshsig_check *out, const struct sshsig_allowed *a, const char *sig,
		  const char *text, size_t len);

#endif
