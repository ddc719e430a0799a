import Testing

@testable import Capture

/// Host-side checks of the V4L2 path against real device nodes that are not cameras; the real
/// camera is exercised by the vivid VM rig (Hardware/vivid-rig).
@Suite struct V4L2DeviceTests {
  @Test func aMissingDeviceIsNamedInTheError() {
    #expect {
      _ = try V4L2Camera(path: "/dev/video-hiyari-missing")
    } throws: { error in
      let error = error as! CaptureError
      return error.kind == .notFound && error.description.hasPrefix("/dev/video-hiyari-missing: ")
    }
  }

  @Test func aCharacterDeviceThatIsNotACameraIsRejected() {
    #expect {
      _ = try V4L2Camera(path: "/dev/null")
    } throws: { error in
      let error = error as! CaptureError
      return error.kind == .notACaptureDevice && error.description == "/dev/null: is not a V4L2 device"
    }
  }

  @Test func frameSourcesRoutesDevicePathsToTheCameraAndFilesToLibav() {
    #expect(FrameSources.isCameraPath("/dev/null"))
    #expect(FrameSources.isCameraPath("/dev/video7"))
    #expect(!FrameSources.isCameraPath("/tmp"))
    #expect(!FrameSources.isCameraPath("clip.mp4"))
    #expect(MediaSource.isNetworkURL("rtsp://10.0.0.2/stream"))
    #expect(!MediaSource.isNetworkURL("file.mp4"))
    #expect(!MediaSource.isNetworkURL("c:weird"))
  }

  @Test func aBadBufferCountIsRejectedBeforeOpening() {
    var request = CameraRequest()
    request.bufferCount = 1
    #expect {
      _ = try V4L2Camera(path: "/dev/null", request: request)
    } throws: { error in
      (error as! CaptureError).reason.contains("buffer count")
    }
  }
}
