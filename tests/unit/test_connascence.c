/*
 * test_connascence.c - coupling findings on crafted Rust files in a real
 * crate folder: each kind found at its line, the things that must not be
 * findings (consts, attributes, tests, tuple fields, 0/1/2), literals shared
 * with another file of the crate, and bad input.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connascence.h"
#include "error.h"
#include "testutil.h"

static const char *lib_rs =
	"use std::time::Duration;\n"                                        /* 1 */
	"const TIMEOUT_MS: u64 = 30000;\n"                                  /* 2 */
	"#[derive(Debug)]\n"                                                /* 3 */
	"#[cfg_attr(feature = \"serde\", serde(rename = \"x_y_z\"))]\n"     /* 4 */
	"pub fn connect(host: &str, port: u16, retries: u32, backoff: u32) -> bool {\n" /* 5 */
	"    let t = Duration::from_millis(86400);\n"                      /* 6 */
	"    let pair = (host, port);\n"                                    /* 7 */
	"    let _ = pair.1 + 1 + 2 + 0;\n"                                 /* 8 */
	"    log(\"connect failed\"); log(\"connect failed\");\n"           /* 9 */
	"    log(\"connect failed\");\n"                                    /* 10 */
	"    retries > 0 && backoff > 0 && t.as_secs() > 0\n"               /* 11 */
	"}\n"                                                               /* 12 */
	"fn wide(a: i8, b: u8, c: i16, d: u16, e: i32, f: u32, g: i64) {}\n" /* 13 */
	"fn generic<F: Fn(u8) -> u8>(f: F, x: Vec<u8>, y: Vec<u16>) {}\n"  /* 14 */
	"struct Big {\n"                                                    /* 15 */
	"    a1: u8, a2: u8, a3: u8, a4: u8, a5: u8, a6: u8, a7: u8,\n"     /* 16 */
	"    a8: u8, a9: u8, a10: u8, a11: u8, a12: u8, a13: std::vec::Vec<u8>,\n" /* 17 */
	"}\n"                                                               /* 18 */
	"impl Big { fn m(&self, a: u8, b: u8, c: u8) {} }\n"                /* 19 */
	"fn log(s: &str) { let _ = s; let api = \"https://api.example.com\"; let _ = api; }\n" /* 20 */
	"#[cfg(test)]\n"                                                    /* 21 */
	"mod tests { fn t() { let _ = 12345; let _ = \"connect failed\"; } }\n"; /* 22 */

static const char *other_rs =
	"pub fn other() -> &'static str { let _ = 86400; \"https://api.example.com\" }\n";

static const struct conn_finding *find(const struct conn_report *r, const char *kind, int line)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].kind, kind) == 0 && r->findings[i].line == line)
			return &r->findings[i];
	return NULL;
}

static int count_kind(const struct conn_report *r, const char *kind)
{
	int n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += strcmp(r->findings[i].kind, kind) == 0;
	return n;
}

static void test_crafted_file(void **state)
{
	char *dir = tu_tmpdir(), *path, *other, *manifest;
	struct conn_report *r = NULL;
	const struct conn_finding *f;
	int score = 0;

	(void)state;
	assert_true(asprintf(&path, "%s/src/lib.rs", dir) > 0);
	assert_true(asprintf(&other, "%s/src/other.rs", dir) > 0);
	assert_true(asprintf(&manifest, "%s/Cargo.toml", dir) > 0);
	tu_write(manifest, "[package]\nname = \"c\"\nversion = \"0.1.0\"\n");
	tu_write(path, lib_rs);
	tu_write(other, other_rs);
	assert_int_equal(connascence_analyze_file(&r, path), RWB_OK);
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "  %d %s %s\n", r->findings[i].line, r->findings[i].kind, r->findings[i].message);

	/* position: retries and backoff are both u32 */
	f = find(r, "position", 5);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "retries and backoff are both `u32`"));
	/* the receiver does not count; a, b, c of m are all u8 */
	assert_non_null(find(r, "position", 19));
	/* seven different types: a long list but no swappable pair */
	assert_non_null(find(r, "parameters", 13));
	assert_null(find(r, "position", 13));
	assert_non_null(strstr(find(r, "parameters", 13)->message, "7 parameters"));
	/* generics with -> inside are skipped; Vec<u8> and Vec<u16> differ */
	assert_null(find(r, "position", 14));
	assert_null(find(r, "parameters", 14));
	/* meaning: 86400 yes; const item, tuple field .1, 0/1/2 and test code no */
	assert_non_null(find(r, "meaning", 6));
	assert_null(find(r, "meaning", 2));
	assert_null(find(r, "meaning", 8));
	assert_null(find(r, "meaning", 22));
	assert_int_equal(count_kind(r, "meaning"), 1);
	/* value: the string three times in the file (not counting the test) */
	f = find(r, "value", 9);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "appears 3 times"));
	/* attribute strings are not findings */
	assert_null(find(r, "value", 4));
	/* value across files: the URL and 86400 also live in other.rs */
	f = find(r, "value", 20);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "src/other.rs:1"));
	f = find(r, "value", 6);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "the number 86400"));
	/* god type: 13 fields */
	f = find(r, "god-type", 15);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "13 fields"));
	for (size_t i = 0; i < r->n; i++) {
		assert_non_null(strchr(r->findings[i].message, ':'));  /* every finding says what to do */
		assert_null(strchr(r->findings[i].message, '\n'));
		if (i)
			assert_true(r->findings[i - 1].line <= r->findings[i].line);
	}
	score = 3 * count_kind(r, "position") + 2 * count_kind(r, "parameters") + count_kind(r, "meaning") +
		2 * count_kind(r, "value") + 5 * count_kind(r, "god-type");
	assert_int_equal(r->score, score);
	{
		cJSON *j = connascence_json(r);
		assert_string_equal(cJSON_GetObjectItem(j, "file")->valuestring, path);
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "findings")), (int)r->n);
		cJSON_Delete(j);
	}
	connascence_report_free(r);
	tu_rmtree(dir);
	free(dir);
	free(path);
	free(other);
	free(manifest);
}

static void test_many_methods(void **state)
{
	char src[8192];
	size_t off = 0;
	struct conn_report *r = NULL;

	(void)state;
	off += (size_t)snprintf(src + off, sizeof(src) - off, "struct S;\nimpl S {\n");
	for (int i = 0; i < 15; i++)
		off += (size_t)snprintf(src + off, sizeof(src) - off, "    fn m%d(&self) {}\n", i);
	off += (size_t)snprintf(src + off, sizeof(src) - off, "}\nimpl<T> Clone for S { fn clone(&self) -> S { S } }\n"
				"impl crate::S {\n");
	for (int i = 0; i < 10; i++)
		off += (size_t)snprintf(src + off, sizeof(src) - off, "    pub fn n%d(&self) {}\n", i);
	snprintf(src + off, sizeof(src) - off, "}\n");
	assert_int_equal(connascence_analyze_text(&r, "s.rs", src, strlen(src), NULL), RWB_OK);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->findings[0].kind, "god-type");
	assert_int_equal(r->findings[0].line, 2);
	assert_non_null(strstr(r->findings[0].message, "25 inherent methods"));
	connascence_report_free(r);
	/* a clean file scores 0 */
	assert_int_equal(connascence_analyze_text(&r, "c.rs", "fn main() { let x = 1; }\n", 25, NULL), RWB_OK);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->score, 0);
	connascence_report_free(r);
}

static void test_bad_input(void **state)
{
	char *dir = tu_tmpdir(), *bin;
	struct conn_report *r = NULL;

	(void)state;
	assert_int_equal(connascence_analyze_file(&r, "/nonexistent/x.rs"), RWB_ENOTFOUND);
	assert_null(r);
	assert_int_equal(connascence_analyze_file(&r, dir), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "not a file"));
	assert_true(asprintf(&bin, "%s/b.rs", dir) > 0);
	{
		FILE *fp = fopen(bin, "wb");
		fwrite("fn\0main", 1, 7, fp);
		fclose(fp);
	}
	assert_int_equal(connascence_analyze_file(&r, bin), RWB_EINPUT);
	assert_non_null(strstr(rwb_last_error(), "binary"));
	tu_rmtree(dir);
	free(dir);
	free(bin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crafted_file),
		cmocka_unit_test(test_many_methods),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
