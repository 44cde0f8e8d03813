# Stand-in for a training script: saves a checkpoint where the run command mounts a host folder.
import os
import sys

out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else "checkpoints"
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "model.pt"), "wb") as f:
    f.write(b"weights")
