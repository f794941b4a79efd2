// Worked byte sequences for every type and order, read planning and validation.
#include "park/modbus/modbus.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

namespace park::modbus {
namespace {

struct DecodeCase {
  const char* name;
  ValueType type;
  Order order;
  std::vector<uint16_t> words;  // as libmodbus hands them over, lower address first
  double raw;
};

// float32 123.456 is 0x42F6E979 (A=42 B=F6 C=E9 D=79); it decodes to 123.45600128173828 as a float.
// int32 -123456789 is 0xF8A432EB; uint32 3000000000 is 0xB2D05E00.
const DecodeCase kDecodeCases[] = {
    {"float ABCD", ValueType::kFloat32, Order::kABCD, {0x42F6, 0xE979}, 123.45600128173828},
    {"float CDAB", ValueType::kFloat32, Order::kCDAB, {0xE979, 0x42F6}, 123.45600128173828},
    {"float BADC", ValueType::kFloat32, Order::kBADC, {0xF642, 0x79E9}, 123.45600128173828},
    {"float DCBA", ValueType::kFloat32, Order::kDCBA, {0x79E9, 0xF642}, 123.45600128173828},
    {"int32 ABCD", ValueType::kInt32, Order::kABCD, {0xF8A4, 0x32EB}, -123456789},
    {"int32 CDAB", ValueType::kInt32, Order::kCDAB, {0x32EB, 0xF8A4}, -123456789},
    {"int32 BADC", ValueType::kInt32, Order::kBADC, {0xA4F8, 0xEB32}, -123456789},
    {"int32 DCBA", ValueType::kInt32, Order::kDCBA, {0xEB32, 0xA4F8}, -123456789},
    {"uint32 ABCD", ValueType::kUint32, Order::kABCD, {0xB2D0, 0x5E00}, 3000000000.0},
    {"uint32 CDAB", ValueType::kUint32, Order::kCDAB, {0x5E00, 0xB2D0}, 3000000000.0},
    {"int16 ABCD", ValueType::kInt16, Order::kABCD, {0xFFFE}, -2},
    {"int16 BADC", ValueType::kInt16, Order::kBADC, {0xFEFF}, -2},
    {"int16 min", ValueType::kInt16, Order::kABCD, {0x8000}, -32768},
    {"uint16 ABCD", ValueType::kUint16, Order::kABCD, {0x1234}, 4660},
    {"uint16 CDAB (word order has no effect)", ValueType::kUint16, Order::kCDAB, {0x1234}, 4660},
    {"uint16 DCBA", ValueType::kUint16, Order::kDCBA, {0x3412}, 4660},
    {"uint16 max", ValueType::kUint16, Order::kABCD, {0xFFFF}, 65535},
};

TEST(ModbusDecode, WorkedByteSequences) {
  for (const auto& c : kDecodeCases) {
    EXPECT_EQ(DecodeRaw(c.type, c.order, c.words), c.raw) << c.name;
    // The encoder is the decoder's inverse: the test server and the simulator rely on it.
    EXPECT_EQ(EncodeRaw(c.type, c.order, c.raw), c.words) << c.name;
  }
}

TEST(ModbusDecode, ScaleAndOffset) {
  Register r{.table = Table::kInput, .address = 0, .type = ValueType::kInt16, .order = Order::kABCD,
             .scale = 0.1, .offset = -40, .sensor_key = "t"};
  const uint16_t w[] = {0x0FA0};  // 4000 → 4000 × 0.1 − 40 = 360
  EXPECT_DOUBLE_EQ(Decode(r, w), 360.0);
}

TEST(ModbusPlan, MergesAdjacentAndOverlappingSplitsGapsTablesAndLength) {
  auto reg = [](Table t, uint16_t a, ValueType ty) {
    return Register{.table = t, .address = a, .type = ty, .order = Order::kABCD, .scale = 1, .offset = 0,
                    .sensor_key = "k" + std::to_string(a)};
  };
  std::vector<Register> regs = {
      reg(Table::kHolding, 10, ValueType::kFloat32),  // 10-11
      reg(Table::kHolding, 0, ValueType::kUint16),    // 0
      reg(Table::kHolding, 1, ValueType::kInt32),     // 1-2
      reg(Table::kHolding, 12, ValueType::kInt16),    // 12, adjacent to 10-11
      reg(Table::kInput, 3, ValueType::kUint16),      // other table
      reg(Table::kHolding, 11, ValueType::kUint16),   // overlaps 10-11
  };
  auto plan = PlanReads(regs);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].table, Table::kHolding);
  EXPECT_EQ(plan[0].address, 0);
  EXPECT_EQ(plan[0].count, 3);
  EXPECT_EQ(plan[0].registers, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(plan[1].address, 10);
  EXPECT_EQ(plan[1].count, 3);
  EXPECT_EQ(plan[1].registers, (std::vector<size_t>{0, 5, 3}));
  EXPECT_EQ(plan[2].table, Table::kInput);
  EXPECT_EQ(plan[2].address, 3);
  EXPECT_EQ(plan[2].count, 1);

  // 100 float32 values back to back are 200 registers: two requests, the first at most 125 long and never
  // splitting a value.
  std::vector<Register> many;
  for (uint16_t i = 0; i < 100; ++i) many.push_back(reg(Table::kHolding, static_cast<uint16_t>(i * 2), ValueType::kFloat32));
  auto split = PlanReads(many);
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].count, 124);
  EXPECT_EQ(split[1].address, 124);
  EXPECT_EQ(split[1].count, 76);
  for (const auto& r : split) EXPECT_LE(r.count, kMaxReadRegisters);
}

TEST(ModbusDecode, ResponseIntoReadings) {
  std::vector<Register> regs = {
      {.table = Table::kHolding, .address = 100, .type = ValueType::kFloat32, .order = Order::kCDAB, .scale = 1,
       .offset = 0, .sensor_key = "p"},
      {.table = Table::kHolding, .address = 102, .type = ValueType::kUint16, .order = Order::kABCD, .scale = 0.01,
       .offset = 0, .sensor_key = "f"},
      {.table = Table::kHolding, .address = 103, .type = ValueType::kFloat32, .order = Order::kABCD, .scale = 1,
       .offset = 0, .sensor_key = "nan"},
  };
  auto plan = PlanReads(regs);
  ASSERT_EQ(plan.size(), 1u);
  const std::vector<uint16_t> words = {0xE979, 0x42F6, 5000, 0x7FC0, 0x0000};  // quiet NaN last
  auto readings = DecodeResponse(regs, plan[0], words);
  ASSERT_TRUE(readings.ok());
  ASSERT_EQ(readings->size(), 2u);  // the NaN is a sensor fault, not a value
  EXPECT_EQ((*readings)[0].register_index, 0u);
  EXPECT_FLOAT_EQ((*readings)[0].value, 123.456f);
  EXPECT_EQ((*readings)[1].register_index, 1u);
  EXPECT_DOUBLE_EQ((*readings)[1].value, 50.0);

  auto short_answer = DecodeResponse(regs, plan[0], std::vector<uint16_t>{1, 2});
  ASSERT_FALSE(short_answer.ok());
  EXPECT_EQ(short_answer.error().field, "response");
}

TEST(ModbusValidate, NamesEveryBadField) {
  std::vector<RegisterInput> in(3);
  in[0] = {.table = "holding", .address = 0, .type = "float32", .order = "CDAB", .scale = 1, .offset = 0,
           .sensor_key = "a"};
  in[1] = {.table = "coil", .address = 65535, .type = "float64", .order = "XYZW", .scale = 0, .offset = NAN,
           .sensor_key = "a"};
  in[2] = {.table = "input", .address = 65535, .type = "int32", .order = "ABCD", .scale = 1, .offset = 0,
           .sensor_key = ""};
  auto r = ValidateRegisters(in);
  ASSERT_FALSE(r.ok());
  std::map<std::string, std::string> got;
  for (const auto& f : r.error().fields) got[f.field] = f.text.code;
  EXPECT_EQ(got["registers[1].table"], "field.one_of");
  EXPECT_EQ(got["registers[1].type"], "field.one_of");
  EXPECT_EQ(got["registers[1].order"], "field.one_of");
  EXPECT_EQ(got["registers[1].scale"], "modbus.scale_zero");
  EXPECT_EQ(got["registers[1].offset"], "field.not_finite");
  EXPECT_EQ(got["registers[1].sensor_key"], "modbus.sensor_twice");
  EXPECT_EQ(got["registers[2].address"], "field.integer_range");  // an int32 at 65535 would run past the end
  EXPECT_EQ(got["registers[2].sensor_key"], "field.required");
  EXPECT_EQ(got.count("registers[0].type"), 0u);
  EXPECT_EQ(got.count("registers[1].address"), 0u);  // a 16-bit value at 65535 is fine... type unknown: width 1

  in.resize(1);
  auto ok = ValidateRegisters(in);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0].type, ValueType::kFloat32);
  EXPECT_EQ((*ok)[0].order, Order::kCDAB);
}

}  // namespace
}  // namespace park::modbus
