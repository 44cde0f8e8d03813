# The host user (uid 1001) passes their uid, and mounts their folder.
docker run --rm --gpus all \
  -e HOST_UID=1001 \
  -v $PWD/checkpoints:/workspace/checkpoints \
  my-trainer:latest
