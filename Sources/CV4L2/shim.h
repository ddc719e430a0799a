// Swift cannot import the VIDIOC_* request macros (they expand to _IOR/_IOW with a struct type),
// so each one is exposed as an inline function. Keep this file to constants and trivial wrappers.
#ifndef HIYARI_CV4L2_SHIM_H
#define HIYARI_CV4L2_SHIM_H

#include <fcntl.h>
#include <linux/videodev2.h>
#include <libv4l2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

static inline unsigned long hiyari_vidioc_querycap(void) { return VIDIOC_QUERYCAP; }
static inline unsigned long hiyari_vidioc_enum_fmt(void) { return VIDIOC_ENUM_FMT; }
static inline unsigned long hiyari_vidioc_enum_framesizes(void) { return VIDIOC_ENUM_FRAMESIZES; }
static inline unsigned long hiyari_vidioc_enum_frameintervals(void) { return VIDIOC_ENUM_FRAMEINTERVALS; }
static inline unsigned long hiyari_vidioc_g_fmt(void) { return VIDIOC_G_FMT; }
static inline unsigned long hiyari_vidioc_s_fmt(void) { return VIDIOC_S_FMT; }
static inline unsigned long hiyari_vidioc_g_parm(void) { return VIDIOC_G_PARM; }
static inline unsigned long hiyari_vidioc_s_parm(void) { return VIDIOC_S_PARM; }
static inline unsigned long hiyari_vidioc_reqbufs(void) { return VIDIOC_REQBUFS; }
static inline unsigned long hiyari_vidioc_querybuf(void) { return VIDIOC_QUERYBUF; }
static inline unsigned long hiyari_vidioc_qbuf(void) { return VIDIOC_QBUF; }
static inline unsigned long hiyari_vidioc_dqbuf(void) { return VIDIOC_DQBUF; }
static inline unsigned long hiyari_vidioc_streamon(void) { return VIDIOC_STREAMON; }
static inline unsigned long hiyari_vidioc_streamoff(void) { return VIDIOC_STREAMOFF; }
static inline unsigned long hiyari_vidioc_queryctrl(void) { return VIDIOC_QUERYCTRL; }
static inline unsigned long hiyari_vidioc_g_ctrl(void) { return VIDIOC_G_CTRL; }
static inline unsigned long hiyari_vidioc_s_ctrl(void) { return VIDIOC_S_CTRL; }
static inline unsigned long hiyari_vidioc_enuminput(void) { return VIDIOC_ENUMINPUT; }

// ioctl through libv4l2 with a typed argument pointer (v4l2_ioctl is variadic, which Swift cannot call).
static inline int hiyari_v4l2_ioctl(int fd, unsigned long request, void *arg) {
  return v4l2_ioctl(fd, request, arg);
}
static inline int hiyari_v4l2_open(const char *path) { return v4l2_open(path, O_RDWR | O_NONBLOCK, 0); }

#endif
