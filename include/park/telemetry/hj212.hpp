// HJ 212-2017 ("Data transmission standard for online monitoring systems of pollutant emissions"): frames, the data
// segment, the CRC and the replies the centre (us) owes a data logger. Pure functions; the TCP listener lives in the
// server.
//
// Frame:  "##" + 4-digit data length + data segment + CRC16 (4 hex digits, over the data segment) + "\r\n"
// Data:   "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&...&&"
// CP:     "DataTime=20160801085857;w01018-Rtd=50.1,w01018-Flag=N;w00000-Rtd=12.5,w00000-Flag=N"
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/result.hpp"

namespace park::telemetry::hj212 {

inline constexpr size_t kMaxDataBytes = 1024;  // the standard's limit on the data segment

// Command numbers (CN) the ingest path meets. The standard defines many more; unknown ones still parse.
inline constexpr std::string_view kCnRealTimeData = "2011";
inline constexpr std::string_view kCnMinuteData = "2051";
inline constexpr std::string_view kCnHourData = "2061";
inline constexpr std::string_view kCnDailyData = "2031";
inline constexpr std::string_view kCnRequestReply = "9011";    // QnRtn: was the request accepted
inline constexpr std::string_view kCnExecutionReply = "9012";  // ExeRtn: how the execution ended
inline constexpr std::string_view kCnDataReply = "9014";       // the centre acknowledges uploaded data

// CRC of HJ 212-2017 appendix A: register 0xFFFF; per byte, register = (register >> 8) ^ byte, then 8 right shifts,
// each XORing 0xA001 when the bit shifted out was 1. Not Modbus CRC-16 (which XORs the byte into the low half).
uint16_t Crc16(std::string_view data);

// One monitored factor in CP, grouped from its "code-Suffix=value" entries.
struct Measurement {
  std::string code;                               // "w01018"
  std::optional<double> rtd, avg, min, max, cou;  // real-time, average, minimum, maximum, cumulative
  std::string flag;  // data flag: N normal, F stopped, M maintenance, S manual, D fault, C calibration, T over limit,
                     // B communication fault (empty when absent)
  std::vector<std::pair<std::string, std::string>> extra;  // other suffixes, e.g. ZsRtd, SampleTime, EFlag
};

struct Packet {
  std::string qn;  // request code "YYYYMMDDhhmmsszzz"; empty when absent (HJ/T 212-2005 uploads have none)
  std::string st;  // system code, e.g. 32 surface water, 31 air, 91 system interaction
  std::string cn;  // command number
  std::string pw;
  std::string mn;                         // the monitoring point (data logger) identifier
  int flag = -1;                          // -1 when absent
  std::optional<int> pnum, pno;           // packet count and number when the upload is split
  std::string data_time;                  // CP DataTime "YYYYMMDDhhmmss", local time of the logger; empty when absent
  std::vector<Measurement> measurements;  // in order of first appearance
  std::vector<std::pair<std::string, std::string>> params;  // other CP entries: RtdInterval, QnRtn, ExeRtn, ...

  bool NeedsReply() const { return flag >= 0 && (flag & 1) != 0; }   // Flag bit A
  bool IsSplit() const { return flag >= 0 && (flag & 2) != 0; }      // Flag bit D
  int ProtocolVersion() const { return flag >= 0 ? flag >> 2 : 0; }  // 1 = HJ 212-2017, 0 = HJ/T 212-2005
  const Measurement* Find(std::string_view code) const;
};

// Parses a whole frame, "##" through "\r\n". Errors (kInvalidArgument, field "frame" or the offending key) say
// what is wrong: bad header, length mismatch, bad CRC (with the expected value), malformed fields, bad numbers.
Result<Packet> ParseFrame(std::string_view frame);
// Parses a data segment (what the CRC covers).
Result<Packet> ParseDataSegment(std::string_view data);

// Wraps a data segment into a frame: "##", length, data, CRC, CRLF.
std::string BuildFrame(std::string_view data);
// The data segment for a packet (QN;ST;CN;PW;MN;Flag;[PNUM;PNO;]CP=&&DataTime;measurements;params&&).
std::string BuildDataSegment(const Packet& packet);

// The frame the centre sends back for a packet, or nullopt when none is due: a data reply (CN 9014, ST 91, Flag 4,
// QN echoed, empty CP) for data uploads (CN 2xxx) whose Flag asks for a reply and that carry a QN.
std::optional<std::string> BuildDataReply(const Packet& request);
// Replies to a centre's command, as a data logger (or a simulator) sends them: 9011 with QnRtn, 9012 with ExeRtn.
std::string BuildRequestReply(const Packet& request, int qn_rtn);
std::string BuildExecutionReply(const Packet& request, int exe_rtn);

// "YYYYMMDDhhmmss" (DataTime) or "YYYYMMDDhhmmsszzz" (QN) in the logger's local time → ms since the epoch, UTC.
// Loggers in China report Beijing time, hence the default offset of +8 h. Errors (field "DataTime") for anything
// but a real calendar time with a year from kMinYear to kMaxYear.
inline constexpr int kMinYear = 1970;
inline constexpr int kMaxYear = 2199;
Result<int64_t> ParseLocalTimeMs(std::string_view text, int utc_offset_minutes = 8 * 60);

// Every number of a packet as one row, for turning a packet into series points: ("w01018", "Avg", 23.5, "N").
// Views into the packet, which must outlive the rows.
struct FlatValue {
  std::string_view code;
  std::string_view statistic;  // "Rtd", "Avg", "Min", "Max" or "Cou"
  double value = 0;
  std::string_view flag;  // the factor's data flag, empty when absent
};
std::vector<FlatValue> Flatten(const Packet& packet);

// The instant a packet's values refer to: DataTime, else the QN timestamp; ms since the epoch, UTC. Errors when
// the packet has neither (field "DataTime").
Result<int64_t> PacketTimeMs(const Packet& packet, int utc_offset_minutes = 8 * 60);

// Splits a TCP byte stream into frames. Bytes before "##" and frames whose length field or terminator is wrong are
// dropped with a reason; the buffer never holds more than one maximal frame. Not thread-safe.
class FrameSplitter {
 public:
  struct Item {
    std::string frame;  // a complete frame ("##" .. "\r\n"), CRC not yet checked; empty when `error` is set
    std::string error;  // why bytes were dropped
  };

  void Append(std::string_view bytes);
  // The next frame or drop notice; nullopt when more bytes are needed.
  std::optional<Item> Next();
  size_t buffered_bytes() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

// Pollutant mass in one minute/hour/day packet, for the monthly discharge totals of the pollutant accounting. Uses
// the factor's own Cou when the logger sent one (kg, per the standard's units); otherwise Avg concentration times
// the flow's Cou over the same period (w00000 for water, mg/L x m3 / 1,000 = kg; a00000 for flue gas,
// mg/m3 x m3 / 1,000,000 = kg). Only factors whose table entry has a cumulative unit of kg count; factors
// flagged other than N (normal) are left out and listed in `skipped` so the caller can report them.
struct Discharge {
  std::string_view code;
  double kg = 0;
  bool from_concentration = false;  // computed as Avg x flow rather than read from Cou
};
struct DischargeResult {
  std::vector<Discharge> discharges;
  std::vector<std::string_view> skipped;  // codes with a non-N flag or no usable numbers
};
DischargeResult Discharges(const Packet& packet);

// Reassembles uploads that a logger split over several frames (Flag bit D, PNUM total, PNO 1..PNUM, one QN).
// Unsplit packets pass straight through. Memory is bounded: at most `max_held_parts` parts are held; past that the
// oldest incomplete upload is evicted (counted in evicted()). Not thread-safe: one per listener connection or a
// lock around it.
class SplitAssembler {
 public:
  SplitAssembler(const Clock& clock, int64_t timeout_ms = 60'000, size_t max_held_parts = 1024)
      : clock_(clock), timeout_ms_(timeout_ms), max_held_parts_(max_held_parts) {}

  // The whole upload when this packet completes it (or was never split); nullopt while parts are missing or when
  // the packet repeats a part already held (loggers resend). Errors: a split packet without QN, or whose PNUM
  // disagrees with the parts already held (that upload is dropped).
  Result<std::optional<Packet>> Add(Packet packet);
  // Drops uploads whose first part arrived more than timeout_ms ago; returns how many (each is data lost: log it).
  size_t Expire();

  size_t pending_uploads() const { return groups_.size(); }
  size_t held_parts() const { return held_parts_; }
  size_t evicted() const { return evicted_; }

 private:
  struct Group {
    int64_t first_seen_ms = 0;
    int pnum = 0;
    std::vector<std::optional<Packet>> parts;  // index PNO - 1
    int received = 0;
  };
  void EvictOldest();

  const Clock& clock_;
  int64_t timeout_ms_;
  size_t max_held_parts_;
  std::map<std::string, Group> groups_;  // "MN\0QN\0CN"
  size_t held_parts_ = 0;
  size_t evicted_ = 0;
};

// Pollutant and parameter codes of HJ 212-2017 appendix B that parks meet most, with display names and units.
struct Pollutant {
  std::string_view code;
  std::string_view name;
  std::string_view unit;             // of Rtd/Avg/Min/Max (concentration, or rate for flows)
  std::string_view cumulative_unit;  // of Cou (emitted amount); empty when the factor has none
};
std::span<const Pollutant> Pollutants();
const Pollutant* FindPollutant(std::string_view code);

}  // namespace park::telemetry::hj212
