# Home page: the versions this build ran with, read from installed packages.

# --8<-- [start:versions]
import platform

import matplotlib
import torch

print("Python     ", platform.python_version())
print("PyTorch    ", torch.__version__)
print("matplotlib ", matplotlib.__version__)
# --8<-- [end:versions]
