// libFuzzer target for the HJ 212 listener's input path: stream splitting, frame checks, parsing and replies.
// The input is used twice: as a raw stream, and as a data segment wrapped in a valid frame (so the fuzzer gets
// past the CRC). A parsed packet must survive build -> parse unchanged in its essentials.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "park/telemetry/hj212.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace park::telemetry::hj212;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  park::FixedClock clock(0);
  SplitAssembler assembler(clock, 1'000, 8);
  FrameSplitter splitter;
  splitter.Append(bytes.substr(0, size / 2));
  for (int round = 0; round < 2; ++round) {
    while (auto item = splitter.Next()) {
      if (item->frame.empty() == item->error.empty()) std::abort();
      if (!item->frame.empty()) {
        auto packet = ParseFrame(item->frame);
        if (packet.ok()) {
          (void)BuildDataReply(*packet);
          (void)Discharges(*packet);
          auto whole = assembler.Add(*packet);
          if (whole.ok() && whole->has_value() && (*whole)->IsSplit()) std::abort();
          if (assembler.held_parts() > 8) std::abort();
          clock.Advance(100);
          (void)assembler.Expire();
        }
      }
    }
    if (round == 0) splitter.Append(bytes.substr(size / 2));
  }
  if (splitter.buffered_bytes() > 6 + kMaxDataBytes + 6) std::abort();

  if (size <= kMaxDataBytes) {
    auto packet = ParseFrame(BuildFrame(bytes));
    if (packet.ok()) {
      (void)assembler.Add(*packet);
      auto again = ParseFrame(BuildFrame(BuildDataSegment(*packet)));
      // The builder may exceed the length limit when it re-formats numbers; otherwise it must round-trip.
      if (again.ok()) {
        if (again->cn != packet->cn || again->mn != packet->mn || again->qn != packet->qn ||
            again->measurements.size() != packet->measurements.size()) {
          std::abort();
        }
      }
      if (auto reply = BuildDataReply(*packet)) {
        if (!ParseFrame(*reply).ok()) std::abort();
      }
    }
  }
  return 0;
}
