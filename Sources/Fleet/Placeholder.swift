import Offload
