/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether this kernel can give a session the user namespace of user_ns = true. */
#pragma once

#include "error.h"

/* 0 when a user namespace can be made and mapped (one uid and gid, setgroups denied) as
 * the sandbox does it; else a negative errno with err saying which step failed. Root only. */
int userns_probe(struct error *err);
