/*
 * fuzz_sshsig.c - the two parsers of untrusted text in sshsig.c: git's
 * allowed-signers format and the armored SSHSIG. The input is an
 * allowed-signers file; it is also read as a signature, whose key is then
 * looked up in the file. Nothing may crash, hang or leak; every parsed
 * line has a principal and a key whose type matches; base64 round-trips.
 */
#include "sshsig.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshsig_allowed a;
	char *text = xstrndup((const char *)data, size), *key = NULL, *ns = NULL, *b64;
	unsigned char *blob = NULL, *back;
	size_t bloblen = 0, backlen = 0;
	char why[200];

	sshsig_allowed_parse(&a, (const char *)data, size);
	for (size_t i = 0; i < a.n; i++)
		if (a.s[i].nprincipals < 1 || !a.s[i].keytype || !a.s[i].blob || !a.s[i].principals[0][0])
			abort();
	if (sshsig_parse(text, &key, &blob, &bloblen, &ns, why, sizeof(why)) == 0) {
		if (!key || !ns || !blob)
			abort();
		(void)sshsig_allowed_lookup(&a, blob, bloblen, ns);
	}
	(void)sshsig_allowed_has_ca(&a);
	b64 = sshsig_b64(data, size);
	back = sshsig_unb64(b64, strlen(b64), &backlen);
	if (!back || backlen != size || (size && memcmp(back, data, size) != 0))
		abort();
	free(back);
	free(b64);
	free(key);
	free(ns);
	free(blob);
	free(text);
	sshsig_allowed_release(&a);
	return 0;
}
