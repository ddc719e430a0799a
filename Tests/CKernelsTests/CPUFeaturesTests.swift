import CKernels
import Testing

// Other tests read hiyari_cpu_features_detected(), which the process-wide mask set here leaves alone.
@Suite(.serialized) struct CPUFeaturesTests {
  @Test func maskRestrictsAndRestoresTheDetectedFeatures() {
    let detected = hiyari_cpu_features_detected()
    hiyari_cpu_features_mask(0)
    #expect(hiyari_cpu_features() == 0)
    #expect(hiyari_cpu_features_detected() == detected)
    hiyari_cpu_features_mask(UInt32.max)
    #expect(hiyari_cpu_features() == detected)
  }

  #if arch(x86_64)
    @Test func avx512ImpliesAVX2OnX86() {
      let features = hiyari_cpu_features_detected()
      if features & UInt32(HIYARI_CPU_AVX512F) != 0 {
        #expect(features & UInt32(HIYARI_CPU_AVX2) != 0)
      }
      #expect(features & UInt32(HIYARI_CPU_SSE41) != 0, "every x86-64 target Hiyari supports has SSE4.1")
    }
  #endif
}
