print("hiyari-synth")
