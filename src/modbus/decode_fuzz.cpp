// libFuzzer target: any register map and any response words decode without crashing, and every planned request
// stays within 125 registers and covers exactly its registers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "park/modbus/modbus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace park::modbus;
  std::vector<Register> regs;
  size_t i = 0;
  for (; i + 4 <= size && regs.size() < 64; i += 4) {
    if (data[i] == 0xFF) {
      i += 1;
      break;
    }
    Register r;
    r.table = (data[i] & 1) ? Table::kInput : Table::kHolding;
    r.type = static_cast<ValueType>((data[i] >> 1) % 5);
    r.order = static_cast<Order>((data[i] >> 4) % 4);
    r.address = static_cast<uint16_t>(std::min<int>((data[i + 1] << 8) | data[i + 2], 65536 - Width(r.type)));
    r.scale = data[i + 3] ? data[i + 3] / 10.0 : 1;
    r.sensor_key = "s";
    regs.push_back(r);
  }
  std::vector<uint16_t> words;
  for (; i + 2 <= size; i += 2) words.push_back(static_cast<uint16_t>((data[i] << 8) | data[i + 1]));
  for (const ReadRequest& req : PlanReads(regs)) {
    if (req.count == 0 || req.count > kMaxReadRegisters) std::abort();
    std::vector<uint16_t> answer(req.count);
    for (size_t k = 0; k < answer.size(); ++k) answer[k] = words.empty() ? 0 : words[k % words.size()];
    auto readings = DecodeResponse(regs, req, answer);
    if (!readings.ok()) std::abort();
    if (readings->size() > req.registers.size()) std::abort();
  }
  return 0;
}
