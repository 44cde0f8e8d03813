#!/usr/bin/env bash
# The probe tests run the script under busybox sh with busybox's applets, as on Alpine.
set -euo pipefail
apt-get install -y -qq --no-install-recommends busybox
