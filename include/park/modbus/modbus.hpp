// Modbus TCP register maps (issue 12, item 8): pure parts with no I/O. A device's registers are described once
// (table, address, value type, byte and word order, scale and offset, the sensor they feed), validated with coded
// errors naming the field, grouped into the fewest read requests, and a response's 16-bit words decoded into
// engineering values. The poller (src/modbus/poller.cpp) does the network part with libmodbus.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"

namespace park::modbus {

// Which register table a value lives in. Persisted by name ("holding", "input"): do not rename.
enum class Table { kHolding, kInput };
// How the register(s) are read. Persisted by name ("int16", …): do not rename.
enum class ValueType { kInt16, kUint16, kInt32, kUint32, kFloat32 };
// Where the value's bytes sit. A is the most significant byte. Register 0 is the lower address. For 16-bit values
// only the byte order counts (ABCD and CDAB: high byte first; BADC and DCBA: low byte first).
//   ABCD: reg0 = A B, reg1 = C D   (big-endian, the Modbus convention)
//   CDAB: reg0 = C D, reg1 = A B   (word-swapped)
//   BADC: reg0 = B A, reg1 = D C   (byte-swapped)
//   DCBA: reg0 = D C, reg1 = B A   (little-endian)
// Persisted by name: do not rename.
enum class Order { kABCD, kCDAB, kBADC, kDCBA };

std::string_view TableName(Table t);
std::string_view TypeName(ValueType t);
std::string_view OrderName(Order o);
std::optional<Table> ParseTable(std::string_view s);
std::optional<ValueType> ParseType(std::string_view s);
std::optional<Order> ParseOrder(std::string_view s);

// Registers a value occupies: 1 for 16-bit types, 2 for 32-bit ones.
int Width(ValueType t);

// The most registers one read request may ask for (Modbus application protocol v1.1b3, 6.3 and 6.4).
inline constexpr int kMaxReadRegisters = 125;

// One mapped value: value = raw × scale + offset, written to the sensor `sensor_key`.
struct Register {
  Table table = Table::kHolding;
  uint16_t address = 0;  // zero-based protocol address (register 40001 is holding address 0)
  ValueType type = ValueType::kUint16;
  Order order = Order::kABCD;
  double scale = 1;
  double offset = 0;
  std::string sensor_key;
};

// A register as it arrives from a request, before validation (names as strings, numbers as given).
struct RegisterInput {
  std::string table = "holding";
  int64_t address = -1;
  std::string type;
  std::string order = "ABCD";
  double scale = 1;
  double offset = 0;
  std::string sensor_key;
};

// Checks every register at once; errors name "<prefix>[i].<field>" (table, address, type, order, scale, offset,
// sensor_key) with a coded reason, and two registers feeding one sensor are refused (the second names
// sensor_key). An address whose value would run past 65535 names address.
Result<std::vector<Register>> ValidateRegisters(const std::vector<RegisterInput>& in, std::string_view prefix = "registers");

// One read request: `count` registers of `table` from `address`, covering the registers listed (indexes into the
// device's register list).
struct ReadRequest {
  Table table = Table::kHolding;
  uint16_t address = 0;
  uint16_t count = 0;
  std::vector<size_t> registers;
};

// Groups registers into the fewest requests that read only mapped registers: per table, registers sorted by
// address, runs of adjacent or overlapping registers merged while the span stays within `max_count`. Gaps are
// never read across (a device may answer an unmapped address with an exception and fail the whole request).
std::vector<ReadRequest> PlanReads(const std::vector<Register>& registers, int max_count = kMaxReadRegisters);

// The raw value of `words` (Width(type) registers in address order, as libmodbus returns them: each word the
// register's big-endian value) before scale and offset.
double DecodeRaw(ValueType type, Order order, std::span<const uint16_t> words);
// The engineering value: raw × scale + offset.
double Decode(const Register& r, std::span<const uint16_t> words);

// The reverse of DecodeRaw for a raw value (tests, the test server and the simulator write registers with it).
// Integer types are rounded and clamped to their range.
std::vector<uint16_t> EncodeRaw(ValueType type, Order order, double raw);

struct Reading {
  size_t register_index = 0;  // into the device's register list
  double value = 0;
};

// Decodes the answer to `request` (`words` must hold exactly request.count registers) into one reading per
// register the request covers. A wrong word count is kInvalidArgument naming "response". Non-finite float32
// values (NaN, ±inf: a sensor fault in many devices) are left out, not stored.
Result<std::vector<Reading>> DecodeResponse(const std::vector<Register>& registers, const ReadRequest& request,
                                            std::span<const uint16_t> words);

}  // namespace park::modbus
