#include "park/telemetry/hj212.hpp"

#include <gtest/gtest.h>

namespace park::telemetry::hj212 {
namespace {

// The example frame printed in HJ 212-2017 itself (a centre command setting the real-time interval).
constexpr std::string_view kStandardExample =
    "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
    "1C80\r\n";
// A real-time upload from a water monitoring station, as published in an open-source HJ 212 client.
constexpr std::string_view kWaterUpload =
    "##0354QN=20230803171130538;ST=31;CN=2011;PW=123456;MN=88888880000001234567;Flag=5;CP=&&DataTime=20230803165500;"
    "w01001-Rtd=0.000,w01001-Flag=N;w21003-Rtd=0.000,w21003-Flag=N;w01018-Rtd=0.000,w01018-Flag=N;"
    "e01002-Rtd=0.000,e01002-Flag=N;w01010-Rtd=0.000,w01010-Flag=N;e01001-Rtd=0.000,e01001-Flag=N;"
    "w01003-Rtd=0.000,w01003-Flag=N;w21011-Rtd=0.000,w21011-Flag=N&&A141\r\n";

TEST(Hj212Test, CrcMatchesPublishedFrames) {
  EXPECT_EQ(Crc16("QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&"
                  "RtdInterval=30&&"),
            0x1C80);
  EXPECT_EQ(Crc16(kWaterUpload.substr(6, 354)), 0xA141);
}

TEST(Hj212Test, ParsesTheStandardsExample) {
  auto p = ParseFrame(kStandardExample);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->qn, "20160801085857223");
  EXPECT_EQ(p->st, "32");
  EXPECT_EQ(p->cn, "1062");
  EXPECT_EQ(p->pw, "100000");
  EXPECT_EQ(p->mn, "010000A8900016F000169DC0");
  EXPECT_EQ(p->flag, 5);
  EXPECT_TRUE(p->NeedsReply());
  EXPECT_FALSE(p->IsSplit());
  EXPECT_EQ(p->ProtocolVersion(), 1);
  ASSERT_EQ(p->params.size(), 1u);
  EXPECT_EQ(p->params[0].first, "RtdInterval");
  EXPECT_EQ(p->params[0].second, "30");
  // A command, not a data upload: no 9014 data reply; a logger answers it with 9011/9012.
  EXPECT_FALSE(BuildDataReply(*p).has_value());
  auto qn_reply = ParseFrame(BuildRequestReply(*p, 1));
  ASSERT_TRUE(qn_reply.ok());
  EXPECT_EQ(qn_reply->cn, "9011");
  EXPECT_EQ(qn_reply->qn, p->qn);
  EXPECT_EQ(qn_reply->params[0], (std::pair<std::string, std::string>{"QnRtn", "1"}));
  auto exe_reply = ParseFrame(BuildExecutionReply(*p, 1));
  ASSERT_TRUE(exe_reply.ok());
  EXPECT_EQ(exe_reply->cn, "9012");
}

TEST(Hj212Test, ParsesRealTimeUploadAndRepliesWith9014) {
  auto p = ParseFrame(kWaterUpload);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->cn, kCnRealTimeData);
  EXPECT_EQ(p->data_time, "20230803165500");
  ASSERT_EQ(p->measurements.size(), 8u);
  const Measurement* cod = p->Find("w01018");
  ASSERT_NE(cod, nullptr);
  EXPECT_EQ(cod->rtd, 0.0);
  EXPECT_EQ(cod->flag, "N");
  EXPECT_EQ(FindPollutant("w01018")->unit, "mg/L");

  auto reply = BuildDataReply(*p);
  ASSERT_TRUE(reply.has_value());
  // As the standard's example: QN echoed, ST=91, CN=9014, Flag=4, empty CP.
  EXPECT_EQ(*reply, BuildFrame("QN=20230803171130538;ST=91;CN=9014;PW=123456;MN=88888880000001234567;Flag=4;CP=&&&&"));
  auto parsed_reply = ParseFrame(*reply);
  ASSERT_TRUE(parsed_reply.ok()) << parsed_reply.error().message;
  EXPECT_FALSE(parsed_reply->NeedsReply());

  Packet no_ack = *p;
  no_ack.flag = 4;
  EXPECT_FALSE(BuildDataReply(no_ack).has_value());
}

TEST(Hj212Test, MinuteAndHourDataRoundTripThroughTheBuilder) {
  Packet p;
  p.qn = "20240301080000123";
  p.st = "32";
  p.cn = std::string(kCnHourData);
  p.pw = "123456";
  p.mn = "MN0001";
  p.flag = 5;
  p.data_time = "20240301070000";
  Measurement cod;
  cod.code = "w01018";
  cod.avg = 23.5;
  cod.min = 20.25;
  cod.max = 30;
  cod.cou = 1.875;
  cod.flag = "N";
  Measurement flow;
  flow.code = "w00000";
  flow.avg = 12.5;
  flow.cou = 45000;
  flow.flag = "N";
  p.measurements = {cod, flow};
  const std::string frame = BuildFrame(BuildDataSegment(p));
  auto back = ParseFrame(frame);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << frame;
  ASSERT_EQ(back->measurements.size(), 2u);
  EXPECT_EQ(back->measurements[0].avg, 23.5);
  EXPECT_EQ(back->measurements[0].min, 20.25);
  EXPECT_EQ(back->measurements[0].max, 30);
  EXPECT_EQ(back->measurements[0].cou, 1.875);
  EXPECT_EQ(back->measurements[1].cou, 45000);
  EXPECT_FALSE(back->measurements[1].rtd.has_value());
  EXPECT_EQ(*ParseLocalTimeMs(back->data_time), 1709247600000);  // 2024-03-01T07:00+08:00 = 2024-02-29T23:00Z
}

TEST(Hj212Test, LocalTimeEdgeCases) {
  // Beijing time (UTC+8). Years outside 1970..2199 are refused instead of wrapping around int64 nanoseconds
  // (99991231235959 was stored at 1753-08-29, 00000101000000 at 1816).
  struct Case {
    std::string_view text;
    std::optional<int64_t> ms;  // nullopt: refused
    std::string_view reason_part;
  };
  const Case cases[] = {
      {"20240301080000", 1709251200000, ""},
      {"20240301080000123", 1709251200123, ""},
      {"19700101080000", 0, ""},
      {"21991231235959", 7258089599000, ""},  // 2199-12-31T15:59:59Z
      {"99991231235959", std::nullopt, "year must be from 1970 to 2199"},
      {"00000101000000", std::nullopt, "year must be from 1970 to 2199"},
      {"19691231235959", std::nullopt, "year must be from 1970 to 2199"},
      {"22000101000000", std::nullopt, "year must be from 1970 to 2199"},
      {"20230229000000", std::nullopt, "not a real calendar time"},
      {"20241301000000", std::nullopt, "not a real calendar time"},
      {"20240100000000", std::nullopt, "not a real calendar time"},
      {"20240301240000", std::nullopt, "not a real calendar time"},
      {"20240301006000", std::nullopt, "not a real calendar time"},
      {"2024030108000", std::nullopt, "YYYYMMDDhhmmss"},
      {"2024030108000x", std::nullopt, "YYYYMMDDhhmmss"},
      {"", std::nullopt, "YYYYMMDDhhmmss"},
  };
  for (const Case& c : cases) {
    auto ms = ParseLocalTimeMs(c.text);
    ASSERT_EQ(ms.ok(), c.ms.has_value()) << c.text;
    if (c.ms) {
      EXPECT_EQ(*ms, *c.ms) << c.text;
    } else {
      EXPECT_EQ(ms.error().field, "DataTime") << c.text;
      EXPECT_NE(ms.error().message.find(c.reason_part), std::string::npos) << c.text << ": " << ms.error().message;
    }
  }
  // A frame whose DataTime has an impossible year is refused as a whole.
  const std::string frame = BuildFrame(
      "QN=20240301080000123;ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=5;"
      "CP=&&DataTime=99991231235959;w01018-Rtd=56.7,w01018-Flag=N&&");
  auto p = ParseFrame(frame);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "DataTime");
}

TEST(Hj212Test, RefusesBadFramesWithReasons) {
  const std::string good(kStandardExample);
  struct Case {
    std::string frame;
    std::string_view reason_part;
  };
  std::string bad_crc = good;
  bad_crc[good.size() - 6] = '0';
  std::string lower_crc = good;
  lower_crc[good.size() - 5] = 'c';
  const Case cases[] = {
      {bad_crc, "bad CRC 0C80, expected 1C80"},
      {good.substr(0, good.size() - 2), "ends with CR LF"},
      {"X" + good.substr(1), "starts with ##"},
      {"##0102" + good.substr(6), "says 102 but the data has 101"},
      {"##01a1" + good.substr(6), "4 digits"},
      {"##9999" + good.substr(6), "exceeds 1024"},
      {good.substr(0, good.size() - 6) + "XYZW\r\n", "not 4 hex digits"},
  };
  for (const Case& c : cases) {
    auto p = ParseFrame(c.frame);
    ASSERT_FALSE(p.ok()) << c.frame;
    EXPECT_NE(p.error().message.find(c.reason_part), std::string::npos) << p.error().message;
  }
  EXPECT_TRUE(ParseFrame(lower_crc).ok());  // hex digits in either case
}

TEST(Hj212Test, RefusesMalformedFields) {
  struct Case {
    std::string_view data;
    std::string_view field;
  };
  const Case cases[] = {
      {"ST=32;CN=2011;PW=1;MN=A;", "CP"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&", "CP"},
      {"ST=32;CN=2011;PW=1;MN=ACP=&&&&", "CP"},
      {"CN=2011;PW=1;MN=A;CP=&&&&", "ST"},
      {"ST=32;PW=1;MN=A;CP=&&&&", "CN"},
      {"ST=32;CN=2011;MN=A;CP=&&&&", "PW"},
      {"ST=32;CN=2011;PW=1;CP=&&&&", "MN"},
      {"QN=2016;ST=32;CN=2011;PW=1;MN=A;CP=&&&&", "QN"},
      {"ST=3;CN=2011;PW=1;MN=A;CP=&&&&", "ST"},
      {"ST=32;CN=20x1;PW=1;MN=A;CP=&&&&", "CN"},
      {"ST=32;CN=2011;PW=1234567;MN=A;CP=&&&&", "PW"},
      {"ST=32;CN=2011;PW=1;MN=A;Flag=x;CP=&&&&", "Flag"},
      {"ST=32;CN=2011;PW=1;MN=A;Flag=7;CP=&&&&", "PNUM"},
      {"ST=32;CN=2011;PW=1;MN=A;Flag=7;PNUM=2;PNO=3;CP=&&&&", "PNO"},
      {"ST=32;CN=2011;CN=2011;PW=1;MN=A;CP=&&&&", "CN"},
      {"ST=32;CN=2011;PW=1;MN=A;XX=1;CP=&&&&", "XX"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&DataTime=2023;&&", "DataTime"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&DataTime=20231301000000&&", "DataTime"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&w01018-Rtd=abc&&", "w01018-Rtd"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&w01018-Rtd=inf&&", "w01018-Rtd"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&w01018-Rtd=1,w01018-Rtd=2&&", "w01018-Rtd"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&w01018-Flag=NNN&&", "w01018-Flag"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&w01018&&", "CP"},
      {"ST=32;CN=2011;PW=1;MN=A;CP=&&-Rtd=1&&", "-Rtd"},
  };
  for (const Case& c : cases) {
    auto p = ParseDataSegment(c.data);
    ASSERT_FALSE(p.ok()) << c.data;
    EXPECT_EQ(p.error().field, c.field) << c.data << ": " << p.error().message;
    // Every refusal also holds as a whole frame with a correct CRC.
    EXPECT_FALSE(ParseFrame(BuildFrame(c.data)).ok()) << c.data;
  }
  // Trailing separators and extra suffixes are tolerated.
  auto ok = ParseDataSegment("ST=32;CN=9012;PW=1;MN=A;CP=&&ExeRtn=1;&&");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  auto extra = ParseDataSegment("ST=22;CN=2011;PW=1;MN=A;CP=&&a05002-Rtd=7.11,a05002-SampleTime=20180531104100&&");
  ASSERT_TRUE(extra.ok());
  EXPECT_EQ(extra->measurements[0].extra[0].first, "SampleTime");
}

TEST(Hj212Test, SplitterFindsFramesInAStream) {
  FrameSplitter splitter;
  const std::string stream = "noise" + std::string(kStandardExample) + std::string(kWaterUpload) + "##00";
  // Feed byte by byte, as a slow TCP peer would.
  std::vector<std::string> frames;
  std::vector<std::string> errors;
  for (const char c : stream) {
    splitter.Append(std::string_view(&c, 1));
    while (auto item = splitter.Next()) (item->frame.empty() ? errors : frames).push_back(item->frame + item->error);
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], kStandardExample);
  EXPECT_EQ(frames[1], kWaterUpload);
  EXPECT_FALSE(errors.empty());
  EXPECT_EQ(splitter.buffered_bytes(), 4u);  // "##00" waits for more

  FrameSplitter bad;
  bad.Append("##abcd##0004ABCDXXXX\r\n##0004ABCD0000xx");
  std::vector<FrameSplitter::Item> items;
  while (auto item = bad.Next()) items.push_back(*item);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_NE(items[0].error.find("bad length"), std::string::npos);
  EXPECT_NE(items[1].error.find("before ##"), std::string::npos);
  EXPECT_EQ(items[2].frame, "##0004ABCDXXXX\r\n");
  EXPECT_FALSE(ParseFrame(items[2].frame).ok());
  EXPECT_NE(items[3].error.find("not ended by CR LF"), std::string::npos);
  EXPECT_NE(items[4].error.find("outside any frame"), std::string::npos);
  EXPECT_EQ(bad.buffered_bytes(), 0u);
}

TEST(Hj212Test, FlattenAndPacketTime) {
  auto p = ParseDataSegment(
      "QN=20240301080000123;ST=32;CN=2051;PW=1;MN=A;Flag=4;CP=&&DataTime=20240301075000;"
      "w01018-Avg=23.5,w01018-Max=30,w01018-Flag=N;w00000-Cou=12&&");
  ASSERT_TRUE(p.ok()) << p.error().message;
  const std::vector<FlatValue> rows = Flatten(*p);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].code, "w01018");
  EXPECT_EQ(rows[0].statistic, "Avg");
  EXPECT_EQ(rows[0].value, 23.5);
  EXPECT_EQ(rows[0].flag, "N");
  EXPECT_EQ(rows[1].statistic, "Max");
  EXPECT_EQ(rows[2].code, "w00000");
  EXPECT_EQ(rows[2].flag, "");
  EXPECT_EQ(*PacketTimeMs(*p), *ParseLocalTimeMs("20240301075000"));
  p->data_time.clear();
  EXPECT_EQ(*PacketTimeMs(*p), *ParseLocalTimeMs("20240301080000123"));
  p->qn.clear();
  EXPECT_FALSE(PacketTimeMs(*p).ok());
}

TEST(Hj212Test, PollutantTableHasTheCommonFactors) {
  struct Case {
    std::string_view code, unit, cumulative_unit;
  };
  const Case cases[] = {{"w01018", "mg/L", "kg"},  {"w21003", "mg/L", "kg"},  {"w21011", "mg/L", "kg"},
                        {"w21001", "mg/L", "kg"},  {"a21026", "mg/m3", "kg"}, {"a21002", "mg/m3", "kg"},
                        {"a34013", "mg/m3", "kg"}, {"w00000", "L/s", "m3"}};
  for (const Case& c : cases) {
    const Pollutant* p = FindPollutant(c.code);
    ASSERT_NE(p, nullptr) << c.code;
    EXPECT_EQ(p->unit, c.unit) << c.code;
    EXPECT_EQ(p->cumulative_unit, c.cumulative_unit) << c.code;
  }
  EXPECT_EQ(FindPollutant("x99999"), nullptr);
  for (const Pollutant& p : Pollutants()) EXPECT_EQ(FindPollutant(p.code), &p) << "duplicate code " << p.code;
}

Packet SplitPart(int pno, int pnum, std::string_view code, double avg, std::string qn = "20240301080000123") {
  Packet p;
  p.qn = std::move(qn);
  p.st = "32";
  p.cn = "2061";
  p.pw = "123456";
  p.mn = "MN0001";
  p.flag = 7;  // 2017, reply wanted, split
  p.pnum = pnum;
  p.pno = pno;
  p.data_time = "20240301070000";
  Measurement m;
  m.code = std::string(code);
  m.avg = avg;
  p.measurements.push_back(m);
  return p;
}

TEST(Hj212Test, SplitUploadsAreJoinedInPacketOrder) {
  FixedClock clock(1'000'000);
  SplitAssembler assembler(clock);
  // Parts arrive out of order, one twice; each went through a real frame.
  const Packet parts[] = {SplitPart(2, 3, "w21003", 2), SplitPart(1, 3, "w01018", 1), SplitPart(2, 3, "w21003", 2),
                          SplitPart(3, 3, "w00000", 3)};
  std::optional<Packet> whole;
  for (const Packet& part : parts) {
    auto framed = ParseFrame(BuildFrame(BuildDataSegment(part)));
    ASSERT_TRUE(framed.ok()) << framed.error().message;
    auto r = assembler.Add(*framed);
    ASSERT_TRUE(r.ok()) << r.error().message;
    if (r->has_value()) whole = std::move(**r);
  }
  ASSERT_TRUE(whole.has_value());
  ASSERT_EQ(whole->measurements.size(), 3u);
  EXPECT_EQ(whole->measurements[0].code, "w01018");
  EXPECT_EQ(whole->measurements[1].code, "w21003");
  EXPECT_EQ(whole->measurements[2].code, "w00000");
  EXPECT_FALSE(whole->IsSplit());
  EXPECT_TRUE(whole->NeedsReply());
  EXPECT_EQ(assembler.pending_uploads(), 0u);
  EXPECT_EQ(assembler.held_parts(), 0u);

  // Unsplit packets pass straight through.
  Packet plain = SplitPart(1, 1, "w01018", 1);
  plain.flag = 5;
  auto r = assembler.Add(plain);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->has_value());
}

TEST(Hj212Test, SplitAssemblerBoundsAndExpiry) {
  FixedClock clock(0);
  SplitAssembler assembler(clock, /*timeout_ms=*/60'000, /*max_held_parts=*/2);
  ASSERT_TRUE(assembler.Add(SplitPart(1, 2, "a", 1, "20240301080000001")).ok());
  clock.Advance(10);
  ASSERT_TRUE(assembler.Add(SplitPart(1, 2, "a", 1, "20240301080000002")).ok());
  clock.Advance(10);
  ASSERT_TRUE(assembler.Add(SplitPart(1, 2, "a", 1, "20240301080000003")).ok());  // evicts the oldest
  EXPECT_EQ(assembler.evicted(), 1u);
  EXPECT_EQ(assembler.held_parts(), 2u);
  // The evicted upload's second part starts a new incomplete group (evicting the next oldest) rather than
  // completing anything.
  auto late = assembler.Add(SplitPart(2, 2, "a", 1, "20240301080000001"));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
  EXPECT_EQ(assembler.evicted(), 2u);
  EXPECT_EQ(assembler.pending_uploads(), 2u);

  auto changed = assembler.Add(SplitPart(2, 3, "a", 1, "20240301080000003"));
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().field, "PNUM");
  EXPECT_EQ(assembler.pending_uploads(), 1u);

  Packet no_qn = SplitPart(1, 2, "a", 1, "");
  EXPECT_FALSE(assembler.Add(no_qn).ok());

  clock.Advance(59'000);
  EXPECT_EQ(assembler.Expire(), 0u);
  clock.Advance(2'000);
  EXPECT_EQ(assembler.Expire(), 1u);
  EXPECT_EQ(assembler.pending_uploads(), 0u);
  EXPECT_EQ(assembler.held_parts(), 0u);
}

TEST(Hj212Test, DischargesFromCouOrConcentrationTimesFlow) {
  auto p = ParseDataSegment(
      "QN=20240301080000123;ST=32;CN=2061;PW=1;MN=A;Flag=4;CP=&&DataTime=20240301070000;"
      "w01018-Avg=20,w01018-Cou=1.5,w01018-Flag=N;"  // COD: Cou given, used as is
      "w21003-Avg=2.5,w21003-Flag=N;"                // NH3-N: 2.5 mg/L x 400 m3 = 1 kg
      "w21011-Avg=0.3,w21011-Flag=D;"                // TP: instrument fault, skipped
      "w01001-Avg=7.1,w01001-Flag=N;"                // pH: not a mass
      "w00000-Avg=111.1,w00000-Cou=400,w00000-Flag=N;"
      "a21026-Avg=35&&");  // SO2 without flue gas flow: skipped
  ASSERT_TRUE(p.ok()) << p.error().message;
  const DischargeResult r = Discharges(*p);
  ASSERT_EQ(r.discharges.size(), 2u);
  EXPECT_EQ(r.discharges[0].code, "w01018");
  EXPECT_DOUBLE_EQ(r.discharges[0].kg, 1.5);
  EXPECT_FALSE(r.discharges[0].from_concentration);
  EXPECT_EQ(r.discharges[1].code, "w21003");
  EXPECT_DOUBLE_EQ(r.discharges[1].kg, 1.0);
  EXPECT_TRUE(r.discharges[1].from_concentration);
  EXPECT_EQ(r.skipped, (std::vector<std::string_view>{"w21011", "a21026"}));

  auto gas = ParseDataSegment("ST=31;CN=2061;PW=1;MN=A;CP=&&a21002-Avg=50;a00000-Cou=20000&&");
  ASSERT_TRUE(gas.ok());
  const DischargeResult g = Discharges(*gas);
  ASSERT_EQ(g.discharges.size(), 1u);
  EXPECT_DOUBLE_EQ(g.discharges[0].kg, 1.0);  // 50 mg/m3 x 20,000 m3 = 1 kg
}

TEST(Hj212Test, LocalTime) {
  EXPECT_EQ(*ParseLocalTimeMs("19700101080000"), 0);
  EXPECT_EQ(*ParseLocalTimeMs("19700101080000123"), 123);
  EXPECT_EQ(*ParseLocalTimeMs("19700101000000", 0), 0);
  EXPECT_FALSE(ParseLocalTimeMs("20230229000000").ok());
  EXPECT_TRUE(ParseLocalTimeMs("20240229235959").ok());
  EXPECT_FALSE(ParseLocalTimeMs("20240229245959").ok());
}

}  // namespace
}  // namespace park::telemetry::hj212
