/* SPDX-License-Identifier: 0BSD */
/* replay.c - runs a fuzz target's LLVMFuzzerTestOneInput on each file given,
 * or on each file in each directory given (one level), so make check replays
 * the committed corpus without libFuzzer. Prints one line,
 * "PASS: f_NAME replay: N inputs" (NAME from argv[0] after "replay-"), or
 * FAIL lines; exits 1 on any failure. A crash is left to the sanitizers. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *prog = "replay";
static int fails, inputs;

/* one input, in a buffer of exactly its size (so ASan sees over-reads) */
static void
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL, *q;
	size_t n = 0, got;
	char chunk[4096];

	if (!f) {
		printf("FAIL: %s replay: %s: cannot open\n", prog, path);
		fails++;
		return;
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (!(q = realloc(p, n + got)))
			abort();
		p = q;
		memcpy(p + n, chunk, got);
		n += got;
	}
	if (ferror(f)) {
		printf("FAIL: %s replay: %s: read error\n", prog, path);
		fails++;
	} else if (LLVMFuzzerTestOneInput(p ? p : (uint8_t *)"", n) != 0) {
		printf("FAIL: %s replay: %s\n", prog, path);
		fails++;
	}
	inputs++;
	free(p);
	fclose(f);
}

static void
replay_path(const char *path)
{
	char sub[4096];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	if (!(d = opendir(path))) {
		printf("FAIL: %s replay: %s: cannot open\n", prog, path);
		fails++;
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(sub);
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	const char *s = strstr(argv[0], "replay-");
	int i;

	if (s)
		prog = s + 7;
	for (i = 1; i < argc; i++)
		replay_path(argv[i]);
	if (inputs == 0) {
		printf("FAIL: %s replay: no inputs\n", prog);
		fails++;
	}
	if (!fails)
		printf("PASS: %s replay: %d inputs\n", prog, inputs);
	return fails ? 1 : 0;
}
