# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Plan approval, an option of every module: apply exactly what a preview showed (plugin_utils and
    # module_utils/_approval.py; the callback llmops.litellm.plan collects the previews' plans).
    DOCUMENTATION = r'''
options:
  approved_plan:
    description:
      - The plan this task was approved with - the RV(plan_digest) (a string V(sha256:...)) or the RV(plan) (a
        mapping with the digest and the writes) that a check-mode preview of the same task returned.
      - The task plans as usual. If its plan differs from the approved one, because the proxy changed since the
        preview, the task fails, says what differs (which objects, which fields) and writes nothing; if the plans are
        the same it applies.
      - Without this option, the play variable C(litellm_approved_plans) written by the callback
        P(llmops.litellm.plan#callback) supplies it, by task name (and loop item).
    type: raw
notes:
  - Every result holds RV(plan_digest), a sha256 over the writes the task planned, in canonical form (method, path,
    query and body, secrets only as their own sha256, no Authorization header). The same plan always gives the same
    digest, in check mode and in a real run; a plan with no write has a digest of its own.
'''
