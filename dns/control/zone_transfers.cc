// File: dns/control/zone_transfers.cc
#include "dns/control/zone_transfers.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dns/control/change.h"
#include "dns/control/control_state.h"

namespace dns::control {

ZoneTransfers::ZoneTransfers(const Config& config, Logger log)
    : config_(config), log_(std::move(log)) {}

ZoneTransfers::~ZoneTransfers() { Stop(); }

absl::StatusOr<std::unique_ptr<ZoneTransfers>> ZoneTransfers::Create(
    const Config& config, std::shared_ptr<const tsig::KeyRing> keys, Logger log) {
  std::unique_ptr<ZoneTransfers> t(new ZoneTransfers(config, std::move(log)));
  xfr::OutgoingOptions out;
  out.config = config.transfer;
  out.data_dir = config.data_dir;
  out.keys = keys;
  out.own_addresses = config.listen;
  ZoneTransfers* me = t.get();
  out.log = [me](const std::string& line) { me->log_(line); };
  t->outgoing_ = std::make_unique<xfr::OutgoingTransfers>(std::move(out));
  if (!config.transfer.secondaries.empty()) {
    xfr::SecondariesOptions options;
    options.data_dir = config.data_dir;
    options.keys = keys;
    xfr::SecondaryCallbacks callbacks;
    ZoneTransfers* self = t.get();
    callbacks.commit = [self](const std::string& origin, const std::string& text,
                              uint32_t serial) -> absl::Status {
      if (self->state_ == nullptr) return absl::UnavailableError("not attached yet");
      auto shared = std::make_shared<const std::string>(text);
      return self->state_->Commit(
          change::TransferredZone{origin, std::move(shared), absl::StrCat("serial ", serial)});
    };
    callbacks.set_expired = [self](const std::string& origin, bool expired) {
      if (self->state_ == nullptr) return;
      absl::Status st = self->state_->Commit(change::SetZoneExpired{origin, expired});
      if (!st.ok()) self->log_(absl::StrCat("secondary zone ", origin, ": ", st.message()));
    };
    callbacks.log = [self](std::string_view line) { self->log_(std::string(line)); };
    absl::StatusOr<std::unique_ptr<xfr::Secondaries>> s =
        xfr::Secondaries::Create(config.transfer.secondaries, options, callbacks);
    if (!s.ok()) return s.status();
    t->secondaries_ = *std::move(s);
  }
  return t;
}

const TransferHooks* ZoneTransfers::hooks() const { return secondaries_.get(); }

void ZoneTransfers::Attach(ControlState* state) {
  state_ = state;
  xfr::OutgoingTransfers* out = outgoing_.get();
  state->SetPublishListener([out](const Snapshot& s) { out->OnPublished(s); });
  if (secondaries_ != nullptr) {
    const int loaded = secondaries_->LoadPersisted();
    if (loaded > 0) log_(absl::StrCat("secondary zones: ", loaded, " served from the data dir's copies"));
  }
}

void ZoneTransfers::Start() {
  outgoing_->Start();
  if (secondaries_ != nullptr) secondaries_->Start();
}

void ZoneTransfers::Stop() {
  if (secondaries_ != nullptr) secondaries_->Stop();
  if (outgoing_ != nullptr) outgoing_->Stop();
}

std::vector<ZoneTransferInfo> ZoneTransfers::Status() const {
  std::map<std::string, ZoneTransferInfo> by_origin;
  if (state_ != nullptr) {
    for (const ZoneInfo& z : state_->Zones()) {
      ZoneTransferInfo& i = by_origin[z.origin];
      i.origin = z.origin;
      i.serial = z.serial;
    }
  }
  for (xfr::OutgoingStatus& o : outgoing_->Status()) {
    ZoneTransferInfo& i = by_origin[o.origin];
    i.origin = o.origin;
    i.out = std::move(o);
  }
  if (secondaries_ != nullptr) {
    for (xfr::SecondaryStatus& s : secondaries_->Status()) {
      ZoneTransferInfo& i = by_origin[s.origin];
      i.origin = s.origin;
      i.secondary = true;
      if (s.has_zone) i.serial = s.serial;
      i.in = std::move(s);
    }
  }
  std::vector<ZoneTransferInfo> out;
  for (auto& [origin, i] : by_origin) out.push_back(std::move(i));
  return out;
}

TransferTotals ZoneTransfers::Totals() const {
  TransferTotals t;
  if (secondaries_ != nullptr) t.in = secondaries_->Totals();
  t.out = outgoing_->Totals();
  return t;
}

absl::Status ZoneTransfers::Retransfer(std::string_view origin) {
  if (secondaries_ == nullptr)
    return absl::NotFoundError(absl::StrCat("no secondary zones (--secondary)"));
  return secondaries_->Retransfer(origin);
}

absl::StatusOr<std::vector<std::string>> ZoneTransfers::Notify(std::string_view origin) {
  return outgoing_->NotifyNow(origin);
}

}  // namespace dns::control
