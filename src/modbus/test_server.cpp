// modbus_test_server: a small Modbus TCP server on libmodbus for the black-box tests, the benchmark and manual
// checks. It serves holding and input registers given on the command line or in a file, on 127.0.0.1 only, on
// one or more ports it prints, and reads commands on stdin:
//   hang                       stop answering (connections are accepted, requests never answered)
//   answer                     answer again
//   set <spec>                 change a value (spec as below)
//   quit                       exit
// A register spec is <table>:<address>:<type>[:<order>]=<value>, e.g. holding:100:float32:CDAB=123.456; the value
// is raw (before a poller's scale and offset). Unset registers read 0.
#include <modbus.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "park/modbus/modbus.hpp"

namespace {

using park::modbus::EncodeRaw;

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

// Applies one spec to the mapping; false (with a message on stderr) when it is malformed.
bool Apply(modbus_mapping_t* m, const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos) {
    std::cerr << "bad spec (no =): " << spec << "\n";
    return false;
  }
  std::vector<std::string> parts;
  std::string cur;
  for (char c : spec.substr(0, eq)) {
    if (c == ':') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  if (parts.size() < 3 || parts.size() > 4) {
    std::cerr << "bad spec (table:address:type[:order]=value): " << spec << "\n";
    return false;
  }
  auto table = park::modbus::ParseTable(parts[0]);
  auto type = park::modbus::ParseType(parts[2]);
  auto order = parts.size() == 4 ? park::modbus::ParseOrder(parts[3]) : park::modbus::Order::kABCD;
  char* end = nullptr;
  const long address = std::strtol(parts[1].c_str(), &end, 10);
  if (!table || !type || !order || *end != '\0' || address < 0 ||
      address + park::modbus::Width(*type) > 65536) {
    std::cerr << "bad spec: " << spec << "\n";
    return false;
  }
  const double value = std::strtod(spec.c_str() + eq + 1, &end);
  if (*end != '\0') {
    std::cerr << "bad value: " << spec << "\n";
    return false;
  }
  uint16_t* regs = *table == park::modbus::Table::kHolding ? m->tab_registers : m->tab_input_registers;
  const auto words = EncodeRaw(*type, *order, value);
  for (size_t i = 0; i < words.size(); ++i) regs[address + static_cast<long>(i)] = words[i];
  return true;
}

int Listen(modbus_t* ctx, uint16_t* port_out) {
  const int fd = modbus_tcp_listen(ctx, 64);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  *port_out = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> specs;
  int first_port = 0;
  int ports = 1;
  int fill = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port") {
      first_port = std::atoi(next().c_str());
    } else if (a == "--ports") {
      ports = std::atoi(next().c_str());
    } else if (a == "--fill") {
      fill = std::atoi(next().c_str());
    } else if (a == "--file") {
      std::ifstream in(next());
      if (!in) {
        std::cerr << "cannot read the register file\n";
        return 2;
      }
      for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        specs.push_back(line);
      }
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: modbus_test_server [--port P] [--ports N] [--fill N] [--file F] [SPEC...]\n"
                   "  SPEC: table:address:type[:order]=value (holding:100:float32:CDAB=123.456)\n"
                   "  --ports N: listen on N ports (from P, or ephemeral ones when P is 0)\n"
                   "  --fill N: holding and input registers 0..N-1 hold their own address\n"
                   "  stdin: hang | answer | set SPEC | quit\n";
      return 0;
    } else {
      specs.push_back(a);
    }
  }
  if (ports < 1 || ports > 500 || first_port < 0 || first_port > 65535 || fill < 0 || fill > 65536) {
    std::cerr << "bad --port, --ports or --fill\n";
    return 2;
  }
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  signal(SIGPIPE, SIG_IGN);

  modbus_mapping_t* mapping = modbus_mapping_new(0, 0, 65536, 65536);
  if (!mapping) return 1;
  for (int a = 0; a < fill; ++a) {
    mapping->tab_registers[a] = static_cast<uint16_t>(a);
    mapping->tab_input_registers[a] = static_cast<uint16_t>(a);
  }
  for (const auto& s : specs) {
    if (!Apply(mapping, s)) return 2;
  }

  // One libmodbus context per listening port; a client socket is served with its listener's context
  // (modbus_set_socket before each receive/reply: libmodbus keeps no per-connection state between requests).
  std::vector<modbus_t*> contexts;
  std::vector<pollfd> fds;
  std::vector<int> owner;  // fds[i] belongs to contexts[owner[i]]; listeners come first, then stdin, then clients
  for (int p = 0; p < ports; ++p) {
    const int port = first_port == 0 ? 0 : first_port + p;
    modbus_t* ctx = modbus_new_tcp("127.0.0.1", port);
    uint16_t bound = 0;
    const int fd = ctx ? Listen(ctx, &bound) : -1;
    if (fd < 0) {
      std::cerr << "cannot listen on 127.0.0.1:" << port << ": " << modbus_strerror(errno) << "\n";
      return 1;
    }
    contexts.push_back(ctx);
    fds.push_back({fd, POLLIN, 0});
    owner.push_back(p);
    std::printf("listening 127.0.0.1:%u\n", bound);
  }
  std::fflush(stdout);
  const size_t stdin_at = fds.size();
  fds.push_back({0, POLLIN, 0});
  owner.push_back(-1);

  bool hung = false;
  std::string input;
  std::vector<uint8_t> query(MODBUS_TCP_MAX_ADU_LENGTH);
  while (!g_stop) {
    if (poll(fds.data(), fds.size(), 200) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (i < stdin_at) {  // a new client
        const int c = accept(fds[i].fd, nullptr, nullptr);
        if (c >= 0) {
          fds.push_back({c, POLLIN, 0});
          owner.push_back(owner[i]);
        }
      } else if (i == stdin_at) {
        char buf[512];
        const ssize_t n = read(0, buf, sizeof buf);
        if (n <= 0) {
          fds[i].fd = -1;  // stdin closed: keep serving until a signal
          continue;
        }
        input.append(buf, static_cast<size_t>(n));
        for (size_t nl; (nl = input.find('\n')) != std::string::npos;) {
          std::string cmd = input.substr(0, nl);
          input.erase(0, nl + 1);
          if (!cmd.empty() && cmd.back() == '\r') cmd.pop_back();
          if (cmd == "hang") {
            hung = true;
          } else if (cmd == "answer") {
            hung = false;
          } else if (cmd.rfind("set ", 0) == 0) {
            Apply(mapping, cmd.substr(4));
          } else if (cmd == "quit") {
            g_stop = 1;
          } else if (!cmd.empty()) {
            std::cerr << "unknown command: " << cmd << "\n";
          }
          std::printf("ok %s\n", cmd.c_str());
          std::fflush(stdout);
        }
      } else if (hung) {
        // Leave the request unread; a closed peer is still noticed so descriptors do not pile up.
        char probe;
        if (recv(fds[i].fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
        }
      } else {
        modbus_t* ctx = contexts[static_cast<size_t>(owner[i])];
        modbus_set_socket(ctx, fds[i].fd);
        const int n = modbus_receive(ctx, query.data());
        if (n > 0) {
          modbus_reply(ctx, query.data(), n, mapping);
        } else if (n < 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
        }
      }
    }
    // Drop closed clients (keep listeners and stdin in place).
    for (size_t i = fds.size(); i-- > stdin_at + 1;) {
      if (fds[i].fd < 0) {
        fds.erase(fds.begin() + static_cast<long>(i));
        owner.erase(owner.begin() + static_cast<long>(i));
      }
    }
    if (hung) {
      // Without reading, a waiting request keeps poll() awake: sleep a little instead of spinning.
      usleep(20'000);
    }
  }
  for (modbus_t* ctx : contexts) {
    modbus_set_socket(ctx, -1);
    modbus_free(ctx);
  }
  modbus_mapping_free(mapping);
  return 0;
}
