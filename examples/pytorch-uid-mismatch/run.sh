# How the image is started on the lab server: the host user (uid 1001) mounts their folder.
docker run --rm --gpus all \
  -v $PWD/checkpoints:/workspace/checkpoints \
  my-trainer:latest
