/*
 * test_demangle.c - Rust demangling, legacy and v0, on real symbols taken
 * from `nm` of binaries rustc built (expected text from GNU c++filt with
 * crate disambiguators and hashes removed), plus hand-made edge cases and
 * hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"
#include "error.h"
#include "testutil.h"

static void expect(const char *sym, const char *want)
{
	char *got = NULL;
	int rc = demangle_rust(&got, sym);
	if (rc != RWB_OK || strcmp(got, want) != 0)
		fprintf(stderr, "symbol %s\n  want %s\n  got  %s\n", sym, want, got ? got : "(not rust)");
	assert_int_equal(rc, RWB_OK);
	assert_string_equal(got, want);
	free(got);
}

static void test_real_symbols(void **state)
{
	size_t len;
	char *text = tu_read(RWB_TEST_SOURCE_DIR "/tests/fixtures/perf/symbols.tsv", &len);
	char *line, *save = NULL;
	int n = 0, v0 = 0, legacy = 0;

	(void)state;
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		expect(line, tab + 1);
		n++;
		if (strncmp(line, "_R", 2) == 0)
			v0++;
		else
			legacy++;
	}
	assert_true(n > 80);
	assert_true(v0 > 40);
	assert_true(legacy > 15);
	free(text);
}

static void test_legacy_escapes(void **state)
{
	(void)state;
	expect("_ZN4core3ptr13drop_in_place17h0123456789abcdefE", "core::ptr::drop_in_place");
	expect("_ZN81_$LT$core..str..iter..Chars$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4next17h2b7ee3e3ed9e7b2cE",
	       "<core::str::iter::Chars as core::iter::traits::iterator::Iterator>::next");
	expect("_ZN3foo4main28_$u7b$$u7b$closure$u7d$$u7d$17h0000000000000000E", "foo::main::{{closure}}");
	expect("_ZN5alloc3vec16Vec$LT$T$C$A$GT$4push17habcdefabcdefabcdE.llvm.123456", "alloc::vec::Vec<T,A>::push");
	expect("_ZN3std2io5Write9write_fmt17h1111111111111111E", "std::io::Write::write_fmt");
	expect("_ZN5inner5$RF$T3foo17h1111111111111111E", "inner::&T::foo");
	/* without a hash it is still a Rust path */
	expect("_ZN3foo3barE", "foo::bar");
}

static void test_v0_hand(void **state)
{
	(void)state;
	/* RFC 2603 examples and shapes perf shows */
	expect("_RNvCs15kBYyAo9fc_7mycrate7example", "mycrate::example");
	expect("_RNvNtCs1234_7mycrate3foo3bar", "mycrate::foo::bar");
	expect("_RNvMCs1234_3fooNtB2_5Sleep3now", "<foo::Sleep>::now");
	expect("_RINvCs1234_3foo3barjE", "foo::bar::<usize>");
	expect("_RNCNvCs1234_3foo4main0", "foo::main::{closure#0}");
	expect("_RNCNvCs1234_3foo4mains_0", "foo::main::{closure#1}");
	expect("_RINvCs1234_3foo1fKj2a_E", "foo::f::<42>");
	expect("_RINvCs1234_3foo1fKb1_E", "foo::f::<true>");
	expect("_RINvCs1234_3foo1fKc61_E", "foo::f::<'a'>");
	expect("_RINvCs1234_3foo1fKan5_E", "foo::f::<-5>");
	expect("_RINvCs1234_3foo1fTRehEE", "foo::f::<(&str, u8)>");
	expect("_RINvCs1234_3foo1fFUKCjEuE", "foo::f::<unsafe extern \"C\" fn(usize)>");
	expect("_RINvCs1234_3foo1fQSaE", "foo::f::<&mut [i8]>");
	expect("_RINvCs1234_3foo1fAhj4_E", "foo::f::<[u8; 4]>");
	expect("_RINvCs1234_3foo1fPOzE", "foo::f::<*const *mut !>");
	/* a backref as the instantiating crate (position 4: the crate root) */
	expect("_RNvNtCs1234_3foo3bar3bazB3_", "foo::bar::baz");
	expect("_RNvXCs1234_3fooNtB2_1SNtB2_1T1m", "<foo::S as foo::T>::m");
	expect("_RNvYNtCs1234_3foo1SNtB4_1T1m", "<foo::S as foo::T>::m");
	/* the instantiating crate and a vendor suffix are not printed */
	expect("_RNvCs1234_3foo3barCs5678_3baz.llvm.42", "foo::bar");
}

static void test_v0_punycode(void **state)
{
	(void)state;
	/* from `nm` of a rustc-built binary with fn größe */
	expect("_RNvCs4eYjyvNHrqb_3uniu9gre_6ka8i", "uni::größe");
	/* made with Python's punycode codec, checked against GNU c++filt */
	expect("_RNvCs1234_3foou7_1lqs71d", "foo::東京");
	expect("_RNvCs1234_3foou8nave_6pa", "foo::naïve");
	expect("_RNvCs1234_3foou19mnchen_strae_v9a90b", "foo::münchen_straße");
	expect("_RNvCs1234_3foou3ida", "foo::ñ");
	expect("_RNvCs1234_3foou8mega_ukd", "foo::Ωmega");
	/* not punycode: shown as it is, marked */
	expect("_RNvCs1234_3foou3A!z", "foo::punycode{A!z}");
}

static void test_not_rust(void **state)
{
	const char *bad[] = {
		"main", "", "_Z3foov", "_ZN3fooEv", "_ZN3foo", "_ZN99fooE", "_R", "_RX", "_RNvC",
		"_RNvCs1234_3foo3bar!", "_RB_", "_RNvB0_3foo", "_RINvCs1_3fooKz_E", "_RC3foo3",
		"_ZN3foo$XY$E", "_RNvC999999999999999999999999_a",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = (char *)1;
		assert_int_equal(demangle_rust(&out, bad[i]), RWB_ENOTFOUND);
		assert_null(out);
		out = demangle_symbol(bad[i]);
		assert_string_equal(out, bad[i]);
		free(out);
	}
}

static void test_hostile(void **state)
{
	/* self-referential and exponential backrefs end, bounded */
	char buf[4096];
	char *out;
	(void)state;
	strcpy(buf, "_RINvCs1_1f");
	for (int i = 0; i < 300; i++)
		strcat(buf, "TB9_");
	strcat(buf, "E");
	out = demangle_symbol(buf);
	assert_non_null(out);
	free(out);
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "_R");
	for (int i = 0; i < 1000; i++)
		strcat(buf, "N");
	out = demangle_symbol(buf);
	assert_string_equal(out, buf);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_symbols),
		cmocka_unit_test(test_legacy_escapes),
		cmocka_unit_test(test_v0_hand),
		cmocka_unit_test(test_v0_punycode),
		cmocka_unit_test(test_not_rust),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
