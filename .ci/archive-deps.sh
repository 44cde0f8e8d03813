#!/bin/sh
# Tools the real-image tests of tests/archive/ use (they skip themselves when a tool is missing).
set -e
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends buildah skopeo podman docker-registry zstd
