/* SPDX-License-Identifier: 0BSD */
/* f_chunked.c - fuzz target for http_chunked_decode(): the first two input
 * bytes pick a split point, the rest is a chunked body. It is decoded whole, in
 * two pieces cut there, and (when short) one byte per call, each piece in a
 * buffer of exactly its size; all three must agree on the code, the data
 * and the number of bytes after the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	int rc;
	char *data;
	size_t dlen, trail;
};

/* feeds in[0..size) to one decoder in pieces: first cut bytes, then step
 * bytes at a time */
static void
feed(const uint8_t *in, size_t size, size_t cut, size_t step, struct out *o)
{
	struct http_chunked d = { 0 };
	size_t off = 0, piece = cut, len;
	char *buf;
	int rc = NET_EAGAIN;

	o->dlen = o->trail = 0;
	while (off < size) {
		if (piece > size - off)
			piece = size - off;
		if (!(buf = malloc(piece ? piece : 1)))
			abort();
		memcpy(buf, in + off, piece);
		len = piece;
		rc = http_chunked_decode(&d, buf, &len);
		if (len > piece || (rc >= 0 && len + (size_t)rc > piece))
			abort();
		if (rc >= 0 || rc == NET_EAGAIN) {
			memcpy(o->data + o->dlen, buf, len);
			o->dlen += len;
		}
		if (rc >= 0)
			o->trail += (size_t)rc;
		free(buf);
		off += piece;
		piece = step;
		if (rc < 0 && rc != NET_EAGAIN)
			break;
	}
	o->rc = rc >= 0 ? (int)o->trail : rc;
}

static int
same(const struct out *a, const struct out *b)
{
	if (a->rc != b->rc)
		return 0;
	if (a->rc < 0 && a->rc != NET_EAGAIN)
		return 1;	/* data before an error may differ */
	return a->dlen == b->dlen && !memcmp(a->data, b->data, a->dlen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out whole, split, bytes;
	size_t cut;

	if (size < 2)
		return 0;
	cut = (size_t)data[0] | (size_t)data[1] << 8;
	data += 2, size -= 2;
	cut %= size + 1;
	whole.data = malloc(size + 1);
	split.data = malloc(size + 1);
	bytes.data = malloc(size + 1);
	if (!whole.data || !split.data || !bytes.data)
		abort();
	feed(data, size, size, size, &whole);
	feed(data, size, cut, size, &split);
	if (!same(&whole, &split))
		abort();
	if (size <= 512) {
		feed(data, size, 1, 1, &bytes);
		if (!same(&whole, &bytes))
			abort();
	}
	free(whole.data);
	free(split.data);
	free(bytes.data);
	return 0;
}
