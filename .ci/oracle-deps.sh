#!/bin/sh
# What scripts/oracle.mjs needs on a Debian 12 machine, as root: buildah builds and runs the
# scenarios, podman imports the base image, debootstrap makes it (skopeo for pushing images);
# ssh-keygen (openssh-client) makes the key of the RUN --mount=type=ssh scenarios.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y buildah podman skopeo debootstrap openssh-client
