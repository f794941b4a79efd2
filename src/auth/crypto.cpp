#include <sodium.h>

#include <stdexcept>

#include "park/auth/auth.hpp"

namespace park::auth {
namespace {

void EnsureSodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  const std::string h(hash);  // must be NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string TokenHash(std::string_view token) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// "pb_" + 32 random bytes in URL-safe base64: 256 bits of entropy.
std::string NewToken() {
  EnsureSodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string("pb_") + b64;
}

Text CheckPasswordStrength(std::string_view password) {
  if (password.size() < 10) return T("auth.password_short", {{"min_chars", 10}});
  if (password.size() > 200) return T("field.too_long", {{"max_chars", 200}});
  bool letter = false, other = false;
  for (unsigned char c : password) {
    if (std::isalpha(c) || c >= 0x80) {  // letters of any script count as letters
      letter = true;
    } else {
      other = true;
    }
  }
  if (!letter || !other) return T("auth.password_mix");
  return {};
}

}  // namespace park::auth
