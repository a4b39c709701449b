/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 Event queue records and PRI queue entries: golden vectors with the
 * decode worked out from Arm IHI 0070 (7.3, chapter 8), bit arithmetic shown.
 * Record bit N of dword D is bit N - 64*D of that dword (RnW, record bit 99,
 * is dword1 bit 35).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

static const char *resolved_kind(const char *kind, const uint64_t *w, bool *matched)
{
	return smmu_desc_resolve(want_desc(kind), w, matched)->kind;
}

/*
 * QEMU 7.2 (qemu-oracle.md): an edu DMA read from an unmapped IOVA gave
 * F_TRANSLATION, StreamID 8, RnW = 1, one event per 4 bytes.  QEMU fills in
 * only the type, StreamID, InputAddr and RnW for it, so CLASS stays 0 (CD).
 *   dword0 = StreamID 8 << 32 | EventID 0x10          = 0x0000000800000010
 *   dword1 = RnW << 35                                 = 0x0000000800000000
 *   dword2 = InputAddr 0x80000004 (second 4-byte word)
 */
START_TEST(qemu_f_translation)
{
	const uint64_t w[4] = { 0x0000000800000010ULL, 0x0000000800000000ULL, 0x80000004ULL, 0 };
	bool matched;

	ck_assert_str_eq(resolved_kind("smmuv3.event", w, &matched), "smmuv3.event.f_translation");
	ck_assert(matched);
	expect_enum("smmuv3.event", w, "EventID", "F_TRANSLATION");
	expect_field("smmuv3.event", w, "StreamID", 8);
	expect_field("smmuv3.event", w, "SSV", 0);
	expect_field("smmuv3.event", w, "RnW", 1);
	expect_field("smmuv3.event", w, "InD", 0);
	expect_field("smmuv3.event", w, "PnU", 0);
	expect_field("smmuv3.event", w, "Stall", 0);
	expect_field("smmuv3.event", w, "S2", 0);
	expect_enum("smmuv3.event", w, "CLASS", "CD");
	expect_field("smmuv3.event", w, "InputAddr", 0x80000004);
	expect_field("smmuv3.event", w, "IPA", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 0);
	expect_text("smmuv3.event", w, 0, "F_TRANSLATION = 0x0000000800000010");
	expect_text("smmuv3.event", w, 0, "RnW+");
	expect_text("smmuv3.event", w, 0, "InputAddr=0x80000004");
	expect_text("smmuv3.event", w, SMMU_R_VERBOSE, "StreamID=0x8");
	/* the exact kind decodes the same record the same way */
	expect_field("smmuv3.event.f_translation", w, "RnW", 1);

	char *json = render_json_checked("smmuv3.event", w);
	ck_assert_msg(strstr(json, "smmuv3.event.f_translation"), "%s", json);
	ck_assert_msg(strstr(json, "F_TRANSLATION"), "%s", json);
	free(json);
}
END_TEST

/* Each EventID selects its own layout; dword0 alone (StreamID 0x1234) is clean in each. */
START_TEST(every_event_selects_its_variant)
{
	static const struct { uint8_t id; const char *kind; } ev[] = {
		{ 0x01, "smmuv3.event.f_uut" }, { 0x02, "smmuv3.event.c_bad_streamid" },
		{ 0x03, "smmuv3.event.f_ste_fetch" }, { 0x04, "smmuv3.event.c_bad_ste" },
		{ 0x05, "smmuv3.event.f_bad_ats_treq" }, { 0x06, "smmuv3.event.f_stream_disabled" },
		{ 0x07, "smmuv3.event.f_transl_forbidden" }, { 0x08, "smmuv3.event.c_bad_substreamid" },
		{ 0x09, "smmuv3.event.f_cd_fetch" }, { 0x0a, "smmuv3.event.c_bad_cd" },
		{ 0x0b, "smmuv3.event.f_walk_eabt" }, { 0x10, "smmuv3.event.f_translation" },
		{ 0x11, "smmuv3.event.f_addr_size" }, { 0x12, "smmuv3.event.f_access" },
		{ 0x13, "smmuv3.event.f_permission" }, { 0x20, "smmuv3.event.f_tlb_conflict" },
		{ 0x21, "smmuv3.event.f_cfg_conflict" }, { 0x24, "smmuv3.event.e_page_request" },
		{ 0x25, "smmuv3.event.f_vms_fetch" },
	};

	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		const uint64_t w[4] = { 0x1234ULL << 32 | ev[i].id, 0, 0, 0 };
		bool matched;

		ck_assert_str_eq(resolved_kind("smmuv3.event", w, &matched), ev[i].kind);
		ck_assert_msg(matched, "EventID 0x%x did not match", ev[i].id);
		expect_field("smmuv3.event", w, "EventID", ev[i].id);
		expect_field("smmuv3.event", w, "StreamID", 0x1234);
		ck_assert_msg(decode_warnings("smmuv3.event", w) == 0, "%s warns", ev[i].kind);
		/* and the variant is directly decodable under its own kind */
		ck_assert_str_eq(want_desc(ev[i].kind)->kind, ev[i].kind);
		free(render_json_checked(ev[i].kind, w));
	}
	/* a suffix is enough */
	ck_assert_str_eq(want_desc("event.f_walk_eabt")->kind, "smmuv3.event.f_walk_eabt");
}
END_TEST

/* EventID 0x30 is reserved, 0xe0 IMPLEMENTATION DEFINED: common fields only, and a warning. */
START_TEST(unknown_event_warns)
{
	uint64_t w[4] = { 0x0000002a00000030ULL, 0x11, 0x22, 0x33 };
	bool matched;

	ck_assert_str_eq(resolved_kind("smmuv3.event", w, &matched), "smmuv3.event");
	ck_assert(!matched);
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 1);
	expect_field("smmuv3.event", w, "StreamID", 0x2a);
	expect_field("smmuv3.event", w, "DW2", 0x22);
	expect_text("smmuv3.event", w, 0, "EventID=??48");
	expect_text("smmuv3.event", w, 0, "warning: unknown EventID ??48");

	w[0] = 0xe0;
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 1);
	free(render_json_checked("smmuv3.event", w));
}
END_TEST

/*
 * Stage 2 permission fault on a stage 1 table walk write (HTTU updating AF):
 *   dword0 = StreamID 0x10 << 32 | SubstreamID 5 << 12 | SSV << 11 | 0x13
 *          = 0x0000001000005813
 *   dword1 = STAG 0x42 | Stall << 31 | PnU << 33 | S2 << 39 | CLASS 1 (TTD) << 40
 *          | TTRnW 0 (a write)
 *          = 0x42 + 0x80000000 + 0x200000000 + 0x8000000000 + 0x10000000000
 *          = 0x0000018280000042
 *   dword2 = InputAddr 0x0000ffff12345678
 *   dword3 = IPA 0x00000000abcde000 (the stage 1 descriptor's IPA, bits [55:12])
 */
START_TEST(f_permission_stage2_ttd)
{
	const uint64_t w[4] = { 0x0000001000005813ULL, 0x0000018280000042ULL,
				0x0000ffff12345678ULL, 0x00000000abcde000ULL };

	expect_enum("smmuv3.event", w, "EventID", "F_PERMISSION");
	expect_field("smmuv3.event", w, "SSV", 1);
	expect_field("smmuv3.event", w, "SubstreamID", 5);
	expect_field("smmuv3.event", w, "StreamID", 0x10);
	expect_field("smmuv3.event", w, "STAG", 0x42);
	expect_field("smmuv3.event", w, "Stall", 1);
	expect_field("smmuv3.event", w, "PnU", 1);
	expect_field("smmuv3.event", w, "InD", 0);
	expect_field("smmuv3.event", w, "RnW", 0);
	expect_field("smmuv3.event", w, "S2", 1);
	expect_enum("smmuv3.event", w, "CLASS", "TTD");
	expect_field("smmuv3.event", w, "TTRnW", 0);
	expect_field("smmuv3.event", w, "InputAddr", 0x0000ffff12345678ULL);
	expect_field("smmuv3.event", w, "IPA", 0xabcde000ULL >> 12);
	expect_text("smmuv3.event", w, 0, "IPA=0xabcde000");
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 0);
}
END_TEST

/*
 * F_STE_FETCH: STE of StreamID 9 at 0x40001240 aborted, Reason 7, GPCF.
 *   dword0 = 9 << 32 | 0x03                       = 0x0000000900000003
 *   dword1 = Reason 7 | GPCF << 16 (record bit 80)  = 0x0000000000010007
 *   dword3 = FetchAddr 0x40001240, bits [55:3]: raw 0x40001240 >> 3 = 0x8000248
 */
START_TEST(f_ste_fetch_address)
{
	const uint64_t w[4] = { 0x0000000900000003ULL, 0x0000000000010007ULL, 0, 0x40001240ULL };

	expect_enum("smmuv3.event", w, "EventID", "F_STE_FETCH");
	expect_field("smmuv3.event", w, "Reason", 7);
	expect_field("smmuv3.event", w, "GPCF", 1);
	expect_field("smmuv3.event", w, "FetchAddr", 0x8000248);
	expect_text("smmuv3.event", w, 0, "FetchAddr=0x40001240");
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 0);
}
END_TEST

/*
 * F_BAD_ATS_TREQ: R (record bit 95) and W (94) requested, Span 3 (67:64),
 * address 0x12345000 (InputAddr[63:12]).
 *   dword1 = 1 << 31 | 1 << 30 | 3 = 0x00000000c0000003
 */
START_TEST(f_bad_ats_treq)
{
	const uint64_t w[4] = { 0x0000000100000005ULL, 0x00000000c0000003ULL, 0x12345000ULL, 0 };

	expect_field("smmuv3.event", w, "R", 1);
	expect_field("smmuv3.event", w, "W", 1);
	expect_field("smmuv3.event", w, "X", 0);
	expect_field("smmuv3.event", w, "PRIV", 0);
	expect_field("smmuv3.event", w, "Span", 3);
	expect_field("smmuv3.event", w, "InputAddr", 0x12345);
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 0);
}
END_TEST

/*
 * E_PAGE_REQUEST: pR (record bit 103), uR (99), Span 4 pages (115:108).
 *   dword1 = 4 << 44 | 1 << 39 | 1 << 35
 *          = 0x0000400000000000 + 0x0000008000000000 + 0x0000000800000000
 *          = 0x0000408800000000
 */
START_TEST(e_page_request)
{
	const uint64_t w[4] = { 0x0000000200000024ULL, 0x0000408800000000ULL, 0x7f0000ULL, 0 };

	expect_field("smmuv3.event", w, "pR", 1);
	expect_field("smmuv3.event", w, "pW", 0);
	expect_field("smmuv3.event", w, "uR", 1);
	expect_field("smmuv3.event", w, "uX", 0);
	expect_field("smmuv3.event", w, "Span", 4);
	expect_field("smmuv3.event", w, "InputAddr", 0x7f0);
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 0);
}
END_TEST

/* RES0 bits set in a known event are reported. */
START_TEST(reserved_bits_warn)
{
	/* F_TRANSLATION with dword1 bit 36 (record bit 100, RES0 between RnW and NSIPA) */
	uint64_t w[4] = { 0x0000000800000010ULL, 1ULL << 36, 0, 0 };
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 1);
	expect_text("smmuv3.event", w, 0, "reserved bits set in word 1: 0x0000001000000000");

	/* F_TRANSLATION with IPA bit 63 (above IPA[55:12]) and dword0 bit 8 (RES0 [10:8]) */
	w[1] = 0;
	w[3] = 1ULL << 63;
	w[0] |= 1 << 8;
	ck_assert_uint_eq(decode_warnings("smmuv3.event", w), 2);

	/* C_BAD_STE has nothing beyond dword0 */
	const uint64_t bad_ste[4] = { 0x0000000800000004ULL, 0, 0xdead0000ULL, 0 };
	ck_assert_uint_eq(decode_warnings("smmuv3.event", bad_ste), 1);

	/* F_STREAM_DISABLED has no SSV/SubstreamID */
	const uint64_t disabled[4] = { 0x0000000800000806ULL, 0, 0, 0 };
	ck_assert_uint_eq(decode_warnings("smmuv3.event", disabled), 1);
}
END_TEST

/*
 * PRI queue entry: StreamID 8, PASID 5, R, W, Last, SSV; PRG index 0x1ab,
 * page 0x7fff0000.
 *   dword0 = 8 | 5 << 32 | R << 60 | W << 61 | Last << 62 | SSV << 63
 *          = 0xf000000500000008
 *   dword1 = 0x7fff0000 | 0x1ab = 0x000000007fff01ab
 */
START_TEST(pri_entry)
{
	uint64_t w[2] = { 0xf000000500000008ULL, 0x000000007fff01abULL };

	expect_field("smmuv3.pri", w, "StreamID", 8);
	expect_field("smmuv3.pri", w, "SubstreamID", 5);
	expect_field("smmuv3.pri", w, "SSV", 1);
	expect_field("smmuv3.pri", w, "Last", 1);
	expect_field("smmuv3.pri", w, "W", 1);
	expect_field("smmuv3.pri", w, "R", 1);
	expect_field("smmuv3.pri", w, "X", 0);
	expect_field("smmuv3.pri", w, "Priv", 0);
	expect_field("smmuv3.pri", w, "PRGIndex", 0x1ab);
	expect_field("smmuv3.pri", w, "Page_address", 0x7fff0);
	expect_text("smmuv3.pri", w, 0, "Page_address=0x7fff0000");
	ck_assert_uint_eq(decode_warnings("smmuv3.pri", w), 0);
	free(render_json_checked("smmuv3.pri", w));

	w[0] |= 1ULL << 55; /* RES0 [57:52] */
	w[1] |= 1ULL << 10; /* RES0 [11:9] */
	ck_assert_uint_eq(decode_warnings("smmuv3.pri", w), 2);
}
END_TEST

Suite *suite_smmuv3_events(void);
Suite *suite_smmuv3_events(void)
{
	Suite *s = suite_create("smmuv3_events");
	TCase *tc = tcase_create("events");

	tcase_add_test(tc, qemu_f_translation);
	tcase_add_test(tc, every_event_selects_its_variant);
	tcase_add_test(tc, unknown_event_warns);
	tcase_add_test(tc, f_permission_stage2_ttd);
	tcase_add_test(tc, f_ste_fetch_address);
	tcase_add_test(tc, f_bad_ats_treq);
	tcase_add_test(tc, e_page_request);
	tcase_add_test(tc, reserved_bits_warn);
	suite_add_tcase(s, tc);
	tc = tcase_create("pri");
	tcase_add_test(tc, pri_entry);
	suite_add_tcase(s, tc);
	return s;
}
