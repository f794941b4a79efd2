#include "park/telemetry/hj212.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "park/core/time.hpp"

namespace park::telemetry::hj212 {
namespace {

constexpr std::string_view kCpStart = "CP=&&";
constexpr std::string_view kCpEnd = "&&";

// Source: HJ 212-2017 appendix B code table, as published; units are those the standard gives for each factor.
constexpr std::array<Pollutant, 24> kPollutants = {{
    {"w00000", "wastewater flow", "L/s", "m3"},
    {"w01001", "pH", "", ""},
    {"w01003", "turbidity", "NTU", ""},
    {"w01009", "dissolved oxygen", "mg/L", ""},
    {"w01010", "water temperature", "degC", ""},
    {"w01014", "conductivity", "uS/cm", ""},
    {"w01018", "COD (chemical oxygen demand)", "mg/L", "kg"},
    {"w01019", "permanganate index", "mg/L", "kg"},
    {"w21001", "TN (total nitrogen)", "mg/L", "kg"},
    {"w21003", "NH3-N (ammonia nitrogen)", "mg/L", "kg"},
    {"w21011", "TP (total phosphorus)", "mg/L", "kg"},
    {"a00000", "flue gas flow", "m3/s", "m3"},
    {"a01011", "flue gas velocity", "m/s", ""},
    {"a01012", "flue gas temperature", "degC", ""},
    {"a01013", "flue gas pressure", "kPa", ""},
    {"a01014", "flue gas humidity", "%", ""},
    {"a19001", "oxygen", "%", ""},
    {"a21002", "NOx (nitrogen oxides)", "mg/m3", "kg"},
    {"a21005", "CO (carbon monoxide)", "mg/m3", "kg"},
    {"a21026", "SO2 (sulfur dioxide)", "mg/m3", "kg"},
    {"a24088", "NMHC (non-methane hydrocarbons)", "mg/m3", "kg"},
    {"a34013", "particulate matter (smoke dust)", "mg/m3", "kg"},
    {"a34002", "PM10", "ug/m3", ""},
    {"a34004", "PM2.5", "ug/m3", ""},
}};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Shown(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";  // appended piecewise: GCC 12 flags literal + std::string chains with a false -Wrestrict
  out.append(s.substr(0, kMax));
  out.append(s.size() > kMax ? "...'" : "'");
  return out;
}

bool ParseInt(std::string_view s, int& out) {
  if (!AllDigits(s) || s.size() > 9) return false;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return true;
}

Result<double> ParseNumber(std::string_view key, std::string_view text) {
  double v = 0;
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  });
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!plain || r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
    return Error::Invalid(std::string(key), "value " + Shown(text) + " of " + std::string(key) + " is not a number");
  }
  return v;
}

// Splits on `sep`; keeps empty pieces (callers decide).
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

Status ParseCp(std::string_view cp, Packet& packet) {
  for (std::string_view group : Split(cp, ';')) {
    for (std::string_view item : Split(group, ',')) {
      if (item.empty()) continue;  // "ExeRtn=1;&&" and similar trailing separators are common
      const size_t eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        return Error::Invalid("CP", "CP entry " + Shown(item) + " is not key=value");
      }
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = item.substr(eq + 1);
      const size_t dash = key.rfind('-');
      if (dash == std::string_view::npos) {
        if (key == "DataTime") {
          if (!packet.data_time.empty()) return Error::Invalid("DataTime", "DataTime appears twice");
          if (value.size() != 14 || !AllDigits(value)) {
            return Error::Invalid("DataTime", "DataTime must be YYYYMMDDhhmmss, got " + Shown(value));
          }
          PARK_TRY(ParseLocalTimeMs(value));
          packet.data_time = std::string(value);
        } else {
          for (const auto& [k, v] : packet.params) {
            if (k == key) return Error::Invalid(std::string(key), std::string(key) + " appears twice in CP");
          }
          packet.params.emplace_back(std::string(key), std::string(value));
        }
        continue;
      }
      const std::string_view code = key.substr(0, dash);
      const std::string_view suffix = key.substr(dash + 1);
      if (code.empty() || suffix.empty()) return Error::Invalid(std::string(key), "malformed factor key " + Shown(key));
      auto it = std::find_if(packet.measurements.begin(), packet.measurements.end(),
                             [&](const Measurement& m) { return m.code == code; });
      if (it == packet.measurements.end()) {
        packet.measurements.push_back({});
        it = std::prev(packet.measurements.end());
        it->code = std::string(code);
      }
      std::optional<double>* slot = nullptr;
      if (suffix == "Rtd") slot = &it->rtd;
      if (suffix == "Avg") slot = &it->avg;
      if (suffix == "Min") slot = &it->min;
      if (suffix == "Max") slot = &it->max;
      if (suffix == "Cou") slot = &it->cou;
      const std::string dup = std::string(key) + " appears twice in CP";
      if (slot != nullptr) {
        if (slot->has_value()) return Error::Invalid(std::string(key), dup);
        PARK_ASSIGN_OR_RETURN(*slot, ParseNumber(key, value));
      } else if (suffix == "Flag") {
        if (!it->flag.empty()) return Error::Invalid(std::string(key), dup);
        if (value.empty() || value.size() > 2) {
          return Error::Invalid(std::string(key), "data flag " + Shown(value) + " must be one or two letters");
        }
        it->flag = std::string(value);
      } else {
        for (const auto& [k, v] : it->extra) {
          if (k == suffix) return Error::Invalid(std::string(key), dup);
        }
        it->extra.emplace_back(std::string(suffix), std::string(value));
      }
    }
  }
  return Status::Ok();
}

std::string FormatNumber(double v) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

// "code-suffix=value", or "key=value" when the suffix is empty.
std::string Entry(std::string_view code, std::string_view suffix, std::string_view value) {
  std::string out;
  out.reserve(code.size() + suffix.size() + value.size() + 2);
  out.append(code);
  if (!suffix.empty()) out.append("-").append(suffix);
  out.append("=").append(value);
  return out;
}

std::string ReplyHead(const Packet& request, std::string_view cn) {
  return "QN=" + request.qn + ";ST=91;CN=" + std::string(cn) + ";PW=" + request.pw + ";MN=" + request.mn +
         ";Flag=4;CP=&&";
}

}  // namespace

uint16_t Crc16(std::string_view data) {
  uint16_t crc = 0xFFFF;
  for (const char c : data) {
    crc = static_cast<uint16_t>((crc >> 8) ^ static_cast<uint8_t>(c));
    for (int bit = 0; bit < 8; ++bit) {
      const bool out = (crc & 1) != 0;
      crc = static_cast<uint16_t>(crc >> 1);
      if (out) crc ^= 0xA001;
    }
  }
  return crc;
}

const Measurement* Packet::Find(std::string_view code) const {
  for (const Measurement& m : measurements) {
    if (m.code == code) return &m;
  }
  return nullptr;
}

Result<Packet> ParseDataSegment(std::string_view data) {
  const size_t cp_at = data.find(kCpStart);
  if (cp_at == std::string_view::npos) return Error::Invalid("CP", "data segment has no CP=&&...&& part");
  if (data.size() < cp_at + kCpStart.size() + kCpEnd.size() || !data.ends_with(kCpEnd)) {
    return Error::Invalid("CP", "CP must end the data segment with &&");
  }
  Packet packet;
  const std::string_view head = data.substr(0, cp_at);
  if (!head.empty() && head.back() != ';') return Error::Invalid("CP", "CP must follow a ';'");
  bool seen_st = false, seen_cn = false, seen_pw = false, seen_mn = false, seen_qn = false;
  for (std::string_view item : Split(head.substr(0, head.empty() ? 0 : head.size() - 1), ';')) {
    if (head.empty()) break;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Error::Invalid("frame", "field " + Shown(item) + " is not key=value");
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    const std::string field(key);
    auto once = [&](bool& seen) -> Status {
      if (seen) return Error::Invalid(field, field + " appears twice");
      seen = true;
      return Status::Ok();
    };
    if (key == "QN") {
      PARK_TRY(once(seen_qn));
      if (value.size() != 17 || !AllDigits(value)) return Error::Invalid(field, "QN must be YYYYMMDDhhmmsszzz");
      packet.qn = std::string(value);
    } else if (key == "ST") {
      PARK_TRY(once(seen_st));
      if (value.size() != 2 || !AllDigits(value)) return Error::Invalid(field, "ST must be 2 digits");
      packet.st = std::string(value);
    } else if (key == "CN") {
      PARK_TRY(once(seen_cn));
      if (value.size() != 4 || !AllDigits(value)) return Error::Invalid(field, "CN must be 4 digits");
      packet.cn = std::string(value);
    } else if (key == "PW") {
      PARK_TRY(once(seen_pw));
      if (value.size() > 6) return Error::Invalid(field, "PW is longer than 6 characters");
      packet.pw = std::string(value);
    } else if (key == "MN") {
      PARK_TRY(once(seen_mn));
      if (value.empty() || value.size() > 24) return Error::Invalid(field, "MN must have 1 to 24 characters");
      packet.mn = std::string(value);
    } else if (key == "Flag") {
      if (packet.flag >= 0) return Error::Invalid(field, "Flag appears twice");
      if (!ParseInt(value, packet.flag) || value.size() > 3 || packet.flag > 255) {
        packet.flag = -1;
        return Error::Invalid(field, "Flag must be a number from 0 to 255");
      }
    } else if (key == "PNUM" || key == "PNO") {
      std::optional<int>& slot = key == "PNUM" ? packet.pnum : packet.pno;
      int n = 0;
      if (slot.has_value()) return Error::Invalid(field, field + " appears twice");
      if (!ParseInt(value, n) || value.size() > 4) return Error::Invalid(field, field + " must be up to 4 digits");
      slot = n;
    } else {
      return Error::Invalid(field, "unknown field " + Shown(key) + " in the data segment");
    }
  }
  if (!seen_st) return Error::Invalid("ST", "ST is missing");
  if (!seen_cn) return Error::Invalid("CN", "CN is missing");
  if (!seen_pw) return Error::Invalid("PW", "PW is missing");
  if (!seen_mn) return Error::Invalid("MN", "MN is missing");
  if (packet.IsSplit() && (!packet.pnum || !packet.pno)) {
    return Error::Invalid("PNUM", "Flag marks a split packet but PNUM or PNO is missing");
  }
  if (packet.pnum && packet.pno && (*packet.pno < 1 || *packet.pno > *packet.pnum)) {
    return Error::Invalid("PNO", "PNO must be between 1 and PNUM");
  }
  const std::string_view cp = data.substr(cp_at + kCpStart.size(), data.size() - cp_at - kCpStart.size() - 2);
  PARK_TRY(ParseCp(cp, packet));
  return packet;
}

Result<Packet> ParseFrame(std::string_view frame) {
  if (frame.size() < 12 || !frame.starts_with("##")) return Error::Invalid("frame", "a frame starts with ##");
  if (!frame.ends_with("\r\n")) return Error::Invalid("frame", "a frame ends with CR LF");
  int length = 0;
  if (!ParseInt(frame.substr(2, 4), length) || frame.substr(2, 4).size() != 4) {
    return Error::Invalid("frame", "the data length must be 4 digits");
  }
  if (static_cast<size_t>(length) > kMaxDataBytes) {
    return Error::Invalid("frame", "data length " + std::to_string(length) + " exceeds 1024");
  }
  const size_t actual = frame.size() - 12;
  if (actual != static_cast<size_t>(length)) {
    return Error::Invalid("frame", "data length field says " + std::to_string(length) + " but the data has " +
                                       std::to_string(actual) + " bytes");
  }
  const std::string_view data = frame.substr(6, actual);
  const std::string_view crc_text = frame.substr(6 + actual, 4);
  unsigned crc = 0;
  const auto r = std::from_chars(crc_text.data(), crc_text.data() + 4, crc, 16);
  if (r.ec != std::errc() || r.ptr != crc_text.data() + 4 || crc_text[0] == '-' || crc_text[0] == '+') {
    return Error::Invalid("frame", "CRC " + Shown(crc_text) + " is not 4 hex digits");
  }
  const uint16_t expected = Crc16(data);
  if (crc != expected) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "%04X", expected);
    return Error::Invalid("frame", "bad CRC " + std::string(crc_text) + ", expected " + buf);
  }
  return ParseDataSegment(data);
}

std::string BuildFrame(std::string_view data) {
  char head[16];
  std::snprintf(head, sizeof head, "##%04zu", data.size() % 10000);
  char tail[8];
  std::snprintf(tail, sizeof tail, "%04X\r\n", static_cast<unsigned>(Crc16(data)));
  std::string frame;
  frame.reserve(data.size() + 12);
  frame.append(head).append(data).append(tail);
  return frame;
}

std::string BuildDataSegment(const Packet& p) {
  std::string s;
  if (!p.qn.empty()) s += "QN=" + p.qn + ";";
  s += "ST=" + p.st + ";CN=" + p.cn + ";PW=" + p.pw + ";MN=" + p.mn + ";";
  if (p.flag >= 0) s += "Flag=" + std::to_string(p.flag) + ";";
  if (p.pnum) s += "PNUM=" + std::to_string(*p.pnum) + ";";
  if (p.pno) s += "PNO=" + std::to_string(*p.pno) + ";";
  s += kCpStart;
  std::vector<std::string> groups;
  if (!p.data_time.empty()) groups.push_back("DataTime=" + p.data_time);
  for (const Measurement& m : p.measurements) {
    std::vector<std::string> items;
    const std::pair<const char*, const std::optional<double>*> numbers[] = {
        {"Rtd", &m.rtd}, {"Avg", &m.avg}, {"Min", &m.min}, {"Max", &m.max}, {"Cou", &m.cou}};
    for (const auto& [suffix, value] : numbers) {
      if (value->has_value()) items.push_back(Entry(m.code, suffix, FormatNumber(**value)));
    }
    for (const auto& [k, v] : m.extra) items.push_back(Entry(m.code, k, v));
    if (!m.flag.empty()) items.push_back(Entry(m.code, "Flag", m.flag));
    std::string group;
    for (const std::string& item : items) {
      if (!group.empty()) group += ',';
      group += item;
    }
    groups.push_back(std::move(group));
  }
  for (const auto& [k, v] : p.params) groups.push_back(Entry(k, "", v));
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) s += ';';
    s += groups[i];
  }
  s += kCpEnd;
  return s;
}

std::optional<std::string> BuildDataReply(const Packet& request) {
  if (!request.NeedsReply() || request.qn.empty() || request.cn.empty() || request.cn[0] != '2') return std::nullopt;
  return BuildFrame(ReplyHead(request, kCnDataReply) + std::string(kCpEnd));
}

std::string BuildRequestReply(const Packet& request, int qn_rtn) {
  return BuildFrame(ReplyHead(request, kCnRequestReply) + "QnRtn=" + std::to_string(qn_rtn) + std::string(kCpEnd));
}

std::string BuildExecutionReply(const Packet& request, int exe_rtn) {
  return BuildFrame(ReplyHead(request, kCnExecutionReply) + "ExeRtn=" + std::to_string(exe_rtn) + std::string(kCpEnd));
}

Result<int64_t> ParseLocalTimeMs(std::string_view text, int utc_offset_minutes) {
  if ((text.size() != 14 && text.size() != 17) || !AllDigits(text)) {
    return Error::Invalid("DataTime", "time must be YYYYMMDDhhmmss[zzz]");
  }
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    std::from_chars(text.data() + at, text.data() + at + len, v);
    return v;
  };
  const int year = num(0, 4), month = num(4, 2), day = num(6, 2), hour = num(8, 2), minute = num(10, 2),
            second = num(12, 2), millis = text.size() == 17 ? num(14, 3) : 0;
  char date[11];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
  if (!IsValidDate(date) || hour > 23 || minute > 59 || second > 59) {
    return Error::Invalid("DataTime", "time " + Shown(text) + " is not a real calendar time");
  }
  // Points are stored in int64 nanoseconds (1677..2262): a logger reporting year 9999 or 0000 (a reset or broken
  // clock) would otherwise wrap to another century. Whether the time is recent enough is the ingest's call.
  if (year < kMinYear || year > kMaxYear) {
    return Error::Invalid("DataTime", "time " + Shown(text) + ": the year must be from " + std::to_string(kMinYear) +
                                          " to " + std::to_string(kMaxYear));
  }
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t local_s = days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
  return (local_s - static_cast<int64_t>(utc_offset_minutes) * 60) * 1000 + millis;
}

std::vector<FlatValue> Flatten(const Packet& packet) {
  std::vector<FlatValue> out;
  for (const Measurement& m : packet.measurements) {
    const std::pair<std::string_view, const std::optional<double>*> numbers[] = {
        {"Rtd", &m.rtd}, {"Avg", &m.avg}, {"Min", &m.min}, {"Max", &m.max}, {"Cou", &m.cou}};
    for (const auto& [statistic, value] : numbers) {
      if (value->has_value()) out.push_back({m.code, statistic, **value, m.flag});
    }
  }
  return out;
}

Result<int64_t> PacketTimeMs(const Packet& packet, int utc_offset_minutes) {
  if (!packet.data_time.empty()) return ParseLocalTimeMs(packet.data_time, utc_offset_minutes);
  if (!packet.qn.empty()) return ParseLocalTimeMs(packet.qn, utc_offset_minutes);
  return Error::Invalid("DataTime", "the packet has neither DataTime nor QN to date its values");
}

Result<std::optional<Packet>> SplitAssembler::Add(Packet packet) {
  if (!packet.IsSplit()) return std::optional<Packet>(std::move(packet));
  if (packet.qn.empty()) return Error::Invalid("QN", "a split upload needs a QN to join its parts");
  // ParseDataSegment guarantees PNUM and PNO on split packets and 1 <= PNO <= PNUM.
  if (!packet.pnum || !packet.pno || *packet.pno < 1 || *packet.pno > *packet.pnum) {
    return Error::Invalid("PNO", "PNO must be between 1 and PNUM");
  }
  std::string key = packet.mn;
  key.push_back('\0');
  key.append(packet.qn).push_back('\0');
  key.append(packet.cn);
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    while (held_parts_ >= max_held_parts_ && !groups_.empty()) EvictOldest();
    Group group;
    group.first_seen_ms = clock_.NowMs();
    group.pnum = *packet.pnum;
    group.parts.resize(static_cast<size_t>(*packet.pnum));
    it = groups_.emplace(std::move(key), std::move(group)).first;
  }
  Group& group = it->second;
  if (group.pnum != *packet.pnum) {
    held_parts_ -= static_cast<size_t>(group.received);
    groups_.erase(it);
    return Error::Invalid("PNUM", "PNUM changed between parts of one upload; the upload is dropped");
  }
  std::optional<Packet>& slot = group.parts[static_cast<size_t>(*packet.pno - 1)];
  if (slot.has_value()) return std::optional<Packet>();  // a resent part
  slot = std::move(packet);
  ++group.received;
  ++held_parts_;
  if (group.received < group.pnum) return std::optional<Packet>();

  // Complete: the first part carries the header; measurements and parameters follow in PNO order.
  Packet whole = std::move(*group.parts[0]);
  for (size_t i = 1; i < group.parts.size(); ++i) {
    Packet& part = *group.parts[i];
    if (whole.data_time.empty()) whole.data_time = part.data_time;
    for (Measurement& m : part.measurements) whole.measurements.push_back(std::move(m));
    for (auto& param : part.params) whole.params.push_back(std::move(param));
  }
  whole.pnum.reset();
  whole.pno.reset();
  whole.flag &= ~2;  // no longer split
  held_parts_ -= static_cast<size_t>(group.received);
  groups_.erase(it);
  return std::optional<Packet>(std::move(whole));
}

void SplitAssembler::EvictOldest() {
  auto oldest = groups_.begin();
  for (auto it = groups_.begin(); it != groups_.end(); ++it) {
    if (it->second.first_seen_ms < oldest->second.first_seen_ms) oldest = it;
  }
  held_parts_ -= static_cast<size_t>(oldest->second.received);
  groups_.erase(oldest);
  ++evicted_;
}

size_t SplitAssembler::Expire() {
  const int64_t now = clock_.NowMs();
  size_t dropped = 0;
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (now - it->second.first_seen_ms > timeout_ms_) {
      held_parts_ -= static_cast<size_t>(it->second.received);
      it = groups_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

DischargeResult Discharges(const Packet& packet) {
  DischargeResult result;
  for (const Measurement& m : packet.measurements) {
    const Pollutant* pollutant = FindPollutant(m.code);
    if (pollutant == nullptr || pollutant->cumulative_unit != "kg") continue;
    if (!m.flag.empty() && m.flag != "N") {
      result.skipped.push_back(m.code);
      continue;
    }
    if (m.cou) {
      result.discharges.push_back({m.code, *m.cou, false});
      continue;
    }
    const bool water = m.code.starts_with("w");
    const Measurement* flow = packet.Find(water ? "w00000" : "a00000");
    if (!m.avg || flow == nullptr || !flow->cou || (!flow->flag.empty() && flow->flag != "N")) {
      result.skipped.push_back(m.code);
      continue;
    }
    const double mg_per_unit_to_kg = water ? 1e-3 : 1e-6;  // mg/L x m3 = g; mg/m3 x m3 = mg
    result.discharges.push_back({m.code, *m.avg * *flow->cou * mg_per_unit_to_kg, true});
  }
  return result;
}

void FrameSplitter::Append(std::string_view bytes) { buffer_.append(bytes); }

std::optional<FrameSplitter::Item> FrameSplitter::Next() {
  const size_t start = buffer_.find("##");
  if (start == std::string::npos) {
    // Keep a trailing '#' that may begin the next frame; the rest is noise.
    const bool keep = !buffer_.empty() && buffer_.back() == '#';
    const size_t dropped = buffer_.size() - (keep ? 1 : 0);
    buffer_.erase(0, dropped);
    if (dropped > 0) return Item{{}, std::to_string(dropped) + " bytes outside any frame dropped"};
    return std::nullopt;
  }
  if (start > 0) {
    buffer_.erase(0, start);
    return Item{{}, std::to_string(start) + " bytes before ## dropped"};
  }
  if (buffer_.size() < 6) return std::nullopt;
  int length = 0;
  if (!ParseInt(std::string_view(buffer_).substr(2, 4), length) || static_cast<size_t>(length) > kMaxDataBytes) {
    buffer_.erase(0, 2);  // resynchronise on the next "##"
    return Item{{}, "frame with a bad length field dropped"};
  }
  const size_t total = 6 + static_cast<size_t>(length) + 4 + 2;
  if (buffer_.size() < total) return std::nullopt;
  if (buffer_.compare(total - 2, 2, "\r\n") != 0) {
    buffer_.erase(0, 2);
    return Item{{}, "frame not ended by CR LF where its length says dropped"};
  }
  Item item{buffer_.substr(0, total), {}};
  buffer_.erase(0, total);
  return item;
}

std::span<const Pollutant> Pollutants() { return kPollutants; }

const Pollutant* FindPollutant(std::string_view code) {
  for (const Pollutant& p : kPollutants) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

}  // namespace park::telemetry::hj212
