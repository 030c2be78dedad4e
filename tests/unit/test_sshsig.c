/*
 * test_sshsig.c - signatures of audit verdicts (sshsig.c, audit.c): the
 * canonical text byte for byte; the allowed-signers parser on git's
 * format (comments, options with quoted commas, CRLF, bad lines counted,
 * namespaces honoured, certificate authorities left to ssh-keygen); the
 * SSHSIG reader; and real signatures by keys ssh-keygen makes here:
 * good for a listed key, untrusted for an unlisted one, forged when one
 * byte of the text changes or the namespace is another program's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "error.h"
#include "sshsig.h"
#include "testutil.h"
#include "xalloc.h"

static void test_signed_text(void **state)
{
	(void)state;
	char *t = audit_signed_text("git:abc", "05d0b865d9", "7f6d0011aabbccdd", "sound", "Zoë \\ z",
				    1795913058318, "line one\nline\ttwo\r\x7f");
	assert_string_equal(t,
		"rwb-audit verdict v1\n"
		"repository: git:abc\n"
		"item: 05d0b865d9\n"
		"fingerprint: 7f6d0011aabbccdd\n"
		"verdict: sound\n"
		"reviewer: Zoë \\\\ z\n"
		"at: 1795913058318\n"
		"note: line one\\nline\\x09two\\r\\x7f\n");
	free(t);
	/* a note cannot pose as another field */
	t = audit_signed_text("r", "i", "f", "sound", "a", 1, "x\nverdict: unsound");
	assert_non_null(strstr(t, "note: x\\nverdict: unsound\n"));
	assert_null(strstr(t, "\nverdict: unsound\n"));
	free(t);
}

static const char *ED_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIRycQiYzPxXrDn5Sexe3xDvMCTRyynTXyeKyMUEqAV4";

static void test_allowed_parse(void **state)
{
	(void)state;
	struct sshsig_allowed a;
	char *text = xasprintf(
		"# reviewers\n"
		"\n"
		"alice@example.com,al@example.com %s alice's laptop\r\n"
		"bob@example.com namespaces=\"git,rwb-audit@v1\",valid-after=\"20240101\" %s\n"
		"carol@example.com namespaces=\"git\" %s\n"
		"*@example.com cert-authority %s\n"
		"dave@example.com ssh-ed25519 not-base64!\n"
		"erin@example.com frobnicate %s\n"
		"frank@example.com ssh-rsa %s\n"
		"  lonely\n",
		ED_A, ED_A, ED_A, ED_A, ED_A, ED_A + 12);
	sshsig_allowed_parse(&a, text, strlen(text));
	assert_int_equal(a.n, 4);
	assert_int_equal(a.bad_lines, 4);
	assert_non_null(strstr(a.first_error, "line 7"));
	assert_int_equal(a.s[0].nprincipals, 2);
	assert_string_equal(a.s[0].principals[1], "al@example.com");
	assert_string_equal(a.s[1].namespaces, "git,rwb-audit@v1");
	assert_true(a.s[3].cert_authority);
	assert_true(sshsig_allowed_has_ca(&a));
	size_t n;
	unsigned char *blob = sshsig_unb64(ED_A + 12, strlen(ED_A + 12), &n);
	assert_non_null(blob);
	assert_string_equal(sshsig_allowed_lookup(&a, blob, n, SSHSIG_NAMESPACE), "alice@example.com");
	/* carol's line is for git only; cert-authority lines never match a plain key */
	sshsig_allowed_release(&a);
	char *only = xasprintf("carol@example.com namespaces=\"git\" %s\n*@x cert-authority %s\n", ED_A, ED_A);
	sshsig_allowed_parse(&a, only, strlen(only));
	assert_int_equal(a.n, 2);
	assert_null(sshsig_allowed_lookup(&a, blob, n, SSHSIG_NAMESPACE));
	assert_string_equal(sshsig_allowed_lookup(&a, blob, n, "git"), "carol@example.com");
	sshsig_allowed_release(&a);
	free(only);
	free(blob);
	free(text);
}

static void test_b64(void **state)
{
	(void)state;
	const unsigned char in[] = { 0, 1, 2, 250, 251, 252, 253 };
	for (size_t k = 0; k <= sizeof(in); k++) {
		char *e = sshsig_b64(in, k);
		size_t n;
		unsigned char *d = sshsig_unb64(e, strlen(e), &n);
		assert_non_null(d);
		assert_int_equal(n, k);
		assert_memory_equal(d, in, k);
		free(d);
		free(e);
	}
	size_t n;
	assert_null(sshsig_unb64("ab=c", 4, &n));
	assert_null(sshsig_unb64("a", 1, &n));
	assert_null(sshsig_unb64("a*bc", 4, &n));
}

static void test_sign_verify(void **state)
{
	(void)state;
	char *dir = tu_tmpdir(), *cmd, *sig = NULL, *key = NULL, *pub, *line;
	struct sshsig_allowed a;
	struct sshsig_check c;
	const char *text = "rwb-audit verdict v1\nitem: x\n";

	cmd = xasprintf("ssh-keygen -q -t ed25519 -N '' -C alice -f %s/alice && "
			"ssh-keygen -q -t ed25519 -N '' -C eve -f %s/eve", dir, dir);
	assert_int_equal(tu_sh(dir, cmd), 0);
	free(cmd);
	char *kf = xasprintf("%s/alice", dir);
	assert_int_equal(sshsig_sign(&sig, &key, kf, text, strlen(text)), RWB_OK);
	assert_non_null(strstr(sig, "-----BEGIN SSH SIGNATURE-----"));
	pub = xasprintf("%s/alice.pub", dir);
	line = tu_read(pub, NULL);
	assert_int_equal(strncmp(line, key, strlen(key)), 0);   /* the signer's own public key */

	/* listed: good, with the principal and the fingerprint */
	char *allowed = xasprintf("alice@example.com %s", line);
	sshsig_allowed_parse(&a, allowed, strlen(allowed));
	assert_int_equal(sshsig_verify(&c, &a, sig, text, strlen(text)), RWB_OK);
	assert_int_equal(c.state, SSHSIG_GOOD);
	assert_string_equal(c.principal, "alice@example.com");
	assert_int_equal(strncmp(c.fingerprint, "SHA256:", 7), 0);
	/* (again: from the cache, the same answer) */
	assert_int_equal(sshsig_verify(&c, &a, sig, text, strlen(text)), RWB_OK);
	assert_int_equal(c.state, SSHSIG_GOOD);
	/* one byte of the text changed: forged */
	assert_int_equal(sshsig_verify(&c, &a, sig, "rwb-audit verdict v1\nitem: y\n", strlen(text)), RWB_OK);
	assert_int_equal(c.state, SSHSIG_FORGED);
	sshsig_allowed_release(&a);
	/* not listed: untrusted */
	sshsig_allowed_parse(&a, "", 0);
	assert_int_equal(sshsig_verify(&c, &a, sig, text, strlen(text)), RWB_OK);
	assert_int_equal(c.state, SSHSIG_UNTRUSTED);
	assert_non_null(strstr(c.why, "not in the allowed signers"));
	sshsig_allowed_release(&a);
	/* a signature for git commits is not an audit signature */
	cmd = xasprintf("printf 'x' | ssh-keygen -Y sign -n git -f %s/alice > %s/git.sig 2>/dev/null", dir, dir);
	assert_int_equal(tu_sh(dir, cmd), 0);
	free(cmd);
	char *gp = xasprintf("%s/git.sig", dir), *gs = tu_read(gp, NULL);
	sshsig_allowed_parse(&a, allowed, strlen(allowed));
	assert_int_equal(sshsig_verify(&c, &a, gs, "x", 1), RWB_OK);
	assert_int_equal(c.state, SSHSIG_FORGED);
	assert_non_null(strstr(c.why, "not for rwb verdicts"));
	/* the end marker sharing the begin marker's dashes (found by fuzz_sshsig) */
	assert_int_equal(sshsig_verify(&c, &a, "-----B-----BEGIN SSH SIGNATURE-----END SSH SIGNATURE-----\n",
				       "x", 1), RWB_OK);
	assert_int_equal(c.state, SSHSIG_FORGED);
	/* garbage is forged, not a crash */
	assert_int_equal(sshsig_verify(&c, &a, "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n",
				       "x", 1), RWB_OK);
	assert_int_equal(c.state, SSHSIG_FORGED);
	sshsig_allowed_release(&a);
	/* a key that cannot sign: one clear line, nothing signed */
	char *sig2 = NULL, *key2 = NULL;
	assert_int_equal(sshsig_sign(&sig2, &key2, "/nonexistent/key", text, strlen(text)),
			 RWB_EENV);
	assert_null(sig2);
	assert_non_null(strstr(rwb_last_error(), "could not sign"));
	/* a key under a passphrase, no agent: refused at once, never a prompt */
	cmd = xasprintf("ssh-keygen -q -t ed25519 -N 'secret words' -f %s/locked", dir);
	assert_int_equal(tu_sh(dir, cmd), 0);
	free(cmd);
	char *lk = xasprintf("%s/locked", dir);
	char *saved = getenv("SSH_AUTH_SOCK") ? xstrdup(getenv("SSH_AUTH_SOCK")) : NULL;
	unsetenv("SSH_AUTH_SOCK");
	assert_int_equal(sshsig_sign(&sig2, &key2, lk, text, strlen(text)), RWB_EENV);
	assert_non_null(strstr(rwb_last_error(), "has a passphrase"));
	if (saved)
		setenv("SSH_AUTH_SOCK", saved, 1);
	free(saved);
	free(lk);
	free(gp);
	free(gs);
	free(allowed);
	free(line);
	free(pub);
	free(kf);
	free(sig);
	free(key);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_text),
		cmocka_unit_test(test_allowed_parse),
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_sign_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
