// Modbus register maps: validation, read planning and decoding. No I/O.
#include "park/modbus/modbus.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>

namespace park::modbus {
namespace {

constexpr std::string_view kTableNames[] = {"holding", "input"};
constexpr std::string_view kTypeNames[] = {"int16", "uint16", "int32", "uint32", "float32"};
constexpr std::string_view kOrderNames[] = {"ABCD", "CDAB", "BADC", "DCBA"};

template <typename E, size_t N>
std::optional<E> ParseName(const std::string_view (&names)[N], std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <size_t N>
std::string Allowed(const std::string_view (&names)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

bool WordSwapped(Order o) { return o == Order::kCDAB || o == Order::kDCBA; }
bool ByteSwapped(Order o) { return o == Order::kBADC || o == Order::kDCBA; }
uint16_t Swap16(uint16_t w) { return static_cast<uint16_t>((w << 8) | (w >> 8)); }

}  // namespace

std::string_view TableName(Table t) { return kTableNames[static_cast<int>(t)]; }
std::string_view TypeName(ValueType t) { return kTypeNames[static_cast<int>(t)]; }
std::string_view OrderName(Order o) { return kOrderNames[static_cast<int>(o)]; }
std::optional<Table> ParseTable(std::string_view s) { return ParseName<Table>(kTableNames, s); }
std::optional<ValueType> ParseType(std::string_view s) { return ParseName<ValueType>(kTypeNames, s); }
std::optional<Order> ParseOrder(std::string_view s) { return ParseName<Order>(kOrderNames, s); }

int Width(ValueType t) { return t == ValueType::kInt16 || t == ValueType::kUint16 ? 1 : 2; }

Result<std::vector<Register>> ValidateRegisters(const std::vector<RegisterInput>& in, std::string_view prefix) {
  std::vector<Register> out;
  std::vector<FieldError> bad;
  std::map<std::string, size_t> by_sensor;
  for (size_t i = 0; i < in.size(); ++i) {
    const RegisterInput& r = in[i];
    const std::string at = std::string(prefix) + "[" + std::to_string(i) + "].";
    Register reg;
    auto table = ParseTable(r.table);
    if (!table) bad.push_back({at + "table", T("field.one_of", {{"allowed", Allowed(kTableNames)}})});
    auto type = ParseType(r.type);
    if (!type) bad.push_back({at + "type", T("field.one_of", {{"allowed", Allowed(kTypeNames)}})});
    auto order = ParseOrder(r.order);
    if (!order) bad.push_back({at + "order", T("field.one_of", {{"allowed", Allowed(kOrderNames)}})});
    const int width = type ? Width(*type) : 1;
    const int64_t max_address = 65536 - width;
    if (r.address < 0 || r.address > max_address) {
      bad.push_back({at + "address", T("field.integer_range", {{"min", 0}, {"max", max_address}})});
    }
    if (!std::isfinite(r.scale)) {
      bad.push_back({at + "scale", T("field.not_finite")});
    } else if (r.scale == 0) {
      bad.push_back({at + "scale", T("modbus.scale_zero")});
    }
    if (!std::isfinite(r.offset)) bad.push_back({at + "offset", T("field.not_finite")});
    if (r.sensor_key.empty()) {
      bad.push_back({at + "sensor_key", T("field.required")});
    } else if (auto [it, fresh] = by_sensor.emplace(r.sensor_key, i); !fresh) {
      bad.push_back({at + "sensor_key", T("modbus.sensor_twice", {{"sensor_key", r.sensor_key},
                                                                  {"first", std::to_string(it->second)}})});
    }
    if (table) reg.table = *table;
    if (type) reg.type = *type;
    if (order) reg.order = *order;
    reg.address = static_cast<uint16_t>(std::clamp<int64_t>(r.address, 0, 65535));
    reg.scale = r.scale;
    reg.offset = r.offset;
    reg.sensor_key = r.sensor_key;
    out.push_back(std::move(reg));
  }
  if (!bad.empty()) return Error::Invalid(std::move(bad));
  return out;
}

std::vector<ReadRequest> PlanReads(const std::vector<Register>& registers, int max_count) {
  std::vector<size_t> order(registers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Register& x = registers[a];
    const Register& y = registers[b];
    if (x.table != y.table) return x.table < y.table;
    if (x.address != y.address) return x.address < y.address;
    return a < b;
  });
  std::vector<ReadRequest> out;
  int64_t end = 0;  // one past the current request's last register
  for (size_t i : order) {
    const Register& r = registers[i];
    const int64_t r_end = int64_t{r.address} + Width(r.type);
    if (!out.empty()) {
      ReadRequest& cur = out.back();
      const int64_t new_end = std::max(end, r_end);
      if (cur.table == r.table && r.address <= end && new_end - cur.address <= max_count) {
        end = new_end;
        cur.count = static_cast<uint16_t>(end - cur.address);
        cur.registers.push_back(i);
        continue;
      }
    }
    ReadRequest req;
    req.table = r.table;
    req.address = r.address;
    req.count = static_cast<uint16_t>(Width(r.type));
    req.registers.push_back(i);
    end = r_end;
    out.push_back(std::move(req));
  }
  return out;
}

double DecodeRaw(ValueType type, Order order, std::span<const uint16_t> words) {
  if (Width(type) == 1) {
    uint16_t w = words[0];
    if (ByteSwapped(order)) w = Swap16(w);
    return type == ValueType::kInt16 ? static_cast<double>(static_cast<int16_t>(w)) : static_cast<double>(w);
  }
  uint16_t hi = words[0];
  uint16_t lo = words[1];
  if (WordSwapped(order)) std::swap(hi, lo);
  if (ByteSwapped(order)) {
    hi = Swap16(hi);
    lo = Swap16(lo);
  }
  const uint32_t bits = (uint32_t{hi} << 16) | lo;
  switch (type) {
    case ValueType::kInt32: return static_cast<double>(static_cast<int32_t>(bits));
    case ValueType::kUint32: return static_cast<double>(bits);
    default: return static_cast<double>(std::bit_cast<float>(bits));
  }
}

double Decode(const Register& r, std::span<const uint16_t> words) {
  return DecodeRaw(r.type, r.order, words) * r.scale + r.offset;
}

std::vector<uint16_t> EncodeRaw(ValueType type, Order order, double raw) {
  auto clamp_round = [&](double lo, double hi) {
    if (std::isnan(raw)) return 0.0;
    return std::clamp(std::round(raw), lo, hi);
  };
  if (Width(type) == 1) {
    uint16_t w = type == ValueType::kInt16
                     ? static_cast<uint16_t>(static_cast<int16_t>(clamp_round(-32768, 32767)))
                     : static_cast<uint16_t>(clamp_round(0, 65535));
    if (ByteSwapped(order)) w = Swap16(w);
    return {w};
  }
  uint32_t bits = 0;
  switch (type) {
    case ValueType::kInt32:
      bits = static_cast<uint32_t>(static_cast<int32_t>(clamp_round(-2147483648.0, 2147483647.0)));
      break;
    case ValueType::kUint32: bits = static_cast<uint32_t>(clamp_round(0, 4294967295.0)); break;
    default: bits = std::bit_cast<uint32_t>(static_cast<float>(raw)); break;
  }
  uint16_t hi = static_cast<uint16_t>(bits >> 16);
  uint16_t lo = static_cast<uint16_t>(bits & 0xFFFF);
  if (ByteSwapped(order)) {
    hi = Swap16(hi);
    lo = Swap16(lo);
  }
  if (WordSwapped(order)) std::swap(hi, lo);
  return {hi, lo};
}

Result<std::vector<Reading>> DecodeResponse(const std::vector<Register>& registers, const ReadRequest& request,
                                            std::span<const uint16_t> words) {
  if (words.size() != request.count) {
    return Error::Invalid("response", "expected " + std::to_string(request.count) + " registers, got " +
                                          std::to_string(words.size()));
  }
  std::vector<Reading> out;
  out.reserve(request.registers.size());
  for (size_t i : request.registers) {
    if (i >= registers.size()) return Error::Internal("read request names a register the device does not have");
    const Register& r = registers[i];
    const int64_t at = int64_t{r.address} - request.address;
    if (r.table != request.table || at < 0 || at + Width(r.type) > request.count) {
      return Error::Internal("read request does not cover its register");
    }
    const double v = Decode(r, words.subspan(static_cast<size_t>(at), static_cast<size_t>(Width(r.type))));
    if (!std::isfinite(v)) continue;
    out.push_back({i, v});
  }
  return out;
}

}  // namespace park::modbus
