# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Runs litellm_credential in the controller's process when its task runs on the controller (plugin_utils/_in_process.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.llmops.litellm.plugins.plugin_utils._in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = 'litellm_credential'
