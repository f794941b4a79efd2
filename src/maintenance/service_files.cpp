// Attachments of work orders and inspection rounds (issue 12 item 2): photos (JPEG, PNG, WebP) and documents
// (PDF) uploaded as the raw request body, their type decided by the file's first bytes (the Content-Type header
// must agree), at most ServiceSources::attachment_max_bytes, stored in the database and never on a path, every
// upload audited, served back with their type and a Content-Disposition naming the file.
#include <fmt/format.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::maintenance {

using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kAttachmentCols =
    "id, enterprise_id, work_order_id, round_id, kind, content_type, filename, size_bytes, uploaded_by, created_at";

struct Detected {
  std::string_view content_type;
  std::string_view kind;  // photo, document
};

// The type by the file's signature: JPEG FF D8 FF; PNG 89 'PNG' 0D 0A 1A 0A; WebP 'RIFF' size 'WEBP'; PDF '%PDF-'.
std::optional<Detected> DetectType(std::string_view b) {
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
      static_cast<unsigned char>(b[2]) == 0xFF) {
    return Detected{"image/jpeg", "photo"};
  }
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8))
    return Detected{"image/png", "photo"};
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return Detected{"image/webp", "photo"};
  if (b.size() >= 5 && b.substr(0, 5) == "%PDF-") return Detected{"application/pdf", "document"};
  return std::nullopt;
}

bool GoodFilename(std::string_view f) {
  if (f.empty() || f.size() > 200 || f == "." || f == "..") return false;
  for (unsigned char c : f) {
    if (c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == '"') return false;
  }
  return true;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
        c == '_') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Json AttachmentJson(const store::Row& r) {
  return {{"id", r.Int(0)},
          {"enterprise_id", r.Int(1)},
          {"work_order_id", r.IsNull(2) ? Json(nullptr) : Json(r.Int(2))},
          {"round_id", r.IsNull(3) ? Json(nullptr) : Json(r.Int(3))},
          {"kind", r.Text(4)},
          {"content_type", r.Text(5)},
          {"filename", r.Text(6)},
          {"size_bytes", r.Int(7)},
          {"uploaded_by", r.Text(8)},
          {"created_at", FormatInstantMs(r.Int(9))},
          {"href", fmt::format("/api/v1/maintenance/attachments/{}", r.Int(0))}};
}

enum class Owner { kWorkOrder, kRound };

}  // namespace

void Service::Impl::RegisterFiles(http::Router& router) {
  Impl* s = this;
  auto upload = [s](Owner owner) {
    return [s, owner](const Request& req) -> Response {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      const int64_t limit = s->src.attachment_max_bytes;
      if (static_cast<int64_t>(req.body.size()) > limit) {
        return Fail(Error::Coded(ErrorCode::kPayloadTooLarge,
                                 T("maintenance.attachment.too_large", {{"max_bytes", static_cast<double>(limit)}}),
                                 "body"));
      }
      if (req.body.empty()) return Fail(Error::Invalid("body", T("maintenance.attachment.empty")));
      const auto detected = DetectType(req.body);
      if (!detected) return Fail(Error::Invalid("body", T("maintenance.attachment.unknown_type")));
      const std::string declared = std::string(req.Header("content-type").value_or(""));
      if (!http::MediaTypeIs(declared, detected->content_type)) {
        return Fail(Error::Invalid("Content-Type", T("maintenance.attachment.type_mismatch",
                                                     {{"declared", declared}, {"detected", detected->content_type}})));
      }
      const std::string filename = std::string(req.Query("filename").value_or("attachment"));
      if (!GoodFilename(filename)) return Fail(Error::Invalid("filename", T("maintenance.attachment.filename")));
      Json out;
      auto st = s->src.store.Write([&](store::Tx& tx) -> Status {
        std::optional<store::Row> ownerRow;
        if (owner == Owner::kWorkOrder) {
          PARK_ASSIGN_OR_RETURN(ownerRow, tx.QueryOne("SELECT enterprise_id FROM work_orders WHERE id = $1", {*id}));
          if (!ownerRow || !req.Who().CanSeeEnterprise(ownerRow->Int(0))) {
            return Error::NotFound(T("maintenance.workorder.not_found", {{"id", std::to_string(*id)}}));
          }
        } else {
          PARK_ASSIGN_OR_RETURN(ownerRow,
                                tx.QueryOne("SELECT enterprise_id FROM inspection_rounds WHERE id = $1", {*id}));
          if (!ownerRow || !req.Who().CanSeeEnterprise(ownerRow->Int(0))) {
            return Error::NotFound(T("maintenance.round.not_found", {{"id", std::to_string(*id)}}));
          }
        }
        const int64_t ent = ownerRow->Int(0);
        const int64_t now = s->src.clock.NowMs();
        PARK_ASSIGN_OR_RETURN(
            auto row,
            tx.QueryOne("INSERT INTO maintenance_attachments (enterprise_id, work_order_id, round_id, kind, "
                        "content_type, filename, "
                        "size_bytes, data, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                        "RETURNING id",
                        {ent, owner == Owner::kWorkOrder ? store::Value(*id) : store::Value(nullptr),
                         owner == Owner::kRound ? store::Value(*id) : store::Value(nullptr),
                         std::string(detected->kind), std::string(detected->content_type), filename,
                         static_cast<int64_t>(req.body.size()), store::Bytes{req.body}, req.Who().name, now}));
        PARK_ASSIGN_OR_RETURN(
            auto saved,
            tx.QueryOne(fmt::format("SELECT {} FROM maintenance_attachments WHERE id = $1", kAttachmentCols),
                        {row->Int(0)}));
        out = AttachmentJson(*saved);
        Json after = out;
        after.erase("href");
        PARK_TRY(store::AppendAudit(tx, s->src.clock, &req.Who(),
                                    {"upload", "maintenance_attachment", row->Int(0), ent, nullptr, after}));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
    };
  };
  auto doc_upload = [](http::Route& r) {
    r.doc = Doc(r.doc.summary, {{"type", "string"}, {"format", "binary"}}, Obj(), 201);
    r.doc.request_content_type = "image/jpeg";
    r.doc.also_accepted_content_types = {"image/png", "image/webp", "application/pdf"};
    r.doc.query = {{"filename", "string", "the file's name (no path), shown on download"}};
  };
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kPost, "/api/v1/maintenance/work-orders/{id}/attachments", kHands,
        "Attach a photo (JPEG, PNG, WebP) or a document (PDF) to a work order: the file is the raw body with its "
        "Content-Type, whose type its first bytes must confirm (else 400 naming Content-Type or body); over the size "
        "limit (default 5 MiB) 413",
        upload(Owner::kWorkOrder));
    doc_upload(r);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kPost, "/api/v1/maintenance/rounds/{id}/attachments", kHands,
        "Attach a photo or document to an inspection round (its id, not the client's): a photo item's answer is the "
        "attachment's id; the same checks as a work order's attachments",
        upload(Owner::kRound));
    doc_upload(r);
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kGet, "/api/v1/maintenance/work-orders/{id}/attachments", kReaders,
        "A work order's photos and documents (without their bytes; each with its download href)",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          Json items = Json::array();
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto o, tx.QueryOne("SELECT enterprise_id FROM work_orders WHERE id = $1", {*id}));
            if (!o || !req.Who().CanSeeEnterprise(o->Int(0))) {
              return Error::NotFound(T("maintenance.workorder.not_found", {{"id", std::to_string(*id)}}));
            }
            PARK_ASSIGN_OR_RETURN(
                auto rows,
                tx.Query(fmt::format("SELECT {} FROM maintenance_attachments WHERE work_order_id = $1 ORDER BY id",
                                     kAttachmentCols),
                         {*id}));
            for (const auto& row : rows) items.push_back(AttachmentJson(row));
            return Status::Ok();
          });
          return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, Obj());
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "maintenance", Method::kGet, "/api/v1/maintenance/attachments/{id}", kReaders,
        "Download an attachment: its bytes with the type found at upload and a Content-Disposition naming the file",
        [s](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Fail(id.error());
          Response resp;
          auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(
                auto row,
                tx.QueryOne(
                    "SELECT enterprise_id, content_type, filename, data FROM maintenance_attachments WHERE id = $1",
                    {*id}));
            if (!row || !req.Who().CanSeeEnterprise(row->Int(0))) {
              return Error::NotFound(T("maintenance.attachment.not_found", {{"id", std::to_string(*id)}}));
            }
            const std::string filename = row->Text(2);
            std::string ascii;
            for (unsigned char c : filename) ascii += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? char(c) : '_';
            resp = Response::Text(std::string(row->Blob(3)), row->Text(1));
            resp.headers.push_back(
                {"Content-Disposition", fmt::format("{}; filename=\"{}\"; filename*=UTF-8''{}",
                                                    row->Text(1) == "application/pdf" ? "attachment" : "inline", ascii,
                                                    PercentEncode(filename))});
            resp.headers.push_back({"X-Content-Type-Options", "nosniff"});
            return Status::Ok();
          });
          return st.ok() ? resp : Fail(st.error());
        });
    r.doc = Doc(r.doc.summary, nullptr, {{"type", "string"}, {"format", "binary"}});
    r.doc.response_content_type = "application/octet-stream";
    router.Add(std::move(r));
  }
}

}  // namespace park::maintenance
