#!/bin/sh
set -e
# Match the host user's uid, so files written to the mount belong to them on the host.
if [ -n "$HOST_UID" ]; then
  usermod -u "$HOST_UID" trainer
fi
mkdir -p /workspace/checkpoints
chown -R trainer /workspace/checkpoints
exec gosu trainer "$@"
