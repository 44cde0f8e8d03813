#!/bin/sh
# What scripts/oracle.mjs needs on a Debian 12 machine, as root: buildah builds and runs the
# scenarios, podman imports the base image, debootstrap makes it (skopeo for pushing images).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y buildah podman skopeo debootstrap
