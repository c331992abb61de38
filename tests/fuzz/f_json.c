/* SPDX-License-Identifier: 0BSD */
/* f_json.c - fuzz target for json_get(), json_int() and
 * base64: the paths drain's etcd code asks for, each result a slice inside
 * the input that is itself one whole JSON value; base64 that decodes must
 * encode back to the same text (one encoding per byte string). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"", "ID", "result.TTL", "succeeded", "responses.0.response_range.kvs.0.lease",
	"kvs.0.key", "kvs.1.key", "count", "message", "deleted",
};

static void
check_value(const char *s, size_t n, const struct json_val *v)
{
	struct json_val w;
	long long x;

	if (v->p < s || v->n == 0 || v->p + v->n > s + n)
		abort();
	if (json_get(v->p, v->n, "", &w) != 1 || w.p != v->p || w.n != v->n)
		abort();
	if (json_int(v, &x) == 0 && x < 0)
		abort();
}

static void
check_b64(const char *s, size_t n)
{
	unsigned char dec[96];
	char enc[130];
	int k;

	if (n > 128)
		n = 128;
	k = b64_decode(s, n, dec, sizeof(dec));
	if (k < 0)
		return;
	if (b64_encode(dec, (size_t)k, enc, sizeof(enc)) != (int)n || memcmp(enc, s, n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct json_val v;
	size_t i;
	int r;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = json_get(s, size, paths[i], &v);
		if (r < -1 || r > 1 || (r == -1 && i > 0 && json_get(s, size, "", &v) != -1))
			abort();
		if (r == 1)
			check_value(s, size, &v);
	}
	check_b64(s, size);
	return 0;
}
