/* SPDX-License-Identifier: 0BSD */
/* t_dur.c - durations and numbers: the strict parsers and the formatter. */
#include <limits.h>

#include "lib/lib.h"
#include "tests/unit/tap.h"

static const struct {
	const char *in;
	int rc;
	int64_t ms;
} durs[] = {
	{ "250ms", 0, 250 }, { "2s", 0, 2000 }, { "1.5s", 0, 1500 },
	{ "1m", 0, 60000 }, { "1h", 0, 3600000 }, { "7", 0, 7000 },
	{ "0", 0, 0 }, { "0.001", 0, 1 }, { "1.250s", 0, 1250 },
	{ "0.5m", 0, 30000 }, { "1099511627776ms", 0, INT64_C(1) << 40 },
	{ "", -1, 0 }, { "s", -1, 0 }, { "-1s", -1, 0 }, { "+1s", -1, 0 },
	{ " 1s", -1, 0 }, { "1s ", -1, 0 }, { "1.", -1, 0 }, { ".5", 0, 500 },
	{ "1.5ms", -1, 0 }, { "0.0001s", -1, 0 }, { "1x", -1, 0 },
	{ "1sec", -1, 0 }, { "1S", -1, 0 }, { "1099511627777ms", -1, 0 },
	{ "99999999999999999999999", -1, 0 }, { "9999999999h", -1, 0 },
	{ "1.0000000001s", -1, 0 }, { "1..5s", -1, 0 }, { "0x10", -1, 0 },
};

static const struct {
	const char *in;
	int rc;
	long long v;
} nums[] = {
	{ "0", 0, 0 }, { "42", 0, 42 }, { "9223372036854775807", 0, LLONG_MAX },
	{ "9223372036854775808", -1, 0 }, { "-1", -1, 0 }, { "+1", -1, 0 },
	{ "", -1, 0 }, { "1 ", -1, 0 }, { "0x1", -1, 0 }, { "12a", -1, 0 },
};

int
main(void)
{
	char buf[32];
	size_t i;
	int64_t ms;
	long long v;

	tap_prog = "t_dur";
	for (i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		ms = -7;
		ok(dur_parse(durs[i].in, &ms) == durs[i].rc &&
		   (durs[i].rc || ms == durs[i].ms),
		   "dur_parse(\"%s\") = %d, %lld ms", durs[i].in, durs[i].rc,
		   (long long)durs[i].ms);
	}
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		v = -7;
		ok(num_parse(nums[i].in, 0, LLONG_MAX, &v) == nums[i].rc &&
		   (nums[i].rc ? v == -7 : v == nums[i].v),
		   "num_parse(\"%s\")", nums[i].in);
	}
	ok(num_parse("5", 1, 4, &v) == -1, "num_parse range max");
	ok(num_parse("0", 1, 4, &v) == -1, "num_parse range min");
	is_str(dur_fmt(buf, sizeof(buf), 1840, 2), "1.84s", "dur_fmt 2 decimals");
	is_str(dur_fmt(buf, sizeof(buf), 8049, 1), "8.0s", "dur_fmt rounds down");
	is_str(dur_fmt(buf, sizeof(buf), 11250, 1), "11.3s", "dur_fmt rounds half up");
	is_str(dur_fmt(buf, sizeof(buf), 30000, 0), "30s", "dur_fmt whole seconds");
	is_str(dur_fmt(buf, sizeof(buf), 5, 2), "0.01s", "dur_fmt small");
	is_str(dur_fmt(buf, sizeof(buf), -5, 1), "0.0s", "dur_fmt negative is 0");
	is_str(dur_fmt(buf, sizeof(buf), 30000, DUR_EXACT), "30s", "DUR_EXACT whole");
	is_str(dur_fmt(buf, sizeof(buf), 1500, DUR_EXACT), "1.5s", "DUR_EXACT 1 decimal");
	is_str(dur_fmt(buf, sizeof(buf), 250, DUR_EXACT), "0.25s", "DUR_EXACT 2 decimals");
	is_str(dur_fmt(buf, sizeof(buf), 1001, DUR_EXACT), "1.001s", "DUR_EXACT 3 decimals");
	return tap_done();
}
