// Why a serial device refused its open with EACCES, said so that its user
// can act: such a device is nearly always for a group (dialout, uucp) that
// the user has to join.
#pragma once

#include <string>

namespace hio::detail {

// "Permission denied", and what the device's node says of it: when its
// group may read and write it and this process is not in that group, "...:
// it is for group 'dialout' (mode 0660), which this user is not in (add the
// user to it, then log in again)"; else its owner, group and mode ("... (mode
// 0600, owner root, group tty)"). Plain "Permission denied" when the node
// cannot be looked at. Looks, never opens.
std::string permission_denied_reason(const std::string& path);

}  // namespace hio::detail
