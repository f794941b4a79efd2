// The peer for the API benchmark: a bare Boost.Beast server that answers every request with "hello", with the
// same threading as parkbrain serve (N threads on one io_context, async sessions, keep-alive). The difference
// between the two is what routing, authentication, the database read and JSON cost.
//   bench_hello_server 127.0.0.1 PORT THREADS
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket s) : stream_(std::move(s)) {}
  void Run() { DoRead(); }

 private:
  void DoRead() {
    req_ = {};
    http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      self->res_ = http::response<http::string_body>(http::status::ok, self->req_.version());
      self->res_.set(http::field::content_type, "text/plain");
      self->res_.body() = "hello";
      self->res_.keep_alive(self->req_.keep_alive());
      self->res_.prepare_payload();
      http::async_write(self->stream_, self->res_, [self](beast::error_code ec2, size_t) {
        if (!ec2 && self->res_.keep_alive()) self->DoRead();
      });
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

void Accept(tcp::acceptor& acceptor, asio::io_context& ioc) {
  acceptor.async_accept(asio::make_strand(ioc), [&](beast::error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(s))->Run();
    }
    Accept(acceptor, ioc);
  });
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s HOST PORT THREADS\n", argv[0]);
    return 2;
  }
  const int threads = std::stoi(argv[3]);
  asio::io_context ioc{threads};
  tcp::acceptor acceptor(ioc, {asio::ip::make_address(argv[1]), static_cast<unsigned short>(std::stoi(argv[2]))});
  Accept(acceptor, ioc);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
