/* SPDX-License-Identifier: 0BSD */
/* t_json.c - json_get() and json_int() on etcd's real answers
 * (3.4 JSON gateway, int64 fields as strings) and on malformed text, every
 * input read from a guard-paged copy so a read past its end faults; then
 * b64_encode()/b64_decode() on RFC 4648's vectors and on bad input. */
#include <stdio.h>
#include <string.h>

#include "net/net.h"
#include "tests/unit/tap.h"

static const char grant[] =
    "{\"header\":{\"cluster_id\":\"15118495548433857066\",\"member_id\":\"13668033151171901709\","
    "\"revision\":\"1\",\"raft_term\":\"2\"},\"ID\":\"4111120477755695622\",\"TTL\":\"5\"}";
static const char txn_fail[] =
    "{\"header\":{\"revision\":\"2\"},\"responses\":[{\"response_range\":{\"header\":"
    "{\"revision\":\"2\"},\"kvs\":[{\"key\":\"L2R3L2E=\",\"create_revision\":\"2\","
    "\"mod_revision\":\"2\",\"version\":\"1\",\"lease\":\"4111120477755695624\"}],"
    "\"count\":\"1\"}}]}";
static const char range[] =
    " {\"header\":{\"revision\":\"3\"},\"kvs\":[{\"key\":\"L2R3L2E=\",\"create_revision\":\"2\"},"
    "{\"key\":\"L2R3L2I=\",\"create_revision\":\"3\"}],\"more\":true,\"count\":\"2\"}\n";
static const char err400[] =
    "{\"error\":\"unexpected EOF\",\"message\":\"bad \\\"x\\\"\\u00e9\\n\",\"code\":3}";

/* json_get on a guard-paged copy; the value as a string ("" when none). */
static int
get(const char *text, const char *path, char *out, size_t size)
{
	struct json_val v;
	char *p = guard_copy(text, strlen(text));
	int r = json_get(p, strlen(text), path, &v);

	snprintf(out, size, "%.*s", r == 1 ? (int)v.n : 0, r == 1 ? v.p : "");
	return r;
}

static void
check_get(void)
{
	char s[200];
	struct json_val v;
	long long x;

	is_int(get(grant, "ID", s, sizeof(s)), 1, "grant: ID found");
	is_str(s, "\"4111120477755695622\"", "grant: ID is the quoted string");
	v.p = s;
	v.n = strlen(s);
	is_int(json_int(&v, &x), 0, "json_int of a quoted int64");
	is_int(x, 4111120477755695622LL, "its value");
	is_int(get(grant, "header.revision", s, sizeof(s)), 1, "a nested member");
	is_int(get(grant, "succeeded", s, sizeof(s)), 0, "a missing member: 0");
	is_int(get(txn_fail, "responses.0.response_range.kvs.0.lease", s, sizeof(s)), 1,
	       "txn failure: the lease of the key there");
	is_str(s, "\"4111120477755695624\"", "its value");
	is_int(get(txn_fail, "responses.1", s, sizeof(s)), 0, "an index past the end: 0");
	is_int(get(txn_fail, "header.revision.x", s, sizeof(s)), 0, "a step into a scalar: 0");
	is_int(get(range, "kvs.1.key", s, sizeof(s)), 1, "range: the second key");
	is_str(s, "\"L2R3L2I=\"", "its value");
	is_int(get(range, "more", s, sizeof(s)), 1, "a literal true");
	is_str(s, "true", "its text");
	is_int(get(range, "", s, sizeof(s)), 1, "the empty path: the whole value");
	is_int(get(err400, "message", s, sizeof(s)), 1, "an error answer's message");
	is_str(s, "\"bad \\\"x\\\"\\u00e9\\n\"", "its text as written");
}

static void
check_bad(void)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[1 2]",
		"{a:1}", "\"abc", "\"a\\x\"", "\"a\\u12g4\"", "\"\x01\"", "tru", "nul",
		"-", "1.", "1e", "01x", "{\"a\":1}}", "{\"a\":1} x", "[\"\\",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	char s[8];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(get(bad[i], "a", s, sizeof(s)), -1, bad[i]);
	is_int(get("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "", s,
		   sizeof(s)), 1, "32 levels deep: fine");
	is_int(get("{\"a\":-1.5e+3}", "a", s, sizeof(s)), 1, "a number with all its parts");
}

static void
check_int(void)
{
	struct json_val v;
	long long x;

	v.p = "\"9223372036854775807\"";
	v.n = strlen(v.p);
	is_int(json_int(&v, &x) == 0 && x == 9223372036854775807LL, 1, "int64 max");
	v.p = "-1";
	v.n = strlen(v.p);
	is_int(json_int(&v, &x), -1, "a negative number: -1");
	v.p = "\"18446744073709551615\"";
	v.n = strlen(v.p);
	is_int(json_int(&v, &x), -1, "20 digits: -1");
	v.p = "9223372036854775808";
	v.n = strlen(v.p);
	is_int(json_int(&v, &x), -1, "int64 max + 1: -1");
	v.p = "\"\"";
	v.n = 2;
	is_int(json_int(&v, &x), -1, "an empty string: -1");
	v.p = "1.5";
	v.n = 3;
	is_int(json_int(&v, &x), -1, "a fraction: -1");
}

static void
check_b64(void)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "/dw/a", "L2R3L2E=" },
	};
	static const char *const bad[] = { "Zg=", "Zg", "Z===", "Zh==", "Zm9v=Yg=", "Zm9\n",
					   "Zm8==", "=Zm8" };
	char out[32], dec[32];
	size_t i;
	int n;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		n = b64_encode(vec[i][0], strlen(vec[i][0]), out, sizeof(out));
		is_str(n >= 0 ? out : "(error)", vec[i][1], vec[i][1]);
		n = b64_decode(guard_copy(vec[i][1], strlen(vec[i][1])), strlen(vec[i][1]),
			       dec, sizeof(dec));
		ok(n == (int)strlen(vec[i][0]) && !memcmp(dec, vec[i][0], (size_t)n),
		   "decode %s", vec[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(b64_decode(bad[i], strlen(bad[i]), dec, sizeof(dec)), -1, bad[i]);
	is_int(b64_encode("foo", 3, out, 4), -1, "encode: no room for the NUL");
	is_int(b64_decode("Zm9vYmFy", 8, dec, 5), -1, "decode: out too small");
}

int
main(void)
{
	tap_prog = "t_json";
	check_get();
	check_bad();
	check_int();
	check_b64();
	return tap_done();
}
