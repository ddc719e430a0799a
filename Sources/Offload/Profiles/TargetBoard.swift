import Engine

/// A board Hiyari targets, described by its published compute. Per-core peaks follow the core's
/// pipes: Cortex-A72 has two 128-bit ASIMD pipes but no dot product (Armv8.0-A), so int8 goes
/// through widening multiplies on its one integer-multiply pipe; Cortex-A76/A78AE have two
/// 128-bit pipes and SDOT/UDOT (Armv8.2-A dot product: 16 int8 MACs per instruction); Gracemont
/// (Intel N100) has AVX2 on two 128-bit pipes and AVX-VNNI.
public struct TargetBoard: Sendable, Hashable {
  /// The name `hiyari profile --board` takes.
  public var name: String
  public var title: String
  public var cpu: String
  public var compute: ComputeDescription
  /// Where the core count, clock, SIMD width and dot-product figures come from.
  public var source: String

  public init(name: String, title: String, cpu: String, compute: ComputeDescription, source: String) {
    self.name = name
    self.title = title
    self.cpu = cpu
    self.compute = compute
    self.source = source
  }

  public static let all: [TargetBoard] = [
    // Raspberry Pi documentation, "Processors: BCM2711": 4x Cortex-A72 (Armv8-A) at 1.5 GHz
    // (1.8 GHz on boards from 2020 on; the slower figure keeps the estimate conservative).
    // Arm Cortex-A72 TRM: Armv8.0-A, no dot-product instructions; two 128-bit ASIMD pipes.
    TargetBoard(
      name: "rpi4", title: "Raspberry Pi 4", cpu: "BCM2711, 4x Cortex-A72",
      compute: ComputeDescription(
        cores: 4, clockGHz: 1.5, simdBits: 128, fp32FlopsPerCycle: 16, int8DotProduct: false,
        int8MACsPerCycle: 8),
      source:
        "raspberrypi.com/documentation/computers/processors.html (BCM2711: 4x A72 @ 1.5 GHz); Arm Cortex-A72 TRM (Armv8.0-A, NEON 128-bit, no SDOT)"
    ),
    // Raspberry Pi documentation, "Processors: BCM2712": 4x Cortex-A76 at 2.4 GHz.
    // Arm Cortex-A76 TRM: Armv8.2-A with the dot-product extension; two 128-bit ASIMD pipes.
    TargetBoard(
      name: "rpi5", title: "Raspberry Pi 5", cpu: "BCM2712, 4x Cortex-A76",
      compute: ComputeDescription(
        cores: 4, clockGHz: 2.4, simdBits: 128, fp32FlopsPerCycle: 16, int8DotProduct: true,
        int8MACsPerCycle: 32),
      source:
        "raspberrypi.com/documentation/computers/processors.html (BCM2712: 4x A76 @ 2.4 GHz); Arm Cortex-A76 TRM (Armv8.2-A, NEON 128-bit, SDOT/UDOT)"
    ),
    // NVIDIA Jetson Orin Nano module data sheet / developer.nvidia.com/embedded/jetson-modules:
    // 6-core Arm Cortex-A78AE v8.2 at 1.5 GHz (1.7 GHz in the later "Super" mode).
    // Arm Cortex-A78AE TRM: Armv8.2-A with dot product; two 128-bit ASIMD pipes.
    TargetBoard(
      name: "orin-nano", title: "Jetson Orin Nano (CPU)", cpu: "6x Cortex-A78AE",
      compute: ComputeDescription(
        cores: 6, clockGHz: 1.5, simdBits: 128, fp32FlopsPerCycle: 16, int8DotProduct: true,
        int8MACsPerCycle: 32),
      source:
        "NVIDIA Jetson Orin Nano series data sheet (6x A78AE @ 1.5 GHz); Arm Cortex-A78AE TRM (Armv8.2-A, NEON 128-bit, SDOT/UDOT)"
    ),
    // Rockchip RK3588 data sheet / rock-chips.com: 4x Cortex-A76 at 2.4 GHz + 4x Cortex-A55 at
    // 1.8 GHz. Only the A76 cluster is counted: the model's threads belong on the big cores.
    TargetBoard(
      name: "rk3588", title: "RK3588 board (big cores)", cpu: "4x Cortex-A76 + 4x Cortex-A55",
      compute: ComputeDescription(
        cores: 4, clockGHz: 2.4, simdBits: 128, fp32FlopsPerCycle: 16, int8DotProduct: true,
        int8MACsPerCycle: 32),
      source:
        "Rockchip RK3588 data sheet (4x A76 @ 2.4 GHz + 4x A55 @ 1.8 GHz; A76 only counted); Arm Cortex-A76 TRM (SDOT/UDOT)"
    ),
    // Intel ark, Intel Processor N100 (product 231803): 4 cores / 4 threads, max turbo 3.4 GHz,
    // AVX2; Intel's Alder Lake-N (Gracemont) supports AVX-VNNI. Gracemont executes 256-bit AVX2
    // on two 128-bit pipes: 16 fp32 flops per cycle with FMA, 32 int8 MACs with VNNI.
    TargetBoard(
      name: "n100", title: "x86 mini-PC (Intel N100)", cpu: "4x Gracemont",
      compute: ComputeDescription(
        cores: 4, clockGHz: 3.4, simdBits: 256, fp32FlopsPerCycle: 16, int8DotProduct: true,
        int8MACsPerCycle: 32),
      source:
        "ark.intel.com Intel Processor N100 (4C/4T, 3.4 GHz turbo, AVX2); Intel optimization manual, Gracemont: 2x 128-bit vector pipes, AVX-VNNI"
    ),
  ]

  /// The board called `name`, or nil.
  public static func named(_ name: String) -> TargetBoard? { all.first { $0.name == name } }
}
